"""The garbage collector disabled in the main block

The parent calls `gc.disable()`, as pre-fork servers do to keep the pages they
share with their workers from being copied, and starts a child that reports
`gc.isenabled()`. Under fork the child's collector is disabled too; under
spawn and forkserver it is enabled.

**Why.** Whether the garbage collector runs automatically is a flag of the
running interpreter. On CPython, reference counting frees most objects either
way; what stops is the collection of reference cycles, which then pile up.

- Under **fork**, the child is a copy of the parent's interpreter, flag
  included: it starts with automatic collection off, and keeps it off unless
  it calls `gc.enable()` itself.
- Under **spawn**, the child is a new interpreter, which starts with the
  collector enabled; the main block that disabled it does not run there.
- Under **forkserver**, the child is forked from the fork server, a fresh
  interpreter that never ran the main block either.

This is the recipe the `gc` documentation gives for `gc.freeze()` (added in
3.7, bpo-31558): "call `gc.disable()` early in the parent process,
`gc.freeze()` right before `fork()`, and `gc.enable()` early in child
processes". The last step matters only under fork, and forgetting it leaves
every forked worker without cycle collection, its memory growing. The first
two matter only under fork as well: a spawned or forkserver worker shares no
memory with the parent, so it gains nothing from them, and a server that
moves off fork (Python 3.14 made forkserver the default on Linux, gh-84559)
silently gets workers that collect as usual. Pre-fork servers tune this by
hand: `frappe/frappe#21474` freezes the collector before forking its
Gunicorn workers.

PyPy has no reference counting and no separate cycle collector: there
`gc.disable()` stops the major collections and the running of finalizers
(PyPy's documentation, "Differences between PyPy and CPython"). But
`gc.isenabled()` reports the flag the same way, and a forked child inherits
it, so the verdicts are CPython's (observed on PyPy 3.9, 7.3.11).

**The fix.** Decide in the child: call `gc.enable()` (or `gc.disable()`) at
the start of the target or in a pool's `initializer`
(`pool_initializer_global`), whatever the start method.
"""
import argparse
import gc
import multiprocessing
import signal

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['recursion_limit_in_main', 'warnings_filter_in_main', 'pool_initializer_global']


def task(enabled):
    enabled.value = gc.isenabled()
    print(f'Child: gc.isenabled() = {bool(enabled.value)}')


def main():
    gc.disable()
    print(f'Parent: gc.isenabled() = {gc.isenabled()}')
    enabled = multiprocessing.Value('b', -1)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(enabled,))
    child.start()
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f"Parent: still disabled here: {not gc.isenabled()}; the child's collector was "
          f"{'enabled' if enabled.value else 'disabled'}")
    print('verdict:', 'isolated' if enabled.value else 'propagates')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
