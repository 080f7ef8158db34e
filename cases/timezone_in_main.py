"""A time zone set with TZ and time.tzset() in the main block

The parent switches its local time zone, `os.environ['TZ'] =
'XYZ+05'` followed by `time.tzset()`, and starts a child that reads
`time.timezone` (seconds west of UTC). The child is in the new zone under
every start method on Linux and macOS. On Windows `time.tzset()` does not
exist and the script fails in the parent.

**Why.** The zone is decided by the C library from the `TZ` environment
variable; `time.tzset()` makes the C library re-read it and refreshes the
`time` module's `timezone`, `altzone`, `daylight` and `tzname`.

- Under **fork**, the child is a copy of the parent after `tzset()`: the C
  library's zone and the `time` module's attributes are already updated.
- Under **spawn**, the child is a new interpreter, but it inherits the
  parent's *environment*, `TZ` included, and its `time` module reads the
  zone from it when it is imported.
- Under **forkserver**, the fork server is started, with the parent's
  environment at that moment, when the first child is started, here after
  the change; its children inherit the zone. A `TZ` changed *after* the
  fork server started would not reach them (`environ_after_fork_server_started`).

Two traps around this: `os.environ['TZ'] = ...` *without* `time.tzset()`
leaves the parent in the old zone while spawned children use the new one;
and `locale.setlocale()`, which only changes C library state and no
environment variable, reaches fork children but not spawned ones. On Windows
there is no `tzset()` (Python docs: "Availability: Unix"), so the script
raises `AttributeError`.
"""
import argparse
import multiprocessing
import os
import signal
import time

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
OVERRIDES = [
    {
        'os': 'windows',
        'expect': {'spawn': 'error (AttributeError)'},
        'why': 'time.tzset() is only available on Unix (Python docs, time.tzset).',
    },
]
RELATED = ['environ_before_first_child', 'environ_after_fork_server_started',
           'logging_config_in_main']

WEST_OF_UTC = 5 * 3600  # 'XYZ+05': a zone named XYZ, five hours behind UTC


def task(seen):
    seen.value = time.timezone
    print(f'Child: zone {time.tzname[0]}, {time.timezone} s west of UTC')


def main():
    os.environ['TZ'] = 'XYZ+05'
    time.tzset()
    print(f'Parent: zone {time.tzname[0]}, {time.timezone} s west of UTC')
    seen = multiprocessing.Value('i', 0)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(seen,))
    child.start()
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f'Parent: the child was {seen.value} s west of UTC')
    print('verdict:', 'propagates' if seen.value == WEST_OF_UTC else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
