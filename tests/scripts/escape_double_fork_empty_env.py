"""Escapes by double fork, a new session and an empty environment

Its daemon execs sleep with no environment at all: no tag, no parent.
"""
import argparse
import multiprocessing
import os
import sys

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}
import shutil


def main():
    sleep = shutil.which('sleep')
    child = os.fork()
    if child == 0:
        execed, exec_notice = os.pipe()  # close-on-exec: end of file once the daemon runs sleep
        daemon = os.fork()
        if daemon == 0:
            os.setsid()
            os.execve(sleep, ['sleep', '60'], {})
        os.close(exec_notice)
        os.read(execed, 1)  # the case ends only once its daemon is sleep
        print(f'daemon {daemon}', flush=True)
        os._exit(0)
    os.waitpid(child, 0)
    print('verdict: isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
