"""ProcessPoolExecutor with an initializer setting a global

`concurrent.futures.ProcessPoolExecutor` takes the same `initializer` and
`initargs` as `multiprocessing.Pool`, plus an `mp_context` that chooses the
start method. Each worker runs the initializer once, storing the argument
in a module global that the tasks then read. The workers see the parent's
value under every start method.

**Why.** The executor's workers are `multiprocessing` processes created
from `mp_context`, and the initializer and its arguments are arguments of
each worker process.

- Under **fork**, the worker is a copy of the parent, initializer and
  arguments included.
- Under **spawn** and **forkserver**, the worker's process object is
  pickled: the initializer by name, `initargs` by value. The worker
  imports this file as `__mp_main__` (resetting the global to its
  top-level value), then runs the initializer before the first task.

Pass `mp_context` explicitly: without it the executor uses the default
context, which is forkserver on Linux from Python 3.14 (gh-84559) and
spawn on macOS and Windows. Here it is
`multiprocessing.get_context()`, i.e. the method chosen with
`--start-method`.

**PyPy 3.9 (7.3.10 and 7.3.11).** Its copy of `concurrent/futures/process.py`
renamed `_adjust_process_count` to `_adjust_process_count_cpython` but
`submit()` still calls the old name, and `submit()` only calls it when
workers are started on demand, i.e. for every method except fork. So under
spawn and forkserver the first `submit()` (here, inside `map()`) raises
`AttributeError` in the parent (pypy/pypy#3873, pypy/pypy#3910,
pypy/pypy#4922); fork works. The override is keyed on PyPy's own version
(7.3.10 and 7.3.11, observed here on 7.3.11), not on the Python version it
implements: the bug is in PyPy's copy of the module. The later releases,
from 7.3.12 on (also the first PyPy 3.10), are predicted to work like
CPython. That upper bound is an assumption, not an observation: the three
reports are closed, but which release first shipped the fix is not confirmed
here, so a run on PyPy 3.10 or 3.11 that fails here means the bound must move.

**Seen in the wild.** `dask/dask#9086`: a reader priority set on a class in
the parent was ignored by the workers of Dask's process scheduler, a
`ProcessPoolExecutor`; `dask/dask#9087` let users pass their own
`initializer` to that executor. `PrefectHQ/prefect#22591` did the same for
Prefect's process-pool task runner, whose workers are spawned, so that
each worker can be set up (its `sys.path`, for instance) before tasks
run.
"""
import argparse
import concurrent.futures
import multiprocessing

FAMILY = 'pools-and-executors'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
OVERRIDES = [
    {
        'implementation': 'pypy',
        'implementation_version': {'since': '7.3.10', 'before': '7.3.12'},
        'expect': {'spawn': 'error (AttributeError)', 'forkserver': 'error (AttributeError)'},
        'why': 'PyPy 7.3.10/7.3.11: ProcessPoolExecutor.submit() calls a renamed '
               '_adjust_process_count() when workers start on demand (not under fork) and raises '
               'AttributeError (pypy/pypy#3873, #3910, #4922; observed on 7.3.11). The 7.3.12 '
               'upper bound is assumed, not observed.',
    },
]
RELATED = ['pool_initializer_global', 'config_global_from_argv_pool',
           'global_reassigned_in_main']

# Top-level value: what a worker has before its initializer runs.
greeting = 'not initialized'


def init_worker(value):
    global greeting  # runs once in each worker, before any task
    greeting = value


def read_greeting(_):
    return greeting


def main():
    value = 'hello from the parent'
    context = multiprocessing.get_context()  # the start method set in the __main__ block
    with concurrent.futures.ProcessPoolExecutor(
            max_workers=2, mp_context=context,
            initializer=init_worker, initargs=(value,)) as executor:
        seen = list(executor.map(read_greeting, range(4)))
    print(f'Parent passed: {value}')
    print(f'Tasks saw: {seen}')
    print('verdict:', 'propagates' if all(s == value for s in seen) else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
