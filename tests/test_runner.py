"""runner: verdicts, errors, signals, hangs and leaks, on small deliberately broken cases."""
from __future__ import annotations

import multiprocessing
import os
import platform
import re
import signal
import subprocess
import sys
import threading
import time
import types
import uuid
from pathlib import Path

import psutil
import pytest

from mpmatrix import environment, leaks, processes, runner
from mpmatrix.catalog import load_case

from .conftest import python_after

SCRIPTS = Path(__file__).parent / 'scripts'
ROOT = Path(__file__).resolve().parent.parent
AVAILABLE = multiprocessing.get_all_start_methods()
FORK = 'fork' in AVAILABLE
posix_only = pytest.mark.skipif(sys.platform == 'win32', reason='POSIX signals')
linux_only = pytest.mark.skipif(not sys.platform.startswith('linux'), reason='/dev/shm')


def run(name, method='spawn', timeout=None, directory=SCRIPTS):
    return runner.run_case(load_case(directory / f'{name}.py'), method, timeout=timeout)


def test_a_good_case_reports_its_verdict():
    result = run('instance_attribute_plain', directory=ROOT / 'cases')
    assert result.verdict == 'isolated'
    assert result.problems == [] and result.exit_code == 0 and not result.timed_out
    assert 'Parent: 0' in result.stdout


@pytest.mark.parametrize('setting, name, method', [
    *[(setting, 'warnings_filter_in_main', 'spawn') for setting in (
        'PYTHONOPTIMIZE=2', 'PYTHONWARNINGS=error', 'PYTHONINSPECT=1', 'PYTHONVERBOSE=1',
        'PYTHONPROFILEIMPORTTIME=1', 'PYTHONMALLOCSTATS=1')],
    # 3.12+: the pool's handler thread forks a replacement worker, and dev mode shows the warning.
    pytest.param('PYTHONDEVMODE=1', 'pool_maxtasksperchild_state', 'fork', marks=pytest.mark.skipif(
        sys.version_info < (3, 12), reason='no warning about fork with threads before 3.12')),
    # 3.13+ colours a traceback even in a file when FORCE_COLOR is set (tox passes it on).
    pytest.param('FORCE_COLOR=1', 'lambda_process_target', 'spawn', marks=pytest.mark.skipif(
        sys.version_info < (3, 13), reason='no coloured tracebacks before 3.13')),
])
def test_a_setting_of_the_users_shell_that_changes_every_script_does_not_reach_a_case(monkeypatch,
                                                                                       setting, name,
                                                                                       method):
    """As under tox, which passes none of them: -OO took the docstring every case reads, -Werror
    made the warnings case fail in spawned children, and the others print on stderr or stop in a
    prompt after the script."""
    if method not in AVAILABLE:
        pytest.skip(f'no {method} here')
    monkeypatch.setenv(*setting.split('='))
    case = load_case(ROOT / 'cases' / f'{name}.py')
    result = runner.run_case(case, method)
    expectation = case.expectation(method, environment.current())
    assert expectation.matches(result.verdict, result.error_type) and result.problems == []
    # An error's traceback is the only thing on stderr, in plain text.
    assert '\x1b' not in result.stderr and (result.stderr == '') != str(expectation).startswith('error')


def test_a_hang_is_killed_with_its_whole_tree_within_timeout_plus_one_second():
    started = time.monotonic()
    result = run('hang_with_grandchild', 'fork' if FORK else 'spawn', timeout=2)
    elapsed = time.monotonic() - started
    assert result.verdict == 'hang' and result.timed_out
    assert elapsed < 2 + 1 + runner.GRACE_SECONDS, elapsed
    assert result.duration < 2 + 1
    assert 'runner killed the case after 2 s' in result.problems[0]
    pids = [int(pid) for pid in re.findall(r'child (\d+)', result.stdout)]
    assert len(pids) == 2, result.stdout  # what it printed before it hung is kept
    assert not [pid for pid in pids if psutil.pid_exists(pid)
                and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]


def test_an_interrupted_run_kills_the_case_and_its_children(monkeypatch):
    tag = processes.new_tag()
    monkeypatch.setattr(processes, 'new_tag', lambda: tag)
    journals = []
    real_start = leaks.start_journal
    monkeypatch.setattr(leaks, 'start_journal', lambda path: journals.append(path) or real_start(path))
    started = time.monotonic()
    real_wait = processes.wait_for_any

    def interrupted_wait(pids, timeout):
        # Ctrl-C once the grandchild made its Event (or after 15 s where nothing records it)
        if 'shm ' in journals[0].read_text() or time.monotonic() - started > 15:
            raise KeyboardInterrupt
        return real_wait(pids, timeout)

    monkeypatch.setattr(processes, 'wait_for_any', interrupted_wait)
    claimed = []
    real_claims = leaks.journal_claims
    monkeypatch.setattr(leaks, 'journal_claims', lambda journal: claimed.extend(
        real_claims(journal) if journal == journals[0] else ()) or set(claimed))  # not a neighbour's
    with pytest.raises(KeyboardInterrupt):
        run('hang_with_grandchild', timeout=20)  # under spawn its Event's semaphore is named
    assert processes.tagged(tag) == []
    assert claimed or not leaks.SUPPORTED
    assert not set(claimed) & set(leaks.identities())  # removed


