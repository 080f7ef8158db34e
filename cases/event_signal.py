"""An Event set by the parent after start(), seen by the child

The parent creates a `multiprocessing.Event`, starts a child process that
waits on it, and only then sets it. The child wakes up and acknowledges,
whatever the start method.

**Why.** An `Event` is not ordinary memory: it is built from semaphores that
the operating system keeps (POSIX named semaphores on Linux and macOS), so a
change made through one process's handle is seen through every other handle
on the same semaphore, even after the child has started. That is what a
plain attribute changed after `start()` cannot do
(`attribute_changed_after_start`).

- Under **fork**, the child inherits the parent's semaphore handles with the
  rest of its memory.
- Under **spawn** and **forkserver**, `Process.start()` pickles the Event, and
  the child opens the same semaphores again by name (on Windows it gets
  duplicated handles instead). On Linux and macOS a fork-context semaphore is
  unlinked at once and has no name, which is why a lock made in a fork context
  cannot be handed to a spawn child (`lock_from_other_context`).

The Event must reach the child *at start*, as an argument or inherited under
fork: pickling it later (to put it on a queue, or as a pool task's argument)
fails with `RuntimeError` ("Condition objects should only be shared between
processes through inheritance"). To signal a process that is already running
without having passed it the Event, use a `Manager().Event()` proxy, which
can be sent at any time. The child here waits with a timeout, so a lost
signal would show up as `isolated` after three seconds instead of a hang.

**Seen in the wild.** Reopening by name needs the semaphore to still exist
when the child gets to it. `OpenMined/PySyft#6910` hit a `FileNotFoundError`
on macOS and Windows when the parent was gone while a spawned child was
starting, and switched to fork where it exists; `python/cpython#116526` got
the same `FileNotFoundError` from `SemLock._rebuild` running the documentation's
`Lock` example under spawn (Python 3.12), whose parent did not join its
children.
"""
import argparse
import multiprocessing
import signal

FAMILY = 'message-passing'
DIRECTION = 'parent-to-child-after-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['attribute_changed_after_start', 'queue_result', 'lock_from_other_context']


def task(go, acknowledged):
    print('Child waiting for the event')
    if go.wait(timeout=3):
        print('Child saw the event')
        acknowledged.set()
    else:
        print('Child gave up waiting')


def main():
    go = multiprocessing.Event()
    acknowledged = multiprocessing.Event()
    child = multiprocessing.Process(target=task, args=(go, acknowledged))
    child.start()
    print('Parent setting the event after start()')
    go.set()
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f'Parent: child acknowledged: {acknowledged.is_set()}')
    print('verdict:', 'propagates' if acknowledged.is_set() else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
