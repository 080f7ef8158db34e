"""A child ends with os._exit(1), the parent reports propagates

The parent never looks at the exit code.
"""
import argparse
import multiprocessing
import os
import sys

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}
def task(value):
    value.value = 1
    os._exit(1)


def main():
    value = multiprocessing.Value('i', 0)
    child = multiprocessing.Process(target=task, args=(value,))
    child.start()
    child.join()
    print('verdict: propagates' if value.value else 'verdict: isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