def test_the_case_timeout_is_the_default():
    case = load_case(SCRIPTS / 'hang_with_grandchild.py')
    assert case.timeout == 2
    assert run('hang_with_grandchild').problems[0].startswith('the runner killed the case after 2 s')


@pytest.mark.parametrize('name, problem', [
    ('no_verdict', 'no "verdict: WORD" line on stdout'),
    ('two_verdicts', '2 verdict lines; a case prints exactly one'),
    ('unknown_verdict', "unknown verdict line 'verdict: works'"),
    ('child_raises_exit_zero', "a process raised KeyError but the case reported 'isolated'"),
    ('stderr_noise', 'unexpected output on stderr'),
    ('error_detail_names_an_exception', "the verdict names 'RuntimeError': only a signal's name"),
])
def test_a_broken_contract_is_a_problem_never_a_guess(name, problem):
    result = run(name)
    assert any(problem in text for text in result.problems), result.problems
    if name in ('no_verdict', 'unknown_verdict'):
        assert result.verdict is None


def test_an_exception_is_an_error_with_its_type():
    result = run('parent_raises')
    # the type as its traceback prints it: PyPy's pickle has no C accelerator module
    assert (result.verdict, result.error_type) == (
        'error', 'pickle.PicklingError' if sys.implementation.name == 'pypy' else '_pickle.PicklingError')
    assert result.problems == []
    assert result.exit_code == 1


@posix_only
def test_a_child_killed_by_a_signal_is_reported_by_the_case():
    result = run('child_killed_by_signal', 'fork')
    assert (result.verdict, result.error_type) == ('error', 'SIGSEGV')
    assert result.problems == []


@posix_only
@pytest.mark.parametrize('method', AVAILABLE)
def test_a_manager_server_that_crashes_while_shutting_down_is_not_the_cases_failure(method):
    """PyPy 3.9's manager server crashes with SIGSEGV while exiting about once in 300
    shutdowns (seen in CI on manager_value[spawn]); its manager had told it to stop."""
    result = run('manager_server_crashes_while_shutting_down', method)
    assert 'Server exit code: -11' in result.stdout
    assert (result.verdict, result.problems) == ('propagates', [])


@posix_only
def test_a_manager_server_that_crashes_before_its_shutdown_breaks_the_contract():
    result = run('manager_server_crashes_before_shutdown')
    assert any(re.match(r"a child process \(pid \d+\) was killed by SIGSEGV but the case reported "
                        r"'propagates'", text) for text in result.problems), result.problems


@posix_only
def test_a_case_killed_by_a_signal_is_an_error_named_after_the_signal():
    result = run('case_killed_by_signal')
    assert (result.verdict, result.error_type) == ('error', 'SIGABRT')
    assert 'about to crash' in result.stdout


def _running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _daemon(result) -> int:
    return int(re.search(r'daemon (\d+)', result.stdout).group(1))


@posix_only
def test_a_process_that_outlives_the_case_is_killed_and_reported():
    result = run('leftover_process')
    assert result.verdict == 'isolated'
    assert any('outlived the case and were killed' in text for text in result.problems)
    assert not _running(_daemon(result))  # this run's own, not a neighbour's sleeper


@linux_only
@pytest.mark.skipif(platform.machine() not in ('x86_64', 'aarch64'), reason='exit(2) by its number')
def test_a_process_whose_main_thread_ended_is_killed_not_taken_for_a_zombie():
    """Shown as Z while its other thread runs on, it was counted reaped on every look: the
    runner spun for ever, deaf to Ctrl-C, and the process lived on. In a child process, so that
    a regression fails this test instead of hanging the session."""
    command = [sys.executable, '-m', 'mpmatrix', 'run', str(SCRIPTS / 'leader_thread_exits.py'),
               '--start-method', 'fork', '--verbose']
    completed = subprocess.run(command, capture_output=True, text=True,
                               timeout=runner.GRACE_SECONDS + 30)
    daemon = int(re.search(r'daemon (\d+)', completed.stdout).group(1))
    assert re.search(rf'problem: process\(es\) outlived the case and were killed: pid {daemon}\b',
                     completed.stdout), completed.stdout
    assert not psutil.pid_exists(daemon)  # killed and reaped (psutil calls the live one a zombie)


@linux_only  # where the runner adopts orphans
@pytest.mark.parametrize('name, status', [('SIGUSR1', 1), ('SIGUSR2', 1), ('SIGALRM', 1), ('SIGHUP', 130)])
def test_a_signal_from_an_adopted_orphan_neither_kills_the_runner_nor_leaves_the_orphan(name, status,
                                                                                         tmp_path):
    """Its parent gone, a case's child took the runner for it: SIGUSR1 killed the runner and left
    the child running. The runner now ignores it (the run fails: the child outlived the case and
    is killed), or, for a signal that stops a session, stops as on Ctrl-C, killing the tree. In a
    child process: a regression kills that one, not the test session."""
    # The signal as most programs get it, whatever we inherited (under nohup, SIGHUP is ignored).
    command = [*python_after(f'signal.signal(signal.{name}, signal.SIG_DFL)'), '-m', 'mpmatrix', 'run',
               str(SCRIPTS / 'orphan_signals_its_parent.py'), '--start-method', 'fork' if FORK else 'spawn',
               '--verbose']
    pid_file = tmp_path / 'orphan.pid'
    completed = subprocess.run(command, capture_output=True, text=True, timeout=60,
                               env={**os.environ, 'ORPHAN_SIGNAL': name, 'ORPHAN_PID_FILE': str(pid_file)})
    assert completed.returncode == status, completed.stdout + completed.stderr
    daemon = int(pid_file.read_text())
    if status == 1:
        assert re.search(rf'outlived the case and were killed: pid {daemon} ', completed.stdout)
    else:
        assert 'interrupted: what was running was stopped' in completed.stderr
    assert not psutil.pid_exists(daemon)


