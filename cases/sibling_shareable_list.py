"""A ShareableList changed by one child and read by its sibling

The parent creates a `multiprocessing.shared_memory.ShareableList` and hands
it to two children. The writer replaces an item; the reader waits for an
`Event` from the writer, then reads the item. The reader sees the new value,
whatever the start method.

**Why.** A `ShareableList` stores its items, packed with `struct`, in a
`SharedMemory` block, and pickles as just the block's *name*: the child that
unpickles it attaches to the same block. So both children read and write the
same bytes:

- Under **fork**, each child inherits the parent's mapping of the block (the
  list is not pickled at all).
- Under **spawn** and **forkserver**, `Process.start()` pickles the list for
  each child, and each child attaches to the block by name.

The block has a fixed layout: an item can be replaced by a value that fits
the space reserved for it when the list was created (numbers, `bool` and
`None` always fit; a `str` or `bytes` must be no longer than that space), and
the list cannot grow or shrink.
The parent, which created the block, unlinks it at the end; each child only
closes its own mapping.
"""
import argparse
import multiprocessing
import signal
from multiprocessing import shared_memory

FAMILY = 'shared-memory'
DIRECTION = 'sibling-to-sibling'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['shareable_list', 'sibling_shared_memory', 'sibling_condition']


def write(items, written):
    items[0] = 100
    print('Writer set item 0 to 100')
    items.shm.close()
    written.set()


def read(items, written, seen):
    if written.wait(timeout=10):  # generous: the writer may still be starting
        seen.value = items[0]
    print(f'Reader found item 0: {seen.value}')
    items.shm.close()


def main():
    items = shared_memory.ShareableList([0, 'spare'])
    try:
        written = multiprocessing.Event()
        seen = multiprocessing.Value('i', -1)  # the reader's report to the parent
        writer = multiprocessing.Process(target=write, args=(items, written))
        reader = multiprocessing.Process(target=read, args=(items, written, seen))
        reader.start()
        writer.start()
        writer.join()
        reader.join()
        for child in (writer, reader):
            if child.exitcode != 0:
                # The child raised (its traceback is on stderr) or a signal killed it.
                crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
                print(f'verdict: error{crash}')
                return
        print(f'Parent: the reader found {seen.value}')
        print('verdict:', 'propagates' if seen.value == 100 else 'isolated')
    finally:
        items.shm.close()
        items.shm.unlink()


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
