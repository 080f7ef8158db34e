"""A threading.Lock held by another thread when the child starts

A background thread in the parent takes a module-level `threading.Lock` and
keeps it. Meanwhile the parent starts a child that tries to take the same
lock. Under fork the child waits forever: it has a copy of a lock that is
locked, and no thread in the child will ever release it. Under spawn and
forkserver the child has a fresh, unlocked lock of its own and carries on.

**Why.**

- Under **fork**, the child is a copy of the parent's memory, the lock's
  "locked" state included, but only the thread that called `fork()` is copied.
  The thread that would have released the lock does not exist in the child,
  so the child's `acquire()` blocks forever. The case detects this with
  `join(timeout)`, kills the child and reports `hang`. The same can happen,
  invisibly, with locks you did not create: inside a `queue.Queue` another
  thread was using, or inside a C library (CPython re-creates a few of its
  own after fork, such as the import lock and `logging`'s handler locks).
  That is why POSIX allows only async-signal-safe calls in the child of a
  multi-threaded process. Since Python 3.12 (gh-100228), `os.fork()` in a
  process with more than one thread emits a `DeprecationWarning` in the
  parent saying exactly that. Python hides it by default, because it is raised inside
  `multiprocessing` rather than in `__main__`; test runners such as pytest
  show it, and so does this case, which turns the warning on. PyPy 3.9 does
  not warn.
- Under **spawn**, the child re-imports the script as `__mp_main__`, which
  runs `threading.Lock()` again: a new lock that no one holds. A
  `threading.Lock` cannot be pickled, so it cannot be passed to a spawned
  child as an argument in the first place.
- Under **forkserver**, the child is forked from the fork server, which
  never touched the parent's lock; the child gets the module-level lock in
  its own fresh, unlocked state. (The server has no other thread unless the
  script's top level starts one: from 3.13.8 and 3.14.1 the server runs the
  top level, `thread_started_at_import`.)

So under spawn and forkserver the lock's state is `isolated`: each process has
its own lock. To make processes wait for each other, use a
`multiprocessing.Lock` created in the parent and passed to the children (see
`value_increments_with_lock`); and avoid forking while other threads run,
or fork before starting them.

**Seen in the wild.** `osbuild/osbuild#2115`: forking a multi-threaded
process, and the Python 3.12 `DeprecationWarning` about it. Python 3.14 makes
forkserver, whose server is single-threaded, the default start method on
Linux (gh-84559); macOS has defaulted to spawn since 3.8, and Windows has
only spawn.
"""
import argparse
import multiprocessing
import threading
import warnings

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'hang', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['value_increments_with_lock', 'lock_from_other_context', 'logging_config_in_main']
# Under fork, Python 3.12+ warns on stderr (DeprecationWarning) that fork() is
# called while another thread is running: that warning is this case's point.
EXPECTS_STDERR = True

# Module level, so that a spawned child, which re-imports this script, has one too.
LOCK = threading.Lock()


def hold_lock(holding, release):
    with LOCK:
        holding.set()
        release.wait()


def task(about_to_acquire):
    print('Child: taking the lock', flush=True)
    about_to_acquire.set()
    with LOCK:
        print('Child: got the lock', flush=True)


def main():
    # Show DeprecationWarnings raised inside the standard library, as pytest does.
    warnings.simplefilter('default', DeprecationWarning)
    holding, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=hold_lock, args=(holding, release))
    holder.start()
    holding.wait()
    print('Parent: a background thread holds the lock')
    about_to_acquire = multiprocessing.Event()
    child = multiprocessing.Process(target=task, args=(about_to_acquire,))
    try:
        child.start()
        # Starting can take a while (spawn, PyPy); the deadlock test is the join below.
        about_to_acquire.wait(timeout=10)
        child.join(timeout=2)
        if child.is_alive():
            print('Parent: the child is still waiting after 2 s; killing it')
            child.kill()
            child.join()
            verdict = 'hang'
        elif child.exitcode != 0:
            verdict = 'error'
        else:
            verdict = 'isolated'
    finally:
        release.set()
        holder.join()
    print('verdict:', verdict)


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
