"""cli: run prints a table, list validates, new writes a case that passes validation once edited."""
from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

from mpmatrix import cli, processes, results, runner
from mpmatrix.catalog import CaseError, load_case
from mpmatrix.results import EnvironmentResults

from .conftest import ROOT, python_after
from .test_catalog import GOOD, environment, write_case
from .test_results import record


def test_run_prints_a_table(capsys):
    assert cli.main(['run', str(ROOT / 'cases' / 'instance_attribute_plain.py'),
                     '--start-method', 'spawn']) == 0
    out = capsys.readouterr().out
    assert 'A plain instance attribute changed in the child' in out
    assert 'method  verdict   expected  time' in out
    assert 'spawn   isolated  isolated' in out


def test_run_takes_a_case_by_its_name_from_cases(capsys, monkeypatch, tmp_path):
    """The site and `list` name cases; `run NAME` finds cases/NAME.py, and a file NAME wins."""
    monkeypatch.chdir(ROOT)
    assert cli.main(['run', 'instance_attribute_plain', '--start-method', 'spawn']) == 0
    assert 'spawn   isolated  isolated' in capsys.readouterr().out
    monkeypatch.chdir(tmp_path)  # no cases/ here: the name is a path that does not exist
    assert cli.main(['run', 'instance_attribute_plain']) == 2
    assert capsys.readouterr().err == ('error: instance_attribute_plain: no such file, and no '
                                       f"{Path('cases', 'instance_attribute_plain.py')} here (the "
                                       "project's root)\n")
    (tmp_path / 'cases').mkdir()
    (tmp_path / 'cases' / 'instance_attribute_plain.py').write_bytes(
        (ROOT / 'cases' / 'instance_attribute_plain.py').read_bytes())
    (tmp_path / 'instance_attribute_plain').write_text('x = (\n')
    assert cli.main(['run', 'instance_attribute_plain']) == 2
    assert capsys.readouterr().err.startswith('error: instance_attribute_plain: syntax error')


def test_list_shows_every_case_in_100_columns(capsys):
    cli.main(['list', '--cases', str(ROOT / 'cases')])
    out = capsys.readouterr().out
    assert 'instance_attribute_plain' in out
    assert 'A plain instance attribute changed in the child' in out
    assert max(len(line) for line in out.splitlines()) <= 100


def long_case(tmp_path):
    return write_case(tmp_path, GOOD.replace('A good case', 'A good case ' + 'with a long title ' * 8)
                      .replace("EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', "
                               "'forkserver': 'isolated'}",
                               "EXPECTED = {'fork': 'error (multiprocessing.context.AuthenticationError)', "
                               "'spawn': 'error (_pickle.PicklingError)', "
                               "'forkserver': 'error (multiprocessing.context.AuthenticationError)'}")
                      .replace('OVERRIDES = []', "OVERRIDES = [{'implementation': 'pypy', "
                               "'implementation_version': {'before': '7.3.12'}, "
                               "'expect': {'spawn': 'error (pickle.PicklingError)'}, 'why': 'PyPy.'}]")
                      .replace('RELATED = []', "RELATED = ['instance_attribute_plain']"),
                      'a_case_with_a_rather_long_name_for_the_listing')


