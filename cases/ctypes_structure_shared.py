"""A ctypes.Structure shared through multiprocessing.Value

The parent defines a `ctypes.Structure` with three fields, allocates one in
shared memory with `multiprocessing.Value(Point, ...)`, and passes it to a
child that changes every field. The parent sees the new fields under every
start method.

**Why.** `multiprocessing.Value` accepts any ctypes type, not only a type
code like `'i'`: it allocates `ctypes.sizeof(Point)` bytes from the shared
heap and builds the structure over them, so the fields themselves live in
shared memory.

- Under **fork**, the child inherits the mapping and writes into the same
  pages the parent reads.
- Under **spawn** and **forkserver**, the reducer sends the shared block's
  file descriptor and the *type* of the object. The type travels by
  reference (module and class name), so the child must be able to import it:
  `Point` is defined at module level, and the child finds it in the re-imported
  main module (`__mp_main__`). A structure class defined inside `main()` or in
  the `if __name__ == '__main__':` block would make `start()` fail with a
  pickling error (see `class_defined_in_main_block`).

Access goes through `point.get_obj()` (or straight through the wrapper's
attribute forwarding, `point.x`). Each single field access is atomic, but
updating several fields as one change needs the wrapper's lock, taken here
with `with point.get_lock():` so that no reader sees half of it.
"""
import argparse
import ctypes
import multiprocessing

FAMILY = 'shared-ctypes'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['value_array_arguments', 'raw_value_array', 'class_defined_in_main_block']


class Point(ctypes.Structure):
    # Defined at module level so that spawn and forkserver children can import it.
    _fields_ = [('x', ctypes.c_int), ('y', ctypes.c_int), ('weight', ctypes.c_double)]


def show(point):
    return f'({point.x}, {point.y}, {point.weight})'


def task(point):
    print(f'Child before update: {show(point)}')
    with point.get_lock():
        point.x = 3
        point.y = 4
        point.weight = 0.5
    print(f'Child after update: {show(point)}')


def main():
    point = multiprocessing.Value(Point, 0, 0, 1.0)
    child = multiprocessing.Process(target=task, args=(point,))
    child.start()
    child.join()
    if child.exitcode != 0:
        print('verdict: error')
        return
    print(f'Parent: {show(point)}')
    changed = (point.x, point.y, point.weight) == (3, 4, 0.5)
    print('verdict:', 'propagates' if changed else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
