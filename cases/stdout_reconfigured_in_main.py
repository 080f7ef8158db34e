"""Standard output reconfigured in the main block, printed to by the child

The parent makes its printing safe for any text with
`sys.stdout.reconfigure(encoding='utf-8', errors='replace')`, the usual cure
for `UnicodeEncodeError` on Windows, and starts a child that reports how its
own `sys.stdout` encodes. Under fork the child has the parent's settings;
under spawn and forkserver it has the defaults of a new interpreter, never the
parent's `'replace'`: `'strict'` or `'surrogateescape'`, depending on the
platform, the locale and UTF-8 mode.

**Why.** `sys.stdout` is a Python object, an `io.TextIOWrapper` that each
interpreter builds at start-up on file descriptor 1. Its encoding and error
handler come from what that interpreter sees then, in this order:
`PYTHONIOENCODING` (`encoding:errors`; an encoding alone means `'strict'`),
UTF-8 mode (`-X utf8`, `PYTHONUTF8`: UTF-8 with `'surrogateescape'`), then
the locale (`'surrogateescape'` under the C, POSIX and C.UTF-8 locales and
always on Windows, `'strict'` otherwise). `reconfigure()` changes that one
object, in the process that calls it, and leaves nothing in the environment
for a new interpreter to read.

- Under **fork**, the child is a copy of the parent, `sys.stdout` object
  included, with its new settings.
- Under **spawn**, the child is a new interpreter that builds its own
  `sys.stdout` from the environment and the locale; the main block that
  called `reconfigure()` does not run there.
- Under **forkserver**, the child is forked from the fork server, a fresh
  interpreter too, whose `sys.stdout` was built the same way.

On Windows a console gets UTF-8 (PEP 528), but output to a file or a pipe (a
log, CI, an IDE) is encoded with the ANSI code page, cp1252 on English and
Western European systems. There a spawned worker printing a `✓`, an emoji or
a Polish file name dies with `UnicodeEncodeError: 'charmap' codec can't
encode character`, while the reconfigured parent prints the same text without
trouble. From Python 3.15 UTF-8 mode is the default (PEP 686): a new
interpreter then writes UTF-8 with `'surrogateescape'` even to a pipe, so
ordinary text no longer fails, but the worker still has its own handler, not
the parent's: a lone surrogate (from an undecodable file name) still raises
there.

**The fix.** Put the setting where a new interpreter reads it: the
environment, set before the first child starts
(`os.environ['PYTHONIOENCODING'] = 'utf-8:replace'`; a fork server started
before the change keeps its old environment, `environ_after_fork_server_started`,
and an interpreter run with `-E` or `-I`, flags its children inherit, ignores
the variable), or UTF-8 mode (`python -X utf8`, which multiprocessing passes
on to spawned children and to the fork server, or `PYTHONUTF8=1` in the
environment): the children then write UTF-8 with `'surrogateescape'`. Or call
`reconfigure()` where the child runs it: at module level (a spawned child and
the fork server import the script again), at the start of the target, or in a
pool's `initializer` (`pool_initializer_global`).
"""
import argparse
import multiprocessing
import signal
import sys

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['stdout_redirected_in_main', 'environ_after_fork_server_started',
           'pool_initializer_global']


def task(errors):
    errors.value = sys.stdout.errors.encode('ascii')
    print(f'Child:  stdout encoding={sys.stdout.encoding}, errors={sys.stdout.errors}')


def main():
    sys.stdout.reconfigure(encoding='utf-8', errors='replace')  # this object, this process
    print(f'Parent: stdout encoding={sys.stdout.encoding}, errors={sys.stdout.errors}')
    errors = multiprocessing.Array('c', 32)  # the child's error handler, reported back
    child = multiprocessing.Process(target=task, args=(errors,))
    child.start()
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f'Parent: the child encodes with errors={errors.value.decode()!r}')
    print('verdict:', 'propagates' if errors.value == b'replace' else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
