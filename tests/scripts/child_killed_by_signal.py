"""A child is killed by a signal

The child kills itself with SIGSEGV; the case reports the signal's name.
"""
import argparse
import multiprocessing
import os
import sys

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'error (SIGSEGV)', 'spawn': 'error (SIGSEGV)', 'forkserver': 'error (SIGSEGV)'}
import signal


def task():
    os.kill(os.getpid(), signal.SIGSEGV)


def main():
    child = multiprocessing.Process(target=task)
    child.start()
    child.join()
    print(f'Child exit code: {child.exitcode}')
    print(f'verdict: error ({signal.Signals(-child.exitcode).name})')


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
