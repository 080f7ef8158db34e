"""SharedMemory the parent writes after the child has attached

The parent creates a `multiprocessing.shared_memory.SharedMemory` block and
starts a child with its name. The child attaches and says so; only then does
the parent write into the block. The child, already holding its mapping,
reads the parent's bytes, whatever the start method.

**Why.** Attaching maps the block's pages into the child's address space, and
those are the same physical pages the parent maps. A write through either
mapping is visible through the other immediately; there is no copy to
refresh, so *when* the write happens does not matter. How the child got the
name does not matter either (it is a plain string argument here), which is
why fork, spawn and forkserver agree.

Two `Event`s order the steps: "attached" (so the write really comes after
the child mapped the block) and "written" (so the child reads after the
write). Real code needs the same kind of signal, or a lock, since shared
memory itself says nothing about when the other side has written. The parent
created the block, so it unlinks it at the end; the child only closes its
own mapping.
"""
import argparse
import multiprocessing
import signal
from multiprocessing import shared_memory

FAMILY = 'shared-memory'
DIRECTION = 'parent-to-child-after-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['shared_memory_by_name', 'value_changed_after_start', 'sibling_shared_memory']

MESSAGE = b'hello'


def task(name, attached, written, seen):
    shm = shared_memory.SharedMemory(name=name)
    try:
        print(f'Child attached, block holds: {shm.buf.tobytes()[:len(MESSAGE)]}')
        attached.set()
        written.wait(timeout=10)
        seen[:] = shm.buf.tobytes()[:len(MESSAGE)]
        print(f'Child after the parent\'s write: {seen.raw}')
    finally:
        shm.close()


def main():
    shm = shared_memory.SharedMemory(create=True, size=len(MESSAGE))
    try:
        attached, written = multiprocessing.Event(), multiprocessing.Event()
        seen = multiprocessing.Array('c', len(MESSAGE))  # the child's report to the parent
        child = multiprocessing.Process(target=task, args=(shm.name, attached, written, seen))
        child.start()
        if attached.wait(timeout=10):
            shm.buf[:len(MESSAGE)] = MESSAGE
            print(f'Parent wrote {MESSAGE} after the child attached')
        written.set()
        child.join()
        if child.exitcode != 0:
            # The child raised (its traceback is on stderr) or a signal killed it.
            crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
            print(f'verdict: error{crash}')
            return
        print(f'Parent: the child read {seen.raw}')
        print('verdict:', 'propagates' if seen.raw == MESSAGE else 'isolated')
    finally:
        shm.close()
        shm.unlink()


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
