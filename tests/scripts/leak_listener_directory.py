"""Leaks multiprocessing's listener directory

A Listener's pymp-* directory, left behind by os._exit before the finalizers run.
"""
import argparse
import multiprocessing
import os
import sys

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}
from multiprocessing.connection import Listener


def main():
    listener = Listener(family='AF_UNIX')
    print(f'listening at {listener.address}')
    print('verdict: isolated', flush=True)
    os._exit(0)


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
