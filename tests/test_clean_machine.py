"""The end-of-session check: whatever a case run leaves behind fails the session and is removed."""
from __future__ import annotations

import sys

import psutil
import pytest

# Run with a case-run tag: leaves a shared memory segment (Linux) and a grandchild that
# is reparented when this script exits, out of reach of any process-tree walk.
MESS = '''
import subprocess, sys
if sys.platform.startswith('linux'):
    from multiprocessing import resource_tracker, shared_memory
    segment = shared_memory.SharedMemory(create=True, size=8)
    resource_tracker.unregister(segment._name, 'shared_memory')
    segment.close()
    print('SEGMENT', segment.name)
sleeper = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print('LEFT', sleeper.pid)
'''

LEAKY_TEST = f'''
import os, subprocess, sys
from mpmatrix import processes

def test_leaves_a_mess():
    env = dict(os.environ, **{{processes.TAG_VARIABLE: processes.new_tag()}})
    print(subprocess.run([sys.executable, '-c', {MESS!r}], env=env, capture_output=True,
                         text=True, check=True).stdout)
'''


def test_a_session_that_leaves_a_process_or_segment_behind_fails(pytester):
    pytester.makepyfile(test_leaky=LEAKY_TEST)
    result = pytester.runpytest_subprocess('-p', 'mpmatrix.pytest_plugin', '-s')
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    output = result.stdout.str()
    pid = int(output.split('LEFT ')[1].split()[0])
    assert f'mpmatrix: LEFT BEHIND by a case run: process pid {pid}' in output
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    if sys.platform.startswith('linux'):
        segment = output.split('SEGMENT ')[1].split()[0].lstrip('/')
        assert f'LEFT BEHIND by a case run: /dev/shm/{segment}' in output


def test_a_clean_session_passes(pytester):
    pytester.makepyfile(test_clean='def test_nothing():\n    assert True\n')
    result = pytester.runpytest_subprocess('-p', 'mpmatrix.pytest_plugin')
    assert result.ret == pytest.ExitCode.OK
    assert 'LEFT BEHIND' not in result.stdout.str()


def test_a_test_that_leaves_a_child_behind_fails(pytester):
    pytester.makepyfile(test_dangling='''
import subprocess, sys

def test_starts_and_forgets():
    subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])
''')
    result = pytester.runpytest_subprocess('-p', 'mpmatrix.pytest_plugin')
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(['*the test left process(es) behind (now killed): pid *time.sleep(60)*'])
