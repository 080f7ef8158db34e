"""A child joined before its large result is read from a Queue

The child puts a 1 MiB result on a `multiprocessing.Queue`, and the parent,
as if the child were a function call, calls `join()` first and `get()`
after. The child never ends, and neither would the parent: the case sees
the deadlock through a `join()` with a timeout, then reads the result,
which lets the child end. The same under every start method.

**Why.** `put()` does not write the item: it hands it to a *feeder thread*
of the putting process, which pickles it and writes it into the queue's
pipe. A pipe holds a limited amount of unread data (64 KiB by default on
Linux; on Windows the queue's named pipe is created with an 8 KiB buffer),
and a process that has put something waits, as it exits, until its feeder
thread has written all of it. So the child cannot exit before the parent
reads, while the parent waits in `join()` for the child to exit. The start
method changes how the child gets the pipe, never the pipe:

- Under **fork**, the child inherits the pipe's descriptors with the rest
  of the parent's memory. When `task` returns, multiprocessing's exit
  function (called by `Process._bootstrap`; from Python 3.13 an `atexit`
  handler) joins the feeder thread, which is blocked writing into a pipe no
  one reads.
- Under **spawn** and **forkserver**, `start()` pickles the queue and the
  child gets duplicates of the same pipe's ends; as it exits it waits for
  its feeder thread the same way.

A small result fits in the pipe, so the same code works with test data and
hangs in production once a result's pickle, with its 4-byte length, passes
what the pipe holds (65,536 bytes on Linux). The multiprocessing
documentation's programming guidelines say it ("Joining processes that use
queues"): get everything a child put before joining it, and remember that
the parent joins its non-daemonic children anyway as it exits.
`SimpleQueue` has no feeder thread, so its `put()` itself blocks in the
child. `cancel_join_thread()` lets the child exit without waiting, but the
result is lost, possibly half-written into the pipe, where a later `get()`,
even one with a timeout, waits for the rest for ever. A pool (`Pool`,
`ProcessPoolExecutor`) reads results as they arrive, so it does not meet
this.

**Seen in the wild.**

- `jonatanjacobsson/ifcpipeline#28`: workers ran each job in a spawned
  child and called `proc.join()` before draining its result queue; "Both
  processes hang permanently on any result over 64 KB": an 8 KB report went
  through, a 262 KB one hung for more than 17 minutes at 0% CPU, its work
  done. `jonatanjacobsson/ifcpipeline#24` had fixed one worker (ifctester)
  by reading the queue before `join()`; #28 moves that loop into a shared
  `drain_and_join()` for the other five.
- `vllm-project/vllm#22371`: `tests/test_sharded_state_loader.py` joined
  its spawned child before reading the queue; the pull request reads first,
  with a comment saying why: "If p.join() is called before queue.get() and
  the queue is full, the child process may block while writing to the queue
  and never terminate, causing the parent to wait indefinitely on
  p.join()."
- `n8n-io/n8n#19084`: n8n's Python task runner "goes unresponsive at 64 KB
  of data ... the parent is waiting for the subprocess to exit via
  `process.join` and the child cannot exit because its background thread is
  blocked"; a reviewer recognised the documentation's "Joining processes
  that use queues", and the fix sends results through files.
- `python/cpython#73983` (bpo-29797), "Deadlock with
  multiprocessing.Queue()": closed by Tim Peters as not a bug; answering a
  later report there, he wrote "If you put something on it, some process
  needs to take it off, or the program may hang forever", quoting the
  documentation's warning on joining a process that has put items on a
  queue.
"""
import argparse
import multiprocessing
import signal

FAMILY = 'message-passing'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'hang', 'spawn': 'hang', 'forkserver': 'hang'}
RELATED = ['queue_result', 'pipe_result', 'sibling_simple_queue']

RESULT_SIZE = 2 ** 20  # pickled, 16 times a default Linux pipe, more than one can be made to hold
# The child has handed its result over and has only to exit: ample time, were it able to.
JOIN_SECONDS = 0.5


def task(results, handed_over):
    results.put(b'x' * RESULT_SIZE)  # returns at once: the feeder thread writes it
    handed_over.set()


def main():
    results = multiprocessing.Queue()
    handed_over = multiprocessing.Event()
    child = multiprocessing.Process(target=task, args=(results, handed_over))
    child.start()
    # However long the child takes to start; if it fails first, its traceback is on stderr.
    while not handed_over.wait(timeout=0.1) and child.is_alive():
        pass
    child.join(timeout=JOIN_SECONDS)  # the pattern: join before get
    hung = child.is_alive()
    print(f'Parent: after join({JOIN_SECONDS}) the child is still running: {hung}')
    if child.exitcode:  # None while it runs
        # It failed before putting, or a signal killed it: what it wrote may be half a message,
        # which get() would wait for the rest of for ever.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    result = results.get()  # reading the result is what lets the child exit
    child.join()
    print(f'Parent: read {len(result)} bytes; the child then exited with code {child.exitcode}')
    print('verdict:', 'hang' if hung else 'propagates')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
