"""A result sent back from the child through a multiprocessing.Queue

The parent creates a `multiprocessing.Queue`, hands it to a child process, and
the child puts its result on it. The parent gets the result, whatever the
start method.

**Why.** Nothing is shared here: the result is *sent*. A `multiprocessing.Queue`
is an OS pipe plus locks and a semaphore. `put()` hands the object to a
background "feeder" thread, which pickles it and writes the bytes into the
pipe; `get()` reads them in the other process and unpickles a new object.

- Under **fork**, the child inherits the pipe's file descriptors and the
  semaphores behind the locks along with the rest of the parent's memory.
- Under **spawn** and **forkserver**, `Process.start()` pickles the queue: the
  pipe's descriptors are duplicated into the child and the semaphores are
  reopened there by name, so both processes use the same pipe.

Either way the queue must be handed over *when the child starts* (as an
argument, or inherited under fork). Pickling it at any other time raises
`RuntimeError` ("Queue objects should only be shared between processes
through inheritance"); put on another queue, it fails in that queue's feeder
thread, which prints the traceback and drops the item. A `Manager().Queue()`
proxy has no such limit.

Two habits keep a queue out of trouble. Call `get()` before `join()`: a
child does not exit until its feeder thread has written everything into the
pipe, and a pipe holds only so much unread data, so joining first can
deadlock on a large result (`queue_joined_before_get`). And put nothing on a queue in the parent before
starting children with fork: the feeder thread makes the parent
multi-threaded, and forking a multi-threaded process can deadlock the child;
from Python 3.12 `os.fork()` issues a `DeprecationWarning` about it (hidden by
the default warning filters, shown with `-W default` or under pytest). Here
only the child puts.

**Seen in the wild.** `python/cpython#91594`: a child put 10,000 items, the
parent took one, and the program never finished; the answer quoted the
documentation's warning that a process that has put items on a queue will
not terminate until they are flushed to the pipe.
"""
import argparse
import multiprocessing
import queue
import signal

FAMILY = 'message-passing'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['pipe_result', 'sibling_queue', 'pool_map_results', 'instance_attribute_plain',
           'queue_joined_before_get']


def task(results):
    value = 100
    print(f'Child computed: {value}')
    results.put(value)  # pickled; a feeder thread writes it into the pipe


def main():
    results = multiprocessing.Queue()
    child = multiprocessing.Process(target=task, args=(results,))
    child.start()
    try:
        # Get before join; the timeout only matters if the child dies before putting.
        value = results.get(timeout=10)
    except queue.Empty:
        value = None
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f'Parent got: {value}')
    print('verdict:', 'propagates' if value == 100 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
