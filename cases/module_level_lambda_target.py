"""A lambda assigned to a module-level name, as a Process target

The script defines `greet = lambda queue, message: queue.put(message)` at
module level, as if it were a function, and starts a `Process` with
`target=greet`. Under fork the child runs it; under spawn and forkserver
`start()` raises `PicklingError` in the parent.

**Why.** Under **fork** nothing is pickled: the child is a copy of the
parent and calls the lambda it already has. Under **spawn** and
**forkserver**, `start()` pickles the `Process` object, target included.
Pickle saves a function as a reference, "module + qualified name", to be
looked up again on the other side. A `def greet` has the qualified name
`greet`; a lambda's qualified name is always `<lambda>`, whatever variable
it was assigned to, and `__main__.<lambda>` does not exist, so pickle
refuses it: `_pickle.PicklingError: Can't pickle <function <lambda>>:
attribute lookup <lambda> on __main__ failed`.

The *type* is worth noting: unlike a lambda or a function defined *inside*
another function, which raise `AttributeError` ("Can't pickle local object")
on Python 3.8 to 3.13 (`lambda_process_target`, `closure_process_target`),
a module-level lambda is not a local object: the lookup itself fails, and
every CPython version raises `PicklingError`. PyPy's pure-Python `pickle`
raises `pickle.PicklingError` (its traceback names the `pickle` module, not
`_pickle`), with the wording "it's not found as `__main__.<lambda>`".

The fix is a `def` at module level. Without it, the script works on Linux
up to Python 3.13 (fork by default) and breaks on macOS and Windows (spawn)
and on Linux from Python 3.14 (forkserver by default, gh-84559).

**Seen in the wild.** python/cpython#126831 and cms-sw/cmssw#51671 (lambdas
and nested functions as targets, broken by the 3.14 default change).
"""
import argparse
import multiprocessing
import signal

FAMILY = 'pickling'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'error (_pickle.PicklingError)',
            'forkserver': 'error (_pickle.PicklingError)'}
OVERRIDES = [
    {
        'implementation': 'pypy',
        'expect': {'spawn': 'error (pickle.PicklingError)',
                   'forkserver': 'error (pickle.PicklingError)'},
        'why': 'PyPy has no _pickle accelerator: its pure-Python pickle raises '
               'pickle.PicklingError (checked on PyPy 7.3.11).',
    },
]
RELATED = ['lambda_process_target', 'closure_process_target', 'queue_result']

# Looks like a function definition, but its __qualname__ is '<lambda>'.
greet = lambda queue, message: queue.put(message)  # noqa: E731


def main():
    message = 'hello from the parent'
    queue = multiprocessing.Queue()
    child = multiprocessing.Process(target=greet, args=(queue, message))
    child.start()  # spawn/forkserver: pickling the target raises PicklingError here
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
