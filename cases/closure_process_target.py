"""A closure from a factory function as a Process target

A factory, `make_greeter(message)`, returns a nested function that remembers
`message`; the parent starts a `Process` with that function as its target.
Under fork the child runs it; under spawn and forkserver `start()` raises in
the parent, `AttributeError` up to Python 3.13 and `PicklingError` from 3.14.

**Why.** Under **fork** nothing is pickled: the child is a copy of the
parent, closure cells included, and simply calls the function. Under
**spawn** and **forkserver**, `start()` pickles the `Process` object and its
target. Pickle saves a function by reference, "module + qualified name", and
the qualified name of a nested function is `make_greeter.<locals>.greet`: it
exists only while `make_greeter` runs, so there is nothing to look up on the
other side, and the values in its closure are never saved at all.

- CPython 3.8 to 3.13 raise `AttributeError: Can't pickle local object
  'make_greeter.<locals>.greet'` (3.12.5 and later word it "Can't get local
  object").
- CPython 3.14 raises `_pickle.PicklingError` instead: gh-122311 made
  `pickle` report its failures as `PicklingError`, and the change is listed
  under "Porting to Python 3.14" (python/cpython#139806).
- PyPy's pure-Python `pickle` raises `pickle.PicklingError` ("it's not
  found as `__main__.make_greeter.<locals>.greet`").

The fix: a module-level function, with what the closure held passed in
`args`, or bound with `functools.partial` (`partial_pool_task`), which
pickles the function by reference and its arguments by value.

**Seen in the wild.** python/cpython#126831 (a nested function as a
`Process` target failing on 3.14 across several Fedora packages) and
motioneye-project/motioneye#3254.
"""
import argparse
import multiprocessing
import signal

FAMILY = 'pickling'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'error (AttributeError)',
            'forkserver': 'error (AttributeError)'}
OVERRIDES = [
    {
        'since': '3.14',
        'implementation': 'cpython',
        'expect': {'spawn': 'error (_pickle.PicklingError)',
                   'forkserver': 'error (_pickle.PicklingError)'},
        'why': 'gh-122311: from 3.14 pickle raises PicklingError, not AttributeError, for a '
               'local object (python/cpython#139806).',
    },
    {
        'implementation': 'pypy',
        'expect': {'spawn': 'error (pickle.PicklingError)',
                   'forkserver': 'error (pickle.PicklingError)'},
        'why': "PyPy's pure-Python pickle raises pickle.PicklingError for a local object "
               '(checked on PyPy 7.3.11).',
    },
]
RELATED = ['partial_pool_task', 'lambda_process_target', 'module_level_lambda_target']


def make_greeter(message):
    def greet(queue):
        queue.put(message)  # `message` lives in the closure, not in args
    return greet


def main():
    message = 'hello from the parent'
    queue = multiprocessing.Queue()
    child = multiprocessing.Process(target=make_greeter(message), args=(queue,))
    child.start()  # spawn/forkserver: pickling the nested function fails here
    seen = queue.get(timeout=10)
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f'Parent received: {seen}')
    print('verdict:', 'propagates' if seen == message else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
