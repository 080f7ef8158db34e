"""An anonymous mmap created before start() and written by the child

The parent maps an anonymous memory region with `mmap.mmap(-1, size)`,
passes it to a child, and the child writes into it. Under **fork** the
parent reads what the child wrote; under **spawn** and **forkserver** the
child cannot even be started.

**Why.** On Unix, `mmap.mmap(-1, size)` asks the kernel for anonymous memory
mapped `MAP_SHARED` (Python's default flags). Such a mapping has no name and
no file: the only way to reach it is to already have it.

- Under **fork**, the child is a copy of the parent's address space, and a
  shared mapping stays shared across `fork()`: it is not copy-on-write like
  the rest of memory. Parent and child see the same pages, so the child's
  write shows up in the parent. Until Python 3.4 added spawn and forkserver
  on Unix, this is exactly how `multiprocessing` backed its own `Value` and
  `Array` there.
- Under **spawn** and **forkserver**, the child is a fresh interpreter that
  receives its arguments pickled, and there is nothing to send: an anonymous
  mapping cannot be named or reopened. CPython's `mmap` refuses to be
  pickled, so `start()` raises `TypeError: cannot pickle 'mmap.mmap' object`
  in the parent.

On **PyPy** (7.3.11, Python 3.9) the verdict is the same but the failure
moves: its `mmap` type has no pickling guard, so protocol 2 and later pickle
it as an empty object. `start()` succeeds and the *child* dies unpickling its
arguments (`TypeError: __new__() missing 2 required positional arguments`),
which the parent sees as exit code 1. The matrix records the child's
`TypeError` from its traceback: the same type as CPython's.

Python 3.14 keeps the `TypeError`: gh-122311 turned some pickling failures
into `PicklingError`, but not the `TypeError` an unpicklable type raises
(gh-122213's own 3.14 examples still show `TypeError: cannot pickle ...`).
On **Windows** (spawn only) the parent raises the same `TypeError`, but
`popen_spawn_win32` has already created the child when pickling fails; the
child then fails on its own (on the truncated data, or on the pipe handle
the parent has closed) and prints a second traceback after the parent's.
The matrix records the first one. Both are predictions, not yet observed by
a run.

The case names its start method, so its verdicts do not depend on the
platform's default. Code that relies on the default does: macOS has started
children with spawn since Python 3.8 (bpo-33725), and Python 3.14 makes
forkserver the default on Linux (gh-84559), so a program that shared an
anonymous mapping through the default fork fails there with this `TypeError`.

To share memory under every start method, use memory that has a name or a
descriptor `multiprocessing` knows how to pass: `multiprocessing.Value` or
`Array` (`value_array_arguments`), a `SharedMemory` block attached by name
(`shared_memory_by_name`), or a mapping of a real file the child opens by
path (`file_backed_mmap`). On Windows there is no fork, and an anonymous
mapping without a `tagname` cannot be reached from another process either.

**Seen in the wild.** `stamparm/maltrail#11823`: Maltrail's sensor hands
its capture buffer, an anonymous `mmap.mmap(-1, ...)`, to each worker
`Process`; on macOS with Python 3.8 (spawn) `start()` failed with this
`TypeError`.
"""
import argparse
import mmap
import multiprocessing

FAMILY = 'shared-memory'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'error (TypeError)', 'forkserver': 'error (TypeError)'}
RELATED = ['file_backed_mmap', 'shared_memory_by_name', 'value_array_arguments']

MESSAGE = b'hello'


def task(memory):
    print(f'Child before update: {memory[:len(MESSAGE)]}')
    memory[:len(MESSAGE)] = MESSAGE
    print(f'Child after update: {memory[:len(MESSAGE)]}')


def main():
    # -1: no file behind it; anonymous memory, MAP_SHARED by default.
    memory = mmap.mmap(-1, mmap.PAGESIZE)
    try:
        child = multiprocessing.Process(target=task, args=(memory,))
        # Under spawn and forkserver, CPython raises TypeError here.
        child.start()
        child.join()
        if child.exitcode != 0:
            print('verdict: error')
            return
        seen = memory[:len(MESSAGE)]
        print(f'Parent: {seen}')
        print('verdict:', 'propagates' if seen == MESSAGE else 'isolated')
    finally:
        memory.close()


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
