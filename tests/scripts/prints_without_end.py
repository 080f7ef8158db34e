"""Prints without end

A loop printing as a buggy case may: the runner stops it once it has printed more than it keeps,
instead of letting it fill the disk until the timeout. (It prints 8 MB, then waits to be killed:
a runner that failed to stop it would time it out, not fill the disk.)
"""
import argparse
import multiprocessing
import sys
import time

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}


def main():
    print('begin', flush=True)
    for _ in range(128):
        sys.stdout.write('x' * 65536)
    sys.stdout.flush()
    time.sleep(60)


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
