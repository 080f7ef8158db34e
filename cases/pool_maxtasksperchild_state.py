"""A Pool worker's global state after maxtasksperchild replaces it

A `multiprocessing.Pool(1, maxtasksperchild=1)` runs two tasks one after the
other. Each task appends to a module-level list in the worker and returns
the list and the worker's PID. The second task runs in a *new* worker, which
does not see what the first task left behind, whatever the start method.

**Why.** `maxtasksperchild=N` makes each worker exit after N tasks; the
pool's worker-handler thread then starts a replacement with the pool's start
method:

- Under **fork**, the replacement is forked from the *parent*, not from the
  old worker, so it gets the parent's copy of the module: an empty list.
- Under **spawn** and **forkserver**, the replacement imports this script
  afresh as `__mp_main__`: an empty list again.

So state that a worker accumulates (caches, connections, counters) lives
exactly as long as the worker. With the default `maxtasksperchild=None` the
same worker would run both tasks and the second would see `[1, 2]` (but
never reliably: a pool with several workers gives no say over which worker
gets which task, `pool_worker_global_mutation`). Use a pool initializer for
state every worker needs (`pool_initializer_global`), and return results
instead of leaving them in workers.
"""
import argparse
import multiprocessing
import os

FAMILY = 'pools-and-executors'
DIRECTION = 'sibling-to-sibling'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['pool_worker_global_mutation', 'pool_initializer_global',
           'executor_max_tasks_per_child']

seen_in_this_worker = []


def remember(item):
    seen_in_this_worker.append(item)
    return os.getpid(), list(seen_in_this_worker)


def main():
    with multiprocessing.Pool(1, maxtasksperchild=1) as pool:
        first_pid, first = pool.apply(remember, (1,))
        second_pid, second = pool.apply(remember, (2,))
    print(f'First task, worker {first_pid}: {first}')
    print(f'Second task, worker {second_pid}: {second}')
    print(f'Parent: a new worker ran the second task: {first_pid != second_pid}')
    print('verdict:', 'propagates' if 1 in second else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
