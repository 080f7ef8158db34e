"""SIGINT ignored while a pool starts (the quiet Ctrl-C recipe)

A common recipe keeps Ctrl-C away from pool workers: ignore `SIGINT`, create
the pool, put the handler back. Only the parent should see the interrupt
and decide what to do. Here a program started from a terminal (with
Python's `SIGINT` handler) has already started one child before it follows
the recipe; then a pool worker reports its own `SIGINT` handler. Under
fork and spawn the worker ignores `SIGINT`; under forkserver it has Python's
usual handler, and a Ctrl-C raises `KeyboardInterrupt` in every worker.

**Why.** What a process does with each signal is kept by the kernel, and
a new process inherits it. `exec` resets a *caught* signal to its default
(the handler's address means nothing in the new program), but POSIX keeps
an *ignored* one ignored. This is where `SIG_IGN` differs from a Python
handler (`signal_handler_in_main`). At start-up, Python installs its
`KeyboardInterrupt` handler only if `SIGINT` is at its default, so an
interpreter that starts with `SIGINT` ignored leaves it ignored.

- Under **fork**, each worker is a copy of the parent while it ignores
  `SIGINT`.
- Under **spawn**, each worker is a new interpreter, started by `fork` +
  `exec` while the parent ignores `SIGINT`: it keeps ignoring it.
- Under **forkserver**, the workers are forked from the fork server. The
  parent started the server (`fork` + `exec`) when it started its first
  child, before the recipe ran, so the server inherited the default
  `SIGINT` and installed Python's handler. The server ignores `SIGINT` for
  itself, and gives each child back the handler it started with
  (python/cpython#74371): Python's handler. What the parent does to its
  signals after the server started never reaches a worker, as with its
  umask (`umask_after_forkserver_started`). If the pool had started the fork
  server itself, the server would have started with `SIGINT` ignored, and
  so would every worker.

A program that is itself started with `SIGINT` ignored (a background job of
a non-interactive shell, `cmd &` in a script) passes that on under every
method, recipe or not: so the case first installs Python's handler, as a
program started from a terminal has it.

Two interpreters start with Python's handler whatever they inherit, and
report `isolated` under spawn too:

- **PyPy** installs its `KeyboardInterrupt` handler at start-up without
  looking at what it inherited (its `app_main.py`; observed on PyPy 7.3.11,
  Python 3.9). CPython's documentation promises its check: `SIGINT` becomes
  `KeyboardInterrupt` "if the parent process has not changed it".
- **CPython on Windows**, where `signal.signal(SIGINT, SIG_IGN)` changes only
  the calling process's C runtime, which a new process does not inherit
  (predicted, not observed).

**The fix.** Ignore `SIGINT` where it should be ignored: in the worker
itself, with a pool `initializer` (`pool_initializer_global`). That holds
under every start method, on Windows, and for the workers a pool starts
later: one that replaces a worker that died or reached `maxtasksperchild`
is created with whatever the parent has then, not with the recipe's
`SIG_IGN`.

**Seen in the wild.** `gem/oq-engine#3955`: Ctrl-C did not reliably stop a
calculation whose `ForkPoolWorker`s caught it too; `gem/oq-engine#3956`
ignores `SIGINT` while the pool is created. `livekit/agents#4866` moved from a
per-thread signal mask to `signal.signal(SIGINT, SIG_IGN)`, which is
process-wide, so that children inherit `SIG_IGN` across `exec()` whichever
thread starts them; `zauberzeug/nicegui#6027` ignores it in a
`ProcessPoolExecutor` initializer instead.
"""
import argparse
import multiprocessing
import signal

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'isolated'}
OVERRIDES = [
    {
        'implementation': 'pypy',
        'expect': {'spawn': 'isolated'},
        'why': "PyPy's start-up (app_main.py) installs default_int_handler for SIGINT "
               'unconditionally, where CPython keeps an inherited SIG_IGN. Observed on PyPy 7.3.11 '
               '(Python 3.9).',
    },
    {
        'os': 'windows',
        'implementation': 'cpython',
        'expect': {'spawn': 'isolated'},
        'why': "On Windows signal.signal sets the C runtime's handler of the calling process "
               '(Microsoft docs, signal), which CreateProcess does not pass on: the child '
               "installs Python's KeyboardInterrupt handler at start-up. Predicted.",
    },
]
RELATED = ['signal_handler_in_main', 'umask_after_forkserver_started', 'pool_initializer_global']


def sigint_handler():
    handler = signal.getsignal(signal.SIGINT)
    # A function (Python's default_int_handler) by name, or one of signal.Handlers (SIG_IGN).
    return getattr(handler, '__name__', None) or repr(handler)


def earlier_work():
    pass


def main():
    # As a program started from a terminal: one started with SIGINT ignored passes that on anyway.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    # Any child started before the recipe: under forkserver it starts the fork server.
    first = multiprocessing.Process(target=earlier_work)
    first.start()
    first.join()

    # The recipe: the workers are created while SIGINT is ignored, then the parent takes it back.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        pool = multiprocessing.Pool(1)
    finally:
        signal.signal(signal.SIGINT, previous)
    print(f'Parent SIGINT handler: {sigint_handler()}')
    with pool:
        seen = pool.apply(sigint_handler)
    print(f'Worker SIGINT handler: {seen}')
    print('verdict:', 'propagates' if seen == repr(signal.SIG_IGN) else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
