"""A JoinableQueue: one child waits until its sibling has processed the item

The parent creates a `multiprocessing.JoinableQueue` and starts two children
with it. The producer puts an item and then blocks in `join()` until the
item is marked done; the consumer gets the item and calls `task_done()`. The
consumer's `task_done()` releases the producer's `join()`, whatever the start
method.

**Why.** A `JoinableQueue` is a `Queue` (an OS pipe plus semaphores) with
two more synchronisation objects: a semaphore that counts unfinished tasks,
and a condition that `task_done()` notifies. `put()` raises the count,
`task_done()` lowers it, and `join()` sleeps on the condition until the
count reaches zero. All of it is
operating-system objects, which each child got *from the parent, at start*:

- Under **fork**, both children inherit the pipe, the semaphores and the
  condition with the rest of the parent's memory.
- Under **spawn** and **forkserver**, `Process.start()` pickles the queue for
  each child: the pipe's descriptors are duplicated into it and the
  semaphores are reopened by name.

`join()` has no timeout: if `task_done()` never arrived, the producer would
block for ever. The parent therefore waits for it with `join(timeout)` and
would kill it and report `hang`. A consumer that forgets `task_done()` hangs
its producer exactly that way.
"""
import argparse
import multiprocessing
import signal

FAMILY = 'message-passing'
DIRECTION = 'sibling-to-sibling'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['sibling_queue', 'sibling_simple_queue', 'queue_result']


def produce(tasks, finished):
    tasks.put(100)
    print('Producer put 100 and waits for it to be done')
    tasks.join()  # returns once the sibling's task_done() has arrived
    print('Producer: the item is done')
    finished.value = 1


def consume(tasks, got):
    item = tasks.get(timeout=10)  # generous: the producer may still be starting
    print(f'Consumer got: {item}')
    got.value = item
    tasks.task_done()


def main():
    tasks = multiprocessing.JoinableQueue()
    finished = multiprocessing.Value('b', 0)  # the producer's report to the parent
    got = multiprocessing.Value('i', 0)  # the consumer's report to the parent
    producer = multiprocessing.Process(target=produce, args=(tasks, finished))
    consumer = multiprocessing.Process(target=consume, args=(tasks, got))
    producer.start()
    consumer.start()
    consumer.join()
    producer.join(timeout=10)  # the consumer is done: task_done() was sent or never will be
    stuck = producer.is_alive()
    if stuck:
        print('Parent: the producer is still waiting in join()')
        producer.kill()
        producer.join()
    for child in (consumer,) if stuck else (producer, consumer):
        if child.exitcode != 0:
            # The child raised (its traceback is on stderr) or a signal killed it.
            crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
            print(f'verdict: error{crash}')
            return
    if stuck:
        print('verdict: hang')
        return
    print(f'Parent: consumer got {got.value}, producer saw it done: {bool(finished.value)}')
    print('verdict:', 'propagates' if finished.value and got.value == 100 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