def test_list_wraps_long_lines(tmp_path, capsys):
    long_case(tmp_path)
    write_case(tmp_path, GOOD, 'instance_attribute_plain')
    assert cli.main(['list', '--cases', str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 100
    assert 'forkserver: error (multiprocessing.context.AuthenticationError)' in out
    assert 'a_case_with_a_rather_long_name_for_the_listing  child-to-parent, 1 override(s)' in out


def test_errors_reach_the_terminal_without_escape_sequences(tmp_path, capsys):
    """A file's name is untrusted too: it may hold an escape sequence (and a case name never does)."""
    write_case(tmp_path, GOOD, 'evil\x1b]0;pwned\x07\x1b[31m\u202ex')
    assert cli.main(['list', '--cases', str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert 'evil\\x1b]0;pwned\\x07\\x1b[31m\\u202ex.py: ' in err
    assert not set('\x1b\x07\u202e') & set(err)
    results_dir = tmp_path / 'results'
    results_dir.mkdir()
    (results_dir / 'bad\x1b[2J.json').write_text('{')
    assert cli.main(['summary', str(results_dir)]) == 2
    err = capsys.readouterr().err
    assert 'bad\\x1b[2J.json: not valid JSON' in err and '\x1b' not in err


@pytest.mark.skipif(os.name != 'posix', reason='Windows allows no newline in a file name')
def test_a_file_name_cannot_start_a_line_of_its_own(tmp_path, capsys):
    """A newline in a file's name would let it write a line of its choosing in a CI log: a GitHub
    Actions command (::error::) is a line that starts with ::."""
    write_case(tmp_path, GOOD, 'x\n::error title=Pwned::see\tthis')
    assert cli.main(['list', '--cases', str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert 'x\\n::error title=Pwned::see\\tthis.py: ' in err
    assert [line for line in err.splitlines() if not line.startswith('error: ')] == []
    results_dir = tmp_path / 'results'
    results_dir.mkdir()
    (results_dir / 'bad\n::error::x.json').write_text('{')
    assert cli.main(['summary', str(results_dir)]) == 2
    err = capsys.readouterr().err
    assert err.startswith('error: ') and err.count('\n') == 1 and 'bad\\n::error::x.json' in err


def test_list_as_json_for_tools(tmp_path, capsys):
    long_case(tmp_path)
    write_case(tmp_path, GOOD, 'instance_attribute_plain')
    write_case(tmp_path, GOOD.replace("'spawn': 'isolated'", "'spawn': 'error'"), 'bare_error')
    assert cli.main(['list', '--cases', str(tmp_path), '--format', 'json']) == 1
    listing = json.loads(capsys.readouterr().out)
    case = {case['name']: case for case in listing['cases']}['a_case_with_a_rather_long_name_for_the_listing']
    assert case['family'] == 'managers' and case['direction'] == 'child-to-parent'
    assert case['title'].startswith('A good case with a long title')
    assert case['expected']['spawn'] == {'verdict': 'error', 'error_type': '_pickle.PicklingError'}
    assert case['related'] == ['instance_attribute_plain']
    [override] = case['overrides']
    assert override['implementation_version'] == {'since': None, 'before': '7.3.12'}
    assert override['where'] == 'pypy < 7.3.12' and override['why'] == 'PyPy.'
    assert override['expect'] == {'spawn': {'verdict': 'error', 'error_type': 'pickle.PicklingError'}}
    [error] = listing['errors']
    assert error['path'].endswith('bare_error.py') and "bare 'error'" in error['problems'][0]


@pytest.mark.parametrize('command', [[], ['list'], ['new'], ['run']])
def test_help_is_plain_text(command, capsys):
    with pytest.raises(SystemExit):
        cli.main([*command, '--help'])
    out = capsys.readouterr().out
    assert 'usage:' in out and '``' not in out and '`' not in out


EDITED_PROSE = '''A plain dict passed to a child and changed there

The child gets a copy of the dict: pickled for spawn and forkserver, copied
with the whole memory under fork. The parent's dict never changes.
'''


def test_new_writes_a_case_that_is_valid_once_its_prose_is_edited(tmp_path, capsys):
    assert cli.main(['new', 'pipe_duplex', '--family', 'message-passing',
                     '--direction', 'child-to-parent', '--cases', str(tmp_path)]) == 0
    path = tmp_path / 'pipe_duplex.py'
    with pytest.raises(CaseError, match="still has the template's placeholder prose"):
        load_case(path)
    text = path.read_text(encoding='utf-8')
    path.write_text(re.sub(r'(?s)\A""".*?"""', f'"""{EDITED_PROSE}"""', text), encoding='utf-8')
    case = load_case(path)
    assert (case.family, case.direction, case.title) == (
        'message-passing', 'child-to-parent', 'A plain dict passed to a child and changed there')
    assert cli.main(['run', str(case.path), '--start-method', 'spawn']) == 0
    assert cli.main(['new', 'pipe_duplex', '--family', 'managers', '--direction',
                     'child-to-parent', '--cases', str(tmp_path)]) == 2
    assert 'already exists' in capsys.readouterr().err


def test_a_half_edited_template_is_still_rejected(tmp_path):
    cli.main(['new', 'half_done', '--family', 'managers', '--direction', 'child-to-parent',
              '--cases', str(tmp_path)])
    path = tmp_path / 'half_done.py'
    text = path.read_text(encoding='utf-8')
    start = text.index('Replace this paragraph with one or two')
    end = text.index('**Why.**')
    path.write_text(text[:start] + 'The child changes a dict; the parent never sees it.\n\n'
                    + text[end:], encoding='utf-8')
    with pytest.raises(CaseError, match=r"placeholder prose \('\*\*Why\.\*\* Replace this"):
        load_case(path)


@pytest.mark.parametrize('name', ['ünï_case', '1digit_name', 'with space', 'dash-name', 'Upper',
                                  'queue', '_hidden', 'aux'])  # the catalogue skips _hidden.py
def test_new_refuses_a_name_that_is_not_a_case_name(tmp_path, capsys, name):
    assert cli.main(['new', name, '--family', 'managers', '--direction', 'child-to-parent',
                     '--cases', str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f'error: {tmp_path / name}.py: ')
    assert any(reason in err for reason in ('a case name is a lowercase ASCII identifier',
                                            'standard-library module', 'a device name on Windows'))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize('title', ['Oops"""\nimport os', '--8<-- "/etc/passwd"'])
def test_new_refuses_a_title_that_would_break_the_file(tmp_path, capsys, title):
    assert cli.main(['new', 'fine_name', '--family', 'managers', '--direction', 'child-to-parent',
                     '--title', title, '--cases', str(tmp_path)]) == 2
    assert 'the title is one line of printable text' in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize('expected, status, shown', [
    ('error (RuntimeError)', 1, 'FAILED'),  # a typo raised NameError: not the pattern
    ('error (NameError)', 0, 'ok'),
])
def test_run_compares_the_error_type(tmp_path, capsys, expected, status, shown):
    text = GOOD.replace("'spawn': 'isolated'", f"'spawn': {expected!r}").replace(
        "    print('verdict: propagates')", "    raise RuntimeErorr('context has already been set')")
    path = write_case(tmp_path, text, 'typo_case')
    assert cli.main(['run', str(path), '--start-method', 'spawn']) == status
    out = capsys.readouterr().out
    assert re.search(rf'spawn +error \(NameError\) +{re.escape(expected)} +[\d.]+ s +{shown}', out), out


def test_bad_input_is_one_clear_line(tmp_path, capsys):
    broken = tmp_path / 'broken.py'
    broken.write_text('def (:\n')
    assert cli.main(['run', str(broken)]) == 2
    assert capsys.readouterr().err.startswith(f'error: {broken}: syntax error at line 1')
    assert cli.main(['merge', str(tmp_path), '-o', os.devnull]) == 2


def test_run_shows_what_the_case_printed_without_sending_its_escape_sequences(tmp_path, capsys):
    text = GOOD.replace("    print('verdict", "    print('\\x1b]0;pwned\\x07\\u202e')\n    print('verdict")
    path = write_case(tmp_path, text, 'noisy_case')
    assert cli.main(['run', str(path), '--start-method', 'fork', '-v']) == 0
    out = capsys.readouterr().out
    assert 'stdout:\n\\x1b]0;pwned\\x07\\u202e\nverdict: propagates' in out
    assert not set('\x1b\x07\u202e') & set(out)


def test_run_shows_windows_line_ends_as_line_ends(capsys):
    cli._print_run(runner.Run(case='x', start_method='spawn', verdict='isolated',
                              stdout='a\r\nverdict: isolated\r\n'))
    assert 'stdout:\na\nverdict: isolated\n' in capsys.readouterr().out


@pytest.mark.parametrize('name', ['argparse.py', 'bisect.pyc', 'json/__init__.py'])
def test_run_refuses_a_case_beside_a_module_it_would_import_instead_of_the_standard_librarys(
        tmp_path, capsys, name):
    """Every case imports argparse: one beside a downloaded case would run inside it, unchecked."""
    path = write_case(tmp_path, GOOD, 'downloaded_case')
    stray = tmp_path / name
    stray.parent.mkdir(exist_ok=True)
    stray.write_text('raise SystemExit("the stray ran")\n')
    (tmp_path / 'notes').mkdir()  # a directory that is no package shadows nothing
    (tmp_path / 'helper.py').write_text('')  # nor does a module the standard library lacks
    assert cli.main(['run', str(path), '--start-method', 'fork']) == 2
    shown, module = name.split('/')[0], name.split('.')[0].split('/')[0]
    assert capsys.readouterr().err == (
        f'error: {path}: {shown} beside it would be imported in place of the standard '
        f"library's {module} inside the case (a script's own directory comes first on sys.path): "
        'run the case from a directory without it\n')
    stray.unlink()
    assert cli.main(['run', str(path), '--start-method', 'fork']) == 0


@pytest.mark.parametrize('value', ['nan', 'inf', '-1', '0', '301'])
def test_a_timeout_that_would_never_expire_or_already_has_is_refused(capsys, value):
    """--timeout nan never expired: a hanging case ran on, its own TIMEOUT ignored."""
    with pytest.raises(SystemExit) as exited:
        cli.main(['run', str(ROOT / 'cases' / 'queue_result.py'), '--timeout', value])
    assert exited.value.code == 2
    assert f"argument --timeout: '{value}': a timeout is a number of seconds in (0, 300]" \
        in capsys.readouterr().err


@pytest.mark.parametrize('option, message', [
    (['--budget', 'nan'], "argument --budget: 'nan': the budget is a number of seconds in (0, 1e+06]"),
    (['--budget', '-5'], "argument --budget: '-5': the budget is a number of seconds in (0, 1e+06]"),
    (['--repeats', '1001'], 'argument --repeats: 1001 is more than 1000'),
    (['--warmup', '1001'], 'argument --warmup: 1001 is more than 1000'),
])
def test_bench_settings_the_figures_could_not_hold_are_refused_before_it_runs(capsys, tmp_path, option,
                                                                               message):
    """They were refused by the figures schema once the whole bench had run (NaN with a traceback)."""
    with pytest.raises(SystemExit) as exited:
        cli.main(['bench', '--output-dir', str(tmp_path), *option])
    assert exited.value.code == 2 and message in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


@pytest.mark.skipif(not hasattr(signal, 'SIGKILL'), reason='POSIX signals')
@pytest.mark.parametrize('signals', [('SIGTERM',), ('SIGHUP', 'SIGTERM')], ids=['term', 'hangup-then-term'])
def test_sigterm_stops_a_run_as_ctrl_c_does_and_leaves_nothing(tmp_path, signals):
    """SIGTERM ended `mpmatrix run` at once and left the case running, reparented to init (the
    case runs in a process group of its own); Ctrl-C stopped it with a traceback. A hang-up and
    then a SIGTERM (a terminal closed: a parent passes its own on) must stop it once, not
    interrupt the stopping."""
    session = f'clitest{os.getpid()}{len(signals)}'
    # SIGHUP as most programs get it, whatever we inherited (under nohup it is ignored).
    run = subprocess.Popen([*python_after('signal.signal(signal.SIGHUP, signal.SIG_DFL)'), '-m', 'mpmatrix',
                            'run', '--start-method', 'spawn', '--timeout', '60',
                            str(ROOT / 'tests' / 'scripts' / 'hang_with_grandchild.py')],
                           cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           env={**os.environ, processes.SESSION_VARIABLE: session})
    try:
        deadline = time.monotonic() + 60
        # The case, the resource tracker spawn starts, the child and the grandchild: with only
        # three, the signal may come before the grandchild, whose killing is the point.
        while len(processes.tagged(session + '.')) < 4:
            assert time.monotonic() < deadline and run.poll() is None
            time.sleep(0.05)
        for name in signals:
            run.send_signal(getattr(signal, name))
        _, err = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    assert run.returncode == 130, err
    assert err.endswith('\ninterrupted: what was running was stopped\n') and 'Traceback' not in err
    assert processes.tagged(session + '.') == []


# A launcher's signal state reaches every case through exec: run the harness under one that
# blocks SIGCHLD (the fork server's children never reaped: every forkserver join hangs) or ignores
# it (children reaped by the kernel: exit codes lost, the cases' and the runner's own).
LAUNCHERS = {
    'sigchld-blocked': 'signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})',
    'sigchld-ignored': 'signal.signal(signal.SIGCHLD, signal.SIG_IGN)',
}


@pytest.mark.skipif(not hasattr(signal, 'pthread_sigmask'), reason='POSIX signals')
@pytest.mark.parametrize('how', sorted(LAUNCHERS))
def test_a_run_does_not_depend_on_the_signals_its_launcher_blocked_or_ignored(tmp_path, how):
    run = subprocess.run([*python_after(LAUNCHERS[how]), '-m', 'mpmatrix', 'run', '--timeout', '10',
                          '--start-method', 'fork', '--start-method', 'forkserver',
                          str(ROOT / 'cases' / 'lambda_pool_task.py')],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.count(' ok\n') == 2, run.stdout + run.stderr


@pytest.mark.skipif(not hasattr(signal, 'pthread_sigmask'), reason='POSIX signals')
@pytest.mark.parametrize('how', sorted(LAUNCHERS))
def test_the_matrix_does_not_depend_on_the_signals_its_launcher_blocked_or_ignored(tmp_path, how):
    """The controller clears them before xdist starts its workers, which inherit that."""
    run = subprocess.run([*python_after(LAUNCHERS[how]), '-m', 'pytest', '-q', '-p', 'no:cacheprovider',
                          '-n', '1', str(ROOT / 'tests' / 'test_matrix.py'),
                          '-k', 'lambda_pool_task and forkserver',
                          '--case-timeout', '10', '--results-dir', str(tmp_path / 'results')],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and '1 passed' in run.stdout, run.stdout + run.stderr


def test_an_output_that_is_not_a_regular_file_is_one_clear_line(tmp_path, capsys):
    """As root, os.replace would put a file where a device such as /dev/null was."""
    results_dir = tmp_path / 'results'
    results.write(results_dir / 'x.json', [EnvironmentResults(environment(), [record()])])
    (tmp_path / 'folder').mkdir()
    (tmp_path / 'link.json').symlink_to(tmp_path / 'elsewhere.json')
    for target in ('folder', 'link.json'):
        assert cli.main(['merge', str(results_dir), '-o', str(tmp_path / target)]) == 2
        err = capsys.readouterr().err
        assert err == f'error: {tmp_path / target} exists and is not a regular file: not replaced\n'
    assert not (tmp_path / 'elsewhere.json').exists() and (tmp_path / 'link.json').is_symlink()
    assert not list(tmp_path.glob('.*.lock'))
    assert cli.main(['summary', str(results_dir), '--append', str(tmp_path / 'folder')]) == 2
    err = capsys.readouterr().err
    assert err.startswith('error: ') and 'Is a directory' in err and err.count('\n') == 1


def test_a_lock_file_that_is_a_link_is_not_followed(tmp_path, capsys):
    """filelock before 3.20.1 (all Python 3.8 has) would empty and chmod the file it points to."""
    results_dir = tmp_path / 'results'
    results.write(results_dir / 'x.json', [EnvironmentResults(environment(), [record()])])
    victim = tmp_path / 'victim.txt'
    victim.write_text('important')
    victim.chmod(0o600)
    (tmp_path / 'out').mkdir()
    lock = tmp_path / 'out' / '.merged.json.lock'
    lock.symlink_to(victim)
    assert cli.main(['merge', str(results_dir), '-o', str(tmp_path / 'out' / 'merged.json')]) == 2
    assert capsys.readouterr().err == f'error: {lock} exists and is not a regular file: not used as a lock\n'
    assert victim.read_text() == 'important' and stat.S_IMODE(victim.stat().st_mode) == 0o600
    assert not (tmp_path / 'out' / 'merged.json').exists()
