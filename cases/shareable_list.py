"""A shared_memory.ShareableList changed by the child

The parent creates a `multiprocessing.shared_memory.ShareableList` holding an
int, a float and a short string, and passes the list itself to a child. The
child overwrites all three items; the parent sees the new values under every
start method, then closes and unlinks the list's memory.

**Why.** A `ShareableList` keeps its items, packed with `struct`, inside a
`SharedMemory` block (`sl.shm`): a named POSIX shared-memory segment, a file
in `/dev/shm` on Linux.

- Under **fork**, the child inherits the object and the block's mapping, so
  it writes straight into the pages the parent reads.
- Under **spawn** and **forkserver**, `start()` pickles the arguments, and a
  `ShareableList` pickles as nothing more than its block's name: the child
  attaches to the same segment by name (as in `shared_memory_by_name`).
  Unlike a `Value`, this works at any time, not only while a child is being
  started, so a `ShareableList` can also be sent as a Pool task argument or
  through a Queue.

The layout is fixed when the list is created: its length cannot change, and
each item slot is sized for the value it was created with (a `str` or
`bytes` slot holds at most its original length rounded up to a multiple of
8 bytes), so the child replaces `'abc'` with a string no longer than 8 bytes.
Only `int`, `float`, `bool`, `str`, `bytes` and `None` can be stored.

Attaching in a spawn or forkserver child registers the segment with the
resource tracker again (gh-82300), which is harmless here because the child
shares its parent's tracker: see `shared_memory_by_name` for the details and
for the case where it is not harmless. Each process closes its handle to the
block with `sl.shm.close()`; only the parent calls `sl.shm.unlink()`.

**PyPy on Windows.** The child attaches by name while it unpickles the list,
and on Windows that attach calls `_winapi.UnmapViewOfFile` (CPython 3.10+,
bpo-40882), which PyPy's `_winapi` lacks (pypy/pypy#5361): on PyPy 3.10 and
3.11 for Windows the child raises `AttributeError` before the target runs,
and the case reports `error (AttributeError)`. See `shared_memory_by_name`
for the details and the assumed PyPy release that fixes it. (Predicted from
the source: no Windows run has confirmed it yet.)
"""
import argparse
import multiprocessing
from multiprocessing import shared_memory

FAMILY = 'shared-memory'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['shared_memory_by_name', 'manager_list', 'value_array_arguments']
OVERRIDES = [
    {
        'os': 'windows',
        'implementation': 'pypy',
        'since': '3.10',
        'implementation_version': {'before': '7.3.23'},
        'expect': {'spawn': 'error (AttributeError)'},
        'why': "Unpickling the list attaches by name, which calls _winapi.UnmapViewOfFile "
               "(CPython 3.10+, bpo-40882); PyPy's _winapi lacks it (pypy/pypy#5361), so the child "
               'raises AttributeError. Added to PyPy in September 2026, after 7.3.22; 7.3.23 as '
               'the first release with it is an assumption. Predicted, not yet observed on Windows.',
    },
]

NEW_ITEMS = [100, 2.5, 'xyz']


def task(items):
    try:
        print(f'Child before update: {list(items)}')
        for index, value in enumerate(NEW_ITEMS):
            items[index] = value
        print(f'Child after update: {list(items)}')
    finally:
        items.shm.close()


def main():
    items = shared_memory.ShareableList([0, 1.0, 'abc'])
    try:
        child = multiprocessing.Process(target=task, args=(items,))
        child.start()
        child.join()
        if child.exitcode != 0:
            print('verdict: error')
            return
        print(f'Parent: {list(items)}')
        print('verdict:', 'propagates' if list(items) == NEW_ITEMS else 'isolated')
    finally:
        items.shm.close()
        items.shm.unlink()


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
