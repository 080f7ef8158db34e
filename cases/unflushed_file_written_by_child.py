"""Unflushed writes to a file, written again by a child

A script keeps its log file open in a module global (`get_log()` here) and
writes a header line first. Python buffers what is written to a file, so
the header is still in the parent's buffer when it starts a child that
writes its own line through `get_log()` and closes it. Under fork the file
ends up with the header twice; under spawn and forkserver, once.

**Why.** A file object opened with `open()` keeps what is written to it in
a buffer in the process's memory, and hands it to the operating system when
the buffer is full, on `flush()`, on `close()`, and when the object is
garbage-collected (which closes it).

- Under **fork**, the child is a copy of the parent, buffer included: its
  copy of the file object already holds the parent's header. Its own line
  goes after it, and its `close()` writes both. The parent writes the
  header again when it flushes its own buffer: each process wrote what it
  had, and one of them had the other's.
- Under **spawn** and **forkserver**, the child starts with the global
  unset and opens the file itself, with an empty buffer: the header is
  written once, by the parent.

multiprocessing guards the standard streams only: it flushes `sys.stdout`
and `sys.stderr` before it starts a child (`util._flush_std_streams()` in
`popen_fork.Popen`, which every POSIX start method shares), which is why a
plain `print()` before `start()` does not appear twice. Nothing flushes
your own files, a `csv.writer`'s file, a stream a buffering `logging`
handler (`MemoryHandler`) or your own code writes to. `logging.FileHandler`
flushes after each record, so it is safe in this one respect.

**The fix.** Flush (or close) files before starting children, or open
them line-buffered (`open(path, 'a', buffering=1)` for text: each line is
written when it ends). Better, let each process open what it writes: in the
`target` or a pool's `initializer`, or in a `get_log()` that reopens when
`os.getpid()` changes. That one must keep a reference to the inherited
object and never flush or close it: dropping the last reference closes the
file on CPython, which writes the parent's buffer again. Under fork,
`os.register_at_fork(before=...)` can flush the global before each fork
(`lambda: _log and not _log.closed and _log.flush()`).
"""
import argparse
import multiprocessing
import os
import signal
import tempfile

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['sqlite_connection_in_main', 'open_file_argument', 'stdout_redirected_in_main']

_log = None  # opened on first use, then shared by the whole process


def get_log(path):
    global _log
    if _log is None:
        _log = open(path, 'a', encoding='utf-8')  # buffered, like any file
    return _log


def task(path):
    log = get_log(path)
    log.write('child: done\n')
    log.close()


def main():
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, 'run.log')
        get_log(path).write('header\n')  # still in the parent's buffer
        child = multiprocessing.Process(target=task, args=(path,))
        child.start()
        child.join()
        get_log(path).close()
        with open(path, encoding='utf-8') as log:
            lines = log.read().splitlines()
    print(f'The log file: {lines}')
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    if 'child: done' not in lines:  # exit code 0, yet the child's line is missing
        print('verdict: error')
        return
    # Once: the parent wrote it. Twice: the child wrote the parent's copy too.
    print('verdict:', {1: 'isolated', 2: 'propagates'}.get(lines.count('header'), 'error'))


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
