"""An environment variable set with os.putenv() in the main block

The parent sets a variable with `os.putenv('APP_MODE', 'batch')` instead of
assigning to `os.environ`, then starts a child that looks it up in
`os.environ`. Under fork the child does not find it; under spawn and
forkserver it does: the reverse of most cases in this catalogue. On Windows
the answer depends on whether Python runs in a virtual environment.

**Why.** A process has two copies of its environment. The real one is the
C library's `environ` (on Windows, the process environment block), which C's
`getenv()` reads and which a program started with `exec` receives. Python
keeps `os.environ`, a mapping it builds from the real one when `os` is first
imported, at start-up, and never again by itself (3.14 adds
`os.reload_environ()` to rebuild it on request). Assigning to `os.environ`
updates both, but `os.putenv()` updates only the real one: the `os`
documentation says so, and recommends `os.environ` for that reason.

- Under **fork**, the child is a copy of the parent, both copies included:
  its real environment has `APP_MODE`, its `os.environ` does not. Python code
  in the child (`os.environ`, `os.getenv()`) does not see the variable; C
  code calling `getenv()` does.
- Under **spawn**, on Linux and macOS, the parent runs a new interpreter with
  `fork` and `exec`, passing no environment of its own, so the new program
  gets the real environment, `APP_MODE` included, and builds its
  `os.environ` from it. On Windows, multiprocessing gives `CreateProcess` an
  environment only in a virtual environment, where it starts the base
  interpreter itself: `os.environ.copy()` plus `__PYVENV_LAUNCHER__`
  (bpo-35797, bpo-38092), Python's copy, without `APP_MODE`. Outside a
  virtual environment the child inherits the process environment block,
  which `os.putenv()` updates, and sees the variable. CI runs in tox's
  virtual environments: `isolated` there (predicted, not observed).
- Under **forkserver**, the fork server is such a new interpreter, started at
  the first `start()`, here after the call. Its children are forks of it,
  `os.environ` included. A fork server started *before* the call does not
  have the variable (`environ_after_fork_server_started`).

`os.unsetenv()` is the mirror image on Linux and macOS: the variable stays in
`os.environ` for the parent and fork children, and is gone for spawn and
forkserver children.

**The fix.** Assign to `os.environ` (`os.environ['APP_MODE'] = 'batch'`, or
`del os.environ[...]`), which keeps both copies in step, before the first
child starts (`environ_before_first_child`), or pass the value to the child
as an argument. When a C library sets a variable itself (`setenv()`), call
`os.reload_environ()` (3.14+) before the first child starts.
"""
import argparse
import multiprocessing
import os
import signal

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'isolated', 'spawn': 'propagates', 'forkserver': 'propagates'}
OVERRIDES = [
    {
        'os': 'windows',
        'implementation': 'cpython',
        'expect': {'spawn': 'isolated'},
        'why': 'In a virtual environment (tox, so CI) multiprocessing on Windows starts the base '
               'interpreter and gives CreateProcess os.environ.copy() plus __PYVENV_LAUNCHER__ '
               '(bpo-35797; in the right argument since bpo-38092, 3.8.0rc1): Python\'s copy, '
               'without what os.putenv() set. Outside one it passes none, and the child inherits '
               'the process environment block, which os.putenv() (_wputenv) updates: propagates '
               'there. PyPy passes none even in a virtual environment (pypy/pypy#4893). Predicted.',
    },
]
RELATED = ['environ_before_first_child', 'environ_after_fork_server_started',
           'environ_changed_in_child']


def task(found):
    mode = os.environ.get('APP_MODE')  # Python's copy of the environment
    found.value = mode == 'batch'
    print(f'Child:  os.environ.get("APP_MODE") = {mode!r}')


def main():
    os.putenv('APP_MODE', 'batch')  # the real environment only
    print(f'Parent: os.environ.get("APP_MODE") = {os.environ.get("APP_MODE")!r}')
    found = multiprocessing.Value('b', 0)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(found,))
    child.start()
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f'Parent: the child found the variable: {bool(found.value)}')
    print('verdict:', 'propagates' if found.value else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
