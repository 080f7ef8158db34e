"""A signal handler installed in the main block

In code reached only from `if __name__ == '__main__':`, the parent installs
a Python handler for `SIGTERM`, then starts a child that asks
`signal.getsignal(signal.SIGTERM)`. Under fork the child has the parent's
handler; under spawn and forkserver it has the default one.

**Why.** A Python signal handler is two things: the operating system's
disposition for the signal, and CPython's table of Python handlers, both
process state.

- Under **fork**, the child is a copy of the parent: the table and the
  disposition come along, so the child runs the parent's handler. This has a
  sharp edge: `Process.terminate()` sends `SIGTERM`, and a forked child whose
  inherited handler does not exit simply keeps running.
- Under **spawn**, the child is a new program. `exec` resets every caught
  signal to its default (only *ignored* signals stay ignored), the child
  re-imports the script as `__mp_main__` without running the `__main__`
  block, and nothing in what `multiprocessing` sends the child mentions
  signals. The handler function exists in the child, but is not installed.
- Under **forkserver**, the child is forked from the fork server, which never
  ran the `__main__` block either (and which, for each child, puts back the
  handlers it changed for itself, `SIGCHLD` and `SIGINT`). The child has the
  default `SIGTERM` disposition.

To have the handler in the child, install it where the child runs: at the
start of the target function or in a pool initializer
(`pool_initializer_global`). The same holds on Windows, where `SIGTERM` exists
for `signal.signal()` and spawn is the only start method.

**Seen in the wild.** `SpaceCowMedia/commander-spellbook-backend#1204`:
forked pool workers inherited django-tasks' `SIGTERM` handler, so leaving
the `Pool` block, which sends `SIGTERM` to the workers, ran that handler in
them ("Received Terminated - shutting down gracefully...") and the task
stalled; `getsentry/snuba#1420` reworked its parallel transform pool to
avoid fork, since forked workers inherit the parent's signal handlers and
the pool is shut down by sending them `SIGTERM`.
"""
import argparse
import multiprocessing
import signal

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['pool_initializer_global', 'logging_config_in_main', 'sigint_ignored_around_pool']


def on_sigterm(signum, frame):
    print('Shutting down gracefully')


def describe(handler):
    # A Python function by name, or one of signal.Handlers (SIG_DFL, SIG_IGN).
    return getattr(handler, '__name__', None) or repr(handler)


def task(queue):
    handler = describe(signal.getsignal(signal.SIGTERM))
    print(f'Child SIGTERM handler: {handler}')
    queue.put(handler)


def main():
    # main() is called only from the __main__ block, so only the parent runs this line.
    signal.signal(signal.SIGTERM, on_sigterm)
    print(f'Parent SIGTERM handler: {describe(signal.getsignal(signal.SIGTERM))}')
    queue = multiprocessing.Queue()
    child = multiprocessing.Process(target=task, args=(queue,))
    child.start()
    child.join()
    if child.exitcode != 0:
        print('verdict: error')
        return
    seen = queue.get()  # one short string: already in the pipe, so joining first is safe
    print('verdict:', 'propagates' if seen == 'on_sigterm' else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
