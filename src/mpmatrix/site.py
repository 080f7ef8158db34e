"""Turn the catalogue and the results into Markdown pages for mkdocs.

Everything a case printed is untrusted text: it is HTML-escaped and shown in
``<pre>`` blocks. Case titles are plain text and are escaped too; the
explanations are the case docstrings' reviewed Markdown.
"""
from __future__ import annotations

import collections
import html
import json
import re

from mpmatrix import START_METHODS, results
from mpmatrix.catalog import FAMILIES, Case

DIRECTION_LABELS = {
    'child-to-parent': 'child → parent',
    'parent-to-child-at-start': 'parent → child, at start',
    'parent-to-child-after-start': 'parent → child, after start',
    'sibling-to-sibling': 'sibling → sibling',
}
FAMILY_LABELS = {
    'instance-attributes': 'Instance attributes',
    'globals-and-class-state': 'Globals and class state',
    'shared-ctypes': 'Shared ctypes',
    'managers': 'Managers',
    'shared-memory': 'Shared memory',
    'message-passing': 'Message passing',
    'pools-and-executors': 'Pools and executors',
    'process-wide-state': 'Process-wide state',
    'pickling': 'Pickling and the entry point',
}
# Filled in by docs/javascripts/filter.js: typing hides the table rows without every word.
FILTER_BOX = ('<input class="table-filter" type="search" '
              'placeholder="Filter rows: a case, a verdict, an exception, e.g. spawn error">')
MARKDOWN_SPECIALS = re.compile(r'([\\`*_\[\]|#])')
MARKDOWN_PUNCTUATION = re.compile(r'[\\`*_\[\]{}()#+\-.!|~^:"\']')


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


def text(value: str) -> str:
    """Plain text made safe inside Markdown and HTML (titles, names, messages)."""
    return MARKDOWN_SPECIALS.sub(r'\\\1', html.escape(value))


def verdict_word(word: str) -> str:
    return f'<span class="verdict verdict-{word}">{html.escape(word)}</span>'


def verdict_cell(record) -> str:
    """A coloured verdict (with the error type); a failed run is outlined, with the expectation."""
    if record is None:
        return '·'
    cell = verdict_word(record.verdict or 'broken')
    if record.error_type:
        cell += f' <small>({html.escape(record.error_type)})</small>'
    if record.outcome == 'failed':
        cell = (f'<span class="mismatch" title="failed">{cell} '
                f'<small>expected {html.escape(record.expected)}</small></span>')
    return cell


def summary_cell(records: list) -> str:
    """One case x method across environments: the verdict if all agree, else each with where."""
    if not records:
        return '·'
    by_verdict = collections.defaultdict(list)
    for env_id, record in records:
        by_verdict[record.verdict or 'broken'].append((env_id, record))
    parts = []
    for word, found in by_verdict.items():
        types = sorted({record.error_type for _, record in found if record.error_type})
        part = verdict_word(word) + (f' <small>({html.escape(", ".join(types))})</small>'
                                     if types else '')
        if len(by_verdict) > 1:
            where = ', '.join(env_id for env_id, _ in found)
            part += f' <small title="{html.escape(where)}">×{len(found)}</small>'
        parts.append(part)
    cell = '<br>'.join(parts)
    if any(record.outcome == 'failed' for _, record in records):
        cell = f'<span class="mismatch" title="failed somewhere">{cell}</span>'
    return cell


def records_by_key(entry) -> dict:
    return {record.key: record for record in entry.records}


