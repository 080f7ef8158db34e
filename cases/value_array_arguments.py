"""multiprocessing.Value and Array passed to a child as arguments

The parent creates a `multiprocessing.Value` and a `multiprocessing.Array`,
passes both to a child in `Process(args=...)`, and the child overwrites them.
The parent sees the new contents under every start method.

**Why.** A `Value` or `Array` is not an ordinary Python object: its data lives
in a block of shared memory that `multiprocessing` allocated from its heap (on
POSIX, a temporary file, deleted as soon as it is created, in `/dev/shm` on
Linux, and mapped `MAP_SHARED`), and the Python object is only a wrapper that
points into it, plus a lock.

- Under **fork**, the child inherits the mapping itself. The wrapper is copied
  like everything else, but it still points at the same physical pages, so a
  write in the child is a write in the parent.
- Under **spawn** and **forkserver**, `Process.start()` pickles the arguments.
  A `Value` refuses to be pickled at any other moment, but while a child is
  being started its reducer sends a duplicate of the *file descriptor* of the
  shared block instead of the bytes (the lock's POSIX semaphore is reopened
  by name). The child maps the same block again, so it writes to the very
  memory the parent reads.

The same holds for the lock that comes with them: `get_lock()` returns the
same semaphore in both processes (see `value_increments_with_lock`). The
catch is the "while a child is being started" part: the same object sent
later, for example as a `Pool` task argument, is refused
(`value_as_pool_task_argument`).

On Windows (spawn only) the block is a named file mapping and the child opens
it by name; the outcome is the same.

**Seen in the wild.** `johnveitch/cpnest#95` added support for every start
method (tested on Linux with 3.13 and 3.14, and on macOS) by passing its
`multiprocessing` values and pipes to the children as arguments instead of
relying on fork to copy them. `python/cpython#110660` shows a catch: two
`Value`s created inline in `Process(kwargs=...)`, with no reference kept in
the parent, were garbage-collected there and the two children ended up
sharing one memory location; keeping a reference in the parent fixed it.
"""
import argparse
import multiprocessing

FAMILY = 'shared-ctypes'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = [
    'raw_value_array',
    'ctypes_structure_shared',
    'value_increments_with_lock',
    'value_as_pool_task_argument',
    'instance_attribute_value',
    'instance_attribute_array',
]


def task(number, numbers):
    print(f'Child before update: {number.value} {numbers[:]}')
    number.value = 100
    numbers[:] = [1.5, 2.5, 3.5]
    print(f'Child after update: {number.value} {numbers[:]}')


def main():
    # 'i' is a C int, 'd' a C double: the type codes of the array module.
    number = multiprocessing.Value('i', 0)
    numbers = multiprocessing.Array('d', 3)
    child = multiprocessing.Process(target=task, args=(number, numbers))
    child.start()
    child.join()
    if child.exitcode != 0:
        print('verdict: error')
        return
    print(f'Parent: {number.value} {numbers[:]}')
    changed = number.value == 100 and numbers[:] == [1.5, 2.5, 3.5]
    print('verdict:', 'propagates' if changed else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
