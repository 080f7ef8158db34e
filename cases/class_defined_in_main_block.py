"""A class defined inside the __main__ block, instance passed to a child

The script defines its class inside `if __name__ == '__main__':` (as quick
scripts and notebooks-turned-scripts often do) and passes an instance of it to
a child process. Under fork the child gets the object; under spawn and
forkserver the child cannot rebuild it and dies with `AttributeError: Can't
get attribute 'Point' on <module '__mp_main__' ...>`.

**Why.** Pickle does not store a class, only where to find it: an instance of
`Point` is pickled as "the class `Point` in module `__main__`, with this
`__dict__`".

- Under **fork**, nothing is pickled: the child is a copy of the parent, in
  which the class and the instance already exist.
- Under **spawn**, the child is a fresh interpreter. To look up `__main__`
  classes it imports the parent's script as `__mp_main__` (and makes
  `sys.modules['__main__']` point at it), but that import does not run the
  code under the `__main__` guard, so `Point` is never defined there and the
  lookup fails while the child unpickles its arguments, before `task` runs.
- Under **forkserver**, the child is forked from a fresh interpreter, and the
  script is imported as `__mp_main__` in the same way: by each child up to
  Python 3.13.7 and 3.14.0, by the fork server itself from 3.13.8 and 3.14.1
  (python/cpython#126631). Either way the guard keeps `Point` out, and the
  child fails the same way.

The parent only sees a child that exited with code 1, and the traceback on
standard error. The error is an `AttributeError` on every interpreter,
PyPy included, and is expected to stay one on Python 3.14: gh-122311 turned
*pickling* failures into `PicklingError`, but this one happens while
*unpickling*, where 3.14's `find_class()` still raises `AttributeError`
(only its wording changes; predicted, no 3.14 runs here yet). macOS and
Windows spawn children the same way. The fix is to define every class (and function) that crosses
a process boundary at module level, outside the guard, or in an importable
module. The same rule bites lambdas and nested functions used as targets,
except that those cannot even be pickled, so the parent's `start()` fails
(`lambda_process_target`).

**Seen in the wild.** `MagicStack/uvloop#735`: uvloop's `echoclient.py`
defined its task function inside the `if __name__ == '__main__':` block,
and on Python 3.14 its `ProcessPoolExecutor` workers (forkserver) failed
with `module '__mp_main__' has no attribute 'run_test'`: the same lookup
as here, for a function instead of a class.
"""
import argparse
import multiprocessing

FAMILY = 'pickling'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'error (AttributeError)', 'forkserver': 'error (AttributeError)'}
RELATED = ['lambda_process_target', 'no_main_guard', 'getstate_drops_field']

# The pattern under test: this class exists only when the file runs as a script.
if __name__ == '__main__':

    class Point:
        def __init__(self, x, y):
            self.x = x
            self.y = y


def task(point, answer):
    print(f'Child got a point: ({point.x}, {point.y})')
    answer.send((point.x, point.y))
    answer.close()


def main():
    point = Point(3, 4)
    reader, writer = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.Process(target=task, args=(point, writer))
    child.start()
    writer.close()  # the child has its own end now
    child.join()
    if child.exitcode != 0:
        print(f'Parent: the child failed with exit code {child.exitcode}')
        print('verdict: error')
        return
    seen = reader.recv()
    reader.close()
    print(f'Parent: the child saw {seen}')
    print('verdict:', 'propagates' if seen == (3, 4) else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
