"""ProcessPoolExecutor(max_tasks_per_child=1): a worker's state after replacement

A `concurrent.futures.ProcessPoolExecutor` with one worker and
`max_tasks_per_child=1` runs two tasks one after the other. Each task appends
to a module-level list in its worker and returns the list and the worker's
PID. Under spawn and forkserver the second task runs in a fresh worker and
does not see the first task's item. Under fork the executor refuses to be
created.

**Why.** `max_tasks_per_child` (new in Python 3.11, bpo-44733) makes a
worker exit after that many tasks and starts a replacement:

- Under **spawn** and **forkserver**, the replacement imports this script
  afresh as `__mp_main__`, with an empty list, so the state is `isolated`.
- Under **fork**, the constructor raises `ValueError` ("max_tasks_per_child
  is incompatible with the 'fork' multiprocessing start method",
  python/cpython#90622, PR #91587): replacements are started while the
  executor's management thread runs, and forking a multi-threaded process
  can deadlock the child.

Note the default: with `max_tasks_per_child` and *no* `mp_context`, the
executor silently uses **spawn**, not the program's start method. This case
passes `mp_context` explicitly to show each method.

**Before Python 3.11**, and on PyPy 3.9 (whose standard library is 3.9's),
the parameter does not exist: the constructor raises `TypeError` under every
method. `multiprocessing.Pool(maxtasksperchild=...)` is the older equivalent,
and works under fork too (`pool_maxtasksperchild_state`).

**Seen in the wild.** `blacklanternsecurity/bbot#3366`: bbot's process pool
(spawn) retired each worker after 25 tasks, and every replacement, a new
interpreter, imported the task's module again, about half a second for
badsecrets; throughput fell seventeen-fold. `blacklanternsecurity/bbot#3375`
raised the limit to 250.
"""
import argparse
import concurrent.futures
import multiprocessing
import os

FAMILY = 'pools-and-executors'
DIRECTION = 'sibling-to-sibling'
EXPECTED = {'fork': 'error (ValueError)', 'spawn': 'isolated', 'forkserver': 'isolated'}
OVERRIDES = [
    {
        'before': '3.11',
        'expect': {'fork': 'error (TypeError)', 'spawn': 'error (TypeError)',
                   'forkserver': 'error (TypeError)'},
        'why': 'max_tasks_per_child was added in Python 3.11 (bpo-44733); before that (and on '
               'PyPy 3.9) the keyword is unknown and the constructor raises TypeError.',
    },
]
RELATED = ['pool_maxtasksperchild_state', 'process_pool_executor_initializer']

seen_in_this_worker = []


def remember(item):
    seen_in_this_worker.append(item)
    return os.getpid(), list(seen_in_this_worker)


def main():
    context = multiprocessing.get_context()  # the start method set in the __main__ block
    with concurrent.futures.ProcessPoolExecutor(
            max_workers=1, mp_context=context, max_tasks_per_child=1) as executor:
        first_pid, first = executor.submit(remember, 1).result()
        second_pid, second = executor.submit(remember, 2).result()
    print(f'First task, worker {first_pid}: {first}')
    print(f'Second task, worker {second_pid}: {second}')
    print(f'Parent: a new worker ran the second task: {first_pid != second_pid}')
    print('verdict:', 'propagates' if 1 in second else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