@posix_only
@pytest.mark.parametrize('name', ['escape_double_fork_empty_env', 'escape_new_session_empty_env'])
def test_a_process_that_drops_the_tag_and_leaves_the_tree_is_killed_and_reported(name):
    result = run(name, 'fork' if FORK else 'spawn')
    daemon = _daemon(result)
    assert any(f'outlived the case and were killed: pid {daemon} (sleep 60)' in text
               for text in result.problems), result.problems
    assert not psutil.pid_exists(daemon) or not _running(daemon)


def _hoppers(marker: str) -> list:
    return [process for process in psutil.process_iter(['cmdline', 'status'])
            if process.info['status'] != psutil.STATUS_ZOMBIE and process.info['cmdline']
            and 'mpmatrix-hopper' in process.info['cmdline'][-2] and process.info['cmdline'][-1] == marker]


@posix_only
@pytest.mark.parametrize('name', ['escape_reforking', 'escape_reforking_setsid'])
def test_a_process_that_re_forks_every_few_milliseconds_cannot_outrun_the_kill(name):
    result = run(name)
    assert any('outlived the case and were killed' in text and 'mpmatrix-hopper' in text
               for text in result.problems), result.problems
    _assert_no_hopper_survived(result)


def _assert_no_hopper_survived(result):
    time.sleep(0.1)  # a survivor would have forked again by now
    assert _hoppers(re.search(r'hoppers (\d+)', result.stdout).group(1)) == []


@linux_only
def test_a_no_pause_re_forker_crossing_pid_max_is_killed_without_using_up_the_pids():
    """Seen in CI: started near pid_max, the no-pause hopper outran the kill and its zombies
    took every pid (fork() failed with EAGAIN everywhere on the machine for seconds)."""
    # The hopper uses a few thousand pids a second: started this close to pid_max, it wraps
    # around during the run. The counter is only ever moved forward, which every other
    # process on the machine sees as a burst of forks (backward, it would break their runs).
    target = int(Path('/proc/sys/kernel/pid_max').read_text()) - 2000
    counter = Path('/proc/sys/kernel/ns_last_pid')
    if int(counter.read_text()) < target:
        try:
            counter.write_text(str(target))
        except OSError:
            pytest.skip('moving the pid counter needs CAP_SYS_ADMIN')
    result = run('escape_reforking_setsid')
    assert len(result.problems) == 1 and 'outlived the case and were killed' in result.problems[0], \
        result.problems
    _assert_no_hopper_survived(result)


@posix_only
def test_a_child_that_shows_only_once_its_parent_is_dead_is_killed_too():
    """Seen in CI (PyPy, under load): a hopper's fork was under way when the kill stopped it,
    and its child showed only after the kill; started stopped (the signal to its group),
    it stayed."""
    sleeper = [sys.executable, '-c', 'import time; time.sleep(60)']
    parent = subprocess.Popen(sleeper)
    late = []

    def find():
        if not late and psutil.Process(parent.pid).status() == psutil.STATUS_ZOMBIE:
            late.append(os.spawnv(os.P_NOWAIT, sys.executable, sleeper))
        return {parent.pid, *late}
    try:
        names = processes.kill(find, keep=parent.pid)
        assert len(late) == 1 and [name.split()[1] for name in names] == [str(parent.pid), str(late[0])]
        assert not psutil.pid_exists(late[0])  # killed, then reaped
    finally:
        parent.kill()
        parent.wait()
        for pid in late:
            _signal_and_reap(pid)


def _signal_and_reap(pid):
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


@posix_only
def test_the_kill_reaps_a_zombie_as_soon_as_it_finds_one():
    """Zombies are not stopped, and reaped at once: kept to the end, a fast forker's zombies
    made each round slower and could use up the machine's pids."""
    pid = os.spawnv(os.P_NOWAIT, sys.executable, [sys.executable, '-c', ''])
    while psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:  # it exits, left unreaped
        time.sleep(0.01)
    rounds = []

    def find():
        rounds.append(psutil.pid_exists(pid))
        return {pid} if rounds[-1] else set()
    assert processes.kill(find) == []
    assert rounds == [True, False]  # reaped before the second round
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


@posix_only
def test_a_case_may_make_itself_a_process_group_leader():
    result = run('setpgid_self')
    assert (result.verdict, result.problems) == ('isolated', [])


@posix_only
def test_before_python_3_11_a_trampoline_makes_the_case_a_group_leader(monkeypatch):
    monkeypatch.setattr(runner, 'sys', types.SimpleNamespace(platform=sys.platform, version_info=(3, 10)))
    assert runner._new_process_group() == {}
    result = run('setpgid_self')
    assert (result.verdict, result.problems) == ('isolated', [])


