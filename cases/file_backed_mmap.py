"""A file-backed mmap: parent and child map the same file

The parent creates a temporary file, maps it into memory with `mmap`, and
passes the file's *path* to a child. The child opens the same file, maps it,
and writes into its own mapping. The parent reads the child's bytes through
its mapping, under every start method, and then deletes the file.

**Why.** A shared mapping of a file does not belong to a process: it is a
window onto the file's pages in the operating system's page cache. Any
process that maps the same range of the same file with `MAP_SHARED` (Python's
default for `mmap.mmap(fileno, length)` on Unix) sees the same pages, so a
write through one mapping is visible through every other one at once, before
anything reaches the disk.

Only the path, a string, crosses from parent to child, and a string travels
the same way under **fork** (copied with the parent's memory), **spawn** and
**forkserver** (pickled). The child builds its own mapping from it, which is
why this works where passing an anonymous mapping does not
(`anonymous_mmap_before_start`): a file has a name another process can
open. `SharedMemory` (`shared_memory_by_name`) is the same idea with the file
kept in memory (`/dev/shm` on Linux) instead of on disk.

Cleanup is the parent's job: each process closes its own mapping and file,
and the parent removes the file once the child has finished. On Windows the
file cannot be deleted while a mapping of it is open, hence closing before
`os.remove`.

**Seen in the wild.** `numpy/numpy#13338`: a `np.memmap` passed to the
worker processes was filled on Linux and macOS but came back empty on
Windows, where spawn sends the object itself by pickling; a path, as here,
does not depend on how an object travels.
"""
import argparse
import mmap
import multiprocessing
import os
import tempfile

FAMILY = 'shared-memory'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['anonymous_mmap_before_start', 'shared_memory_by_name']

MESSAGE = b'hello'


def task(path):
    with open(path, 'r+b') as file, mmap.mmap(file.fileno(), 0) as memory:
        print(f'Child before update: {memory[:len(MESSAGE)]}')
        memory[:len(MESSAGE)] = MESSAGE
        print(f'Child after update: {memory[:len(MESSAGE)]}')


def main():
    fd, path = tempfile.mkstemp(suffix='.bin')
    try:
        # A file of one page of zero bytes: a mapping cannot grow the file.
        os.ftruncate(fd, mmap.PAGESIZE)
        with mmap.mmap(fd, mmap.PAGESIZE) as memory:
            child = multiprocessing.Process(target=task, args=(path,))
            child.start()
            child.join()
            if child.exitcode != 0:
                print('verdict: error')
                return
            seen = memory[:len(MESSAGE)]
        print(f'Parent: {seen}')
        print('verdict:', 'propagates' if seen == MESSAGE else 'isolated')
    finally:
        os.close(fd)
        os.remove(path)


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
