"""Keeps making /dev/shm files the observer does not see being made, until it is killed

Each file is made with os.open and held open; the oldest are closed and removed as new ones
come, so the newest few always exist and one was made just before the runner stopped it.
Named after the run's tag, so a test can find them.
"""
import argparse
import collections
import itertools
import multiprocessing
import os
import time

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'hang', 'spawn': 'hang', 'forkserver': 'hang'}
TIMEOUT = 1


def main():
    held = collections.deque()
    for number in itertools.count():
        path = f'/dev/shm/held_{os.environ["MPMATRIX_RUN_TAG"]}_{number}'
        held.append((path, os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)))
        if len(held) > 3:
            path, fd = held.popleft()
            os.close(fd)
            os.unlink(path)
        time.sleep(0.001)


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
