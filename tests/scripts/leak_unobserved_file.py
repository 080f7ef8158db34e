"""Leaks a /dev/shm file made with os.open, which the observer does not see being made

It holds the file open for a while, long enough for the runner to see it in use, then
closes it and leaves it behind.
"""
import argparse
import multiprocessing
import os
import time

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}


def main():
    name = f'my_file_{os.getpid()}'
    fd = os.open(f'/dev/shm/{name}', os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
    time.sleep(0.3)
    os.close(fd)
    print(f'leaked {name}')
    print('verdict: isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
