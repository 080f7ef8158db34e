"""A child whose main thread ends while another runs on (Linux)

The child's main thread leaves by the exit system call, as C code's pthread_exit
does: the process shows as a zombie (Z) while its other thread lives. The runner
once took it for one, counted it reaped on every look, and spun for ever.
"""
import argparse
import ctypes
import multiprocessing
import os
import platform
import threading
import time

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}
SYS_EXIT = {'x86_64': 60, 'aarch64': 93}  # exit(2): this thread only


def main():
    pid = os.fork()
    if pid == 0:
        threading.Thread(target=time.sleep, args=(60,)).start()
        ctypes.CDLL(None).syscall(SYS_EXIT[platform.machine()], 0)
        os._exit(1)  # not reached
    print(f'daemon {pid}')
    print('verdict: isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
