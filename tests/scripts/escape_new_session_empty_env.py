"""Escapes with Popen(env={}, start_new_session=True)

A sleep in a new session with an empty environment, never waited for.
"""
import argparse
import multiprocessing
import os
import sys

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}
import subprocess


def main():
    sleeper = subprocess.Popen(['sleep', '60'], env={}, start_new_session=True)
    print(f'daemon {sleeper.pid}')
    print('verdict: isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
