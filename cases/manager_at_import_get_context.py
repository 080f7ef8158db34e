"""A Manager created at import time, with the start method chosen by get_context()

The script creates `manager = multiprocessing.Manager()` at module level and
starts its child with `multiprocessing.get_context(METHOD).Process`, the
usual way out once `set_start_method()` has started failing with "context
has already been set". The child writes into a dict that manager serves. On
Linux up to Python 3.13, under fork the parent sees the write; under spawn
and forkserver it silently does not: the child wrote into a manager of its
own. Where the platform's default start method is not fork (macOS, Windows,
Linux from 3.14) the script fails at import with `RuntimeError` instead.

**Why.** `multiprocessing.Manager()` starts its server process with the
*default* context, not the one `get_context()` returned, and every process
that imports the script runs its module level again.

- The manager is the first multiprocessing object made, so it fixes the
  default start method: on Linux before 3.14 that is fork, whatever
  `--start-method` says (a later `set_start_method()` would raise
  "context has already been set", which is why such code moves to
  `get_context()`).
- Under **fork**, the child is a copy of the parent and reaches the parent's
  manager through the proxy it inherits: the write `propagates`.
- Under **spawn**, the child imports the script again as `__mp_main__`, and
  that import runs `multiprocessing.Manager()` once more. The child has
  taken the parent's default start method, fork, from the preparation data
  the parent sent, and only spawn and forkserver refuse to start a process
  while the script is still being imported, so a second server is forked
  from the child without a word. The child's `shared` is a dict in that
  server, and its write stays there: `isolated`.
- Under **forkserver**, a child forked from the fork server imports the
  script too (up to 3.13.7, python/cpython#126631) and starts a manager of
  its own the same way: `isolated`. From 3.13.8 (GH-138609) and 3.14.1 the
  fork server imports the script once, so the fork server starts the extra
  manager and its children share that one: still `isolated` from the parent
  (predicted).

The child's manager also **leaks**. A child started by the fork server (and
a spawned one on 3.8, 3.9 and PyPy 3.9) drops the finalizers registered
before its task ran, the manager's shutdown among them, so that server would
outlive the program, and keep the fork server and the resource tracker alive
with it. This case therefore ends a server the child started itself, with
the `shutdown` request that `shutdown()` would have sent (a fork server that
started one shuts it down when it exits).

**Where the default is not fork** the parent's own `Manager()` starts a
server that must import the script: spawned on macOS (the default since
3.8, bpo-33725) and Windows, forked from the fork server on Linux from 3.14
(the new default, gh-84559). That server's import reaches `Manager()` while
it is still starting up, and multiprocessing raises `RuntimeError` ("An
attempt has been made to start a new process before the current process has
finished its bootstrapping phase"), as in `manager_created_at_import`; the
parent then gets `EOFError`, and the first traceback, the server's
`RuntimeError`, is the verdict, under every `--start-method` (predicted).
On 3.14.1 and later the fork server itself fails that way while it preloads
`__main__` (python/cpython#126631), and on 3.15 the manager's server again
(gh-141860): the same `RuntimeError`.

**The fix.** Create the manager under the guard from the same context as
the processes, `with context.Manager() as manager:`, and pass its proxies to
the children (`manager_dict`).

**Seen in the wild.** `OGGM/oggm#1120`: OGGM called `Manager()` at module
level, and in its spawn mode "it plain wouldn't sync the dicts to begin
with, since every worker spawns its own two Managers"; the fork mode had
worked only because forked workers share the parent's. The pull request
makes one manager and hands it to the workers.
"""
import argparse
import multiprocessing
import multiprocessing.connection
import multiprocessing.managers
import os
import signal

FAMILY = 'managers'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
OVERRIDES = [
    {
        'since': '3.14',
        'os': 'linux',
        'expect': {'fork': 'error (RuntimeError)', 'spawn': 'error (RuntimeError)',
                   'forkserver': 'error (RuntimeError)'},
        'why': "gh-84559: forkserver is the default on Linux from 3.14, so the import-time Manager's "
               'server imports the script and raises RuntimeError (bootstrapping phase). Predicted.',
    },
    {
        'os': 'macos',
        'expect': {'fork': 'error (RuntimeError)', 'spawn': 'error (RuntimeError)',
                   'forkserver': 'error (RuntimeError)'},
        'why': "bpo-33725: spawn is macOS's default since 3.8, so the import-time Manager's server "
               'imports the script and raises RuntimeError (bootstrapping phase). Predicted.',
    },
    {
        'os': 'windows',
        'expect': {'spawn': 'error (RuntimeError)'},
        'why': "Windows has only spawn: the import-time Manager's server imports the script and "
               'raises RuntimeError (bootstrapping phase). Predicted.',
    },
]
RELATED = ['manager_created_at_import', 'manager_dict', 'no_main_guard']
START_METHOD_AT = 'import'

# The start method is read while the module is imported, in every process that imports it.
parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
START_METHOD = parser.parse_known_args()[0].start_method

# The pattern: a manager started at import, with the default context, and the processes'
# start method taken from get_context() instead of set_start_method().
manager = multiprocessing.Manager()
shared = manager.dict(value=0)
context = multiprocessing.get_context(START_METHOD)
MANAGER_STARTED_IN = os.getpid()  # this line runs again wherever the module is imported


def task():
    print(f"Child before update: {shared['value']}")
    shared['value'] = 100
    print(f"Child after update: {shared['value']}")
    if MANAGER_STARTED_IN == os.getpid():
        print('Child: that dict lives in a manager this child started when it imported the script')
        # A fork-server child (and a spawned one on 3.8 and 3.9) has dropped this manager's
        # shutdown finalizer: ask its server to exit, as shutdown() would, or it outlives the program.
        with multiprocessing.connection.Client(
                manager.address, authkey=multiprocessing.current_process().authkey) as server:
            multiprocessing.managers.dispatch(server, None, 'shutdown')


def main():
    try:
        child = context.Process(target=task)
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
    main()
