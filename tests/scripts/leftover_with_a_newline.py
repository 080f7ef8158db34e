"""Leaves a file in its TMPDIR whose name holds a newline and a GitHub Actions command

The runner names what a run leaves: a name must not start a line of its own
in a CI log (a line starting with :: is a workflow command).
"""
import argparse
import multiprocessing
import os
import tempfile

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}


def main():
    with open(os.path.join(tempfile.gettempdir(), 'x\n::error::y'), 'w'):
        pass
    print('verdict: isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
