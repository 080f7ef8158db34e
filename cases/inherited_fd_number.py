"""A raw file descriptor number passed to a child

The parent opens a log file with `os.open()` and passes the *number* of the
descriptor (an `int`) to a child, which writes a line with `os.write(fd,
...)`. Under fork the line lands in the parent's file; under spawn and
forkserver the child's `os.write()` raises `OSError: [Errno 9] Bad file
descriptor`.

**Why.** A file descriptor number is an index into the *process's* table of
open files; it means something only in a process whose table has that entry.

- Under **fork**, the child gets a copy of the parent's table: the same
  number refers to the same open file, offset and all.
- Under **spawn**, the child is started with `fork` + `exec`, closing every
  descriptor except the few `multiprocessing` passes on purpose (its own
  pipes), even an inheritable one like this `os.dup2()` copy. The number is
  just an `int` in the child, pointing at nothing.
- Under **forkserver**, the child is forked from the fork server, whose
  table never contained the parent's file.

(The parent moves the descriptor to a high number, 200, so that the child's
own descriptors cannot accidentally have that number; under a lower limit on
open files, `ulimit -n 64`, the highest number the limit allows.) The same
holds on Windows, where C runtime descriptors are not passed to a spawned child
either. The fixes: pass the path and open it in the child, or pass a
`multiprocessing` `Connection`, which knows how to duplicate its descriptor
into the child; a bare socket is duplicated too (`socket_argument`), but an
open file object is not (`open_file_argument`).

**Seen in the wild.** `xolox/python-capturer#16`: capturer's relay process,
a `multiprocessing` child running one of its objects' methods, reads the
pseudo-terminal's master end and writes a temporary file through descriptor
numbers kept on that object (`os.read(self.master_fd, ...)`). It works only
under fork, so the pull request makes capturer ask for fork where it is
available, since Python 3.14 defaults to forkserver on Linux.
"""
import argparse
import multiprocessing
import os
import signal
import tempfile

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'error (OSError)', 'forkserver': 'error (OSError)'}
RELATED = ['open_file_argument', 'socket_argument', 'pipe_result']

LINE = b'hello from the child\n'


def high_number():
    """200, well above the few descriptors a child has of its own, or the highest number a lower
    limit on open files allows: os.dup2() to a number past it would fail in the parent."""
    try:
        import resource
    except ImportError:  # Windows: no such limit
        return 200
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return 200 if soft == resource.RLIM_INFINITY or soft > 200 else soft - 1


def task(fd):
    os.write(fd, LINE)  # the number means something only if the table has it
    print(f'Child wrote to descriptor {fd}')


def main():
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, 'log')
        opened = os.open(path, os.O_WRONLY | os.O_CREAT)
        number = high_number()
        os.dup2(opened, number)
        os.close(opened)
        try:
            child = multiprocessing.Process(target=task, args=(number,))
            child.start()
            child.join()
        finally:
            os.close(number)
        with open(path, 'rb') as log:
            written = log.read()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f"Parent: the log file holds {written!r}")
    print('verdict:', 'propagates' if written == LINE else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
