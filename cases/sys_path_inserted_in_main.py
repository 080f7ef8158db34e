"""A directory inserted into sys.path in the main block

In code reached only from `if __name__ == '__main__':`, the parent puts a
plugin directory at the front of `sys.path`, then starts a child. The child's
`sys.path` starts with the same directory under every start method.

**Why.** The `__main__` block never runs again in a child (under spawn the
script is re-imported as `__mp_main__`, so the guard is false), yet
`multiprocessing` carries `sys.path` across on purpose:

- Under **fork**, the child is a copy of the parent's memory, the `sys.path`
  list included.
- Under **spawn**, `Process.start()` sends the child *preparation data*
  (`multiprocessing.spawn.get_preparation_data()`) before the process object.
  It holds `sys_path`, a copy of the parent's `sys.path` at that moment (with
  `''` replaced by the directory the parent started in), and the child assigns
  it to `sys.path` *before* it re-imports the main script and unpickles the
  target. So modules found through the inserted directory import fine there.
- Under **forkserver**, the parent sends each child the same preparation data
  through the fork server, and the child applies it the same way, even though
  the server itself was started earlier with whatever `sys.path` the parent
  had then. (Until gh-117378, fixed in November 2024 and backported to 3.12,
  the server itself was not given the parent's `sys.path`; that affected
  only the modules the server preloads, never a child's `sys.path`.)

The same holds on macOS and Windows, where spawn is the default. Compare
`global_reassigned_in_main`: an ordinary module global assigned in the main
block is *not* carried across, because nothing in the preparation data
carries it.

**Seen in the wild.** `pytest-dev/pytest#7008`: two of pytest's own
multiprocessing tests passed on Windows only because importing the test
module had put its directory on the parent's `sys.path`, which spawned
children received. The pull request inserts it explicitly
(`testdir.syspathinsert()`).
"""
import argparse
import multiprocessing
import os
import sys
import tempfile

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['chdir_in_main', 'global_reassigned_in_main']

# A directory that does not need to exist: sys.path may name missing directories.
PLUGIN_DIR = os.path.join(tempfile.gettempdir(), 'mpmatrix-plugins')


def task(queue):
    print(f'Child sys.path[0]: {sys.path[0]}')
    queue.put(sys.path[0])


def main():
    # main() is called only from the __main__ block, so only the parent runs this line.
    sys.path.insert(0, PLUGIN_DIR)
    print(f'Parent sys.path[0]: {sys.path[0]}')
    queue = multiprocessing.Queue()
    child = multiprocessing.Process(target=task, args=(queue,))
    child.start()
    child.join()
    if child.exitcode != 0:
        print('verdict: error')
        return
    seen = queue.get()  # one short string: already in the pipe, so joining first is safe
    print('verdict:', 'propagates' if seen == PLUGIN_DIR else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
