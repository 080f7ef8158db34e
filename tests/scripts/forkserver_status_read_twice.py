"""A fork server child exits 0, but its parent reads the status pipe twice

This is what happens when two threads join the same child
(python/cpython#130895): the loser finds the pipe empty and records 255.
The child did not fail, so the run is not in breach.
"""
import argparse
import multiprocessing
from multiprocessing import connection, forkserver

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}


def task():
    pass


def main():
    child = multiprocessing.Process(target=task)
    child.start()
    connection.wait([child.sentinel])
    forkserver.read_signed(child.sentinel)  # the thread that wins the race
    child.join()  # ... and the one that loses it
    print('Exit code the parent believes:', child.exitcode)
    print('verdict: isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
