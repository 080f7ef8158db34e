"""A lambda as a Process target

The parent starts a `Process` whose target is a lambda that closes over a
local variable and a queue. Under fork it runs and the parent receives the
value; under spawn and forkserver `start()` raises in the parent and no
child is started.

**Why.** It depends on whether `start()` has to pickle the `Process`
object.

- Under **fork**, nothing is pickled: the child is a copy of the parent's
  memory, so the lambda, its closure and the queue are already there and
  the child simply calls it.
- Under **spawn** and **forkserver**, `start()` pickles the `Process`
  object, target included, to send it to a new interpreter (or to the fork
  server). Pickle stores a function by "module + qualified name", and a
  lambda defined inside `main()` (`main.<locals>.<lambda>`) cannot be
  looked up that way. CPython 3.8-3.13 raise `AttributeError` ("Can't
  pickle local object", worded "Can't get local object" from 3.12.5).
  CPython 3.14 raises `_pickle.PicklingError` instead (gh-122311,
  python/cpython#139806; predicted, no 3.14 runs here yet), and PyPy
  raises `pickle.PicklingError` from its pure-Python pickler: the
  expectations name each type, module included.

On **Windows** (spawn only) the child process is created *before* the
`Process` object is pickled (`popen_spawn_win32` calls `CreateProcess`
first), so a child does exist: it fails on its own (on the truncated data,
or on the pipe handle the parent has closed) and prints a second traceback
after the parent's. The type the matrix records comes from the first
traceback, the parent's, so the expectation is the same as on Linux
(predicted, not yet observed).

So the same script works on Linux up to Python 3.13 (fork by default) and
fails on macOS (spawn since 3.8, bpo-33725), on Windows, and on Linux from
Python 3.14, where forkserver becomes the default (gh-84559). Nested
functions fail the same way. The fix is a module-level `def` target with
the values passed in `args`. A lambda as a pool *task* fails even under
fork (`lambda_pool_task`).

**Seen in the wild.** `python/cpython#126831` (a nested function as a
`Process` target failing on 3.14, reported from several Fedora packages);
`cms-sw/cmssw#51671` and `motioneye-project/motioneye#3254` replaced a
lambda or nested target with a module-level function for Python 3.14.
"""
import argparse
import multiprocessing

FAMILY = 'pools-and-executors'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'error (AttributeError)', 'forkserver': 'error (AttributeError)'}
OVERRIDES = [
    {
        'since': '3.14',
        'implementation': 'cpython',
        'expect': {'spawn': 'error (_pickle.PicklingError)',
                   'forkserver': 'error (_pickle.PicklingError)'},
        'why': 'gh-122311: from 3.14 the C pickler raises PicklingError ("Can\'t pickle local '
               'object") instead of AttributeError (python/cpython#139806). Predicted, not yet '
               'observed.',
    },
    {
        'implementation': 'pypy',
        'expect': {'spawn': 'error (pickle.PicklingError)',
                   'forkserver': 'error (pickle.PicklingError)'},
        'why': 'PyPy pickles with the pure-Python pickle._Pickler, whose save_global() raises '
               'pickle.PicklingError for an object it cannot find by name (observed on 7.3.11).',
    },
]
RELATED = ['lambda_pool_task', 'class_defined_in_main_block', 'queue_result']


def main():
    message = 'hello from the parent'
    queue = multiprocessing.Queue()
    # The closure carries `message` and `queue` into the child, if it gets there.
    child = multiprocessing.Process(target=lambda: queue.put(message))
    child.start()  # spawn/forkserver: pickles the Process, lambda included
    child.join()
    if child.exitcode != 0:
        print('verdict: error')
        return
    seen = queue.get()
    print(f'Parent received: {seen}')
    print('verdict:', 'propagates' if seen == message else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
