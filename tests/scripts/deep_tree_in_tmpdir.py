"""Leaves a tree of 1,500 nested directories in its TMPDIR

Deeper than Python's recursion limit: shutil.rmtree, recursive before 3.12,
raised RecursionError, which crashed the runner and left the run's directory.
With DECOY set, the case then replaces its TMPDIR by a link to that directory,
which the runner must not empty.
"""
import argparse
import multiprocessing
import os
import tempfile

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}


def main():
    temporary = tempfile.gettempdir()
    if os.environ.get('DECOY'):
        os.rmdir(temporary)
        os.symlink(os.environ['DECOY'], temporary)
    else:
        os.chdir(temporary)
        for _ in range(1500):
            os.mkdir('d')
            os.chdir('d')
    print('verdict: isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
