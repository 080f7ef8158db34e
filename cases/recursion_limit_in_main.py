"""sys.setrecursionlimit() called in the main block

The parent raises the recursion limit with `sys.setrecursionlimit(5000)` to
let a deep recursive function run, then starts a child that reads
`sys.getrecursionlimit()`. Under fork the child has 5000; under spawn and
forkserver it has the default, 1000, and the same deep recursion would fail
there with `RecursionError`.

**Why.** The limit is a setting of the running interpreter, not of the
operating-system process, and nothing in `multiprocessing` carries it over:

- Under **fork**, the child is a copy of the parent's interpreter, limit
  included.
- Under **spawn**, the child is a new interpreter, which starts with the
  default limit; only the command-line flags and the main module's path are
  passed on, and the main block, where the limit was raised, does not run.
- Under **forkserver**, the child is forked from the fork server, a fresh
  interpreter that never ran the main block either.

The fix: set the limit where the deep code runs, at the top of the child's
target or in a pool's `initializer`. (A bigger limit also needs a bigger C
stack on some platforms; threads can get one with `threading.stack_size`.)

**Seen in the wild.** `GridTools/gt4py#2698`: icon4py's advection stencil
modules raised the limit to 5500 in the parent, but gt4py's compilation
workers, started with spawn, ran with the default 1000 and failed with
`RecursionError`; the fix sends the parent's limit along with each task and
applies it in the worker.
"""
import argparse
import multiprocessing
import signal
import sys

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['warnings_filter_in_main', 'logging_config_in_main', 'pool_initializer_global',
           'int_max_str_digits_in_main']

LIMIT = 5000


def task(seen):
    seen.value = sys.getrecursionlimit()
    print(f'Child recursion limit: {seen.value}')


def main():
    sys.setrecursionlimit(LIMIT)
    print(f'Parent recursion limit: {sys.getrecursionlimit()}')
    seen = multiprocessing.Value('i', 0)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(seen,))
    child.start()
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f'Parent: the child had {seen.value}')
    print('verdict:', 'propagates' if seen.value == LIMIT else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
