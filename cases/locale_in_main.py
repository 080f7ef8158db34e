"""A locale set with locale.setlocale() in the main block

The parent switches its numeric locale with `locale.setlocale(LC_NUMERIC,
...)` (to a UTF-8 locale the system has) and starts a child that asks for
its own `LC_NUMERIC`. Under fork the child has the parent's locale; under
spawn and forkserver it has the default, `C`.

**Why.** The locale is C library state of the process, changed by calling
`setlocale()`; unlike the time zone (`timezone_in_main`) it is not kept in
an environment variable, so only a copy of the process carries it:

- Under **fork**, the child is a copy of the parent, C library state
  included.
- Under **spawn**, the child is a new program. At start-up Python sets only
  `LC_CTYPE` from the environment; every other category, `LC_NUMERIC`
  included, starts as `C`, and the parent's main block does not run again.
- Under **forkserver**, the child is forked from the fork server, a fresh
  interpreter started the same way.

This matters for code that formats or parses numbers with `locale.format_string`,
`locale.atof` or `locale.str` (or calls C libraries that do) and was tested
with fork: spawned children silently use `C` conventions. Set the locale where
the work runs, in the target or a pool's `initializer`, or export `LC_ALL` /
`LC_NUMERIC` in the environment *and* call `setlocale(category, '')`, which
reads it, in each process.
"""
import argparse
import locale
import multiprocessing
import signal

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['timezone_in_main', 'warnings_filter_in_main', 'logging_config_in_main']

# Names differ between systems; the first one this system accepts is used.
CANDIDATES = ['C.UTF-8', 'C.utf8', 'en_US.UTF-8', '.UTF-8']


def choose_locale():
    for name in CANDIDATES:
        try:
            return locale.setlocale(locale.LC_NUMERIC, name)
        except locale.Error:
            continue
    raise locale.Error(f'none of {CANDIDATES} is available')


def task(parent_locale, seen):
    mine = locale.setlocale(locale.LC_NUMERIC)  # no second argument: query only
    print(f'Child LC_NUMERIC: {mine!r}')
    seen.value = mine == parent_locale


def main():
    chosen = choose_locale()
    print(f'Parent LC_NUMERIC: {chosen!r}')
    seen = multiprocessing.Value('b', 0)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(chosen, seen))
    child.start()
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f"Parent: the child had the parent's locale: {bool(seen.value)}")
    print('verdict:', 'propagates' if seen.value else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
