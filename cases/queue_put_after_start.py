"""A Queue the parent puts into after start(), read by the running child

The parent passes a `multiprocessing.Queue` to a child, starts it, and then
puts a value on the queue. The child, blocked in `get()`, receives it,
whatever the start method.

**Why.** The queue is an OS pipe shared by both processes, with a lock and a
semaphore around it; the child got its end at start:

- Under **fork**, the child inherits the pipe's descriptors and the
  semaphores.
- Under **spawn** and **forkserver**, `Process.start()` pickles the queue:
  the descriptors are duplicated into the child and the semaphores are
  reopened by name.

After that, anything put on the queue, at any time, travels through the
pipe: the parent's `put()` hands the value to a feeder thread, which pickles
it and writes the bytes; the child's `get()` reads and unpickles them. This
is the usual way to feed work or settings to a running process; an
attribute or global changed after start never reaches it
(`attribute_changed_after_start`).

The `put()` starts the feeder thread in the parent. Starting *another* fork
child after that forks a multi-threaded process (a `DeprecationWarning` from
Python 3.12, and a deadlock risk); this case starts its only child first.
"""
import argparse
import multiprocessing
import queue
import signal

FAMILY = 'message-passing'
DIRECTION = 'parent-to-child-after-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['queue_result', 'attribute_changed_after_start', 'pipe_send_after_start']


def task(inbox, seen):
    try:
        value = inbox.get(timeout=10)
    except queue.Empty:
        print('Child got nothing')
        return
    print(f'Child got: {value}')
    seen.value = value


def main():
    inbox = multiprocessing.Queue()
    seen = multiprocessing.Value('i', -1)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(inbox, seen))
    child.start()
    print('Parent puts 100 after start()')
    inbox.put(100)
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f'Parent: the child got {seen.value}')
    print('verdict:', 'propagates' if seen.value == 100 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
