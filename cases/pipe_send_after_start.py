"""A Pipe the parent sends through after start(), read by the running child

The parent creates a one-way `multiprocessing.Pipe`, starts a child with the
reading end, and then sends a value through the writing end. The child
receives it, whatever the start method.

**Why.** A pipe is an operating-system channel (a Unix socket pair or pipe on
POSIX, a named pipe on Windows); the child holds a descriptor on its end:

- Under **fork**, the child inherits the descriptors with the rest of the
  parent's memory.
- Under **spawn** and **forkserver**, `Process.start()` pickles the
  `Connection`, which duplicates its descriptor into the child (through the
  fork server, or by handle duplication on Windows).

`send()` pickles the value and writes it in the calling thread (no feeder
thread, unlike a `Queue`); `recv()` reads and unpickles it. Each process
closes the ends it does not use, so that the reader sees end-of-file
(`EOFError`) if the writer goes away instead of waiting for ever; the child
here also bounds its wait with `poll(timeout)`.

**Seen in the wild.** `sandialabs/canary#100` replaced the
`multiprocessing.Queue` between its worker processes and their children with
a `Pipe`, to avoid the thread a queue starts inside the worker.
"""
import argparse
import multiprocessing
import signal

FAMILY = 'message-passing'
DIRECTION = 'parent-to-child-after-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['pipe_result', 'queue_put_after_start', 'attribute_changed_after_start']


def task(reader, seen):
    if reader.poll(timeout=10):
        seen.value = reader.recv()
    print(f'Child received: {seen.value}')
    reader.close()


def main():
    reader, writer = multiprocessing.Pipe(duplex=False)
    seen = multiprocessing.Value('i', -1)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(reader, seen))
    child.start()
    reader.close()  # the child has its own copy of the reading end
    print('Parent sends 100 after start()')
    writer.send(100)
    writer.close()
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f'Parent: the child received {seen.value}')
    print('verdict:', 'propagates' if seen.value == 100 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
