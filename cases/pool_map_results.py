"""Pool.map return values reach the parent

The parent hands a list of numbers to `Pool.map`; the workers compute the
squares and return them. The parent receives every result, in order, under
every start method.

**Why.** Return values are the channel a pool is built around. Each worker
pickles what the function returns and sends it back through the pool's
result queue, a pipe between the processes; a thread in the parent
unpickles the results and `map()` puts them back in input order. None of
this depends on how the workers were started, so fork, spawn and
forkserver behave the same.

This is the usual fix when a worker's change to a global goes missing
(`pool_worker_global_mutation`, `global_reassigned_in_child`): compute the
value in the worker and *return* it. The function itself travels by name,
so it must be importable at module level: a lambda fails
(`lambda_pool_task`).

**Seen in the wild.** `uqfoundation/pathos#184`: tasks on a pathos process
pool appended to a module-level list and returned it, so the parent got
each worker's growing list instead of one result per item; returning just
the item's own result fixed it.
"""
import argparse
import multiprocessing

FAMILY = 'pools-and-executors'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['pool_worker_global_mutation', 'global_reassigned_in_child', 'lambda_pool_task',
           'queue_result']


def square(n):
    return n * n


def main():
    numbers = list(range(6))
    with multiprocessing.Pool(processes=2) as pool:
        results = pool.map(square, numbers)
    print(f'Parent received: {results}')
    expected = [n * n for n in numbers]
    print('verdict:', 'propagates' if results == expected else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
