"""Leaks a /dev/shm file made with os.open, which the observer does not see being made

It holds the file open until the runner's journal says the runner saw it in use, then
closes it and leaves it behind.
"""
import argparse
import multiprocessing
import os
import time
from pathlib import Path

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}


def main():
    name = f'my_file_{os.getpid()}'
    fd = os.open(f'/dev/shm/{name}', os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
    # Open until the runner has seen it in use (its journal says so), however late it looks.
    used = 'used {0.st_dev} {0.st_ino}\n'.format(os.fstat(fd))
    while used not in Path(os.environ['MPMATRIX_JOURNAL']).read_text():
        time.sleep(0.01)
    os.close(fd)
    print(f'leaked {name}')
    print('verdict: isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
