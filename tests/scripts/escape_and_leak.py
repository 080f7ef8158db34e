"""Leaves a daemon and a segment behind, out of reach

A double-forked daemon with an empty environment, and an untracked segment closed at once.
Writes their names to $MPMATRIX_TEST_REPORT too, for a test whose runner dies meanwhile.
"""
import argparse
import multiprocessing
import os
import sys

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}
import shutil
from multiprocessing import resource_tracker, shared_memory


def main():
    segment = shared_memory.SharedMemory(create=True, size=8)
    resource_tracker.unregister(segment._name, 'shared_memory')
    segment.close()
    sleep = shutil.which('sleep')
    read, write = os.pipe()
    if os.fork() == 0:
        execed, exec_notice = os.pipe()  # close-on-exec: end of file once the daemon runs sleep
        daemon = os.fork()
        if daemon == 0:
            os.setsid()
            os.execve(sleep, ['sleep', '60'], {})
        os.close(exec_notice)
        os.read(execed, 1)  # reported only once it is sleep: what a check finds then is named so
        os.write(write, str(daemon).encode())
        os._exit(0)
    os.wait()
    report = f'daemon {int(os.read(read, 32))} segment {segment.name.lstrip("/")}'
    print(report)
    with open(os.environ.get('MPMATRIX_TEST_REPORT', os.devnull), 'w') as file:
        file.write(report)
    print('verdict: isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
