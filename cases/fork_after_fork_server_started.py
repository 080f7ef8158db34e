"""A forked child starts a process after the fork server started

A program starts a first child (or a `Pool`) with the default start method,
then forks a helper with `os.fork()`, as pre-fork servers and GUIs that run
a job in the background do. The helper starts a process of its own, with
the default method, and that grandchild reports to the parent through a
`Value`. Under fork and spawn the report arrives. Under forkserver the
helper cannot start any process: `start()` raises `ChildProcessError:
[Errno 10] No child processes`.

**Why.** Each process keeps the fork server it started in a module global,
`multiprocessing.forkserver._forkserver`: the server's pid, its address and
the write end of a pipe that keeps it running.

- Under **forkserver**, the first `start()` launched the server, a child of
  the parent. The helper inherits the global with the rest of the parent's
  memory, but the server is not its child. Before each start,
  `ForkServer.ensure_running()` checks the server with
  `os.waitpid(pid, os.WNOHANG)`, which works only on one's own child: in the
  helper it raises `ChildProcessError`, and nothing catches it.
- Under **fork** there is no server: the helper forks the grandchild itself.
- Under **spawn** the helper starts a new interpreter itself.

The resource tracker, inherited the same way, does not fail: it checks
itself by writing to its pipe, and in recent releases a raw `os.fork()`
child drops it at once and starts its own when needed (an after-fork hook,
GH-146316, for python/cpython#146313; see also python/cpython#140485). The
fork server has no such hook, and we found no CPython issue about it;
python/cpython#86354 (open) asks only that multiprocessing children reuse
their parent's server. A helper that is a `Process` of the fork context is
spared (a child keeps the method it was started with as its default), but
fails the same way if it asks for `get_context('forkserver')` by name.

Since Python 3.14, forkserver is the default on Linux and other POSIX
systems except macOS (gh-84559), so code that forks after using
multiprocessing meets this without choosing forkserver. Windows has no
`os.fork`: there the script fails with `AttributeError`.

**The fix.** In the helper, name the method:
`multiprocessing.get_context('spawn')` (or `'fork'`). Or fork the helper
before anything starts the fork server, or start it as a `multiprocessing`
process instead of with `os.fork()`.

**Seen in the wild.** `tohojo/flent#325` (Flent 2.2.0, Python 3.14.7): a
test run from the GUI failed near the end with `[Errno 10] No child
processes` and wrote no data file; the command line worked. The GUI creates
its worker `Pool` at start-up, which starts the fork server, and runs each
test in an `os.fork()` child, which creates a `Manager` to parse the
results.
"""
import argparse
import multiprocessing
import os
import signal
import sys
import traceback

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'error (ChildProcessError)'}
OVERRIDES = [
    {
        'os': 'windows',
        'expect': {'spawn': 'error (AttributeError)'},
        'why': 'os.fork exists only on Unix (Python docs, os.fork), so the call raises '
               'AttributeError on Windows. Predicted.',
    },
]
RELATED = ['parent_pid_in_child', 'lock_from_other_context', 'environ_after_fork_server_started',
           'register_at_fork_hook']


def report(seen):
    seen.value = 1
    print('Grandchild: started by the forked helper')


def helper(seen):
    # The default start method, as the code a helper runs would use it.
    grandchild = multiprocessing.Process(target=report, args=(seen,))
    grandchild.start()
    grandchild.join()


def run_forked(function, *args):
    """Run ``function`` in an os.fork() child; return its exit code as Process.exitcode gives it."""
    sys.stdout.flush()  # or the child would print the parent's buffered output again
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            function(*args)
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()  # os._exit() flushes nothing (a piped stderr is
            sys.stderr.flush()  # block-buffered on 3.8 and PyPy 3.9)
            os._exit(code)  # never return into the parent's code, nor run its exit handlers
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def earlier_work():
    pass


def main():
    seen = multiprocessing.Value('i', 0)  # the grandchild's report to the parent
    # Any child started before the fork: under forkserver it starts the fork server.
    first = multiprocessing.Process(target=earlier_work)
    first.start()
    first.join()
    exitcode = run_forked(helper, seen)
    if exitcode != 0:
        # The helper raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-exitcode).name})' if exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print('verdict:', 'propagates' if seen.value == 1 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
