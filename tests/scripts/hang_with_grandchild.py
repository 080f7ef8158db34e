"""Hangs without noticing, with a grandchild

The child starts a grandchild, and both block forever; the case never times out itself.
"""
import argparse
import multiprocessing
import os
import sys

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'hang', 'spawn': 'hang', 'forkserver': 'hang'}
TIMEOUT = 2


def block():
    multiprocessing.Event().wait()


def child():
    grandchild = multiprocessing.Process(target=block)
    grandchild.start()
    print(f'grandchild {grandchild.pid}', flush=True)
    grandchild.join()


def main():
    process = multiprocessing.Process(target=child)
    process.start()
    print(f'child {process.pid}', flush=True)
    process.join()


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
