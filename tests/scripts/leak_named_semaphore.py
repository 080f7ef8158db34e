"""Leaks a named POSIX semaphore

Created under a name of its own and never unlinked.
"""
import argparse
import multiprocessing
import os
import sys

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}
import _multiprocessing


def main():
    semaphore = _multiprocessing.SemLock(1, 1, 1, f'/my_sem_{os.getpid()}', False)
    print(f'leaked sem.my_sem_{os.getpid()}')
    print('verdict: isolated')
    return semaphore


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
