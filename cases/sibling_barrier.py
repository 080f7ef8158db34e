"""A Barrier that two children cross together

The parent creates a `multiprocessing.Barrier(2)` and starts two children
with it. Each child writes what it brings into a shared `Array`, waits at the
barrier, and after crossing reads what its sibling wrote. Neither can cross
before the other has arrived, so each finds its sibling's value, whatever the
start method.

**Why.** `multiprocessing.Barrier` is a `threading.Barrier` whose lock,
condition and counters are `multiprocessing` objects: semaphores and shared
memory. An arrival in one process changes the count that the other process
is waiting on.

- Under **fork**, both children inherit the barrier's semaphores and its
  shared counters.
- Under **spawn** and **forkserver**, `Process.start()` pickles the barrier
  for each child; the semaphores are reopened by name and the counters'
  shared memory is mapped again.

A broken barrier raises `threading.BrokenBarrierError` in the waiting
processes; the timeout here turns a missing sibling into that error instead
of a hang. The barrier only orders the writes: the values themselves travel
through the shared `Array`.

**Seen in the wild.** `python/cpython#123899` (reported on Windows): a
process killed after it had started waiting at a `multiprocessing.Barrier`
left the others blocked for good, timeout or not. A timeout covers a sibling
that never arrives, not one that dies inside `wait()`.
"""
import argparse
import multiprocessing
import signal

FAMILY = 'message-passing'
DIRECTION = 'sibling-to-sibling'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['sibling_condition', 'sibling_semaphore', 'value_array_arguments']


def meet(barrier, brought, seen, me):
    other = 1 - me
    brought[me] = 100 + me
    barrier.wait(timeout=10)  # generous: the sibling may still be starting
    seen[me] = brought[other]
    print(f'Child {me} crossed the barrier and found its sibling\'s {brought[other]}')


def main():
    barrier = multiprocessing.Barrier(2)
    brought = multiprocessing.Array('i', 2)  # what each child brings
    seen = multiprocessing.Array('i', 2)  # what each found from its sibling
    children = [multiprocessing.Process(target=meet, args=(barrier, brought, seen, me))
                for me in (0, 1)]
    for child in children:
        child.start()
    for child in children:
        child.join()
    for child in children:
        if child.exitcode != 0:
            # The child raised (its traceback is on stderr) or a signal killed it.
            crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
            print(f'verdict: error{crash}')
            return
    print(f'Parent: the children found {list(seen)}')
    print('verdict:', 'propagates' if list(seen) == [101, 100] else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
