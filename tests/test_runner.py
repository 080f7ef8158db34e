"""runner: verdicts, errors, signals, hangs and leaks, on small deliberately broken cases."""
from __future__ import annotations

import multiprocessing
import re
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from mpmatrix import leaks, processes, runner
from mpmatrix.catalog import load_case

SCRIPTS = Path(__file__).parent / 'scripts'
ROOT = Path(__file__).resolve().parent.parent
FORK = 'fork' in multiprocessing.get_all_start_methods()
posix_only = pytest.mark.skipif(sys.platform == 'win32', reason='POSIX signals')
linux_only = pytest.mark.skipif(not sys.platform.startswith('linux'), reason='/dev/shm')


def run(name, method='spawn', timeout=None, directory=SCRIPTS):
    return runner.run_case(load_case(directory / f'{name}.py'), method, timeout=timeout)


def test_a_good_case_reports_its_verdict():
    result = run('instance_attribute_plain', directory=ROOT / 'cases')
    assert result.verdict == 'isolated'
    assert result.problems == [] and result.exit_code == 0 and not result.timed_out
    assert 'Parent: 0' in result.stdout


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
    real_wait = subprocess.Popen.wait

    def interrupted_wait(self, timeout=None):
        if timeout is None:
            return real_wait(self)
        try:  # let the case start its child and grandchild, then press Ctrl-C
            real_wait(self, timeout=1)
        except subprocess.TimeoutExpired:
            pass
        raise KeyboardInterrupt

    monkeypatch.setattr(subprocess.Popen, 'wait', interrupted_wait)
    shm_before = leaks.snapshot()
    with pytest.raises(KeyboardInterrupt):
        run('hang_with_grandchild')  # under spawn its Event's semaphores are named
    assert processes.tagged(tag) == []
    assert leaks.orphaned(leaks.snapshot() - shm_before) == set()


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
])
def test_a_broken_contract_is_a_problem_never_a_guess(name, problem):
    result = run(name)
    assert any(problem in text for text in result.problems), result.problems
    if name in ('no_verdict', 'unknown_verdict'):
        assert result.verdict is None


def test_an_exception_is_an_error_with_its_type():
    result = run('parent_raises')
    assert (result.verdict, result.error_type) == ('error', 'PicklingError')
    assert result.problems == []
    assert result.exit_code == 1


@posix_only
def test_a_child_killed_by_a_signal_is_reported_by_the_case():
    result = run('child_killed_by_signal', 'fork')
    assert (result.verdict, result.error_type) == ('error', 'SIGSEGV')
    assert result.problems == []


@posix_only
def test_a_case_killed_by_a_signal_is_an_error_named_after_the_signal():
    result = run('case_killed_by_signal')
    assert (result.verdict, result.error_type) == ('error', 'SIGABRT')
    assert 'about to crash' in result.stdout


@posix_only
def test_a_process_that_outlives_the_case_is_killed_and_reported():
    result = run('leftover_process')
    assert result.verdict == 'isolated'
    assert any('outlived the case and were killed' in text for text in result.problems)
    survivors = [process for process in psutil.process_iter(['cmdline'])
                 if process.info['cmdline'] and 'time.sleep(60)' in ' '.join(process.info['cmdline'])]
    assert survivors == []


@linux_only
def test_a_leaked_shared_memory_segment_is_reported_and_removed():
    result = run('shm_leak')
    name = re.search(r'leaked /?(psm_\w+)', result.stdout).group(1)
    assert any(name in text and '/dev/shm' in text for text in result.problems), result.problems
    assert name not in leaks.snapshot()


def test_first_exception_is_the_root_cause():
    stderr = ('Process Process-1:\nTraceback (most recent call last):\n  File "x", line 1\n'
              "AttributeError: Can't get attribute 'Thing' on <module '__mp_main__'>\n"
              'Traceback (most recent call last):\n  File "y", line 2\n'
              '    raise RuntimeError()\nRuntimeError: child failed\n')
    assert runner._first_exception(stderr) == 'AttributeError'
    assert runner._first_exception('no traceback here') is None


def test_resource_tracker_warnings_are_recognised():
    stderr = ('/usr/lib/python3.12/multiprocessing/resource_tracker.py:254: UserWarning: '
              'resource_tracker: There appear to be 1 leaked shared_memory objects to clean up '
              'at shutdown\n')
    assert leaks.tracker_warnings(stderr) == ['1 shared_memory']