def test_a_case_that_prints_without_end_is_stopped_and_its_output_read_in_part(monkeypatch):
    """It filled the disk until its timeout, then the runner's memory as the runner read it back."""
    monkeypatch.setattr(runner, 'OUTPUT_CEILING', 1024 * 1024)
    result = run('prints_without_end', timeout=20)
    assert not result.timed_out
    assert (result.verdict, result.error_type) == (None, None)  # the SIGKILL was the runner's
    assert result.problems == ['printed more than 1 MB on stdout: the runner stops a case there']
    assert result.stdout.startswith('begin\nxxx') and result.stdout.endswith('xxx')
    assert re.search(r'\n\[\.\.\. mpmatrix read 1,048,576 of these [\d,]+ bytes \.\.\.\]\n', result.stdout)
    assert len(result.stdout) < 1024 * 1024 + 100


@posix_only
def test_a_process_that_outlives_the_case_and_prints_without_end_is_stopped(monkeypatch):
    """The ceiling held only while the case's own process ran: after it, in the grace given to
    what it left, a forked child wrote 3 GB."""
    monkeypatch.setattr(runner, 'OUTPUT_CEILING', 1024 * 1024)
    monkeypatch.setattr(runner, 'GRACE_SECONDS', 60)
    started = time.monotonic()
    result = run('orphan_prints_without_end', 'fork' if FORK else 'spawn')
    assert time.monotonic() - started < 30
    assert 'printed more than 1 MB on stdout: the runner stops a case there' in result.problems
    assert any('outlived the case and were killed' in text for text in result.problems)
    assert not _running(_daemon(result))


@posix_only  # removal through directory descriptors
def test_a_tree_deeper_than_the_recursion_limit_is_removed(monkeypatch, tmp_path):
    monkeypatch.setenv(runner.SESSION_DIR_VARIABLE, str(tmp_path))
    result = run('deep_tree_in_tmpdir')
    assert result.problems == ['left in the temporary directory and removed: d']
    runner._REMOVER.submit(int).result()  # the run's directory is removed meanwhile
    assert list(tmp_path.iterdir()) == []


@posix_only  # Windows allows no newline in a file name
def test_a_leftover_s_name_is_shown_on_one_line():
    result = run('leftover_with_a_newline')
    assert result.problems == ['left in the temporary directory and removed: x\\n::error::y']


@posix_only
def test_a_link_put_in_place_of_the_tmpdir_is_not_followed(monkeypatch, tmp_path):
    decoy = tmp_path / 'decoy'
    (decoy / 'sub').mkdir(parents=True)
    (decoy / 'precious.txt').write_text('kept')
    monkeypatch.setenv('DECOY', str(decoy))
    result = run('deep_tree_in_tmpdir')
    assert (result.verdict, result.problems) == ('isolated', [])
    assert sorted(path.name for path in decoy.iterdir()) == ['precious.txt', 'sub']


@posix_only
@pytest.mark.skipif(os.name == 'posix' and os.geteuid() == 0, reason='permissions do not bind root')
def test_a_directory_that_cannot_be_entered_is_left_and_the_rest_removed(tmp_path):
    """Listed but not entered (r--), it left no way back up: the removal gave up on the whole tree."""
    tree = tmp_path / 'tree'
    (tree / 'a' / 'locked' / 'inner').mkdir(parents=True)
    (tree / 'z' / 'sub').mkdir(parents=True)
    (tree / 'z' / 'sub' / 'f').write_text('x')
    (tree / 'a' / 'locked').chmod(0o444)
    try:
        leaks.remove_tree(tree)
        assert sorted(path.name for path in tree.iterdir()) == ['a']
        assert (tree / 'a' / 'locked').exists()
    finally:
        (tree / 'a' / 'locked').chmod(0o755)


@posix_only  # removal through directory descriptors
def test_remove_tree_removes_links_never_what_they_point_to(tmp_path, monkeypatch):
    outside = tmp_path / 'outside'
    outside.mkdir()
    (outside / 'kept').write_text('kept')
    tree = tmp_path / 'tree'
    tree.mkdir()
    monkeypatch.chdir(tree)
    for _ in range(1200):  # deeper than the recursion limit
        os.mkdir('d')
        os.chdir('d')
    Path('file').write_text('x')
    if os.name == 'posix':
        Path('to_outside').symlink_to(outside, target_is_directory=True)
        (tree / 'to_file').symlink_to(outside / 'kept')
    os.chdir(tmp_path)
    leaks.remove_tree(tree)
    assert not tree.exists()
    assert (outside / 'kept').read_text() == 'kept'
    leaks.remove_tree(tmp_path / 'no such thing')  # nothing to do


def test_a_case_that_deletes_its_working_directory_keeps_its_output():
    result = run('deletes_its_workdir')
    assert result.verdict == 'isolated' and result.problems == []
    assert 'still here' in result.stdout


@pytest.mark.parametrize('name', ['contract_child_exits_1', 'contract_child_raises_stderr_closed'])
def test_a_child_that_fails_silently_breaks_the_contract(name):
    result = run(name, 'fork' if FORK else 'spawn')
    assert result.verdict == 'propagates' and result.stderr == ''
    assert any(re.match(r'a child process \(pid \d+\) exited with code 1 but the case reported '
                        r"'propagates'", text) for text in result.problems), result.problems


DECLARED = ('EXPECTED = {', "CHILD_RAISES = 'KeyError'\nEXPECTED = {")
JOINED = '    child.join()\n'


