"""A SimpleQueue between two children

The parent creates a `multiprocessing.SimpleQueue` and starts two children
with it: one puts a value, the other gets it. The value travels from sibling
to sibling, whatever the start method.

**Why.** A `SimpleQueue` is a pipe and a lock or two, with no feeder thread:
`put()` pickles the value and writes the bytes into the pipe in the calling
thread, and `get()` reads them from the same pipe. The siblings share that
pipe because each got its ends *from the parent, at start*:

- Under **fork**, both children inherit the pipe's descriptors and the
  locks.
- Under **spawn** and **forkserver**, `Process.start()` pickles the queue for
  each child: the descriptors are duplicated into it and the locks'
  semaphores are reopened by name.

Without a feeder thread, a `put()` of a large object blocks until a reader
drains the pipe, and a `put()` in the parent starts no thread (so a later
fork is not a fork of a multi-threaded process, unlike with a `Queue`,
`sibling_queue`). `get()` takes no timeout: the receiver blocks until
something arrives, so the parent waits for it with `join(timeout)` and would
kill it and report `hang` if the sender never delivered.
"""
import argparse
import multiprocessing
import signal

FAMILY = 'message-passing'
DIRECTION = 'sibling-to-sibling'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['sibling_queue', 'sibling_joinable_queue', 'pipe_result']


def send(channel):
    print('Sender putting: 100')
    channel.put(100)  # written into the pipe right here, no feeder thread


def receive(channel, received):
    value = channel.get()  # blocks; SimpleQueue.get() has no timeout
    print(f'Receiver got: {value}')
    received.value = value


def main():
    channel = multiprocessing.SimpleQueue()
    received = multiprocessing.Value('i', 0)  # the receiver's report to the parent
    receiver = multiprocessing.Process(target=receive, args=(channel, received))
    sender = multiprocessing.Process(target=send, args=(channel,))
    receiver.start()
    sender.start()
    sender.join()
    receiver.join(timeout=10)  # the sender is done: the value was sent or never will be
    stuck = receiver.is_alive()
    if stuck:
        print('Parent: the receiver is still waiting')
        receiver.kill()
        receiver.join()
    for child in (sender,) if stuck else (sender, receiver):
        if child.exitcode != 0:
            # The child raised (its traceback is on stderr) or a signal killed it.
            crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
            print(f'verdict: error{crash}')
            return
    if stuck:
        print('verdict: hang')
        return
    print(f'Parent: receiver got {received.value}')
    print('verdict:', 'propagates' if received.value == 100 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
