"""The case itself is killed by a signal

It prints, then kills itself with SIGABRT.
"""
import argparse
import multiprocessing
import os
import sys

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'error (SIGABRT)', 'spawn': 'error (SIGABRT)', 'forkserver': 'error (SIGABRT)'}
import signal


def main():
    print('about to crash')
    os.kill(os.getpid(), signal.SIGABRT)


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