def another_child(target, args):
    return (JOINED, f'{JOINED}    other = multiprocessing.Process(target={target}, args={args})\n'
                    '    other.start()\n    other.join()\n')


# child_raises_exit_zero.py, whose child raises KeyError and whose parent reports isolated, changed so
CHILD_RAISES_VARIANTS = {
    'undeclared': [],
    'declared': [DECLARED],
    'another_declared': [('EXPECTED = {', "CHILD_RAISES = 'ValueError'\nEXPECTED = {")],
    'declared_not_raised': [DECLARED, ("raise KeyError('missing')", 'pass')],
    'declared_other_child_exits_2': [DECLARED, another_child('os._exit', (2,))],
    'declared_other_child_exits_1': [DECLARED, another_child('sys.exit', (1,))],
    'declared_more_on_stderr': [DECLARED, (JOINED, f"{JOINED}    print('lost', file=sys.stderr)\n")],
    'declared_raised_by_a_thread': [DECLARED, ('import argparse', 'import argparse\nimport threading'),
                                    ('multiprocessing.Process(', 'threading.Thread(')],
    'declared_chained': [DECLARED, ("    raise KeyError('missing')",
                                    "    try:\n        int('x')\n    except ValueError as error:\n"
                                    "        raise KeyError('missing') from error\n")],
}
RAISED_KEY_ERROR = "a process raised KeyError but the case reported 'isolated'"
NOT_RAISED = "CHILD_RAISES is 'KeyError', but no child process raised it"
EXIT_1 = "exited with code 1 but the case reported 'isolated'"


@pytest.mark.parametrize('variant, problems', [
    ('undeclared', [RAISED_KEY_ERROR, EXIT_1]),
    ('declared', []),
    ('another_declared', [RAISED_KEY_ERROR, "CHILD_RAISES is 'ValueError', but no child process raised it",
                          EXIT_1]),
    ('declared_not_raised', [NOT_RAISED]),
    ('declared_other_child_exits_2', ["exited with code 2 but the case reported 'isolated'"]),
    ('declared_other_child_exits_1', [EXIT_1]),  # one exit code 1 per traceback set aside
    ('declared_more_on_stderr', ['unexpected output on stderr']),
    ('declared_raised_by_a_thread', [RAISED_KEY_ERROR, NOT_RAISED]),
    ('declared_chained', [RAISED_KEY_ERROR, NOT_RAISED, EXIT_1]),  # from a ValueError
])
def test_a_child_raises_on_purpose_only_with_the_exception_the_case_declares(tmp_path, variant, problems):
    """CHILD_RAISES: the tracebacks of the declared exception that children print as they fail, and
    as many exit codes 1, are the case's pattern (excepthook_in_main). Anything else on stderr, any
    other exit code, and the declared exception raised elsewhere still break the contract."""
    text = (SCRIPTS / 'child_raises_exit_zero.py').read_text()
    for old, new in CHILD_RAISES_VARIANTS[variant]:
        assert old in text
        text = text.replace(old, new, 1)
    (tmp_path / 'child_raises.py').write_text(text)
    result = run('child_raises', 'fork' if FORK else 'spawn', directory=tmp_path)
    assert result.verdict == 'isolated'
    assert len(result.problems) == len(problems), result.problems
    for expected, text in zip(problems, result.problems):
        assert expected in text, result.problems


def test_only_whole_tracebacks_of_the_declared_exception_after_a_process_header_are_set_aside():
    child = ('Process Process-{}:\nTraceback (most recent call last):\n  File "t.py", line 3, in task\n'
             '    raise KeyError(1)\nKeyError: 1\n')
    assert runner._set_aside(child.format(1) + child.format(2), 'KeyError') == ('', 2)
    assert runner._set_aside(child.format(1), 'ValueError') == (child.format(1), 0)
    chained = child.format(1) + '\nThe above exception was the direct cause of the following exception:\n\n'
    assert runner._set_aside(chained, 'KeyError')[1] == 0
    thread = child.format(1).replace('Process Process-1:', 'Exception in thread Thread-1 (task):')
    assert runner._set_aside(thread, 'KeyError') == (thread, 0)
    # A note, or a message's second line, is not part of what is set aside: it is left to be judged.
    assert runner._set_aside(child.format(1) + 'a note\n', 'KeyError') == ('a note\n', 1)
    # Interleaved with another child's traceback, neither is whole: both are left to be judged.
    interleaved = ''.join(line + other for line, other in zip(child.format(1).splitlines(True),
                                                               child.format(2).splitlines(True)))
    assert runner._set_aside(interleaved, 'KeyError') == (interleaved, 0)
    truncated = 'Process Process-1:\nTraceback (most recent call last):\n  File "t.py", line 3\n'
    assert runner._set_aside(truncated + child.format(2), 'KeyError') == (truncated, 1)


def test_a_traceback_is_read_in_lines_a_terminal_shows():
    """A form feed or a line separator in a source line does not start a new line."""
    stderr = ('Traceback (most recent call last):\n  File "t.py", line 3\n'
              '    raise KeyError("a\x0cb\u2028c")\nKeyError: 1\n')
    assert runner._first_exception(stderr) == 'KeyError'
    assert runner._set_aside('Process P:\n' + stderr, 'KeyError') == ('', 1)


