"""A manager's server crashes as it shuts down

The server kills itself with SIGSEGV on its way out, after the manager told it to stop, as
PyPy 3.9's server does now and then: the case's verdict stands.
"""
import argparse
import multiprocessing
import os
import signal
from multiprocessing import managers, util

FAMILY = 'managers'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}


def crash_on_the_way_out():
    # The last of its exit's work, after it removed its temporary directory (priority -100).
    util.Finalize(None, os.kill, args=(os.getpid(), signal.SIGSEGV), exitpriority=-1000)


def main():
    manager = managers.SyncManager()
    manager.start(crash_on_the_way_out)
    with manager:
        shared = manager.Value('i', 0)
        shared.value = 100
        print(f'Parent: {shared.value}')
    print(f'Server exit code: {manager._process.exitcode}')
    print('verdict: propagates')


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
