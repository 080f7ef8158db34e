"""Two children talking through one Queue: one sends, the other receives

The parent creates a `multiprocessing.Queue` and starts two children, handing
the queue to both. The sender puts a value on it; the receiver gets the value
and records it for the parent to check. The value travels from sibling to
sibling, whatever the start method.

**Why.** The siblings never share memory with each other (nor with the
parent); what they share is the queue's OS pipe and the semaphores that guard
it, and each got its own handles on those *from the parent, at start*:

- Under **fork**, each child inherits the queue's pipe descriptors and
  semaphores with the rest of the parent's memory.
- Under **spawn** and **forkserver**, `Process.start()` pickles the queue for
  each child: the pipe's descriptors are duplicated into it and the
  semaphores are reopened by name.

The sender's `put()` pickles the value and its feeder thread writes the bytes
into the pipe; the receiver's `get()` reads them from the same pipe. The
parent never puts anything itself: a `put()` in the parent starts a feeder
thread there, and forking a multi-threaded parent risks deadlocks in the
child; from Python 3.12 it also issues a `DeprecationWarning` (shown with
`-W default` or under pytest).

Because the queue can only be handed over at start, two processes that were
started separately cannot be introduced to each other later with a
`multiprocessing.Queue` (pickling it then raises `RuntimeError`). A
`Manager().Queue()` proxy can be sent to a running process; a
`multiprocessing.Value`, handed over at start like the queue, carries the
receiver's result back to the parent here.

**Seen in the wild.** `python-botogram/botogram#3`: on Windows, sending a
queue through another queue between its running processes failed with "Queue
objects should only be shared between processes through inheritance", and
the maintainer found no way to pass pipes to other processes through pipes
either.
"""
import argparse
import multiprocessing
import queue
import signal

FAMILY = 'message-passing'
DIRECTION = 'sibling-to-sibling'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['queue_result', 'event_signal', 'manager_dict']


def send(channel):
    print('Sender putting: 100')
    channel.put(100)


def receive(channel, received):
    try:
        value = channel.get(timeout=10)  # generous: the sender may still be starting
    except queue.Empty:
        print('Receiver got nothing')
        return
    print(f'Receiver got: {value}')
    received.value = value


def main():
    # The receiver's report to the parent. Made before the queue: on PyPy for Windows, the
    # first shared block allocated after a pipe was reported to fail with FileExistsError,
    # its name check reading a stale GetLastError() (pypy/pypy#3488).
    received = multiprocessing.Value('i', 0)
    channel = multiprocessing.Queue()
    receiver = multiprocessing.Process(target=receive, args=(channel, received))
    sender = multiprocessing.Process(target=send, args=(channel,))
    # Both children get the queue at start; the parent itself never puts, so it
    # starts no feeder thread before forking.
    receiver.start()
    sender.start()
    sender.join()
    receiver.join()
    for child in (sender, receiver):
        if child.exitcode != 0:
            # The child raised (its traceback is on stderr) or a signal killed it.
            crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
            print(f'verdict: error{crash}')
            return
    print(f'Parent: receiver got {received.value}')
    print('verdict:', 'propagates' if received.value == 100 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
