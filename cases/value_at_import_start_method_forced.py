"""A Value made at import time, then set_start_method(..., force=True)

A module creates its shared counter while it is imported, and the `__main__`
block picks the start method afterwards. The plain `set_start_method(method)`
then raises `RuntimeError: context has already been set`: making the Value's
lock already fixed the default start method. The usual advice is to add
`force=True`. That silences the error, not its cause: the lock was made for the
*default* start method, and the children are now started by another one. The
parent hands the counter to a child, which adds 100 to it under its lock.

**Where the default is fork** (Linux up to 3.13), the lock is a fork-context
lock: its semaphore's name was removed the moment it was made, since fork
children inherit the semaphore and never need the name.

- Under **fork** the child inherits the lock and the counter's memory, and the
  increment propagates.
- Under **spawn** and **forkserver** the child must reopen the semaphore by
  name, and there is none. Since 3.11.5 `Process.start()` refuses to pickle
  the lock: `RuntimeError: A SemLock created in a fork context is being shared
  with a process in a spawn context` (python/cpython#77377). Before 3.11.5,
  and on PyPy 3.9, the child receives a raw pointer into the parent's memory
  instead, and crashes with `SIGSEGV` when it takes the lock, as in
  `lock_from_other_context`.

**Where the default is not fork** nothing breaks: the lock is made for spawn
(macOS since 3.8, Windows) or forkserver (Linux from 3.14, gh-84559), its
semaphore keeps its name, and a child started by any method can reopen it.
The increment propagates under every method (predicted). So the same program
works on a Mac and on Linux with 3.14, and fails on Linux with 3.13.

The fix is to make shared objects only after choosing the start method, and
from the context that starts the children: `context =
multiprocessing.get_context(method)`, then `context.Value('i', 0)` and
`context.Process(...)` in `main()` (`value_array_arguments`).

**Seen in the wild.** zauberzeug/nicegui#1841, fixed by zauberzeug/nicegui#6045:
a queue, pipe and event made with the default (fork) context on Linux, handed
to a spawn-context worker, raise this `RuntimeError` from 3.11.5.
modelscope/DiffSynth-Engine#144: something had already fixed the default
context, so `set_start_method('spawn')` raised; the fix makes the queue from
`get_context('spawn')`.
"""
import argparse
import multiprocessing
import signal

FAMILY = 'shared-ctypes'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'error (RuntimeError)', 'forkserver': 'error (RuntimeError)'}
OVERRIDES = [
    {
        'before': '3.11.5',
        'os': 'linux',
        'expect': {'spawn': 'error (SIGSEGV)', 'forkserver': 'error (SIGSEGV)'},
        'why': 'python/cpython#77377: before 3.11.5 a fork-context lock pickles as a raw sem_t '
               'pointer and the child crashes taking it (observed on 3.8-3.10 and PyPy 3.9, whose '
               'stdlib predates the check).',
    },
    {
        'since': '3.14',
        'os': 'linux',
        'expect': {'spawn': 'propagates', 'forkserver': 'propagates'},
        'why': 'gh-84559: from 3.14 the default on Linux is forkserver, so the import-time lock '
               'keeps its name and any child can reopen it. Predicted.',
    },
    {
        'os': 'macos',
        'expect': {'spawn': 'propagates', 'forkserver': 'propagates'},
        'why': "bpo-33725: spawn is macOS's default since 3.8, so the import-time lock keeps its "
               'name and any child can reopen it. Predicted.',
    },
    {
        'os': 'windows',
        'expect': {'spawn': 'propagates'},
        'why': 'Windows has only spawn: the import-time lock is made for it. Predicted.',
    },
]
RELATED = ['lock_from_other_context', 'value_array_arguments', 'module_level_value_unpassed']

# The pattern: made at import, before the __main__ block picks the start method, so made
# for the default one. Only in the main process: a child that imports this file again would
# make a counter it never uses, and a fork server child up to 3.13.7 never releases it.
counter = multiprocessing.Value('i', 0) if __name__ == '__main__' else None


def task(shared):
    with shared.get_lock():  # before 3.11.5, a spawn or forkserver child crashes here
        shared.value += 100
    print(f'Child: {shared.value}')


def main():
    child = multiprocessing.Process(target=task, args=(counter,))
    child.start()  # from 3.11.5, spawn and forkserver raise RuntimeError here
    child.join()
    if child.exitcode < 0:
        print(f'verdict: error ({signal.Signals(-child.exitcode).name})')
        return
    if child.exitcode != 0:
        print('verdict: error')
        return
    print(f'Parent: {counter.value}')
    print('verdict:', 'propagates' if counter.value == 100 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    # force=True: without it this line raises "context has already been set" (see above).
    multiprocessing.set_start_method(parser.parse_args().start_method, force=True)
    main()
