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

Fork does not help here, unlike for a `Process` target
(`lambda_process_target`): fork copies what exists when the workers start,
but a task travels later.

**Which error.** The exception type depends on the interpreter, and the
matrix checks it:

- CPython 3.8 to 3.13 raise `AttributeError` for a lambda defined inside a
  function ("Can't pickle local object", worded "Can't get local object" from
  3.12.5), and `PicklingError` for one defined at module level.
- CPython 3.14 raises `_pickle.PicklingError: Can't pickle local object`
  for both (gh-122311 made the pickler raise `PicklingError` where it used
  to let `AttributeError` through; python/cpython#139806 reports exactly
  this change). Not yet observed here: no 3.14 runs on this machine.
- PyPy raises `pickle.PicklingError` ("it's not found as
  `__main__.main.<locals>.<lambda>`"). The module differs because PyPy
  pickles with the pure-Python `pickle._Pickler`, while CPython's
  `pickle.PicklingError` is the C accelerator's class, `_pickle.PicklingError`.

The expectations keep the module (`_pickle.` or `pickle.`) because it tells
the C pickler from the pure-Python one. The start method plays no part in
the type: all three methods pickle the task the same way.

The fix is a function defined with `def` at module level
(`pool_map_results`); for extra fixed arguments use `functools.partial`
of such a function, which pickles fine.

**Seen in the wild.** `asuiu/pyxtension#15`: the project's own sample
passed a lambda to `mpmap()`, which maps it over a `multiprocessing.Pool`,
and the pool's task handler failed with `Can't pickle <function
<lambda>`; `asuiu/pyxtension#17` proposes moving to pathos, whose `dill`
pickler can serialize lambdas.
"""
import argparse
import multiprocessing

FAMILY = 'pools-and-executors'
DIRECTION = 'parent-to-child-after-start'
EXPECTED = {
    'fork': 'error (AttributeError)',
    'spawn': 'error (AttributeError)',
    'forkserver': 'error (AttributeError)',
}
OVERRIDES = [
    {
        'since': '3.14',
        'implementation': 'cpython',
        'expect': {
            'fork': 'error (_pickle.PicklingError)',
            'spawn': 'error (_pickle.PicklingError)',
            'forkserver': 'error (_pickle.PicklingError)',
        },
        'why': 'gh-122311: from 3.14 the C pickler raises PicklingError ("Can\'t pickle local '
               'object") instead of AttributeError (python/cpython#139806). Predicted, not yet '
               'observed.',
    },
    {
        'implementation': 'pypy',
        'expect': {
            'fork': 'error (pickle.PicklingError)',
            'spawn': 'error (pickle.PicklingError)',
            'forkserver': 'error (pickle.PicklingError)',
        },
        'why': 'PyPy pickles with the pure-Python pickle._Pickler, whose save_global() raises '
               'pickle.PicklingError for an object it cannot find by name (observed on 7.3.11).',
    },
]
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
