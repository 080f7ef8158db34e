"""unittest.mock.patch active in the parent when the child runs

A test replaces a module function with `unittest.mock.patch` and, while
the patch is active, starts a child process that calls the function. Under
fork the child calls the mock; under spawn and forkserver it calls the
real function.

**Why.** `mock.patch` is an ordinary attribute assignment in the current
process: it swaps the module's `fetch_rate` for a `MagicMock` and puts it
back when the `with` block ends.

- Under **fork**, the child is a copy of the parent's memory taken while
  the patch is in place, so the module attribute already is the mock.
- Under **spawn** and **forkserver**, the target is pickled by name
  (`__main__.task`) and the child imports this file again as
  `__mp_main__`. That import defines the real `fetch_rate`; no patch was
  ever applied in that process, and the mock itself is never sent.

Nothing fails: the child silently runs the real code, so a test that
passes on Linux with fork can fail, or call a real service, on macOS
(spawn since 3.8, bpo-33725) and on Linux from Python 3.14 (forkserver by
default, gh-84559). Apply the patch inside the child (in the target or a
pool initializer, `pool_initializer_global`), pass the dependency as an
argument, or pin the test to fork where it exists. Patching a class
attribute with `mock.patch.object` fails the same way
(`class_attribute_patched_in_main`).

**Seen in the wild.** `python/cpython#135583` (`mock.patch.object` not
applied in Pool workers under forkserver); `apache/airflow#8794` (a test
relying on `mock.patch` in the parent forced back to fork);
`pytest-dev/pytest#12045` and `pytest-dev/pytest#14035` (monkeypatch lost
in spawned children); `pfnet/pfio#375` (moto's `mock_aws` lost under the
3.14 forkserver default).
"""
import argparse
import multiprocessing
from unittest import mock

FAMILY = 'globals-and-class-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['class_attribute_patched_in_main', 'pool_initializer_global',
           'global_reassigned_in_main']


def fetch_rate():
    """The real dependency (imagine a network call); tests replace it."""
    return 1.0


def task(queue):
    rate = fetch_rate()  # looked up in this process's module namespace
    print(f'Child got rate: {rate}')
    queue.put(rate)


def main():
    queue = multiprocessing.Queue()
    # __name__ is '__main__' here, so the target is '__main__.fetch_rate'.
    with mock.patch(f'{__name__}.fetch_rate', return_value=2.5):
        print(f'Parent got rate (patched): {fetch_rate()}')
        child = multiprocessing.Process(target=task, args=(queue,))
        child.start()
        child.join()
    if child.exitcode != 0:
        print('verdict: error')
        return
    seen = queue.get()
    print('verdict:', 'propagates' if seen == 2.5 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
