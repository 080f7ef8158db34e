"""A background thread started at import, and a child that relies on it

Telemetry, metrics and logging libraries often start a background thread
when they are set up: it collects records in memory and sends them off in
batches. This module does the same at its top level, then starts a child
that looks for that thread. Under spawn the child has one running, its own.
Under fork it has none, and from CPython 3.13.8 and 3.14.1 neither has a
forkserver child. Records a child leaves for the thread there are never
sent: nothing fails, they just go missing, and a child that waits for them
to be sent (`queue.join()`, a `flush()`) waits forever. The verdict says
whether the child has a flusher running.

**Why.** A new process has only one thread, the one that created it.

- Under **fork**, the child is a copy of the parent, made by the thread that
  called `fork()`. It has the parent's `Thread` object and queue, and the
  module's top level has run, but no thread runs the flusher: its
  `is_alive()` is `False`.
- Under **spawn**, the child imports this file again as `__mp_main__`, and
  that import runs the top level: the child starts a flusher of its own.
- Under **forkserver**, the child is forked from the fork server. Up to
  CPython 3.13.7 and 3.14.0, and on PyPy up to 3.11, each child imports the
  file itself, as under spawn, and starts its own flusher. From 3.13.8 and
  3.14.1 the server imports it once and forks the children from that import
  (python/cpython#126631, `forkserver_reruns_main`). The flusher then runs
  in the server, and each child is a copy without it, as under fork. The
  server is then no longer single-threaded: it forks every child while the
  flusher runs, which is the hazard of `thread_lock_held_at_fork` (with
  warnings enabled, 3.12 and later print a `DeprecationWarning` there).

**The fix.** Start the thread in the process that uses it: remember which
pid started it, and start another when `os.getpid()` differs, or restart it
in a fork child with `os.register_at_fork(after_in_child=...)`. Either way
make a new queue and new locks for it (the dead thread may have held the
old ones) and drop the records copied from the parent, which the parent
sends itself. Then flush explicitly before the child's work ends, in a
`try`/`finally`: a fork child leaves with `os._exit()`, and an `atexit`
handler the parent registered never runs there, not even from 3.13
(`atexit_in_child`).

**Seen in the wild.** `open-telemetry/opentelemetry-python#1567`: spans
from forked child processes were never sent by the batch span processor,
whose export thread the children did not have; the maintainers pointed to
`os.register_at_fork`. `open-telemetry/opentelemetry-python#2242` made the
processor fork-aware with it: it sets itself up again in the child, a new
export thread included.
"""
import argparse
import multiprocessing
import os
import queue
import signal
import threading

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'isolated', 'spawn': 'propagates', 'forkserver': 'propagates'}
OVERRIDES = [
    {
        'since': '3.13.8',
        'before': '3.14',
        'implementation': 'cpython',
        'expect': {'forkserver': 'isolated'},
        'why': 'GH-138609 (3.13.8) backported the python/cpython#126631 fix: the fork server '
               'imports __main__ once, starting the thread there, and forks children without it. '
               'Predicted.',
    },
    {
        'since': '3.14.1',
        'implementation': 'cpython',
        'expect': {'forkserver': 'isolated'},
        'why': 'python/cpython#126631, fixed by GH-135295 in 3.14.1: the fork server imports '
               '__main__ once, starting the thread there, and forks children without it. Predicted.',
    },
]
RELATED = ['thread_lock_held_at_fork', 'global_set_at_top_level', 'forkserver_reruns_main',
           'atexit_in_child']

PENDING = queue.Queue()  # records waiting to be sent


def flush_forever():
    while True:
        PENDING.get()  # a real exporter would send it somewhere here
        PENDING.task_done()


# Runs in every process that imports this file, as a library's setup would.
IMPORTED_IN = os.getpid()
FLUSHER = threading.Thread(target=flush_forever, name='flusher', daemon=True)
FLUSHER.start()


def task(running, main_pid):
    running.value = FLUSHER.is_alive()
    if IMPORTED_IN == main_pid:
        where = 'the parent (copied by fork)'
    elif IMPORTED_IN == os.getpid():
        where = 'this child (re-imported as __mp_main__)'
    else:
        where = 'the fork server'
    print(f'Child: the top level ran in {where}; a flusher runs here: {bool(running.value)}')


def main():
    running = multiprocessing.Value('b', False)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(running, os.getpid()))
    child.start()
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print('verdict:', 'propagates' if running.value else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
