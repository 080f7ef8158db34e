"""Leaks an untracked segment it closes at once

Created, unregistered and closed in one breath: never mapped long enough to be sampled.
"""
import argparse
import multiprocessing
import os
import sys

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}
from multiprocessing import resource_tracker, shared_memory


def main():
    segment = shared_memory.SharedMemory(create=True, size=8)
    resource_tracker.unregister(segment._name, 'shared_memory')
    segment.close()
    print(f'leaked {segment.name}')
    print('verdict: isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
