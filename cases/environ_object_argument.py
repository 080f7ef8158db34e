"""os.environ itself, not a copy, passed to a child as an argument

A launcher hands its worker the environment to run a job with,
`kwargs={'env': os.environ}`, the way `subprocess.run(..., env=os.environ)`
accepts it. The parent sets `MPMATRIX_JOB_MODE` in `os.environ` first. Under
fork the child reads it from the argument. Under spawn and forkserver
`start()` raises in the parent while it pickles the `Process` object,
before the worker process is started (on Windows `popen_spawn_win32`
creates the child first; it then fails too, and prints a second traceback
after the parent's). On Linux with CPython 3.8 to 3.12.4: `AttributeError:
Can't pickle local object '_createenviron.<locals>.encode'`.

**Why.** `os.environ` looks like a dict but is an `os._Environ`, a mapping
that encodes and decodes each key and value through small functions that
`os` defines inside `_createenviron()` (`_create_environ_mapping()` from
3.14), and keeps them as attributes.

- Under **fork**, nothing is pickled: the child's copy of the argument is
  the child's copy of `os.environ`, and it reads the variable.
- Under **spawn** and **forkserver**, `start()` pickles the arguments, and
  pickle saves a function by its module and name. A function defined inside
  another function has no name pickle can find again, so pickling fails.
  CPython 3.8 to 3.12.4 raise `AttributeError` ("Can't pickle local
  object"), 3.12.5 and later and 3.13 the same type worded "Can't get local
  object", and PyPy's pure-Python pickle
  `pickle.PicklingError`. From 3.14 CPython raises `PicklingError` for a
  local object too (gh-122311), so `_pickle.PicklingError` is predicted
  there.

The fix is `env=dict(os.environ)` (or `os.environ.copy()`, which returns a
dict): a snapshot of the parent's variables at that moment, which pickles.
Not `copy.copy(os.environ)` or `copy.deepcopy(os.environ)`: both return
another `os._Environ`, which fails the same way. Often the argument is not
needed at all: a spawn child inherits the parent's environment as it is at
`start()` (`environ_before_first_child`). Under forkserver, though, the
child gets the *fork server's* environment, fixed when the server started
(`environ_after_fork_server_started`), so passing the snapshot explicitly is
what makes the variable reach every child (as data: the child's own
`os.environ` is still the server's; apply it with `os.environ.update(env)`
or hand it on as `subprocess`'s `env=`). Either way the child's changes
stay in the child.

**Seen in the wild.**

- `horovod/horovod#2037`: `horovod.spark.run(fn, num_proc=2,
  env=os.environ)` failed with this `AttributeError` when `safe_shell_exec`
  started its "middleman" process, which Horovod always starts with
  `get_context('spawn')` and `env` in its `args`; it worked with
  `os.environ.copy()`. `horovod/horovod#2039` made `mpi_run()` reject any
  `env` that is not a `dict` with a clear message: "env argument must be a
  dict, not <class 'os._Environ'>".
- `getsolus/ypkg#145`: on Python 3.14 (forkserver by default) ypkg's
  examine step failed; the author traced it, without a traceback, to
  `pisi.config.Config()`, which keeps `copy.deepcopy(os.environ)` (still an
  `os._Environ`), reaching the pool through ypkg's context ("pisi config is
  unpickablable"), and ypkg went back to fork.
"""
import argparse
import multiprocessing
import os
import signal

FAMILY = 'pickling'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'error (AttributeError)', 'forkserver': 'error (AttributeError)'}
OVERRIDES = [
    {
        'since': '3.14',
        'implementation': 'cpython',
        'expect': {'spawn': 'error (_pickle.PicklingError)',
                   'forkserver': 'error (_pickle.PicklingError)'},
        'why': 'gh-122311: from 3.14 the C pickler raises PicklingError instead of AttributeError '
               "for a local object such as os.environ's encode function "
               '(_create_environ_mapping.<locals>.encode in 3.14; python/cpython#139806). '
               'Predicted, not yet observed.',
    },
    {
        'implementation': 'pypy',
        'expect': {'spawn': 'error (pickle.PicklingError)',
                   'forkserver': 'error (pickle.PicklingError)'},
        'why': "PyPy pickles with the pure-Python pickle, whose save_global() raises "
               'pickle.PicklingError for a function it cannot find by name (observed on 7.3.11).',
    },
]
RELATED = ['environ_before_first_child', 'environ_after_fork_server_started',
           'object_holding_lock_argument', 'lambda_process_target']

NAME = 'MPMATRIX_JOB_MODE'


def run_job(seen, env):
    mode = env.get(NAME)  # a real worker would run subprocess.run(command, env=env)
    print(f'Child: {NAME}={mode} in the environment it was given')
    seen.value = mode == 'batch'


def main():
    os.environ[NAME] = 'batch'
    seen = multiprocessing.Value('b', 0)  # the child's report to the parent
    child = multiprocessing.Process(target=run_job, args=(seen,), kwargs={'env': os.environ})
    child.start()  # spawn/forkserver: pickling os.environ raises here
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f'Parent: the child read the variable from its argument: {bool(seen.value)}')
    print('verdict:', 'propagates' if seen.value else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