def matrix_page(catalog, environments: list) -> str:
    lines = ['# The matrix', '']
    if not environments:
        lines.append('!!! warning "No results yet"\n    Run `tox -e py,docs` to fill this page.')
        return '\n'.join(lines) + '\n'
    indexed = [(entry.environment, records_by_key(entry)) for entry in environments]
    names = ', '.join(f'[{env.id}](#{env.id.replace(".", "")})' for env, _ in indexed)
    lines += [f'Every case under every start method, in {len(indexed)} environment(s): {names}.',
              '',
              'A cell shows the verdict every environment observed; where they disagree, each '
              'verdict with the number of environments behind it (hover for which). An outlined '
              'cell marks a run whose verdict differed from the case\'s expectation there or that '
              'broke the case contract; `·` means no results.', '', FILTER_BOX, '',
              '## At a glance', '']
    for family in FAMILIES:
        members = [case for case in catalog.cases if case.family == family]
        if not members:
            continue
        lines += [f'### {FAMILY_LABELS[family]}', '',
                  '| case | ' + ' | '.join(START_METHODS) + ' |',
                  '|---|' + '---|' * len(START_METHODS)]
        for case in members:
            cells = [summary_cell([(env.id, by_key[(case.name, method)])
                                   for env, by_key in indexed
                                   if (case.name, method) in by_key
                                   and by_key[(case.name, method)].outcome != 'skipped'])
                     for method in START_METHODS]
            lines.append(f'| [{text(case.title)}](cases/{case.name}.md) | '
                         + ' | '.join(cells) + ' |')
        lines.append('')
    lines += ['## Per environment', '']
    for env, by_key in indexed:
        lines += [f'### {env.id}', '',
                  f'{env.implementation} {env.implementation_version} '
                  f'(Python {env.python_version}) on {env.os} {text(env.os_release)}, '
                  f'default start method **{env.default_start_method}**.', '',
                  '| case | ' + ' | '.join(START_METHODS) + ' |',
                  '|---|' + '---|' * len(START_METHODS)]
        for case in catalog.cases:
            cells = [verdict_cell(by_key.get((case.name, method))) for method in START_METHODS]
            lines.append(f'| [{case.name}](cases/{case.name}.md) | ' + ' | '.join(cells) + ' |')
        lines.append('')
    return '\n'.join(lines) + '\n'


def cases_index(catalog) -> str:
    lines = ['# Cases', '', 'One pattern of sharing state between processes per page, grouped by '
             'family, with what each start method is expected to do.', '', FILTER_BOX, '']
    for family in FAMILIES:
        members = [case for case in catalog.cases if case.family == family]
        if not members:
            continue
        lines += [f'## {FAMILY_LABELS[family]}', '',
                  '| case | direction | ' + ' | '.join(START_METHODS) + ' |',
                  '|---|---|' + '---|' * len(START_METHODS)]
        for case in members:
            marks = ' | '.join(verdict_word(case.expected[method]) for method in START_METHODS)
            lines.append(f'| [{text(case.title)}]({case.name}.md) | '
                         f'{DIRECTION_LABELS[case.direction]} | {marks} |')
        lines.append('')
    return '\n'.join(lines)


def case_page(case: Case, environments: list, titles: dict) -> str:
    lines = [f'# {text(case.title)}', '',
             f'**Family:** {FAMILY_LABELS[case.family]} · '
             f'**Direction:** {DIRECTION_LABELS[case.direction]} · '
             f'**Source:** `{case.path.parent.name}/{case.path.name}`', '',
             case.explanation, '', '## Expected', '',
             '| start method | expected |', '|---|---|']
    lines += [f'| {method} | {verdict_word(case.expected[method])} |' for method in START_METHODS]
    if case.overrides:
        lines += ['', 'Where it differs:', '', '| where | start method | expected | why |',
                  '|---|---|---|---|']
        for override in case.overrides:
            for method, verdict in override.expect.items():
                lines.append(f'| {text(override.describe())} | {method} | {verdict_word(verdict)} '
                             f'| {text(override.why)} |')
    lines += ['', '## Observed', '']
    lines += _observed(case, environments)
    if case.related:
        lines += ['', '## Related', '']
        lines += [f'- [{text(titles[name])}]({name}.md) (`{name}`)' for name in case.related]
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
    lines += ['', '### Output', '', 'What the case printed, per environment and start method.', '']
    for env, by_key in runs:
        lines += [f'??? note "{env.id}"', '']
        for method in START_METHODS:
            record = by_key.get((case.name, method))
            if record is None or record.outcome == 'skipped':
                continue
            lines += [f'    **{method}** — exit code {record.exit_code}, {record.duration:.2f} s', '',
                      f'    <pre><code>{_escape_block(record.stdout)}</code></pre>']
            if record.stderr.strip():
                lines += ['', '    stderr:', '',
                          f'    <pre><code>{_escape_block(record.stderr)}</code></pre>']
            for problem in record.problems:
                lines += ['', f'    - problem: {text(problem)}']
            lines.append('')
    return lines


def _escape_block(value: str) -> str:
    """Escape for a one-line HTML block inside an indented Markdown block.

    Inside the collapsible block Markdown still reads the line, so besides HTML
    escaping, every punctuation mark Markdown could act on (``__init__`` would
    turn bold) and every newline becomes a character reference.
    """
    escaped = MARKDOWN_PUNCTUATION.sub(lambda match: f'&#{ord(match.group())};',
                                       html.escape(value.rstrip('\n'), quote=False))
    return escaped.replace('\n', '&#10;') or '(nothing)'
