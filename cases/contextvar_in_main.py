"""A contextvars.ContextVar set in the main block

The parent sets a `ContextVar` (as logging, tracing and async frameworks do
for "the current request id") and starts a child that reads it with
`get(default)`. Under fork the child finds the parent's value; under spawn
and forkserver it gets the default.

**Why.** A context variable's value lives in the *current context* of the
thread that set it, an object of the running interpreter:

- Under **fork**, the child is a copy of the parent, and its one thread (the
  one that called `fork()`) continues in the same context, so `get()`
  returns the parent's value.
- Under **spawn**, the child is a new interpreter: importing this module
  creates the variable afresh, with no value in the new context, and the
  main block that set it does not run.
- Under **forkserver**, the child is forked from the fork server, a fresh
  interpreter that never ran the main block either.

`Process.start()` never copies a context the way `asyncio.create_task()`
and `asyncio.to_thread()` do; what a fork child has is a side effect of
copying the whole process. A *process* pool (`loop.run_in_executor()` with
a `ProcessPoolExecutor`) runs each call in a worker whose context is its
own. Pass the value as an argument instead (here it would be
`args=(request_id.get(),)`).

**Seen in the wild.** `wool-labs/wool#69`: wool kept its dispatch timeout
in a `ContextVar`, and its worker processes, started with spawn, saw the
default `None`, so a nested dispatch ignored the timeout and could hang.
The fix, `wool-labs/wool#72`, carries the value with each pickled task and
sets it in the worker before the task runs.
"""
import argparse
import contextvars
import multiprocessing
import signal

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['threading_local_in_main', 'global_reassigned_in_main',
           'asyncio_run_in_process_pool']

request_id = contextvars.ContextVar('request_id')


def task(seen):
    value = request_id.get('unset')
    print(f'Child: request_id = {value!r}')
    seen.value = value == 'req-42'


def main():
    request_id.set('req-42')
    seen = multiprocessing.Value('b', 0)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(seen,))
    child.start()
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f"Parent: the child saw 'req-42': {bool(seen.value)}")
    print('verdict:', 'propagates' if seen.value else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
