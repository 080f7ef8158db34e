"""Deletes its own working directory

The runner must keep the output all the same.
"""
import argparse
import multiprocessing
import os
import sys

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}
import shutil


def main():
    shutil.rmtree(os.getcwd())
    print('still here')
    print('verdict: isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
