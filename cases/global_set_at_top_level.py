"""A global set at module top level, read by the child

The module assigns a global at top level, outside any function and outside
the `__main__` block. The child reads it and finds the same value as the
parent under every start method, but not always for the same reason.

**Why.** Top-level code runs in every process that imports the module.

- Under **fork**, the child is a copy of the parent's memory: it sees the
  parent's module, already imported, value included.
- Under **spawn**, the child imports this file again as `__mp_main__` to
  find `task`, and that import runs the top-level assignment again. The
  child does not receive the parent's value; it recomputes its own.
- Under **forkserver**, the child inherits the fork server's memory. Up to
  CPython 3.13.7 and 3.14.0 the server never preloads the main module (its
  `main_path` argument was never filled in, gh-98552 / gh-126631), so each
  child imports the file itself, like spawn. Since the fix (3.14.1, and
  3.13.8 by GH-138609) the server imports it once and its children inherit
  that import.

The case prints which process ran the top-level code it sees. The value is
the same here because the top-level code computes the same value every
time. Anything that differs per run (a timestamp, a random seed, a value
read from `sys.argv` or the environment, a counter) would be recomputed
too, and a change made later by the parent never travels this way: see
`global_reassigned_in_main`.

**Seen in the wild.** `Dragon2fly/logger_tt#5`: a script computed a
timestamp at top level and set up logging into a folder named after it.
Under spawn each child ran those lines again, so one run made two log
folders with different timestamps, one of them empty: the lines stood
outside the `__main__` guard, as the maintainer explained.
"""
import argparse
import multiprocessing
import os

FAMILY = 'globals-and-class-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['global_reassigned_in_main', 'class_attribute_patched_in_main']

# Both lines run in every process that imports this file.
GREETING = 'set at top level'
IMPORTED_IN = os.getpid()


def task(queue, main_pid):
    if IMPORTED_IN == main_pid:
        where = 'the parent (copied by fork)'
    elif IMPORTED_IN == os.getpid():
        where = 'this child (re-imported as __mp_main__)'
    else:
        where = 'another process (the fork server)'
    print(f'Child sees this module as: {__name__}')
    print(f'Child: top-level code ran in {where}')
    print(f'Child sees GREETING: {GREETING}')
    queue.put(GREETING)


def main():
    print(f'Parent sees GREETING: {GREETING}')
    queue = multiprocessing.Queue()
    child = multiprocessing.Process(target=task, args=(queue, os.getpid()))
    child.start()
    child.join()
    if child.exitcode != 0:
        print('verdict: error')
        return
    seen = queue.get()
    print('verdict:', 'propagates' if seen == GREETING else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
