"""The end-of-session check: what a case run leaves behind fails the session and is removed;
what no run of the session made is never blamed nor touched."""
from __future__ import annotations

import sys
import uuid
from pathlib import Path

import psutil
import pytest

from mpmatrix import leaks

SCRIPTS = Path(__file__).parent / 'scripts'
linux_only = pytest.mark.skipif(not sys.platform.startswith('linux'), reason='subreaper, /dev/shm')

# The xdist worker dies in the middle of a run, after the case (a daemon that dropped its tag
# and left its session, an untracked segment closed at once) and before the run's cleanup.
WORKER_DIES_MID_RUN = f'''
import os
from pathlib import Path
from mpmatrix import runner
from mpmatrix.catalog import load_case

def test_worker_dies_mid_run(monkeypatch):
    monkeypatch.setattr(runner, '_outlived', lambda *args: os._exit(1))
    runner.run_case(load_case(Path({str(SCRIPTS / 'escape_and_leak.py')!r})), 'spawn')
'''


@linux_only
def test_what_a_run_whose_runner_died_left_behind_fails_the_session(pytester, monkeypatch, tmp_path):
    report = tmp_path / 'report'
    monkeypatch.setenv('MPMATRIX_TEST_REPORT', str(report))
    pytester.makepyfile(test_dies=WORKER_DIES_MID_RUN)
    result = pytester.runpytest_subprocess('-p', 'mpmatrix.pytest_plugin', '-p', 'xdist', '-n', '1',
                                           '--max-worker-restart', '0')
    assert result.ret != pytest.ExitCode.OK
    output = result.stdout.str()
    fields = report.read_text().split()
    daemon, segment = int(fields[1]), fields[3]
    assert f'mpmatrix: LEFT BEHIND by a case run: process pid {daemon} (sleep 60)' in output
    assert f'mpmatrix: LEFT BEHIND by a case run: /dev/shm/{segment}' in output
    assert not psutil.pid_exists(daemon) or psutil.Process(daemon).status() == psutil.STATUS_ZOMBIE
    assert not (leaks.SHM_DIR / segment).exists()


@linux_only
def test_the_check_runs_even_when_writing_the_results_fails_unforeseen(pytester, monkeypatch, tmp_path):
    report = tmp_path / 'report'
    monkeypatch.setenv('MPMATRIX_TEST_REPORT', str(report))
    pytester.makeconftest('''
from mpmatrix import results

def update(*args, **kwargs):
    raise RuntimeError('an error no one foresaw')

results.update = update
''')
    pytester.makepyfile(test_dies='''
from mpmatrix.results import Record

def test_records(record_result):
    record_result(Record(case='a', start_method='spawn', expected='isolated', verdict='isolated',
                         outcome='passed'))
''' + WORKER_DIES_MID_RUN)
    result = pytester.runpytest_subprocess('-p', 'mpmatrix.pytest_plugin', '-p', 'xdist', '-n', '1',
                                           '--max-worker-restart', '0')
    assert result.ret != pytest.ExitCode.OK
    assert 'an error no one foresaw' in result.stdout.str() + result.stderr.str()
    fields = report.read_text().split()
    daemon, segment = int(fields[1]), fields[3]
    assert not psutil.pid_exists(daemon) or psutil.Process(daemon).status() == psutil.STATUS_ZOMBIE
    assert not (leaks.SHM_DIR / segment).exists()


@linux_only
def test_a_segment_no_run_made_is_neither_blamed_nor_removed(pytester):
    name = f'psm_neighbour_{uuid.uuid4().hex[:8]}'
    pytester.makepyfile(test_neighbour=f'''
import os, _posixshmem

def test_an_unrelated_program_leaves_a_segment():
    os.close(_posixshmem.shm_open('/{name}', os.O_CREAT | os.O_EXCL | os.O_RDWR, mode=0o600))
''')
    try:
        result = pytester.runpytest_subprocess('-p', 'mpmatrix.pytest_plugin')
        assert result.ret == pytest.ExitCode.OK
        assert 'LEFT BEHIND' not in result.stdout.str()
        assert (leaks.SHM_DIR / name).exists()
    finally:
        leaks.remove([name])


def test_a_clean_session_passes(pytester):
    pytester.makepyfile(test_clean='def test_nothing():\n    assert True\n')
    result = pytester.runpytest_subprocess('-p', 'mpmatrix.pytest_plugin')
    assert result.ret == pytest.ExitCode.OK
    assert 'LEFT BEHIND' not in result.stdout.str()


def test_a_test_that_leaves_a_child_behind_fails(pytester):
    pytester.makepyfile(test_dangling='''
import subprocess, sys

def test_starts_and_forgets():
    child = subprocess.Popen([sys.executable, '-c', 'print(1, flush=True); import time; time.sleep(60)'],
                             stdout=subprocess.PIPE)
    child.stdout.readline()  # running: Popen returns before exec has set the command line
''')
    result = pytester.runpytest_subprocess('-p', 'mpmatrix.pytest_plugin')
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(['*the test left process(es) behind (now killed): pid *time.sleep(60)*'])


def test_a_test_whose_orphan_escapes_its_session_fails(pytester):
    pytester.makepyfile(test_orphan='''
import subprocess, time

import psutil

def test_orphans_a_daemon():
    daemon = subprocess.run(['sh', '-c', 'setsid sleep 60 </dev/null >/dev/null 2>&1 & echo $!'],
                            env={}, capture_output=True, text=True).stdout
    while psutil.Process(int(daemon)).cmdline() != ['sleep', '60']:  # the forked sh's, then setsid's
        time.sleep(0.01)
    print('DAEMON', daemon)
''')
    result = pytester.runpytest_subprocess('-p', 'mpmatrix.pytest_plugin', '-s')
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(['*the test left process(es) behind (now killed): pid * (*sleep 60)*'])
    daemon = int(result.stdout.str().split('DAEMON ')[1].split()[0])
    assert not psutil.pid_exists(daemon) or psutil.Process(daemon).status() == psutil.STATUS_ZOMBIE