def test_a_case_that_declares_child_raises_and_fails_is_named_after_what_else_was_raised():
    stderr = ('Process Process-1:\nTraceback (most recent call last):\n  File "t.py", line 3\n'
              'KeyError: 1\nTraceback (most recent call last):\n  File "t.py", line 9\nEOFError\n')
    for text, expected in [(stderr, 'EOFError'), (stderr.split('Traceback')[0] + 'Traceback'
                                                  + stderr.split('Traceback')[1], 'KeyError')]:
        result = runner.Run(case='c', start_method='fork', verdict=None, exit_code=0,
                            stdout='verdict: error\n', stderr=text, duration=0.1, timed_out=False)
        runner._judge(result, 20, False, 'KeyError')
        assert (result.verdict, result.error_type, result.problems) == ('error', expected, [])


@posix_only
def test_a_fork_server_status_lost_to_another_thread_is_not_a_failed_child():
    result = run('forkserver_status_read_twice', 'forkserver')
    assert 'Exit code the parent believes: 255' in result.stdout  # python/cpython#130895
    assert (result.verdict, result.problems) == ('isolated', []), result.problems


def test_a_child_the_case_terminates_itself_is_normal():
    # Pool.__exit__ terminates the workers
    result = run('pool_map_results', 'fork' if FORK else 'spawn', directory=ROOT / 'cases')
    assert result.problems == [], result.problems


@linux_only
def test_a_leaked_shared_memory_segment_is_reported_and_removed():
    result = run('shm_leak')
    name = re.search(r'leaked /?(psm_\w+)', result.stdout).group(1)
    assert any(name in text and '/dev/shm' in text for text in result.problems), result.problems
    assert name not in leaks.identities().values()


@linux_only
@pytest.mark.parametrize('name', ['leak_custom_named_segment', 'leak_named_semaphore',
                                  'leak_segment_closed_at_once', 'leak_unobserved_file'])
def test_every_kind_of_leak_in_dev_shm_is_reported_and_removed(name):
    result = run(name)
    leaked = re.search(r'leaked /?(\S+)', result.stdout).group(1)
    assert f'left in /dev/shm and removed: {leaked}' in result.problems, result.problems
    assert not (leaks.SHM_DIR / leaked).exists()


@linux_only
@pytest.mark.parametrize('ending', ['timeout', 'ctrl-c'])
def test_a_file_made_just_before_the_kill_is_removed(monkeypatch, ending):
    """A run killed while it makes a /dev/shm file left it behind (once in CI: an Event's
    semaphore made as Ctrl-C came, before the observer could write it in the journal). What
    the run's processes hold once they are stopped is noted before they are killed."""
    tag = processes.new_tag()
    monkeypatch.setattr(processes, 'new_tag', lambda: tag)
    real_kill = processes.Run.kill

    def late_kill(self, *args, **kwargs):
        time.sleep(0.05)  # a busy machine: the script makes files after the runner's last look
        return real_kill(self, *args, **kwargs)

    monkeypatch.setattr(processes.Run, 'kill', late_kill)
    if ending == 'ctrl-c':
        started, real_wait = time.monotonic(), processes.wait_for_any

        def interrupted_wait(pids, timeout):
            if time.monotonic() - started > 0.5:
                raise KeyboardInterrupt
            return real_wait(pids, timeout)

        monkeypatch.setattr(processes, 'wait_for_any', interrupted_wait)
        with pytest.raises(KeyboardInterrupt):
            run('holds_new_files_until_killed')
    else:
        result = run('holds_new_files_until_killed')
        assert result.timed_out
        assert any(text.startswith(f'left in /dev/shm and removed: held_{tag}_')
                   for text in result.problems), result.problems
    assert processes.tagged(tag) == []
    assert not list(leaks.SHM_DIR.glob(f'held_{tag}_*'))


@linux_only
@pytest.mark.parametrize('name', ['removes_its_journal_holds_a_file',
                                  'replaces_its_journal_with_a_fifo'])
def test_a_case_that_removes_or_replaces_its_journal_is_still_cleaned_up(monkeypatch, name):
    """A case that removed its journal and held a /dev/shm file crashed the runner with
    FileNotFoundError as it noted the file, which stayed; one that put a FIFO in the journal's
    place hung it for ever. The runner keeps its own note of what the run's processes used, and
    opens the journal without blocking, using it only when it is a plain file."""
    tag = processes.new_tag()
    monkeypatch.setattr(processes, 'new_tag', lambda: tag)
    finished = []
    runner_thread = threading.Thread(target=lambda: finished.append(run(name)), daemon=True)
    runner_thread.start()
    runner_thread.join(30)
    assert finished, 'the runner hung on the journal'
    assert finished[0].timed_out
    assert f'left in /dev/shm and removed: held_{tag}' in finished[0].problems, finished[0].problems
    assert processes.tagged(tag) == []
    assert not (leaks.SHM_DIR / f'held_{tag}').exists()


def _orphan_segment() -> str:
    """A segment that no process uses, made outside any run, as an unrelated program might."""
    import _posixshmem
    name = f'psm_neighbour_{uuid.uuid4().hex[:8]}'
    os.close(_posixshmem.shm_open(f'/{name}', os.O_CREAT | os.O_EXCL | os.O_RDWR, mode=0o600))
    return name


