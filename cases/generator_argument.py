"""A generator passed as a Process argument

The parent creates a generator, `(n * n for n in range(1, 5))`, and passes
it to a child that sums what it yields. Under fork the child sums it; under
spawn and forkserver `start()` raises `TypeError: cannot pickle 'generator'
object` in the parent.

**Why.** Under **fork** nothing is pickled: the child gets a copy of the
generator, paused where the parent left it, and runs its copy to the end.
The parent's generator does not move: each process now iterates its own
copy, so the same items can be consumed twice. Under **spawn** and
**forkserver**, `start()` pickles the arguments, and a generator cannot be
pickled: its state is a suspended frame (the code position and local
variables), which pickle has no way to save. CPython raises `TypeError`;
PyPy's pure-Python pickle raises `pickle.PicklingError`.

The fix is to pass what the generator would be made *from*: the data itself
(`list(...)`, if it is small), or the function and its arguments, and let
the child create the generator. To hand out items one by one to several
processes, use a `Queue` or a `Pool`, which pickle each item, not the
iterator.

**Seen in the wild.** `piskvorky/gensim#3628`: `utils.chunkize()` hands a
corpus generator to a background `Process`, and on Linux with Python 3.14
(forkserver) its `start()` failed because generators cannot be pickled.
`piskvorky/gensim#2800` had met the same function in the macOS wheel
tests on Python 3.8 (spawn) and added that platform to the cases where
gensim avoids the extra process.
"""
import argparse
import multiprocessing
import signal

FAMILY = 'pickling'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'error (TypeError)', 'forkserver': 'error (TypeError)'}
OVERRIDES = [
    {
        'implementation': 'pypy',
        'expect': {'spawn': 'error (pickle.PicklingError)',
                   'forkserver': 'error (pickle.PicklingError)'},
        'why': "PyPy's pure-Python pickle reports an unpicklable generator as "
               'pickle.PicklingError (checked on PyPy 7.3.11).',
    },
]
RELATED = ['object_holding_lock_argument', 'queue_result', 'pool_map_results']


def task(squares, total):
    total.value = sum(squares)
    print(f'Child summed the squares: {total.value}')


def main():
    squares = (n * n for n in range(1, 5))  # 1 + 4 + 9 + 16 = 30
    total = multiprocessing.Value('i', 0)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(squares, total))
    child.start()  # spawn/forkserver: pickling the generator raises TypeError here
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f'Parent: the child summed {total.value}; the parent\'s generator still has '
          f'{len(list(squares))} items')
    print('verdict:', 'propagates' if total.value == 30 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
