"""Replaces its journal with a FIFO, then holds a /dev/shm file until killed

The runner blocked for ever opening the journal to note the file. Named after the run's tag,
so a test can find it.
"""
import argparse
import multiprocessing
import os
import time

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'hang', 'spawn': 'hang', 'forkserver': 'hang'}
TIMEOUT = 1


def main():
    journal = os.environ['MPMATRIX_JOURNAL']
    os.remove(journal)
    os.mkfifo(journal)
    path = f'/dev/shm/held_{os.environ["MPMATRIX_RUN_TAG"]}'
    os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)  # held open until the kill
    time.sleep(60)


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
