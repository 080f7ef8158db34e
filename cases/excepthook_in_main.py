"""sys.excepthook installed in the main block, and a child that raises

A program installs its own `sys.excepthook` in the main block, to log every
crash, send it to an error tracker or print a richer traceback, then starts
a child whose target raises. The hook never sees the child's exception,
under any start method: not even under fork, where the child's
`sys.excepthook` is that very hook. The child prints a plain traceback,
headed `Process Process-1:`, and exits with code 1. The verdict is about
whether the hook runs for the child's exception, not whether it is there.

**Why.** The interpreter calls `sys.excepthook` for an exception that
reaches the top of the program uncaught. A child's target never gets there:
`multiprocessing` calls it from `Process._bootstrap`, inside a bare
`except:` that prints the process's name and the traceback with
`traceback.print_exc()` and turns the exception into exit code 1 (an
integer `SystemExit` code gives that code).

- Under **fork**, the child is a copy of the parent, hook installed. It is
  there and goes unused.
- Under **spawn**, the child is a new interpreter: the main block, which
  installed the hook, does not run there, so the default hook is in place,
  also unused.
- Under **forkserver**, the child is forked from the fork server, a fresh
  interpreter that never installed it either.

A pool or a `ProcessPoolExecutor` behaves differently: the worker catches a
task's exception, pickles it, and `get()`, `map()` or `result()` raises it
again in the parent. If the parent leaves it uncaught, the parent's hook
does see it. The worker's traceback survives only as text, in a
`RemoteTraceback` (`_RemoteTraceback` for an executor) chained as the
exception's cause (Textualize/rich#2397 taught rich's hook to print it).

**The fix.** Catch the exception where it happens. A wrapper or a
`run()` override calls `sys.excepthook(*sys.exc_info())` itself, then
exits with `sys.exit(1)` or raises again, so that `exitcode` still says
the child failed. Under spawn and forkserver the child starts with the
default hook, so the wrapper installs the program's hook first.

**Seen in the wild.**

- `saltstack/salt#30383`: a Salt maintenance process's traceback never
  reached the global exception hook that writes to Salt's log file. The fix
  (`saltstack/salt#30388`) wraps the `run()` of the processes Salt starts
  to log the exception; Salt's process module raises it again after
  logging, so the exit code stays 1.
- `gaogaotiantian/coredumpy#94`: `coredumpy.patch_except()`, which dumps
  the frames through `sys.excepthook`, produced no dump for an exception in
  a `multiprocessing.Process` child, even with the hook installed in the
  child's own target.
"""
import argparse
import multiprocessing
import signal
import sys

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}
CHILD_RAISES = 'RuntimeError'  # the target's uncaught exception is the pattern
RELATED = ['atexit_in_child', 'faulthandler_enabled_in_main', 'trace_function_in_main']

REACHED, HOOK_RAN = 1, 2  # what the child reports
report = None  # the shared Value, once the child's target has it


def note_crash(exc_type, exc, tb):
    """The program's hook: an error tracker would send the exception somewhere."""
    if report is not None:
        report.value = HOOK_RAN
    sys.__excepthook__(exc_type, exc, tb)


def task(shared):
    global report
    report = shared  # lets the hook reach the parent, should it run here
    report.value = REACHED
    print(f'Child: sys.excepthook is the parent\'s hook: {sys.excepthook is note_crash}')
    raise RuntimeError('raised in the child, on purpose')


def main():
    sys.excepthook = note_crash
    shared = multiprocessing.Value('b', 0)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(shared,))
    child.start()
    child.join()
    # A child that never reached its target, or that a signal killed, is a failure of the case.
    if shared.value == 0 or child.exitcode < 0:
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f'Parent: the child exited with code {child.exitcode}; '
          f'the hook ran there: {shared.value == HOOK_RAN}')
    print('verdict:', 'propagates' if shared.value == HOOK_RAN else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
