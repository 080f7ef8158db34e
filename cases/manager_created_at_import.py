"""A Manager created at import time, outside the main guard

The script starts a manager at module level, while the module is being
imported, instead of inside the `if __name__ == '__main__':` path; a child
then writes into a dict that manager serves. Under fork this works. Under
spawn and forkserver the script dies before `main()` runs: the manager's own
server process refuses to start another process while it is still importing
the script ("An attempt has been made to start a new process before the
current process has finished its bootstrapping phase").

**Why.** `multiprocessing.Manager()` starts a server process, and every
process that imports the script runs its module level again.

- Under **fork**, the manager's server is a copy of the parent made at that
  line; it never runs the module again and goes straight to serving. The
  child is a copy too, and reaches the dict through the proxy it inherits.
- Under **spawn**, the server is a fresh interpreter that first re-imports
  the script as `__mp_main__`, to find the functions and classes it is sent.
  That import reaches the same line and tries to start a manager of its own.
  Before starting any process this way, multiprocessing checks whether the
  current process is itself still in that start-up import, and raises
  `RuntimeError` instead of starting processes without end. The server
  exits, and the parent, waiting for the server's address, gets `EOFError`.
- Under **forkserver**, the server is forked from the fork server and then
  imports the script too, with the same result. Releases whose fork server
  really preloads `__main__` (the python/cpython#126631 fix of September
  2025: 3.14.1, and 3.13.8 through GH-138609) run that import in the fork
  server itself, which fails the same way: the fork server dies with the
  `RuntimeError`, and the parent's request for the manager's server fails
  after it. Python 3.15's `set_forkserver_preload(on_error='ignore')`
  default (gh-141860) lets the fork server survive that failed preload
  instead; the manager's server, forked from it, then imports the script
  itself and fails as under spawn.

Standard error shows the server's `RuntimeError` first, then the parent's
`EOFError`, and the matrix records the first: `error (RuntimeError)`, on
every route above (3.14 and 3.15 predicted, not yet observed) and on macOS
and Windows, whose spawn children fail the same way.

Any process, pool or manager started at module level does the same,
including one started in a class body or in a module the script imports.

**Fix.** Start the manager inside `main()`, as
`with multiprocessing.Manager() as manager:` (`manager_dict`), and pass its
proxies to the children. Code that only ever ran with fork, the default on
Linux up to Python 3.13, breaks without any change of its own where the
default is spawn (macOS since Python 3.8, bpo-33725; Windows) or forkserver
(Linux from Python 3.14, python/cpython#84559).

**Seen in the wild.** abhinavsingh/proxy.py#233: a class attribute set to
`multiprocessing.Manager()`, in a module imported at start-up, stopped the
program on macOS with Python 3.8 with this `RuntimeError`; the fix moved the
manager out of module scope (abhinavsingh/proxy.py#236).
"""
import argparse
import multiprocessing
import os
import signal

FAMILY = 'managers'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'error (RuntimeError)', 'forkserver': 'error (RuntimeError)'}
RELATED = ['manager_dict', 'no_main_guard', 'global_set_at_top_level']


def start_method_from_command_line():
    """The --start-method given to this script, or the platform's default."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument('--start-method', default=multiprocessing.get_all_start_methods()[0])
    return parser.parse_known_args()[0].start_method


# A real program writes `manager = multiprocessing.Manager()` here and gets the
# platform's default start method. This script must use the method given on its
# command line instead, but the block at the bottom that applies --start-method
# runs only after this line (and calling Manager() first would fix the method,
# so that block would raise "context has already been set"). So the module reads
# the option itself and leaves it in the environment for every process that
# imports this file again: a spawned child gets the parent's command line back,
# a preloading fork server may not (python/cpython#143706).
START_METHOD = os.environ.setdefault('MANAGER_AT_IMPORT_START_METHOD',
                                     start_method_from_command_line())

# The pattern: a manager (a server process) started while the module is imported.
manager = multiprocessing.get_context(START_METHOD).Manager()
shared = manager.dict(value=0)


def task():
    print(f"Child before update: {shared['value']}")
    shared['value'] = 100
    print(f"Child after update: {shared['value']}")


def main():
    try:
        child = multiprocessing.Process(target=task)
        child.start()
        child.join()
        if child.exitcode != 0:
            # The child raised (its traceback is on stderr) or a signal killed it.
            crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
            print(f'verdict: error{crash}')
            return
        value = shared['value']
    finally:
        manager.shutdown()  # no with-block at module level: shut the server down by hand
    print(f'Parent: {value}')
    print('verdict:', 'propagates' if value == 100 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