@linux_only
def test_a_segment_made_outside_the_run_is_never_blamed_nor_removed():
    before = _orphan_segment()
    during = []
    neighbour = threading.Timer(0.3, lambda: during.append(_orphan_segment()))
    neighbour.start()
    try:
        result = run('hang_with_grandchild', timeout=1)  # a run that is still going at 0.3 s
        neighbour.join()
        assert len(during) == 1
        for name in before, during[0]:
            assert (leaks.SHM_DIR / name).exists()
            assert not any(name in text for text in result.problems), result.problems
    finally:
        leaks.remove([before, *during])


def test_a_listener_directory_left_in_tmp_is_reported_and_removed():
    result = run('leak_listener_directory')
    address = re.search(r'listening at (\S+)', result.stdout).group(1)
    directory = Path(address).parent
    assert directory.name.startswith('pymp-')
    assert any(f'left in the temporary directory and removed: {directory.name}' in text
               for text in result.problems), result.problems
    assert not directory.exists()


def test_without_linux_facts_the_tag_and_the_tree_still_find_a_leftover(monkeypatch):
    # macOS: no subreaper, no /proc: psutil's process table and the tag.
    monkeypatch.setattr(processes, 'LINUX', False)
    assert processes.become_subreaper() is False
    test_a_process_that_outlives_the_case_is_killed_and_reported()


def test_without_posix_signals_the_kill_still_works(monkeypatch):
    # Windows: no SIGSTOP; TerminateProcess (psutil) at once.
    monkeypatch.setattr(processes, 'POSIX', False)
    code = 'import time; print(1, flush=True); time.sleep(60)'
    sleeper = subprocess.Popen([sys.executable, '-c', code], stdout=subprocess.PIPE)
    sleeper.stdout.readline()  # exec'd: its name is its own
    names = processes.kill(lambda: {sleeper.pid})
    assert names == [f'pid {sleeper.pid} ({sys.executable} -c {code})']
    assert sleeper.wait(timeout=5) != 0
    sleeper.stdout.close()


@posix_only
@pytest.mark.parametrize('wrapped', [False, True], ids=['pids-in-order', 'pids-wrapped-around'])
def test_the_runners_own_children_from_before_the_run_are_not_the_runs(monkeypatch, wrapped):
    older = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])
    try:
        time.sleep(0.05)  # a clock tick (10 ms) or more before the case starts
        if wrapped:  # Newer then lists every process, ours from before the run included
            monkeypatch.setattr(processes.Newer, '__init__', lambda self: setattr(self, 'floor', None))
        result = run('leftover_process')
        assert any('outlived the case' in text for text in result.problems)  # the case's own
        assert f'pid {older.pid} ' not in ' '.join(result.problems)
        assert older.poll() is None
    finally:
        older.kill()
        older.wait()


@linux_only
def test_newer_lists_only_processes_created_since_it_was_made():
    older = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])
    try:
        for _ in range(3):  # again if the machine's pids wrapped around meanwhile (rare)
            newer = processes.Newer()
            younger = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])
            try:
                table = newer.table()
            finally:
                younger.kill()
                younger.wait()
            if newer.floor is not None:
                break
        assert younger.pid in table and older.pid not in table
        assert table[younger.pid].ppid == os.getpid()
    finally:
        older.kill()
        older.wait()


ABOVE = {9200, 9500, 9700, 30000}  # above the floor (9000), up to 32000


@pytest.mark.parametrize('lasts, listed', [
    ([9000, 9500, 9800], [{9200, 9500}, {9200, 9500, 9700}]),  # in order: above the floor only
    ([9000, 32000, 150, 4000], [ABOVE, ABOVE | {1, 100}, ABOVE | {1, 100, 200, 3000}]),  # wrapped
    ([9000, 32000, 150, 9100], [ABOVE, ABOVE | {1, 100}, 'all']),  # on past the floor
    ([9000, 32000, 150, 8000, 300], [ABOVE, ABOVE | {1, 100}, ABOVE | {1, 100, 200, 3000, 5000},
                                     'all']),  # wrapped twice
    ([9000, None], ['all']),  # the counter could not be read
], ids=['in-order', 'wrapped', 'past-the-floor', 'wrapped-twice', 'unreadable'])
def test_newer_lists_what_was_created_since_it_was_made_even_across_a_wrap_around(monkeypatch, lasts,
                                                                                   listed):
    """A process that re-forks without pause crosses pid_max in seconds (32768 here): once the
    counter wrapped around, listing everything made each round of the kill slower than its
    forks, and its zombies used up the machine's pids (seen in CI as fork() failing with EAGAIN)."""
    every = [1, 100, 200, 3000, 5000, 9200, 9500, 9700, 30000]
    counter = iter(lasts)
    monkeypatch.setattr(processes, 'LINUX', True)
    monkeypatch.setattr(processes, '_last_pid', lambda: next(counter))
    monkeypatch.setattr(processes, '_listed', lambda: every)
    monkeypatch.setattr(processes, '_table', lambda only=None: dict.fromkeys(every if only is None else only))
    newer = processes.Newer()
    for expected in listed:
        assert set(newer.table()) == (set(every) if expected == 'all' else expected)
    if listed[-1] == 'all':  # for good: any pid may be a new one now
        assert newer.floor is None and set(newer.table()) == set(every)


