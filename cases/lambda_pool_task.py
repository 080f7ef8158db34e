"""A lambda as a Pool task

The parent passes a lambda to `Pool.map`. It fails under every start
method, fork included: `map()` raises in the parent, before any worker runs
the task.

**Why.** Pool workers are started when the `Pool` is created; the tasks are
sent to them afterwards, through the pool's task queue, and everything put
on a queue is pickled, whatever the start method. Pickle stores a function
as a reference, "module + qualified name", for the receiver to look up. A
lambda has no name to look up (its qualified name is `<lambda>`, here
`main.<locals>.<lambda>`), so pickling it fails. The pool's task-handler
thread catches the error and hands it to the waiting `map()` call, which
raises it in the parent.

The exception type depends on the interpreter: CPython 3.8-3.13 raise
`AttributeError` for a lambda defined inside a function ("Can't pickle
local object", worded "Can't get local object" in 3.13) and
`PicklingError` for one defined at module level; Python 3.14 raises
`PicklingError` for both (gh-122311); PyPy raises `pickle.PicklingError`. Fork does not help here, unlike for
a `Process` target (`lambda_process_target`): fork copies what exists when
the workers start, but a task travels later.

The fix is a function defined with `def` at module level
(`pool_map_results`); for extra fixed arguments use `functools.partial`
of such a function, which pickles fine.
"""
import argparse
import multiprocessing

FAMILY = 'pools-and-executors'
DIRECTION = 'parent-to-child-after-start'
EXPECTED = {'fork': 'error', 'spawn': 'error', 'forkserver': 'error'}
RELATED = ['pool_map_results', 'lambda_process_target']


def main():
    numbers = list(range(6))
    with multiprocessing.Pool(processes=2) as pool:
        # The workers already run; the lambda has to be pickled to reach them.
        results = pool.map(lambda n: n * n, numbers)
    print(f'Parent received: {results}')
    expected = [n * n for n in numbers]
    print('verdict:', 'propagates' if results == expected else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
