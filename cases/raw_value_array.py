"""RawValue and RawArray (no lock) passed to a child as arguments

The parent creates a `multiprocessing.sharedctypes.RawValue` and a `RawArray`,
passes both to a child in `Process(args=...)`, and the child overwrites them.
The parent sees the new contents under every start method.

**Why.** `RawValue` and `RawArray` are the same shared blocks as `Value` and
`Array` without the wrapper that adds a lock: what you get back is a plain
ctypes object (`c_int`, `c_double_Array_3`) whose buffer lies in memory
`multiprocessing` mapped `MAP_SHARED`.

- Under **fork**, the child inherits that mapping, so the ctypes object it
  sees points at the same physical pages as the parent's.
- Under **spawn** and **forkserver**, the arguments are pickled, and
  `multiprocessing` registers a reducer for these ctypes objects: while a
  child is being started it sends a duplicate of the shared block's file
  descriptor plus the offset, and the child rebuilds a ctypes object over the
  same memory. (An ordinary `ctypes.c_int(0)` has no such reducer: it is
  pickled by value, so the child would get a copy.) Like a `Value`, a raw
  object only travels this way while a process is being started: as a Pool
  task argument it raises `RuntimeError: c_int objects should only be shared
  between processes through inheritance` (`value_as_pool_task_argument`).

No lock means no protection: a single assignment like the ones here is fine
between one writer and one later reader, but a read-modify-write such as
`+= 1` from several processes loses updates. Use `Value` with `get_lock()`
for that (`value_increments_with_lock`).
"""
import argparse
import multiprocessing
from multiprocessing.sharedctypes import RawArray, RawValue

FAMILY = 'shared-ctypes'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['value_array_arguments', 'value_increments_with_lock', 'ctypes_structure_shared',
           'value_as_pool_task_argument']


def task(number, numbers):
    print(f'Child before update: {number.value} {numbers[:]}')
    number.value = 100
    numbers[:] = [1.5, 2.5, 3.5]
    print(f'Child after update: {number.value} {numbers[:]}')


def main():
    number = RawValue('i', 0)
    numbers = RawArray('d', 3)
    print(f'Types: {type(number).__name__}, {type(numbers).__name__}')
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
