"""A module global reassigned in the main block, read by the child

The module sets a global at top level; code that runs only in the main
process (here `main()`, called from the `if __name__ == '__main__':` block)
reassigns it before `start()`. The child reads the global. Under fork it
sees the new value; under spawn and forkserver it sees the top-level one.

**Why.** The child gets the parent's globals only if it is a copy of the
parent's memory.

- Under **fork**, the child is exactly that: a copy-on-write image of the
  parent taken at `start()`, so every assignment made before `start()` is
  there.
- Under **spawn**, the child is a fresh interpreter. To find `task` it
  imports this file again under the name `__mp_main__`, which runs the
  top-level code but not the `__main__` block (its `__name__` is not
  `'__main__'`), so `main()` never runs there and the global keeps its
  top-level value. Only the `Process` object is pickled across: the
  target by name, its arguments by value.
- Under **forkserver**, children are forked from a server process that
  never ran `main()`. Up to CPython 3.13.7 and 3.14.0 each child imports
  this file as `__mp_main__` like a spawn child; since the gh-126631 fix
  (3.14.1, and 3.13.8 by GH-138609) the server preloads it once and the
  children inherit that import. Either way they get the top-level value.

The fix is to pass the value: as a `Process` argument, or through a pool
`initializer` (`pool_initializer_global`). Python 3.14 makes this matter on
Linux, where the default start method becomes forkserver (gh-84559);
macOS has defaulted to spawn since Python 3.8 (bpo-33725) and Windows
only has spawn.

**Seen in the wild.** `ddsmt/ddSMT#25`: a temporary-directory global set
at run time was still `None` in spawned children on macOS.
"""
import argparse
import multiprocessing

FAMILY = 'globals-and-class-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['pool_initializer_global', 'global_set_at_top_level',
           'config_global_from_argv_pool', 'class_attribute_patched_in_main']

# Every process that imports this file runs this line.
mode = 'default'


def task(queue):
    print(f'Child sees mode: {mode}')
    queue.put(mode)


def main():
    # Runs only in the main process: a re-import as __mp_main__ skips it.
    global mode
    mode = 'changed in main'
    print(f'Parent set mode: {mode}')
    queue = multiprocessing.Queue()
    child = multiprocessing.Process(target=task, args=(queue,))
    child.start()
    child.join()
    if child.exitcode != 0:
        print('verdict: error')
        return
    seen = queue.get()
    print('verdict:', 'propagates' if seen == mode else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
