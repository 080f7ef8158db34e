"""The script's top level under the fork server: once, or once per child

The script's top level records the process that ran it,
`TOP_LEVEL_RAN_IN = os.getpid()`, as a module does when it computes a cache,
loads a model or opens a connection at import time. The parent starts three
children one after the other, and each reports where the top-level code it
sees ran. Under fork it ran once, in the parent. Under spawn, and under
forkserver up to Python 3.13.7 and 3.14.0, each child ran it again itself.
From 3.13.8 and 3.14.1 the fork server runs it once, and its children reuse
that run.

**Why.** A child needs the script's functions, so it either inherits an
import of the script or imports it again as `__mp_main__`, which runs the
top level (everything outside the `__main__` guard).

- Under **fork**, each child is a copy of the parent and inherits its
  import: the top level ran once, in the parent, and a child sees the
  parent's results (as copies).
- Under **spawn**, each child is a new interpreter and imports the script:
  the top level runs once per child.
- Under **forkserver**, the fork server is meant to import `__main__` once,
  when it starts (`set_forkserver_preload()`'s default list is
  `['__main__']`), so that the children it forks inherit that import. For
  twelve years it never did: the server looked for a `main_path` entry that
  `spawn.get_preparation_data()` had stopped providing in 2013
  (python/cpython#98552, python/cpython#126631, python/cpython#137996). So
  every child forked from the server imported the script again, as under
  spawn, which is what this case shows on CPython 3.8 to 3.13.0 and PyPy
  3.9: three children, three runs. The fix (GH-135295, in 3.14.1; backported
  as GH-138609 to 3.13.8) makes the server import the script once; a child
  forked from it finds `__main__` already loaded from the same path and skips
  the import, so the top level runs once for all three children, in the
  fork server, not in the parent (predicted, not observed here). 3.12 and
  earlier, and PyPy, keep the per-child import. Python 3.15's
  `set_forkserver_preload(on_error=...)` (gh-141860) only changes what a
  *failing* preload does; this script's top level does not fail.

So a child "propagates" here when it starts from a top-level run made
before it (by the parent under fork, by the fork server after the fix), and
is "isolated" when it had to run the top level itself. Either way the
children never see the parent's *later* changes (`global_reassigned_in_main`);
what the fix changes is the cost and the identity of import-time work: an
expensive top level runs once per fork server instead of once per child,
and the children share its results (a random seed, a temporary file name)
instead of each making their own (`top_level_state_in_siblings`).

The preload of 3.13.8 to 3.13.11 and 3.14.1 and 3.14.2 ran with an empty
`sys.argv` (python/cpython#143706, fixed in 3.13.12 and 3.14.3); this
script's top level does not read its arguments. macOS behaves like Linux;
Windows has only spawn.

**The fix** for code that must run once: put it under the guard, in the
parent, and pass its result to the children; for code that must run in
every process, run it explicitly (a pool initializer), not as a side effect
of importing the script.

**Seen in the wild.** `zulip/zulip#39726`, moving a worker pool to
forkserver, found that the children re-imported the parent's `__main__`,
and moved a top-level `set_start_method("fork")` under the guard;
`aiplan4eu/unified-planning#783` pinned fork on Linux for Python 3.14
because forkserver re-ran unguarded scripts in every worker.
"""
import argparse
import multiprocessing
import os
import signal

FAMILY = 'globals-and-class-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
OVERRIDES = [
    {
        'since': '3.13.8',
        'before': '3.14',
        'implementation': 'cpython',
        'expect': {'forkserver': 'propagates'},
        'why': 'GH-138609 (3.13.8) backported the python/cpython#126631 fix: the fork server '
               'imports __main__ once and its children reuse that import. Predicted.',
    },
    {
        'since': '3.14.1',
        'implementation': 'cpython',
        'expect': {'forkserver': 'propagates'},
        'why': 'python/cpython#126631, fixed by GH-135295 in 3.14.1: the fork server imports '
               '__main__ once and its children reuse that import. Predicted.',
    },
]
RELATED = ['top_level_state_in_siblings', 'global_set_at_top_level', 'forkserver_preload_state',
           'no_main_guard']

CHILDREN = 3

# Runs in every process that imports this file.
TOP_LEVEL_RAN_IN = os.getpid()


def report(seen, index):
    seen[index] = TOP_LEVEL_RAN_IN
    ran_here = TOP_LEVEL_RAN_IN == os.getpid()
    print(f'Child {index}: the top level ran in {"this child" if ran_here else TOP_LEVEL_RAN_IN}')
    # The parent cannot know a child's pid before it starts: the child says whether it was itself.
    seen[index + CHILDREN] = ran_here


def main():
    print(f'Parent {os.getpid()} ran the top level')
    seen = multiprocessing.Array('l', 2 * CHILDREN)  # where it ran; did the child run it itself
    for index in range(CHILDREN):
        child = multiprocessing.Process(target=report, args=(seen, index))
        child.start()
        child.join()
        if child.exitcode != 0:
            # The child raised (its traceback is on stderr) or a signal killed it.
            crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
            print(f'verdict: error{crash}')
            return
    runs = set(seen[:CHILDREN]) - {os.getpid()}
    print(f'Parent: the top level ran {len(runs)} more time(s) for {CHILDREN} children')
    reran = sum(seen[CHILDREN:])
    print('verdict:', 'isolated' if reran else 'propagates')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
