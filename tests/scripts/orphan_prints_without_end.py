"""A process that outlives the case and prints without end

The case reports its verdict and exits; a child it forked goes on writing to
the standard output they share. It once wrote 3 GB in the 3 s the runner gives
a run's processes to end after the case.
"""
import argparse
import multiprocessing
import os
import sys
import time

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}


def main():
    sys.stdout.flush()
    case = os.getpid()
    pid = os.fork()
    if pid == 0:
        while os.getppid() == case:  # until the case has exited
            time.sleep(0.01)
        block = b'x' * 65536
        while True:
            os.write(1, block)
    print(f'daemon {pid}')
    print('verdict: isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
