"""A class made by dataclasses.make_dataclass() as a Process argument

The script builds its record type at run time with
`Point = dataclasses.make_dataclass('Point', ['x', 'y'])`, at module level,
and passes a `Point` to a child. Under fork the child always reads it. Under
spawn and forkserver it depends on the Python version: before 3.12 `start()`
raises `PicklingError`, from 3.12 on the child reads the point too.

**Why.** Under **fork** nothing is pickled. Under **spawn** and
**forkserver**, `start()` pickles the argument, and pickle saves its class
as a reference, `Point.__module__` + `Point.__qualname__`.

- Before Python 3.12, `make_dataclass()` left `__module__` as `'types'`,
  the module of the machinery that built the class, so pickle looked for
  `types.Point`, which does not exist: `_pickle.PicklingError: Can't pickle
  <class 'types.Point'>: attribute lookup Point on types failed`.
- Python 3.12 added a `module` parameter, defaulting to the caller's module
  (python/cpython#102103), so `Point.__module__` is `'__main__'`, the
  reference resolves, and the spawned child, which re-ran the module's top
  level as `__mp_main__`, has its own `Point` to rebuild the object with.
- PyPy 3.9 behaves like CPython 3.9, with its pure-Python `pickle` raising
  `pickle.PicklingError`.

The fix before 3.12 is to set the module yourself
(`Point.__module__ = __name__`), or to write the dataclass out with
`@dataclass`. Either way the class must be created at module level, so that
a spawned child creates it too; a class defined inside a function cannot be
found by reference at all.

**Seen in the wild.** `LSSTDESC/surveycodex#88`: a survey object holding a
dataclass generated at run time could not be pickled for multiprocessing:
`Can't pickle <class 'types.LSSTFilterList'>: attribute lookup
LSSTFilterList on types failed`, the `types` module of this case.
"""
import argparse
import dataclasses
import multiprocessing
import signal

FAMILY = 'pickling'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
OVERRIDES = [
    {
        'before': '3.12',
        'implementation': 'cpython',
        'expect': {'spawn': 'error (_pickle.PicklingError)',
                   'forkserver': 'error (_pickle.PicklingError)'},
        'why': "Before 3.12 make_dataclass() set __module__ to 'types', so pickle cannot find "
               'the class (python/cpython#102103 added the module parameter in 3.12).',
    },
    {
        'implementation': 'pypy',
        'before': '3.12',
        'expect': {'spawn': 'error (pickle.PicklingError)',
                   'forkserver': 'error (pickle.PicklingError)'},
        'why': "PyPy 3.9's make_dataclass() sets __module__ to 'types' like CPython before 3.12, "
               'and its pure-Python pickle raises pickle.PicklingError (checked on PyPy 7.3.11).',
    },
]
RELATED = ['nested_class_instance', 'class_defined_in_main_block', 'value_array_arguments']

Point = dataclasses.make_dataclass('Point', ['x', 'y'])


def task(point, seen):
    print(f'Child received {point}')
    seen.value = point.x + point.y


def main():
    print(f'Point.__module__ is {Point.__module__!r}')
    seen = multiprocessing.Value('i', 0)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(Point(40, 60), seen))
    child.start()  # spawn/forkserver before 3.12: PicklingError here
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f'Parent: the child added up {seen.value}')
    print('verdict:', 'propagates' if seen.value == 100 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
