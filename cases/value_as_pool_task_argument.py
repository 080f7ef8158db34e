"""A Value passed to a Pool task as an argument

The parent creates a `multiprocessing.Value` counter and hands it to a
`Pool` worker as the argument of a task (`pool.apply(task, (counter,))`).
The task never runs: the parent gets `RuntimeError: Synchronized objects
should only be shared between processes through inheritance`, under every
start method, fork included.

**Why.** A Pool's workers are already running when a task is submitted, so a
task and its arguments always travel the same way: pickled by the parent
and sent down the pool's task pipe. The start method only decides how the
*workers* were started, not how tasks reach them, which is why fork does not
help here.

A `Value` only allows itself to be pickled while a process is being started
(`multiprocessing.context.assert_spawning`). At that moment the pickler can
hand the child a duplicate of the shared block's file descriptor and the
name of its lock's semaphore, and the new process maps the same memory.
Nothing like that is arranged for the task pipe, a plain stream of pickled
bytes to a worker that already exists, so rather than silently send a copy
of the number, the `Value` refuses. The pool's task-handler thread hits the
error while pickling, and `apply()` re-raises it in the caller. The
`RuntimeError` comes from `multiprocessing`'s own reducer, not from
`pickle`, so it is the same on every interpreter observed here (CPython
3.8-3.13, PyPy 3.9) and is predicted to stay so on 3.14 (gh-122311 changed
only the pickler's own errors) and on macOS and Windows. `RawValue`
and `RawArray` refuse in the same way (`c_int objects should only be shared
...`), whereas a `ShareableList` pickles as the name of its block and can be
a task argument (`shareable_list`).

The fix is to give the counter to the workers when they start, through the
Pool's `initializer` and `initargs`, which are passed as arguments to the
worker processes' own `start()` (`value_via_pool_initializer`). A
`Manager().Value` proxy, which is picklable at any time, is the other way out
(`manager_value`).
"""
import argparse
import multiprocessing

FAMILY = 'shared-ctypes'
DIRECTION = 'child-to-parent'
EXPECTED = {
    'fork': 'error (RuntimeError)',
    'spawn': 'error (RuntimeError)',
    'forkserver': 'error (RuntimeError)',
}
RELATED = ['value_via_pool_initializer', 'manager_value', 'value_array_arguments',
           'raw_value_array', 'shareable_list']


def task(counter):
    with counter.get_lock():
        counter.value += 1


def main():
    counter = multiprocessing.Value('i', 0)
    with multiprocessing.Pool(processes=1) as pool:
        print('Parent: sending the counter to a pool worker as a task argument')
        # Raises RuntimeError here: pickling the task for the worker fails.
        pool.apply(task, (counter,))
    print(f'Parent: {counter.value}')
    print('verdict:', 'propagates' if counter.value == 1 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
