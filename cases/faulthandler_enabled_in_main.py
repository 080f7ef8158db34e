"""faulthandler.enable() called in the main block

`faulthandler` prints the Python traceback of every thread when the process
is killed by a fault: a segmentation fault in a C extension, an `abort()`, a
bus error, an illegal instruction. A program enables it in its main block,
as pytest does in its own process, then starts a child. Under fork the child
has it enabled; under spawn and forkserver it does not, and a segmentation
fault there ends the child with nothing on standard error, only an
`exitcode` of -11 (`-signal.SIGSEGV`): no traceback says where.

**Why.** `faulthandler` works through signal handlers installed in C, which
belong to the operating-system process, and through the module's state in
the interpreter:

- Under **fork**, the child is a copy of the parent: the kernel keeps a
  process's signal handlers across `fork`, and the module's state says
  enabled.
- Under **spawn**, the child is a new interpreter. `exec` resets every
  caught signal to its default, and a new interpreter enables
  `faulthandler` at start-up only when told to by `-X faulthandler`,
  `PYTHONFAULTHANDLER` or development mode (`-X dev`, `PYTHONDEVMODE`); the
  main block, which enabled it in the parent, does not run there.
- Under **forkserver**, the child is forked from the fork server, a fresh
  interpreter that never enabled it.

**The fix.** Enable it for every interpreter at start-up: run the program
with `python -X faulthandler`, or set `PYTHONFAULTHANDLER=1` before it
starts. `multiprocessing` passes `-X faulthandler` on to the interpreters it
starts (python/cpython#76275), and they inherit the environment, so it then
holds under every start method (unlike `-X int_max_str_digits` before
python/cpython#146004: `int_max_str_digits_in_main`); it also covers a
crash while a spawned child is still starting, importing the main module or
unpickling its arguments. Or call `faulthandler.enable()` at the top of the
child's target, or in a pool's `initializer` (`pool_initializer_global`).
"""
import argparse
import faulthandler
import multiprocessing
import os
import signal

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['signal_handler_in_main', 'int_max_str_digits_in_main', 'pool_initializer_global']


def task(enabled):
    enabled.value = faulthandler.is_enabled()
    print(f'Child: faulthandler enabled: {bool(enabled.value)}')


def main():
    # The environment variable would enable it in every new interpreter (see the fix) and hide
    # the pattern. (A parent started with -X faulthandler or in development mode passes that on
    # too: run so, the case reports propagates under every method.)
    os.environ.pop('PYTHONFAULTHANDLER', None)
    faulthandler.enable()
    print(f'Parent: faulthandler enabled: {faulthandler.is_enabled()}')
    enabled = multiprocessing.Value('b', False)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(enabled,))
    child.start()
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print('verdict:', 'propagates' if enabled.value else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
