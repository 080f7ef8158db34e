"""The end-of-session check: whatever a case run leaves behind fails the session and is removed."""
from __future__ import annotations

import sys

import psutil
import pytest

LEAKY_TEST = '''
import os, subprocess, sys
from multiprocessing import resource_tracker, shared_memory
from mpmatrix import processes

def test_leaves_a_mess():
    env = dict(os.environ, **{processes.TAG_VARIABLE: processes.new_tag()})
    child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'], env=env)
    print('LEFT', child.pid)
    if sys.platform.startswith('linux'):
        segment = shared_memory.SharedMemory(create=True, size=8)
        resource_tracker.unregister(segment._name, 'shared_memory')
        segment.close()
        print('SEGMENT', segment.name)
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
