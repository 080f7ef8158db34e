"""An atexit handler registered in the child, meant to report at exit

The child registers an `atexit` handler that writes its final tally into a
shared `Value`, the way code flushes statistics or closes files "when the
program ends". Since Python 3.13 the handler runs under every start method.
Before 3.13 it runs only under spawn: under fork and forkserver the child
ends without calling it, and the parent never sees the tally.

**Why.** It depends on how the child process ends:

- Under **spawn**, the child is a whole interpreter running
  `multiprocessing.spawn.spawn_main()`, which ends with `sys.exit()`: the
  interpreter shuts down normally and calls `atexit` handlers, including the
  child's. The same holds on Windows and macOS, where spawn is the default.
- Under **fork** and **forkserver**, the child is a forked copy (of the
  parent, or of the fork server) that leaves with `os._exit()`, which ends
  the process at once, without `atexit` handlers. Up to Python 3.12 (and on
  PyPy 3.9) that is the whole story: the child's handler never runs.
- Python 3.13 (python/cpython#83856, PR #114279) made `multiprocessing`
  honour `atexit` in forked children: right after the fork the child clears
  the handlers it inherited (so the parent's do not run twice) and, before
  `os._exit()`, runs the ones registered since. Now the child's handler runs
  under every method.

On any version, `multiprocessing.util.Finalize(obj, callback,
exitpriority=...)` registers a callback that `multiprocessing` runs as the
child exits, under every start method; or put the reporting in a
`try`/`finally` around the target's work, which does not depend on how the
process ends.

**Seen in the wild.** `coveragepy/coveragepy#879`: coverage started inside
a `multiprocessing.Process` child saved nothing, because the `atexit`
handler that writes the collected data never ran when the child exited;
the reporter's workaround calls `atexit._run_exitfuncs()` at the end of the
target.
"""
import argparse
import atexit
import multiprocessing
import signal

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
OVERRIDES = [
    {
        'before': '3.13',
        'expect': {'fork': 'isolated', 'forkserver': 'isolated'},
        'why': 'Before 3.13 fork and fork-server children leave with os._exit() without running '
               'atexit handlers; python/cpython#83856 (PR #114279) runs them from 3.13.',
    },
]
RELATED = ['queue_result', 'value_array_arguments', 'signal_handler_in_main', 'trace_function_in_main']


def report(tally, processed):
    tally.value = processed


def task(tally):
    processed = 100
    atexit.register(report, tally, processed)  # meant to run when the child exits
    print(f'Child processed {processed} items and registered its report for exit')


def main():
    tally = multiprocessing.Value('i', 0)
    child = multiprocessing.Process(target=task, args=(tally,))
    child.start()
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f'Parent: the tally after the child exited: {tally.value}')
    print('verdict:', 'propagates' if tally.value == 100 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
