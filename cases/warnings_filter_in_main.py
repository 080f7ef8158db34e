"""A warnings filter installed in the main block

The parent silences a noisy warning with `warnings.filterwarnings('ignore',
message='noisy')` and starts a child that triggers it. Under fork the child
stays quiet; under spawn and forkserver the warning is shown again.

**Why.** The filters are a list in the `warnings` module of each
interpreter:

- Under **fork**, the child is a copy of the parent, filter list included.
- Under **spawn**, the child is a new interpreter. `multiprocessing` passes
  it the parent's *command-line* warning options (`-W`, and the
  `PYTHONWARNINGS` variable arrives with the environment), but not filters
  added at run time, and the main block that added this one does not run in
  the child.
- Under **forkserver**, the child is forked from the fork server, a fresh
  interpreter with the same command-line options and no run-time filters.

The child here records the warnings it triggers (with
`warnings.catch_warnings(record=True)`, which keeps the filters) instead of
printing them, and reports whether the parent's filter suppressed it. The
fixes: install filters at module level (they then run again in every spawned
child), in a pool's `initializer`, or pass `-W` / `PYTHONWARNINGS`, which
reach every child.

**Seen in the wild.** `blue-yonder/tsfresh#518`: on Windows,
`warnings.simplefilter("ignore")` did not silence the warnings raised in
tsfresh's worker processes; `blue-yonder/tsfresh#610` fixed it by setting up
the filters in every worker. `braindecode/braindecode#662` hit the same
with joblib's worker processes, which do not get the parent's filters.
"""
import argparse
import multiprocessing
import signal
import warnings

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['logging_config_in_main', 'recursion_limit_in_main', 'signal_handler_in_main']


def task(suppressed):
    with warnings.catch_warnings(record=True) as caught:  # record instead of printing
        warnings.warn('noisy library warning', UserWarning, stacklevel=1)
    print(f'Child: the warning was shown {len(caught)} time(s)')
    suppressed.value = not caught


def main():
    warnings.filterwarnings('ignore', message='noisy')
    suppressed = multiprocessing.Value('b', 0)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(suppressed,))
    child.start()
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f"Parent: the parent's filter applied in the child: {bool(suppressed.value)}")
    print('verdict:', 'propagates' if suppressed.value else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
