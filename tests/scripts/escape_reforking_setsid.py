"""Escapes by re-forking as fast as it can, in a new session each time

A daemon with no environment that forks a child and exits, again and again, without pause; each
child starts a session of its own, so no process group holds two generations.
"""
import argparse
import multiprocessing
import os
import sys

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}
import subprocess

HOPPER = '''
import os, time  # mpmatrix-hopper
end = time.monotonic() + 60  # should the harness ever miss one, it does not live on
while time.monotonic() < end:
    if os.fork():
        os._exit(0)
    os.setsid()
'''


def main():
    # The case's pid tells its hoppers from those of a case running beside it.
    subprocess.Popen([sys.executable, '-c', HOPPER, str(os.getpid())], env={}, start_new_session=True)
    print(f'hoppers {os.getpid()}')
    print('verdict: isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
