"""Turn the catalogue and the results into Markdown pages for mkdocs.

Everything a case printed is untrusted text: it is HTML-escaped and shown in
``<pre>`` blocks. Titles and explanations come from the case docstrings, which
are reviewed Markdown.
"""
from __future__ import annotations

import html
import json

from mpmatrix import START_METHODS, results
from mpmatrix.catalog import FAMILIES, Case

DIRECTION_LABELS = {
    'child-to-parent': 'child → parent',
    'parent-to-child-at-start': 'parent → child, at start',
    'parent-to-child-after-start': 'parent → child, after start',
    'sibling-to-sibling': 'sibling → sibling',
}
FAMILY_LABELS = {family: family.replace('-', ' ').capitalize() for family in FAMILIES}


def pages(catalog, environments: list) -> dict:
    """Every generated file: path (relative to the docs dir) -> text."""
    generated = {
        'matrix.md': matrix_page(catalog, environments),
        'cases/index.md': cases_index(catalog),
        'results.json': json.dumps({'schema_version': results.SCHEMA_VERSION,
                                    'environments': [entry.as_dict() for entry in environments]},
                                   indent=1, ensure_ascii=False),
        'results.schema.json': results.SCHEMA_PATH.read_text(encoding='utf-8'),
    }
    titles = {case.name: case.title for case in catalog.cases}
    for case in catalog.cases:
        generated[f'cases/{case.name}.md'] = case_page(case, environments, titles)
    return generated


def records_by_key(entry) -> dict:
    return {record.key: record for record in entry.records}


def verdict_cell(record) -> str:
    """A coloured verdict word (with the error type); a run that failed is outlined, with the expectation."""
    if record is None:
        return '·'
    word = record.verdict or 'broken'
    text = f'<span class="verdict verdict-{word}">{html.escape(word)}</span>'
    if record.error_type:
        text += f' <small>({html.escape(record.error_type)})</small>'
    if record.outcome == 'failed':
        text = (f'<span class="mismatch" title="failed">{text} '
                f'<small>expected {html.escape(record.expected)}</small></span>')
    return text


def matrix_page(catalog, environments: list) -> str:
    lines = ['# The matrix', '',
             'Every case under every start method, in every environment that ran it. '
             'An outlined cell marks a run whose verdict differed from the case\'s expectation '
             'or that broke the case contract; `·` a run that is not in the results.', '']
    if not environments:
        lines.append('!!! warning "No results yet"\n    Run `tox -e py,docs` to fill this page.')
        return '\n'.join(lines) + '\n'
    for entry in environments:
        env = entry.environment
        by_key = records_by_key(entry)
        lines += [f'## {env.id}', '',
                  f'{env.implementation} {env.implementation_version} '
                  f'(Python {env.python_version}) on {env.os} {html.escape(env.os_release)}, '
                  f'default start method **{env.default_start_method}**.', '',
                  '| case | ' + ' | '.join(START_METHODS) + ' |',
                  '|---|' + '---|' * len(START_METHODS)]
        for case in catalog.cases:
            cells = [verdict_cell(by_key.get((case.name, method))) for method in START_METHODS]
            lines.append(f'| [{case.name}](cases/{case.name}.md) | ' + ' | '.join(cells) + ' |')
        lines.append('')
    return '\n'.join(lines) + '\n'


def cases_index(catalog) -> str:
    lines = ['# Cases', '', 'One pattern of sharing state between processes per page, '
             'grouped by family.', '']
    for family in FAMILIES:
        members = [case for case in catalog.cases if case.family == family]
        if not members:
            continue
        lines += [f'## {FAMILY_LABELS[family]}', '', '| case | direction | fork | spawn | forkserver |',
                  '|---|---|---|---|---|']
        for case in members:
            lines.append(f'| [{html.escape(case.title)}]({case.name}.md) | '
                         f'{DIRECTION_LABELS[case.direction]} | '
                         + ' | '.join(case.expected[method] for method in START_METHODS) + ' |')
        lines.append('')
    return '\n'.join(lines)


def case_page(case: Case, environments: list, titles: dict) -> str:
    lines = [f'# {html.escape(case.title)}', '',
             f'**Family:** {FAMILY_LABELS[case.family]} · '
             f'**Direction:** {DIRECTION_LABELS[case.direction]} · '
             f'**Source:** `{case.path.parent.name}/{case.path.name}`', '',
             case.explanation, '', '## Expected', '',
             '| start method | expected |', '|---|---|']
    lines += [f'| {method} | {case.expected[method]} |' for method in START_METHODS]
    if case.overrides:
        lines += ['', 'Where it differs:', '', '| where | start method | expected | why |',
                  '|---|---|---|---|']
        for override in case.overrides:
            for method, verdict in override.expect.items():
                lines.append(f'| {override.describe()} | {method} | {verdict} | '
                             f'{html.escape(override.why)} |')
    lines += ['', '## Observed', '']
    lines += _observed(case, environments)
    if case.related:
        lines += ['', '## Related', '']
        lines += [f'- [{html.escape(titles[name])}]({name}.md) (`{name}`)' for name in case.related]
    lines += ['', '## Source', '', f'Run it yourself: `python cases/{case.path.name} '
              '--start-method spawn`', '', '```python',
              f'--8<-- "cases/{case.path.name}"', '```', '']
    return '\n'.join(lines)


def _observed(case: Case, environments: list) -> list:
    runs = [(entry.environment, records_by_key(entry)) for entry in environments]
    runs = [(env, by_key) for env, by_key in runs
            if any((case.name, method) in by_key for method in START_METHODS)]
    if not runs:
        return ['No results for this case yet.']
    lines = ['| environment | ' + ' | '.join(START_METHODS) + ' |',
             '|---|' + '---|' * len(START_METHODS)]
    for env, by_key in runs:
        cells = [verdict_cell(by_key.get((case.name, method))) for method in START_METHODS]
        lines.append(f'| {env.id} | ' + ' | '.join(cells) + ' |')
    lines += ['', '### Output', '']
    for env, by_key in runs:
        lines += [f'??? note "{env.id}"', '']
        for method in START_METHODS:
            record = by_key.get((case.name, method))
            if record is None or record.outcome == 'skipped':
                continue
            lines.append(f'    **{method}** — exit code {record.exit_code}, '
                         f'{record.duration:.2f} s')
            lines.append('')
            lines.append(f'    <pre><code>{_escape_block(record.stdout)}</code></pre>')
            if record.stderr.strip():
                lines += ['', '    stderr:', '',
                          f'    <pre><code>{_escape_block(record.stderr)}</code></pre>']
            for problem in record.problems:
                lines += ['', f'    - problem: {html.escape(problem)}']
            lines.append('')
    return lines


def _escape_block(text: str) -> str:
    """Escape for a one-line HTML block inside an indented Markdown block: newlines as entities."""
    return html.escape(text.rstrip('\n')).replace('\n', '&#10;') or '(nothing)'
