"""A Lock from one start method's context used by a child of another

Code that mixes contexts, for example a library that creates its locks with
`multiprocessing.get_context('fork')` while the application starts processes
with spawn, ends up handing a lock made for one start method to a child
started by another. This case always mixes: the child is started with the
chosen start method, and the lock comes from a *different* context. Under
spawn and forkserver that is the fork context; under fork it is the spawn
context (a forkserver-context lock would behave the same). The child takes the
lock; if the parent then finds it taken, the lock is shared.

- A **fork** child with a spawn-context lock works: fork pickles nothing, the
  child inherits the semaphore's memory mapping, and both processes use one
  semaphore.
- A **spawn** or **forkserver** child with a fork-context lock fails. Since
  Python 3.11.5 (and 3.12.0), `Process.start()` raises `RuntimeError: A
  SemLock created in a fork context is being shared with a process in a spawn
  context` in the parent (python/cpython#77377). Before that, on 3.8 to 3.10
  and 3.11.0 to 3.11.4, nothing stopped the lock from being pickled, and the
  child crashed with a segmentation fault (`SIGSEGV`) when it used it. PyPy
  3.9, whose standard library predates the check, crashes the same way.

**Why.** A `multiprocessing.Lock` is a POSIX named semaphore.

- A fork child needs no name: it inherits the parent's memory mapping of the
  semaphore, whichever context created it, because nothing is pickled.
- A spawn or forkserver child has to reopen the semaphore, so pickling a
  lock sends its handle and its name, and the child calls `sem_open()` on the
  name. A lock created for the fork context has no name any more: it was
  unlinked at once, since fork children never need it and an unlinked name
  cannot leak. Before 3.11.5 the child therefore received only the handle, a
  raw `sem_t *` pointer into the *parent's* memory, and used it in its own
  address space, where nothing lives at that address (on every run so far),
  hence the crash. CPython 3.11.5 added the check that refuses to pickle a
  fork-context lock instead.

**Where the error differs.** The check lives in the pure-Python
`multiprocessing/synchronize.py`, so what decides the outcome is the
version of that standard library, which for PyPy is its Python version:

- CPython 3.8 to 3.11.4 and PyPy 3.9 (7.3.11 observed) crash with
  `SIGSEGV`. PyPy 3.10 is predicted to crash too (3.10 never received the
  check); PyPy 3.11, whose standard library is later than 3.11.5, is
  predicted to raise the `RuntimeError`.
- On **macOS** the check is the same, so 3.11.5 and later raise
  `RuntimeError`. Before 3.11.5 the child dereferences a pointer into the
  parent's address space too, predicted to crash with `SIGSEGV`; this is
  uncertain, as macOS may report such a fault as `SIGBUS`, and an address
  that happens to be mapped in the child would fail differently again.
- On **Windows** only the spawn context exists: `get_context('fork')`
  raises `ValueError: cannot find context for 'fork'` in the parent before
  any lock is made, on every version (predicted).

The fix is to create every synchronisation object from the same context as
the processes that use it: `ctx = multiprocessing.get_context(method)`, then
`ctx.Lock()` and `ctx.Process(...)`.

**Seen in the wild.** numba/numba#9192 (a fork-safety test that mixed
contexts started failing with this `RuntimeError` on Python 3.11.5).
"""
import argparse
import multiprocessing
import signal

FAMILY = 'pickling'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'error (RuntimeError)', 'forkserver': 'error (RuntimeError)'}
OVERRIDES = [
    {
        'before': '3.11.5',
        'os': 'linux',
        'expect': {'spawn': 'error (SIGSEGV)', 'forkserver': 'error (SIGSEGV)'},
        'why': 'python/cpython#77377: before 3.11.5 a fork-context lock pickles as a raw sem_t '
               'pointer and the child crashes using it (observed on 3.8-3.10 and PyPy 3.9, whose '
               'stdlib predates the check).',
    },
    {
        'before': '3.11.5',
        'os': 'macos',
        'expect': {'spawn': 'error (SIGSEGV)', 'forkserver': 'error (SIGSEGV)'},
        'why': 'python/cpython#77377: same unchecked pickling of a raw sem_t pointer as on Linux. '
               'Predicted, not observed; uncertain: macOS may report the fault as SIGBUS.',
    },
    {
        'os': 'windows',
        'expect': {'spawn': 'error (ValueError)'},
        'why': "Windows has only the spawn context: get_context('fork') raises ValueError "
               "(multiprocessing docs, Contexts and start methods). Predicted, not observed.",
    },
]
RELATED = ['value_increments_with_lock', 'thread_lock_held_at_fork']


def task(lock):
    # Take the lock and keep it: the parent checks whether it is taken.
    taken = lock.acquire(timeout=2)
    print(f'Child took the lock: {taken}')


def main():
    method = multiprocessing.get_start_method()
    other = 'spawn' if method == 'fork' else 'fork'
    lock = multiprocessing.get_context(other).Lock()
    print(f'Child started with {method}, lock made for {other}')
    child = multiprocessing.Process(target=task, args=(lock,))
    child.start()  # from 3.11.5, spawn and forkserver raise RuntimeError here
    child.join()
    if child.exitcode < 0:
        print(f'verdict: error ({signal.Signals(-child.exitcode).name})')
        return
    if child.exitcode != 0:
        print('verdict: error')
        return
    # If the child's acquire reached the parent's lock, it is taken now.
    shared = not lock.acquire(block=False)
    print(f'Parent finds the lock taken: {shared}')
    print('verdict:', 'propagates' if shared else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
