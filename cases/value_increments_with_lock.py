"""Several children increment one Value under its lock

The parent creates one `multiprocessing.Value` counter and starts four
children that each add 1 to it a thousand times, holding the counter's lock
for every increment. When they are done the parent reads exactly 4000, under
every start method.

**Why.** The counter's memory is shared (see `value_array_arguments`): under
**fork** the children inherit the mapping, under **spawn** and
**forkserver** they receive its file descriptor while they are being started.
The lock is shared in the same way. `Value('i', 0)` comes with a
`multiprocessing.RLock`, a POSIX semaphore that fork children inherit and that
spawn and forkserver children reopen by name, so `get_lock()` returns the
same lock in every process.

The lock is what makes the count exact. `counter.value += 1` is two separate
steps, a read and then a write, and although `Synchronized` takes the lock
for each of them, it releases it in between: two children can read 41, both
write 42, and one increment is lost. Holding `get_lock()` around the whole
read-modify-write makes it one step. The children are released together by an
`Event` so that they really do run at the same time.

A `RawValue` has no lock at all (`raw_value_array`); a Pool cannot take the
counter as a task argument (`value_as_pool_task_argument`) but can inherit it
through its initializer (`value_via_pool_initializer`).

**Seen in the wild.** `ooni/pipeline#231`, among the changes to run its fast
path on macOS, added a counter that increments a `multiprocessing.Value`
inside `get_lock()`, "to guarantee the atomicity of the modifications to
Value".
"""
import argparse
import multiprocessing

FAMILY = 'shared-ctypes'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['value_array_arguments', 'raw_value_array', 'value_via_pool_initializer']

CHILDREN = 4
INCREMENTS = 1000


def task(counter, go):
    go.wait()
    for _ in range(INCREMENTS):
        # Read and write under one lock: nobody can slip in between.
        with counter.get_lock():
            counter.value += 1


def main():
    counter = multiprocessing.Value('i', 0)
    go = multiprocessing.Event()
    children = [multiprocessing.Process(target=task, args=(counter, go))
                for _ in range(CHILDREN)]
    for child in children:
        child.start()
    go.set()
    for child in children:
        child.join()
    if any(child.exitcode != 0 for child in children):
        print('verdict: error')
        return
    expected = CHILDREN * INCREMENTS
    print(f'Expected: {expected}')
    print(f'Parent: {counter.value}')
    # Every increment must be seen: a lost one means a change did not reach us.
    print('verdict:', 'propagates' if counter.value == expected else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
