"""A ThreadPoolExecutor used in the parent, reused by a child

Libraries often keep one `concurrent.futures.ThreadPoolExecutor` for the
whole process, made on first use (`get_executor()` here). The parent runs a
task on it, then starts a child that submits a task to `get_executor()` and
waits for the result. Under fork the result never comes: the child waits
until the parent gives up, kills it and reports `hang`. Under spawn and
forkserver the child makes an executor of its own and gets its result.

**Why.** An executor is an object (a work queue, the set of threads it
started, a count of idle ones) plus the threads themselves, which only the
process that started them has. `submit()` puts the task on the queue and
starts a thread only if fewer than `max_workers` have been started.

- Under **fork**, the child gets a copy of the object but not its worker
  thread: `fork()` copies only the thread that calls it. The copy says one
  thread has been started, the maximum, so `submit()` starts none, and
  nothing ever takes the task off the queue.
- Under **spawn** and **forkserver**, the fork server and a spawned child
  import the script afresh, so `_executor` is `None` there: the child's
  `get_executor()` makes an executor with a live thread.

With more workers the child starts a thread of its own only if the parent
had started fewer than the maximum and the child submits more tasks than
the copy counts as idle (a task was still running at the fork, say); that
thread then runs the whole queue. With one worker that already exists, as
here, it never does. A `multiprocessing.Pool` or `ProcessPoolExecutor` kept
the same way hangs the same way under fork: the threads that pass tasks to
its worker processes, and collect the results, stay in the parent, so the
child's task waits in its copy of the queue. On 3.12 and later the parent
is also warned, by a `DeprecationWarning` hidden by default, that it forks
while another thread runs.

**The fix.** Make the executor in the process that uses it: remember the
`os.getpid()` it was made in, and make a new one when that changes
(PyIceberg's fix). Or clear the global in the child with
`os.register_at_fork(after_in_child=...)` (Motor's), or use spawn or
forkserver.

**Seen in the wild.**

- `apache/iceberg-python#2545`: PyIceberg's `ExecutorFactory.get_or_create()`
  singleton, used once in the parent, never ran the task a forked
  `ProcessPoolExecutor` worker submitted to it, and waiting for its result
  hung; the fix, `apache/iceberg-python#2546`, makes a new executor when it
  finds itself in a new process.
- `mongodb/motor#196`: "motor_asyncio freezes when using multiprocessing":
  Motor's module-level `ThreadPoolExecutor` is now made anew in each forked
  child, with `os.register_at_fork`.
"""
import argparse
import concurrent.futures
import multiprocessing
import signal

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'hang', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['thread_lock_held_at_fork', 'thread_started_at_import', 'pool_initializer_global']

_executor = None  # made on first use, then shared by the whole process


def get_executor():
    global _executor
    if _executor is None:
        # One worker: see the docstring for why the answer is then certain.
        _executor = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    return _executor


def task(result):
    result.value = get_executor().submit(sum, [1, 2]).result()
    print(f'Child: the executor returned {result.value}')


def main():
    print(f'Parent: the executor returned {get_executor().submit(sum, [1, 2]).result()}')
    result = multiprocessing.Value('i', -1)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(result,))
    child.start()
    child.join(timeout=2)
    if child.is_alive():
        print('Parent: the child has waited 2 s for its result; killing it')
        child.kill()
        child.join()
        verdict = 'hang'
    elif child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        verdict = f'error{crash}'
    else:
        verdict = 'isolated' if result.value == 3 else 'error'
    print('verdict:', verdict)


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
