"""Module top-level state seen by two sibling children

The script's top level records which process ran it,
`TOP_LEVEL_RAN_IN = os.getpid()`, the way modules compute caches, tokens or
connections when they are imported. Two sibling children report the value
they see. Under fork both see the parent's run; under spawn each ran the
top level itself; under forkserver it depends on the Python release.

**Why.** A child has whatever module state the process it came from had,
and the top level runs again wherever the script is imported:

- Under **fork**, both children are copies of the parent: the top level ran
  once, in the parent, and the siblings share that run's results (as
  copies).
- Under **spawn**, each child is a new interpreter that imports the script
  as `__mp_main__`, so each runs the top level itself: two runs, two
  different values.
- Under **forkserver**, the fork server imports the script when it starts
  (it preloads `__main__`), but up to Python 3.13.7 and 3.14.0 each child
  forked from it imports the script *again*, as under spawn: two runs, two
  values, which is what this case shows on 3.13.0. From 3.13.8 and 3.14.1
  (python/cpython#126631, GH-138609 for 3.13) the children reuse the fork
  server's import instead: both siblings see the *server's* run, so they
  share its results with each other, though still not with the parent. Those
  later releases are a prediction here, not an observation.

So whether siblings share import-time state depends on the start method
and, for forkserver, on the patch release. Code that must not share it (a
random seed, a connection) should create it in each process explicitly, and
code that needs one shared value should create it in the parent and pass it.
"""
import argparse
import multiprocessing
import os
import signal

FAMILY = 'globals-and-class-state'
DIRECTION = 'sibling-to-sibling'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
OVERRIDES = [
    {
        'since': '3.13.8',
        'before': '3.14',
        'implementation': 'cpython',
        'expect': {'forkserver': 'propagates'},
        'why': 'GH-138609 (3.13.8) backported the python/cpython#126631 fix: fork-server '
               'children reuse the server\'s import of __main__. Predicted.',
    },
    {
        'since': '3.14.1',
        'implementation': 'cpython',
        'expect': {'forkserver': 'propagates'},
        'why': 'python/cpython#126631, fixed in 3.14.1: fork-server children reuse the '
               'server\'s import of __main__. Predicted.',
    },
]
RELATED = ['global_set_at_top_level', 'module_level_value_unpassed', 'no_main_guard']

# Runs in every process that imports this file.
TOP_LEVEL_RAN_IN = os.getpid()


def report(seen, me):
    seen[me] = TOP_LEVEL_RAN_IN
    where = 'this child' if TOP_LEVEL_RAN_IN == os.getpid() else f'process {TOP_LEVEL_RAN_IN}'
    print(f'Child {me}: the top level ran in {where}')


def main():
    print(f'Parent {os.getpid()} ran the top level')
    seen = multiprocessing.Array('l', 2)  # each child's report to the parent
    children = [multiprocessing.Process(target=report, args=(seen, me)) for me in (0, 1)]
    for child in children:
        child.start()
    for child in children:
        child.join()
    for child in children:
        if child.exitcode != 0:
            # The child raised (its traceback is on stderr) or a signal killed it.
            crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
            print(f'verdict: error{crash}')
            return
    print(f'Parent: the siblings saw top-level runs in {list(seen)}')
    print('verdict:', 'propagates' if seen[0] == seen[1] else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
