"""An open file object passed as a Process argument

The parent opens a file for writing and passes the open file object to a
child, which writes a line into it. Under fork the line lands in the file and
the parent reads it back; under spawn and forkserver `Process.start()` raises
`TypeError: cannot pickle '_io.TextIOWrapper' object` in the parent.

**Why.** A file object is a Python wrapper (text layer, buffer) around an
operating-system file descriptor, and only the descriptor can outlive the
process boundary.

- Under **fork**, nothing is pickled. The child inherits the descriptor, which
  points at the same open file (same offset) as the parent's, plus a copy of
  the Python wrapper. Its writes reach the file, *if* the child flushes: a
  `multiprocessing` child ends with `os._exit()`, which does not flush Python
  buffers, so unflushed data would be silently lost. (Data the parent had
  buffered but not flushed before `start()` would be copied into the child too
  and written twice.)
- Under **spawn** and **forkserver**, `start()` pickles the arguments, and
  file objects refuse to be pickled: a descriptor number means nothing in
  another process, and `multiprocessing` only transfers descriptors for the
  types it knows how to reduce (sockets, connections, shared memory arenas;
  see `socket_argument`). The parent gets the `TypeError` before any child
  exists.

Python 3.14 keeps the `TypeError`: gh-122311 turned some pickling failures
into `PicklingError`, but not the `TypeError` an unpicklable type raises.
On **Windows** (spawn only) the parent raises the same `TypeError`, with one
difference: `popen_spawn_win32` creates the child *before* pickling, so a
child does exist; it fails on its own (on the truncated data, or on the
pipe handle the parent has closed) and prints a second traceback after the
parent's. The matrix records the first one. Both are predictions, not yet
observed by a run.

The fix is to pass the file's *name* and let the child open it (append mode,
one writer at a time or a lock if several), or to send the data back to the
parent and let it do the writing (`queue_result`).

The file does not have to be a bare argument: spawn and forkserver pickle
the whole `Process` object, so a file kept as an attribute of a `Process`
subclass, or anywhere inside an argument, fails the same way.

**Seen in the wild.** chrisspen/django-chroniker#208: a `Process` subclass
kept an output stream (`sys.stdout` by default) as an attribute, and its
`start()` failed with this `TypeError` on macOS with Python 3.8, the release
that made spawn the default there.
"""
import argparse
import multiprocessing
import os
import tempfile

FAMILY = 'pickling'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'error (TypeError)', 'forkserver': 'error (TypeError)'}
RELATED = ['socket_argument', 'queue_result', 'file_backed_mmap']


def task(log):
    log.write('written by the child\n')
    log.flush()  # the child exits with os._exit(): nothing else would flush it
    print('Child wrote a line')


def main():
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, 'log.txt')
        with open(path, 'w') as log:
            child = multiprocessing.Process(target=task, args=(log,))
            child.start()  # spawn and forkserver raise TypeError here
            child.join()
        if child.exitcode != 0:
            print('verdict: error')
            return
        with open(path) as log:
            content = log.read()
    print(f'Parent read: {content!r}')
    print('verdict:', 'propagates' if content == 'written by the child\n' else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
