"""A child that signals its parent once the case has exited

The child waits for the case to end, then tells its parent it is done, as
real programs do with SIGUSR1. Its parent is then whoever adopted it: the
runner, a subreaper. The signal (ORPHAN_SIGNAL, default SIGUSR1) once killed it.
"""
import argparse
import multiprocessing
import os
import signal
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
        while os.getppid() == case:  # until the case has exited: our parent is whoever adopted us
            time.sleep(0.01)
        os.kill(os.getppid(), getattr(signal, os.environ.get('ORPHAN_SIGNAL', 'SIGUSR1')))
        time.sleep(60)
        os._exit(0)
    with open(os.environ['ORPHAN_PID_FILE'], 'w') as file:  # where the test finds it
        file.write(str(pid))
    print('verdict: isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
