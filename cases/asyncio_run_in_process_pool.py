"""asyncio's run_in_executor() with a process pool

An `asyncio` program offloads CPU-bound calls to a
`concurrent.futures.ProcessPoolExecutor` with `loop.run_in_executor()`, and
awaits the results. The results come back to the event loop under every
start method.

**Why.** `run_in_executor()` only calls the executor's `submit()` and wraps
the returned future for the event loop; everything else is the executor's
machinery, and that is `multiprocessing`:

- the function and its arguments are pickled into the worker's call queue
  (under every start method, fork included, since the workers are already
  running when a call is submitted), so the function must be a module-level
  one. `run_in_executor()` takes no keyword arguments, so settings go in
  with `functools.partial`, which pickles (`partial_pool_task`);
- the worker's return value is pickled back, and the executor's management
  thread resolves the future, which wakes the coroutine awaiting it.

So what crosses is what is passed and returned, never the event loop's state
or a coroutine (neither pickles), and never the context variables of the
awaiting task (`contextvar_in_main`). The executor gets the start method
through `mp_context`, here the one set on the command line; without it,
it uses the default context: forkserver on Linux from Python 3.14 (gh-84559),
spawn on macOS and Windows.

**PyPy 3.9 (7.3.10 and 7.3.11).** Its `ProcessPoolExecutor.submit()` calls a
renamed `_adjust_process_count()` whenever workers are started on demand,
that is under every method except fork, and raises `AttributeError`
(pypy/pypy#3873, #3910, #4922; see `process_pool_executor_initializer`).

**Seen in the wild.** `python/cpython#93457` (gh-85299): the `asyncio`
documentation's own `run_in_executor()` example failed on macOS and
Windows because of its process-pool part: spawned workers re-import the
script, and the example had no `__main__` guard (`no_main_guard`); the
review settled on adding the guard.
"""
import argparse
import asyncio
import concurrent.futures
import functools
import multiprocessing

FAMILY = 'pools-and-executors'
DIRECTION = 'child-to-parent'
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
RELATED = ['partial_pool_task', 'process_pool_executor_initializer', 'pool_map_results',
           'contextvar_in_main']


def scale(value, factor):
    return value * factor


async def compute():
    loop = asyncio.get_running_loop()
    context = multiprocessing.get_context()  # the start method set in the __main__ block
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        calls = [loop.run_in_executor(pool, functools.partial(scale, factor=10), value)
                 for value in (1, 2, 3)]
        return await asyncio.gather(*calls)


def main():
    results = asyncio.run(compute())
    print(f'The event loop received: {results}')
    print('verdict:', 'propagates' if results == [10, 20, 30] else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
