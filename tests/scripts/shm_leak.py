"""Leaves a shared memory segment behind

Shares a SharedMemory with a child, then unregisters it from the resource tracker
and never unlinks it.
"""
import argparse
import multiprocessing
import os
import sys

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}
from multiprocessing import resource_tracker, shared_memory


def task(name):
    segment = shared_memory.SharedMemory(name=name)
    segment.buf[0] = 1
    segment.close()


def main():
    segment = shared_memory.SharedMemory(create=True, size=16)
    child = multiprocessing.Process(target=task, args=(segment.name,))
    child.start()
    child.join()
    resource_tracker.unregister(segment._name, 'shared_memory')
    segment.close()
    print(f'leaked {segment.name}')
    print('verdict: isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
