"""An os.register_at_fork() hook registered in the main block

The parent registers a hook with `os.register_at_fork(after_in_child=...)`,
the way libraries reset their state in forked children (reseed a random
generator, drop a connection, reset a lock). It then starts a child, which
reports whether the hook ran in it. Under fork it did; under spawn and
forkserver it did not.

**Why.** The hooks are called by `os.fork()` itself, in the process that
forks, and the list of hooks is Python state of that process.

- Under **fork**, `Process.start()` calls `os.fork()` in the parent, so the
  parent's `after_in_child` hooks run in the new child before the target.
- Under **spawn**, the child is a fresh interpreter started by
  `fork` + `exec` in C (`_posixsubprocess`), which runs no Python hooks; the
  new interpreter has no hooks registered anyway.
- Under **forkserver**, the child is forked by the fork server, a separate
  interpreter that never ran the parent's main block: only hooks registered
  *in the server* run.

So a hook is no substitute for initialising state in the child: code that
relies on it to reset something still needs that reset under spawn and
forkserver (where the child starts clean, so there is usually nothing to
reset), and state it would have *copied* is not there at all. On Windows
`os.register_at_fork` does not exist (there is no fork), and the script
fails with `AttributeError` in the parent.

**Seen in the wild.** `bloomberg/memray#645`: once memray's fork handlers
were registered with `os.register_at_fork`, they no longer ran when the
spawn start method forked the interpreter to exec a new one, so memray's
tracking hooks stayed active in that child until the exec; the fix pairs
them with `pthread_atfork` handlers.
"""
import argparse
import multiprocessing
import os
import signal

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
OVERRIDES = [
    {
        'os': 'windows',
        'expect': {'spawn': 'error (AttributeError)'},
        'why': 'os.register_at_fork is only available on Unix (Python docs, os.register_at_fork).',
    },
]
RELATED = ['signal_handler_in_main', 'random_module_state', 'thread_lock_held_at_fork']

hook_ran_here = False


def note_fork():
    global hook_ran_here
    hook_ran_here = True


def task(seen):
    print(f'Child: the after_in_child hook ran here: {hook_ran_here}')
    seen.value = hook_ran_here


def main():
    os.register_at_fork(after_in_child=note_fork)
    seen = multiprocessing.Value('b', 0)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(seen,))
    child.start()
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f'Parent: the hook ran in the child: {bool(seen.value)}')
    print('verdict:', 'propagates' if seen.value else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
