"""summary: the CI job summary, a Markdown page GitHub renders, built from untrusted results."""
from __future__ import annotations

import re

from mpmatrix import cli, results, summary
from mpmatrix.results import EnvironmentResults, Record

from .test_environment import SHA, environment_at

HOSTILE = '<img src=x onerror=alert(1)> | [link](javascript:alert(1)) **b** @admin #1'


def record(case='queue_result', method='spawn', verdict='propagates', expected='propagates',
           **fields):
    outcome = fields.pop('outcome', 'passed' if verdict == expected else 'failed')
    return Record(case=case, start_method=method, expected=expected, verdict=verdict,
                  outcome=outcome, **fields)


def entry(*records, version='3.13.0'):
    env = environment_at(version, runner='GitHub Actions ubuntu-24.04 20261110.1', commit=SHA,
                         recorded_at='2026-11-26T01:00:00+00:00')
    return EnvironmentResults(env, list(records))


def table_rows(markdown):
    return [line for line in markdown.splitlines() if line.startswith('| ') and '---' not in line]


def test_the_table_has_a_row_per_case_and_a_cell_per_method():
    markdown = summary.report([entry(
        record(method='fork'), record(method='spawn', verdict='isolated'),
        record('manager_dict', 'forkserver', verdict='unavailable', outcome='skipped'))])
    header, *rows = table_rows(markdown)
    assert header == '| case | fork | spawn | forkserver |'
    assert rows == ['| manager\\_dict | · | · | unavailable |',
                    '| queue\\_result | propagates | ❌ isolated, expected propagates | · |']
    assert '**1 passed, 1 failed, 1 skipped**' in markdown
    assert 'linux\\-x86\\_64\\-cpython\\-3\\.13\\.0' in markdown
    assert 'GitHub Actions ubuntu\\-24\\.04 20261110\\.1, c0ffee000000' in markdown


def test_every_mismatch_is_listed_with_what_the_run_printed():
    markdown = summary.report([entry(
        record(method='fork'),
        record(method='spawn', verdict='error', error_type='_pickle.PicklingError', exit_code=1,
               stderr='Traceback (most recent call last):\n_pickle.PicklingError: no\n'),
        record(method='forkserver', verdict=None, timed_out=True, duration=20.0,
               problems=['left behind: /dev/shm/psm_1']))])
    summaries = re.findall(r'<details><summary>(.*)</summary>', markdown)
    assert summaries == [
        'queue_result[forkserver]: observed no verdict, expected propagates, timed out; '
        'exit code None, 20.00 s',
        'queue_result[spawn]: observed error (_pickle.PicklingError), expected propagates; '
        'exit code 1, 0.00 s']
    assert '<p>problem: left behind: /dev/shm/psm_1</p>' in markdown
    assert '_pickle.PicklingError: no</pre>' in markdown


def test_a_pre_release_and_a_free_threaded_build_are_named_as_such():
    markdown = summary.report([EnvironmentResults(environment_at('3.16.0a2', free_threaded=True), [])])
    assert markdown.startswith('## linux\\-x86\\_64\\-cpython\\-3\\.16\\.0a2t\n')
    assert 'Python 3\\.16\\.0a2, free\\-threaded' in markdown


def test_untrusted_text_in_markdown_is_literal():
    markdown = summary.report([entry(record(verdict='error', error_type=HOSTILE))])
    [row] = table_rows(markdown)[1:]
    assert '\\<img' in row and '\\]\\(javascript' in row and '\\*\\*b' in row
    # No mark that could open a tag, a link, emphasis or a mention is left unescaped; the only
    # bare pipes are the table's own, so the cell stays one cell.
    assert not re.findall(r'(?<!\\)[<>\[\]()*@#]', row.replace('\\\\', ''))
    assert len(re.findall(r'(?<!\\)\|', row)) == 5


def test_an_email_address_in_markdown_cannot_become_a_link():
    """GFM's extended autolinks find addresses in the text after escapes are resolved: escaped,
    security-team@github.com.evil.example still became a mailto: link (cmark-gfm)."""
    for value in ('security-team@github.com.evil.example', 'mailto:a@b.co', 'xmpp:a@b.co/x'):
        markdown = summary.report([entry(record(verdict='error', error_type=value))])
        [row] = table_rows(markdown)[1:]
        address = value.split(':')[-1].split('@')[0]
        assert f'{summary.inline(address)}\\@\u200b' in row
        # After the @, GFM needs a letter, digit, - or _ for an address (or a mention)
        assert not re.search(r'@[\w-]', row)


