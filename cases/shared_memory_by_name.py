"""SharedMemory created by the parent, attached by name in the child

The parent creates a `multiprocessing.shared_memory.SharedMemory` block and
passes only its *name* (a string) to a child. The child attaches to the block
by that name, writes into it, and closes its handle; the parent reads what the
child wrote, then closes and unlinks the block. The change reaches the parent
under every start method.

**Why.** On POSIX the block is a named shared-memory object (`shm_open`, a
file in `/dev/shm` on Linux), and every process that opens the same name and
maps it gets the same physical pages. Nothing about the block has to be
copied or pickled, only the name, so **fork**, **spawn** and **forkserver**
all behave alike. The one duty the API leaves to you is the lifecycle: every
process calls `close()` on its own handle, and exactly one process, here the
parent, calls `unlink()` once nobody needs the block any more.

**The resource tracker.** On POSIX, `SharedMemory` registers the block's name
with `multiprocessing`'s resource tracker, a helper process that unlinks
whatever is still registered when the last process using it exits, and prints
`UserWarning: resource_tracker: There appear to be 1 leaked shared_memory
objects`. It registers not only when it creates a block but also when it
merely *attaches*, which is CPython issue gh-82300 (bpo-39959). An attaching
process that has a tracker of its own (a process started by `subprocess`, or
by another program) therefore has its tracker unlink the block when it exits,
while the creator still uses it. This has not changed on 3.13:
`track` still defaults to `True`, and `SharedMemory(name, track=False)`
(added in 3.13 by gh-110778) is how such a process opts out.

A child started by `multiprocessing` does not have a tracker of its own. It
uses its parent's: a fork child inherits the tracker's pipe, a spawn child
gets its descriptor on the command line (`spawn_main(tracker_fd=...)`), and
the fork server hands it to each child it forks. The tracker keeps names in a
*set*, so the child's registration just re-adds a name the parent already
registered, and the parent's `unlink()` removes it once. That is why this case
runs clean, with no warning and no early unlink, on every CPython from 3.8
to 3.13 and on PyPy 3.9, under all three methods (checked on Linux; macOS runs
the same POSIX spawn and forkserver code).

Beware the workaround often suggested for gh-82300 on Python before 3.13,
calling `resource_tracker.unregister(shm._name, 'shared_memory')` right
after attaching. In a `multiprocessing` child it removes the *parent's*
registration from the shared set, and the parent's own `unlink()` then makes
the tracker print a `KeyError` traceback. Windows has no resource tracker for
shared memory: the block lives until the last handle to it is closed.

**PyPy on Windows.** To attach by name, `SharedMemory` maps a view of the block
to learn its size and then unmaps it with `_winapi.UnmapViewOfFile`, a call
CPython added in 3.10 (bpo-40882, the leak fix python/cpython#20684). PyPy's
`_winapi` has no such function (pypy/pypy#5361), so on PyPy 3.10 and 3.11 for
Windows the child raises `AttributeError` while attaching and the case reports
`error (AttributeError)`. The function was added to PyPy in September 2026,
after PyPy 7.3.22; the override assumes 7.3.23 is the first release to carry
it. PyPy 3.9's standard library predates the call. (Predicted from the
source: no Windows run has confirmed it yet.)

**Seen in the wild.** wool-labs/wool#336 (tracker `KeyError` tracebacks on
3.12 once attaching workers unregistered the creator's entry from the shared
set) and merenlab/anvio#2706 (the same `KeyError` from worker-side
`unregister()` under fork); python/cpython#82300 for processes with a tracker
of their own.
"""
import argparse
import multiprocessing
from multiprocessing import shared_memory

FAMILY = 'shared-memory'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['shareable_list', 'anonymous_mmap_before_start', 'file_backed_mmap',
           'value_array_arguments']
OVERRIDES = [
    {
        'os': 'windows',
        'implementation': 'pypy',
        'since': '3.10',
        'implementation_version': {'before': '7.3.23'},
        'expect': {'spawn': 'error (AttributeError)'},
        'why': "Attaching by name calls _winapi.UnmapViewOfFile (CPython 3.10+, bpo-40882), which "
               "PyPy's _winapi lacks (pypy/pypy#5361): the child raises AttributeError. Added to "
               'PyPy in September 2026, after 7.3.22; 7.3.23 as the first release with it is an '
               'assumption. Predicted, not yet observed on Windows.',
    },
]

MESSAGE = b'hello'


def task(name):
    shm = shared_memory.SharedMemory(name=name)
    try:
        print(f'Child before update: {shm.buf.tobytes()[:len(MESSAGE)]}')
        shm.buf[:len(MESSAGE)] = MESSAGE
        print(f'Child after update: {shm.buf.tobytes()[:len(MESSAGE)]}')
    finally:
        # Close our handle only: unlinking is the creator's job.
        shm.close()


def main():
    shm = shared_memory.SharedMemory(create=True, size=len(MESSAGE))
    try:
        child = multiprocessing.Process(target=task, args=(shm.name,))
        child.start()
        child.join()
        if child.exitcode != 0:
            print('verdict: error')
            return
        # tobytes() copies out without leaving an extra view on the buffer,
        # which would make close() fail with BufferError.
        seen = shm.buf.tobytes()[:len(MESSAGE)]
        print(f'Parent: {seen}')
        print('verdict:', 'propagates' if seen == MESSAGE else 'isolated')
    finally:
        shm.close()
        shm.unlink()


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