def test_a_lap_of_the_pid_counter_between_two_listings_is_seen_by_watching_it(monkeypatch):
    """A case that started threads for three seconds took the counter all the way round while
    nothing listed /proc: its process below the floor (100) was never looked for."""
    every = [100, 9500]
    counter = iter([9000, 150, 9100])  # made; watched: dropped (wrapped); watched: past the floor
    monkeypatch.setattr(processes, 'LINUX', True)
    monkeypatch.setattr(processes, '_last_pid', lambda: next(counter))
    monkeypatch.setattr(processes, '_listed', lambda: every)
    monkeypatch.setattr(processes, '_table', lambda only=None: dict.fromkeys(every if only is None else only))
    newer = processes.Newer()
    newer.watch()
    newer.watch()
    assert set(newer.table()) == {100, 9500}


def test_first_exception_is_the_root_cause():
    stderr = ('Process Process-1:\nTraceback (most recent call last):\n  File "x", line 1\n'
              "AttributeError: Can't get attribute 'Thing' on <module '__mp_main__'>\n"
              'Traceback (most recent call last):\n  File "y", line 2\n'
              '    raise RuntimeError()\nRuntimeError: child failed\n')
    assert runner._first_exception(stderr) == 'AttributeError'
    assert runner._first_exception('no traceback here') is None


@pytest.mark.parametrize('separator', runner.CHAINED)
def test_a_chained_exception_is_the_one_that_propagated(separator):
    # A proxy of a shut-down manager: AttributeError inside _callmethod, then FileNotFoundError.
    stderr = ('Process Process-1:\nTraceback (most recent call last):\n  File "m", line 1\n'
              "AttributeError: '_thread._local' object has no attribute 'connection'\n\n"
              f'{separator}\n\nTraceback (most recent call last):\n  File "m", line 2\n'
              'FileNotFoundError: [Errno 2] No such file or directory\n'
              'Traceback (most recent call last):\n  File "p", line 3\nEOFError\n')
    assert runner._first_exception(stderr) == 'FileNotFoundError'


# As CPython 3.13 prints them: a group raised, and a group that except* raised (no header).
GROUP_RAISED = ('  + Exception Group Traceback (most recent call last):\n'
                '  |   File "eg.py", line 1, in <module>\n'
                '  |     raise ExceptionGroup("x", [KeyError(1)])\n'
                '  | ExceptionGroup: x (1 sub-exception)\n'
                '  +-+---------------- 1 ----------------\n'
                '    | KeyError: 1\n'
                '    +------------------------------------\n')
GROUP_OF_EXCEPT_STAR = ('  | ExceptionGroup:  (2 sub-exceptions)\n'
                        '  +-+---------------- 1 ----------------\n'
                        '    | Exception Group Traceback (most recent call last):\n'
                        '    |   File "eg.py", line 5, in <module>\n'
                        '    | ExceptionGroup: eg (1 sub-exception)\n'
                        '    +-+---------------- 1 ----------------\n'
                        '      | ValueError: 1\n'
                        '      +------------------------------------\n'
                        '    | \n'
                        '    | During handling of the above exception, another exception occurred:\n'
                        '    | \n'
                        '    | Traceback (most recent call last):\n'
                        '    |   File "eg.py", line 7, in <module>\n'
                        "    | RuntimeError: handling\n"
                        '    +------------------------------------\n')


def test_an_exception_group_is_an_exception_too():
    """Python 3.11+ draws an exception group's traceback in a frame; the runner saw no traceback
    at all, and a case that died of one 'exited without a verdict or a traceback'."""
    assert runner._first_exception(GROUP_RAISED) == 'ExceptionGroup'
    assert runner._first_exception(GROUP_OF_EXCEPT_STAR) == 'ExceptionGroup'
    own = GROUP_RAISED.replace('| ExceptionGroup: x', '| tasks.Failures: x')
    assert runner._first_exception(own) == 'tasks.Failures'
    chained = GROUP_RAISED + ('\nDuring handling of the above exception, another exception occurred:\n\n'
                              'Traceback (most recent call last):\n  File "p", line 3\nEOFError\n')
    assert runner._first_exception(chained) == 'EOFError'
    assert runner._first_exception('Traceback (most recent call last):\n  File "x"\nKeyError: 1\n'
                                    + GROUP_RAISED) == 'KeyError'


def test_resource_tracker_warnings_are_recognised():
    stderr = ('/usr/lib/python3.12/multiprocessing/resource_tracker.py:254: UserWarning: '
              'resource_tracker: There appear to be 1 leaked shared_memory objects to clean up '
              'at shutdown\n')
    assert leaks.tracker_warnings(stderr) == ['1 shared_memory']


def test_a_process_in_the_middle_of_exec_is_described_once_it_has_a_command_line(monkeypatch):
    """A daemon started as `setsid sleep 60` execs twice; read during the second execve, its
    command line was empty and the report said `pid 12034 ()`."""
    command_lines = iter([[], [], ['sleep', '60']])

    class Process:
        def __init__(self, pid):
            self.pid = pid

        def cmdline(self):
            return next(command_lines)

    monkeypatch.setattr(processes.psutil, 'Process', Process)
    assert processes.describe(12034) == 'pid 12034 (sleep 60)'
    monkeypatch.setattr(Process, 'cmdline', lambda self: [])  # a zombie's stays empty
    assert processes.describe(12034, attempts=3) == 'pid 12034'
