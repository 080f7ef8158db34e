"""ProcessPoolExecutor tasks reading a global set in the main block

The parent reads a setting (as if from the command line) into a module
global in its main block, then runs tasks in a
`ProcessPoolExecutor(mp_context=...)` that read the global. Under fork the
tasks see the parent's value; under spawn and forkserver they see the value
the module assigns at the top level.

**Why.** The executor's workers are `multiprocessing` processes, started from
the context given as `mp_context`, and they inherit exactly what such
processes inherit:

- Under **fork**, each worker is a copy of the parent as it was when the
  worker was started: at the first `submit()`, after the main block set the
  global.
- Under **spawn**, each worker imports this script afresh as `__mp_main__`:
  the top level runs, `if __name__ == '__main__':` does not, so the global
  keeps its top-level value.
- Under **forkserver**, each worker is forked from the fork server, which
  imported this script the same way (or not at all): the top-level value
  again.

Choosing the context explicitly does not change what the workers inherit,
only which of these three it is; without `mp_context` the executor uses the
default context, which is forkserver on Linux from Python 3.14 (gh-84559), so
code that worked on Linux with fork silently gets the top-level value there.
The fix: pass the setting in, with `initializer`/`initargs`
(`process_pool_executor_initializer`) or as an argument of each task.

**PyPy 3.9 (7.3.10 and 7.3.11).** Under spawn and forkserver its
`ProcessPoolExecutor.submit()` raises `AttributeError` before any task runs
(a renamed `_adjust_process_count()`, pypy/pypy#3873, #3910, #4922).

The same pattern with a `multiprocessing.Pool`, and the projects it broke,
is `config_global_from_argv_pool`.

**Seen in the wild.** `google/binja-hexagon#12`: a dictionary, `behdict`,
was empty in `ProcessPoolExecutor` workers on macOS; a comment there
traces it to the spawn default and notes that a fork `mp_context` fixes
it (the PR itself moved to threads). `agronholm/pythonfutures#48` shows
the fork side: a global assigned in the main block reached every worker,
to its author's surprise.
"""
import argparse
import concurrent.futures
import multiprocessing

FAMILY = 'pools-and-executors'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
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
RELATED = ['process_pool_executor_initializer', 'config_global_from_argv_pool',
           'global_reassigned_in_main']

verbosity = 0  # the top-level default; the main block changes it


def read_verbosity(_):
    return verbosity


def main():
    global verbosity
    verbosity = 2  # e.g. from the command line
    context = multiprocessing.get_context()  # the start method set below
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as executor:
        seen = list(executor.map(read_verbosity, range(4)))
    print(f'Parent set verbosity = {verbosity}')
    print(f'Tasks saw: {seen}')
    print('verdict:', 'propagates' if all(value == 2 for value in seen) else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
