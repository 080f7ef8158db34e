"""A Condition between two children: one waits, the other notifies

The parent creates a `multiprocessing.Condition` and a `Value`, and starts two
children with both. The waiter sleeps on the condition until the value is
set; the notifier sets the value under the condition and calls
`notify_all()`. The waiter wakes up and sees the value, whatever the start
method.

**Why.** A `multiprocessing.Condition` is built from operating-system
semaphores (its lock and the "sleeping" and "woken" counters), not from
Python memory, so a `notify_all()` in one process wakes a `wait()` in
another. The `Value` the waiter then reads is shared memory. Each child got
its handles on both *from the parent, at start*:

- Under **fork**, each child inherits the semaphores and the shared-memory
  mapping with the rest of the parent's memory.
- Under **spawn** and **forkserver**, `Process.start()` pickles the condition
  and the value for each child: the semaphores are reopened by name (on
  Windows, duplicated handles), and the value's memory is mapped again.

`wait_for()` checks the value before it sleeps, so the waiter is right even
when the notifier runs first: a bare `wait()` would sleep through a
notification sent before it started waiting. Like an `Event` or a `Lock`, a
`Condition` can only reach a process at start; pickling it later (into a
queue) raises `RuntimeError` (`event_signal`).
"""
import argparse
import multiprocessing
import signal

FAMILY = 'message-passing'
DIRECTION = 'sibling-to-sibling'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['event_signal', 'sibling_queue', 'sibling_semaphore', 'value_increments_with_lock']


def wait_for_value(condition, shared, seen):
    with condition:
        # Generous timeout: the notifier may still be starting.
        woken = condition.wait_for(lambda: shared.value != 0, timeout=10)
    print(f'Waiter woke up: {woken}, value: {shared.value}')
    seen.value = shared.value


def notify(condition, shared):
    with condition:
        shared.value = 100
        print('Notifier set the value to 100 and notifies')
        condition.notify_all()


def main():
    condition = multiprocessing.Condition()
    shared = multiprocessing.Value('i', 0)
    seen = multiprocessing.Value('i', 0)  # the waiter's report to the parent
    waiter = multiprocessing.Process(target=wait_for_value, args=(condition, shared, seen))
    notifier = multiprocessing.Process(target=notify, args=(condition, shared))
    waiter.start()
    notifier.start()
    notifier.join()
    waiter.join()
    for child in (waiter, notifier):
        if child.exitcode != 0:
            # The child raised (its traceback is on stderr) or a signal killed it.
            crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
            print(f'verdict: error{crash}')
            return
    print(f'Parent: the waiter saw {seen.value}')
    print('verdict:', 'propagates' if seen.value == 100 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
