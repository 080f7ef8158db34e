"""A threading.local() value set by the parent's main thread

The parent stores a per-thread setting in a `threading.local()` object from
its main thread (as web frameworks and database libraries do for "the current
request" or "the current connection"), then starts a child that reads it.
Under fork the child finds the parent's value; under spawn and forkserver
the attribute does not exist in the child.

**Why.** A `threading.local` keeps one dict per thread, and a process has
only the threads it starts with:

- Under **fork**, the child is a copy of the parent with a single thread:
  the one that called `fork()`, here the main thread. That thread keeps its
  per-thread data, so the child sees the value. (Had `start()` been called
  from another thread, the child would see *that* thread's values instead,
  and the main thread's would be gone.)
- Under **spawn**, the child is a new interpreter; the object is recreated
  empty when the module is imported, and the main block that set the value
  does not run.
- Under **forkserver**, the child is forked from the fork server, a fresh
  interpreter that never ran the main block either.

Per-thread state is meant to stay with its thread; a child process should
be given what it needs explicitly, as arguments or through an initializer.
The same holds for `contextvars` (`contextvar_in_main`).
"""
import argparse
import multiprocessing
import signal
import threading

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['contextvar_in_main', 'global_reassigned_in_main', 'thread_lock_held_at_fork']

current = threading.local()


def task(seen):
    user = getattr(current, 'user', None)
    print(f'Child: current.user = {user!r}')
    seen.value = user == 'alice'


def main():
    current.user = 'alice'  # set for the parent's main thread only
    seen = multiprocessing.Value('b', 0)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(seen,))
    child.start()
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f"Parent: the child saw 'alice': {bool(seen.value)}")
    print('verdict:', 'propagates' if seen.value else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
