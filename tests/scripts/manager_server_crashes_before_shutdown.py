"""A manager's server crashes before its manager shuts it down

The server is killed with SIGSEGV while the case still uses the manager; the case goes on and
reports a verdict: a crash the manager did not ask for breaks the contract.
"""
import argparse
import multiprocessing
import os
import signal
import time
from multiprocessing import managers

FAMILY = 'managers'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}


def main():
    with managers.SyncManager() as manager:
        shared = manager.Value('i', 0)
        shared.value = 100
        print(f'Parent: {shared.value}')
        os.kill(manager._process.pid, signal.SIGSEGV)
        while manager._process.is_alive():
            time.sleep(0.01)
    print('verdict: propagates')


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
