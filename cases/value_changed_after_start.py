"""A Value the parent changes after start(), read by the running child

The parent passes a `multiprocessing.Value` to a child, starts it, and only
then stores a new number in the value and sets an `Event`. The child, which
was waiting on the event, reads the new number, whatever the start method.

**Why.** The value is a few bytes of shared memory that both processes map,
so a write is visible to the other process at once, whenever it happens;
nothing is copied after start. Only the *handle* on that memory travels at
start:

- Under **fork**, the child inherits the parent's mapping of the arena that
  holds the value.
- Under **spawn** and **forkserver**, `Process.start()` pickles the value as
  the arena's file descriptor (or, on Windows, a handle) plus an offset, and
  the child maps the same pages.

This is the difference from an ordinary attribute changed after start
(`attribute_changed_after_start`), which the child never sees. The event is
only there to say *when* to read: without it the child might read before the
parent writes. For a number that several processes update, take the value's
lock around each read-modify-write (`value_increments_with_lock`).
"""
import argparse
import multiprocessing
import signal

FAMILY = 'shared-ctypes'
DIRECTION = 'parent-to-child-after-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['attribute_changed_after_start', 'value_array_arguments', 'event_signal']


def task(shared, changed, seen):
    print(f"Child's first read: {shared.value}")
    changed.wait(timeout=10)
    seen.value = shared.value
    print(f'Child after the parent\'s change: {seen.value}')


def main():
    shared = multiprocessing.Value('i', 0)
    changed = multiprocessing.Event()
    seen = multiprocessing.Value('i', -1)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(shared, changed, seen))
    child.start()
    shared.value = 100  # after start(): the child is already running
    print('Parent set the value to 100 after start()')
    changed.set()
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f'Parent: the child saw {seen.value}')
    print('verdict:', 'propagates' if seen.value == 100 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
