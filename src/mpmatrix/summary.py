"""A Markdown report of results: the case x start method table and every mismatch.

Written for a GitHub Actions job summary (``$GITHUB_STEP_SUMMARY``), which GitHub
renders as Markdown with HTML. Every value comes from a results file and is untrusted:
in Markdown it is flattened to one line, every ASCII punctuation mark is
backslash-escaped and each ``@`` followed by a zero-width space (so it can open no
link, tag, table cell or emphasis, and name no address or account); inside HTML
elements it is HTML-escaped. Captured output is cut to its tail, and the whole report
to what GitHub accepts for one step.
"""
from __future__ import annotations

import collections
import html
import re

from mpmatrix import START_METHODS, untrusted

# GitHub takes at most 1 MiB of summary per step; leave room for the table itself.
DETAILS_BUDGET = 600_000  # bytes of UTF-8
REPORT_LIMIT = 1_000_000  # bytes of UTF-8: whole environments beyond it are left out
NOTE_NAMES = 20  # environments named in the note of those left out
NOTE_ROOM = 4_000  # bytes kept for that note (ids are at most 120 characters)
OUTPUT_TAIL_CHARS = 3000
ASCII_PUNCTUATION = re.compile(r'([!-/:-@\[-`{-~])')
FAILED_MARK = '❌ '
ZERO_WIDTH_SPACE = '\u200b'


def inline(value) -> str:
    """Untrusted text made literal in Markdown: one line, every punctuation mark escaped, and a
    zero-width space after each ``@``. GFM finds email addresses (``a@b.co``, ``mailto:a@b.co``)
    in the text once escapes are resolved, so escaping cannot stop them from becoming links; a
    character that cannot follow the ``@`` of an address or a mention can."""
    flat = ' '.join(untrusted.CONTROLS.sub('', str(value)).split())
    return ASCII_PUNCTUATION.sub(r'\\\1', flat).replace('@', '@' + ZERO_WIDTH_SPACE)


def text(value) -> str:
    """Untrusted text made literal inside an HTML element (control characters dropped)."""
    return html.escape(untrusted.CONTROLS.sub('', str(value)), quote=True)


def line(value) -> str:
    """Untrusted text made literal inside an HTML element on one line (a blank line would end it)."""
    return text(' '.join(str(value).split()))


def observed(record) -> str:
    verdict = 'no verdict' if record.verdict is None else record.verdict
    return f'{verdict} ({record.error_type})' if record.error_type else verdict


def report(environments: list) -> str:
    """The whole report for these EnvironmentResults, at most REPORT_LIMIT bytes. An environment
    that would not fit is left out, not those after it: one file cannot crowd out the others."""
    parts, budget, size, left_out = [], DETAILS_BUDGET, 0, []
    for entry in environments:
        part, left = environment_report(entry, budget)
        part_size = len(part.encode('utf-8')) + 1
        if size + part_size > REPORT_LIMIT - NOTE_ROOM:
            left_out.append(entry.environment.id)
            continue
        parts.append(part)
        budget, size = left, size + part_size
    if left_out:
        shown = ', '.join(inline(env_id) for env_id in left_out[:NOTE_NAMES])
        more = f' and {len(left_out) - NOTE_NAMES} more' if len(left_out) > NOTE_NAMES else ''
        parts.append(f'Not shown here, since the report would be longer than GitHub takes: {shown}{more}\\. '
                     'The results files have them all\\.')
    return '\n'.join(parts)


def environment_report(entry, budget: int) -> tuple:
    """One environment's section, and what is left of the budget for mismatch details."""
    env = entry.environment
    counts = collections.Counter(record.outcome for record in entry.records)
    lines = [f'## {inline(env.id)}', '',
             f'{inline(env.implementation)} {inline(env.implementation_version)} '
             f'\\(Python {inline(env.python_version)}'
             + (', free\\-threaded' if env.free_threaded else '') + '\\) on '
             f'{inline(env.os)} {inline(env.os_release)} \\({inline(env.machine)}\\), '
             f'default start method **{inline(env.default_start_method)}**\\.']
    provenance = [inline(value) for value in (env.runner, env.commit and env.commit[:12],
                                              env.recorded_at) if value]
    if provenance:
        lines += ['', 'Recorded by ' + ', '.join(provenance) + '\\.']
    lines += ['', f'**{counts["passed"]} passed, {counts["failed"]} failed, '
                  f'{counts["skipped"]} skipped** \\(start method unavailable here\\)\\.', '',
              '| case | ' + ' | '.join(START_METHODS) + ' |',
              '|---|' + '---|' * len(START_METHODS)]
    by_key = {(record.case, record.start_method): record for record in entry.records}
    for case in sorted({record.case for record in entry.records}):
        cells = [cell(by_key.get((case, method))) for method in START_METHODS]
        lines.append(f'| {inline(case)} | ' + ' | '.join(cells) + ' |')
    mismatches = sorted((record for record in entry.records if record.outcome == 'failed'),
                        key=lambda record: record.key)
    if mismatches:
        lines += ['', f'### Mismatches in {inline(env.id)}', '']
        for number, record in enumerate(mismatches):
            details = mismatch(record)
            size = len(details.encode('utf-8'))
            if size > budget:
                lines.append(f'{len(mismatches) - number} more mismatch\\(es\\) not shown here: '
                             'the results file has them all\\.')
                break
            budget -= size
            lines.append(details)
    return '\n'.join(lines) + '\n', budget


def cell(record) -> str:
    if record is None:
        return '·'
    shown = inline(observed(record))
    if record.outcome == 'failed':
        return f'{FAILED_MARK}{shown}, expected {inline(record.expected)}'
    return shown


def mismatch(record) -> str:
    """One mismatch: a line that says it, then what the run printed, folded."""
    title = (f'{record.case}[{record.start_method}]: observed {observed(record)}, '
             f'expected {record.expected}')
    if record.timed_out:
        title += ', timed out'
    title += f'; exit code {record.exit_code}, {record.duration:.2f} s'
    # Each HTML block below starts after a blank line; a <pre> block is the only kind that
    # a blank line inside the captured output does not end.
    parts = [f'<details><summary>{line(title)}</summary>', '']
    parts += [f'<p>problem: {line(problem)}</p>\n' for problem in record.problems]
    for name, output in (('stdout', record.stdout), ('stderr', record.stderr)):
        if output.strip():
            cut = len(output) > OUTPUT_TAIL_CHARS
            label = f'{name} (last {OUTPUT_TAIL_CHARS} characters)' if cut else name
            parts += [f'<p>{label}:</p>', '',
                      f'<pre>{text(output[-OUTPUT_TAIL_CHARS:].rstrip())}</pre>', '']
    parts += ['</details>', '']
    return '\n'.join(parts)
