"""functools.partial as a Pool task, carrying a setting to the workers

The parent wants every task to use a setting, `factor = 10`. Instead of a
lambda or a closure, it binds the setting to a module-level function with
`functools.partial(scale, factor=10)` and maps that over a `Pool`. The
workers get the setting, whatever the start method.

**Why.** A `Pool` pickles every task it sends to its workers, under every
start method, fork included (the workers are already running when `map()` is
called). What can be pickled decides what works:

- a lambda or a nested function cannot be pickled (`lambda_pool_task`,
  `closure_process_target`): pickle saves functions by module and name, and
  those have no importable name;
- a `functools.partial` object pickles as the function (by reference,
  `__main__.scale`, which every worker has: inherited under fork, or from
  its own import of this script as `__mp_main__`) plus the bound arguments
  (by value).

So the setting travels *with each task*, as data: it does not matter whether
the worker was forked before the setting existed, or spawned and never ran
the parent's main block. The same trick works for `Process(target=...)`,
`ProcessPoolExecutor.submit()`, and `loop.run_in_executor()`, which accepts
no keyword arguments of its own (`asyncio_run_in_process_pool`).

**Seen in the wild.** `gentoo/portage#1260`: a nested `_pre_exec`
function could not be pickled under spawn (`Can't pickle local object
'spawn_wrapper.__call__.<locals>._pre_exec'`); Portage replaced it with
`partial(setexec, self._con)` and checked that the partial pickles.
"""
import argparse
import functools
import multiprocessing

FAMILY = 'pickling'
DIRECTION = 'parent-to-child-after-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['lambda_pool_task', 'closure_process_target', 'pool_initializer_global']


def scale(value, factor=1):
    return value * factor


def main():
    task = functools.partial(scale, factor=10)  # picklable: scale by name, factor by value
    with multiprocessing.Pool(1) as pool:
        results = pool.map(task, [1, 2, 3])
    print(f'Parent bound factor=10; the workers returned {results}')
    print('verdict:', 'propagates' if results == [10, 20, 30] else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