def test_untrusted_text_in_html_is_escaped_and_cannot_leave_its_block():
    output = 'first\n\n' + HOSTILE + '\n</pre><script>alert(1)</script>\n\n    indented\n'
    markdown = summary.report([entry(record(verdict='error', error_type='x\n\n<b>', stdout=output,
                                            problems=['two\n\nlines <i>']))])
    assert '<script>' not in markdown and '<img' not in markdown
    assert '<b>' not in markdown and '<i>' not in markdown
    # Each <pre> opens a line after a blank one, so a blank line in the output cannot end it;
    # the output's own </pre> is escaped, so only ours closes it.
    assert markdown.count('<pre>') == markdown.count('</pre>') == 1
    assert '\n\n<pre>first\n\n&lt;img' in markdown
    assert '&lt;/pre&gt;&lt;script&gt;' in markdown
    assert '<p>problem: two lines &lt;i&gt;</p>' in markdown
    assert '<summary>queue_result[spawn]: observed error (x &lt;b&gt;)' in markdown


def test_control_characters_are_dropped():
    markdown = summary.report([entry(record(verdict='error', stdout='a\x1b[31mred\x00\r\n'))])
    assert '<pre>a[31mred</pre>' in markdown
    # C1 controls (U+009B opens an escape sequence too) and bidirectional overrides
    markdown = summary.report([entry(record(verdict='error', error_type='Bo\x9b31mom\u202e\u200f',
                                            stdout='x\x9d0;title\x9cy\u2066z\u061c\U000e0069'))])
    assert 'Bo31mom' in markdown and '<pre>x0;titleyz</pre>' in markdown
    # and the bidirectional marks, and the tag characters that spell hidden ASCII
    assert not re.search('[\x80-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\U000e0000-\U000e007f]',
                         markdown)


def test_the_whole_report_stays_within_what_github_takes():
    """Mismatch details have a budget; a merge of many environments with long cells is cut
    between environments, so no HTML block is left open."""
    long_type = 'E' * 200  # the longest error_type the schema allows
    environments = [entry(*[record(f'case_{number}', method=method, verdict='error',
                                   expected='isolated', error_type=long_type)
                            for number in range(105) for method in ('fork', 'spawn', 'forkserver')],
                          version=f'3.{minor}.0') for minor in range(8, 40)]
    markdown = summary.report(environments)
    assert len(markdown.encode('utf-8')) <= summary.REPORT_LIMIT
    assert re.search(r'Not shown here, since the report would be longer than GitHub takes: '
                     r'linux\\-x86\\_64\\-cpython\\-3\\.\d+\\.0, .* and \d+ more\\.', markdown)
    assert markdown.count('<details>') == markdown.count('</details>')


def test_one_environment_too_long_to_show_does_not_crowd_out_the_others():
    """A results file sorted first, with a table longer than the whole report may be (a huge
    number of records), used to leave out every environment after it too."""
    names = [f'case_{number:06}_' + 'x' * 80 for number in range(12_000)]
    huge = entry(*[record(name, method='fork') for name in names], version='3.8.0')
    markdown = summary.report([huge, entry(record(), version='3.13.0')])
    assert len(markdown.encode('utf-8')) <= summary.REPORT_LIMIT
    assert '## linux\\-x86\\_64\\-cpython\\-3\\.13\\.0' in markdown
    assert '## linux\\-x86\\_64\\-cpython\\-3\\.8\\.0' not in markdown
    assert markdown.endswith('Not shown here, since the report would be longer than GitHub takes: '
                             'linux\\-x86\\_64\\-cpython\\-3\\.8\\.0\\. The results files have them all\\.')


def test_long_output_is_cut_to_its_tail_and_the_report_to_what_github_takes():
    huge = ''.join(f'line {number} ' + '✓' * 20 + '\n' for number in range(100_000))  # ✓: 3 bytes
    records = [record(f'case_{number}', verdict='isolated', stdout=huge, stderr=huge)
               for number in range(200)]
    markdown = summary.report([entry(*records)])
    assert len(markdown.encode('utf-8')) < 1024 * 1024
    assert 'line 99999 ✓' in markdown and 'line 0 ✓' not in markdown
    assert 'stdout (last 3000 characters)' in markdown
    assert len(table_rows(markdown)) == 201  # the table keeps every case
    assert re.search(r'\d+ more mismatch\\\(es\\\) not shown here', markdown)


def test_the_command_prints_or_appends(tmp_path, capsys):
    data = entry(record(verdict='isolated', stdout='naïve ✓\n'))
    results.write(tmp_path / 'results' / results.file_name(data.environment), [data])
    assert cli.main(['summary', str(tmp_path / 'results')]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith('## linux') and 'naïve ✓' in printed

    target = tmp_path / 'step_summary.md'
    target.write_text('before\n', encoding='utf-8')
    assert cli.main(['summary', str(tmp_path / 'results'), '--append', str(target)]) == 0
    assert target.read_text(encoding='utf-8') == 'before\n' + printed


def test_no_results_is_a_clear_error(tmp_path, capsys):
    assert cli.main(['summary', str(tmp_path)]) == 2
    assert 'error: no results files in' in capsys.readouterr().err
