"""SharedMemory created by one child and attached by name in its sibling

One child creates a `multiprocessing.shared_memory.SharedMemory` block,
writes into it, and sends only the block's name to its sibling; the sibling
attaches by name and reads. The creator keeps its handle open until the
reader has finished, then closes and unlinks the block. The bytes reach the
sibling, whatever the start method.

**Why.** On POSIX the block is a named shared-memory object (`shm_open`, a
file in `/dev/shm` on Linux); on Windows a named file mapping. Any process
that opens the same name maps the same physical pages, so only the name has
to travel (here through a `SimpleQueue`) and nothing depends on how the
children were started.

The lifecycle is what needs care between siblings:

- The creator must not `unlink()` (POSIX) or close its last handle
  (Windows, where the block disappears with its last handle) before the
  reader has attached; an `Event` holds it back here.
- On POSIX both children register the name with the resource tracker, the
  helper that unlinks leftover blocks when its last user exits
  (python/cpython#82300). Both use the *parent's* tracker: the parent
  starts it before its first child under spawn and forkserver, and this
  case starts it explicitly under fork as well, so that the forked children
  inherit it. Without that, each fork child starts a tracker of its own;
  when the reader exits, its tracker takes the block it registered for a
  leak, prints "There appear to be 1 leaked shared_memory objects" and
  unlinks it, whether or not the creator still needs it (checked on 3.8 and
  3.12).

**Seen in the wild.** `tenstorrent/tt-inference-server#2802`: a process that
had only attached to `/dev/shm/tt_video_in` and `tt_video_out` exited, and
the resource tracker unlinked both segments while another process was still
using them.
"""
import argparse
import multiprocessing
import os
import signal
from multiprocessing import resource_tracker, shared_memory
from multiprocessing.connection import wait

FAMILY = 'shared-memory'
DIRECTION = 'sibling-to-sibling'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['shared_memory_by_name', 'sibling_shareable_list', 'sibling_queue']

MESSAGE = b'hello'


def create(names, read):
    shm = shared_memory.SharedMemory(create=True, size=len(MESSAGE))
    try:
        shm.buf[:len(MESSAGE)] = MESSAGE
        print(f'Creator wrote {MESSAGE} into the block')
        names.put(shm.name)
        read.wait(timeout=10)  # keep the block until the sibling has read it
    finally:
        shm.close()
        shm.unlink()


def attach(names, read, seen):
    shm = shared_memory.SharedMemory(name=names.get())
    try:
        seen[:] = shm.buf.tobytes()[:len(MESSAGE)]
        print(f'Reader found: {seen.raw}')
    finally:
        shm.close()  # our handle only: unlinking is the creator's job
        read.set()


def main():
    if os.name == 'posix':  # Windows has no resource tracker for shared memory
        resource_tracker.ensure_running()  # one tracker, inherited by both children
    names = multiprocessing.SimpleQueue()
    read = multiprocessing.Event()
    seen = multiprocessing.Array('c', len(MESSAGE))  # the reader's report to the parent
    creator = multiprocessing.Process(target=create, args=(names, read))
    reader = multiprocessing.Process(target=attach, args=(names, read, seen))
    creator.start()
    reader.start()
    # The reader can only block waiting for the creator's name: once one child has
    # ended, the other either follows at once or waits for ever.
    wait([creator.sentinel, reader.sentinel])
    for child in (reader, creator):
        child.join(timeout=10)
    if reader.is_alive():  # the creator died before sending the name
        reader.kill()
        reader.join()
    for child in (creator, reader):
        if child.exitcode != 0:
            # The child raised (its traceback is on stderr) or a signal killed it.
            crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
            print(f'verdict: error{crash}')
            return
    print(f'Parent: the reader found {seen.raw}')
    print('verdict:', 'propagates' if seen.raw == MESSAGE else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
