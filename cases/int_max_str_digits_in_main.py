"""sys.set_int_max_str_digits() called in the main block

Python refuses to convert between `int` and a decimal `str` of more than
4300 digits, a guard against a denial of service (CVE-2020-10735,
python/cpython#95778; from 3.11, and 3.10.7, 3.9.14, 3.8.14 and 3.7.14 on).
A program that reads big numbers, from JSON say, raises the limit with
`sys.set_int_max_str_digits(50_000)` in its main block, then hands the
parsing to a child. Under fork the child parses a 5000-digit number; under
spawn and forkserver it raises `ValueError` ("Exceeds the limit (4300
digits) for integer string conversion", in the words of 3.11 and later):
the limit there is still the default.

**Why.** The limit belongs to the running interpreter, not to the
operating-system process, and calling the function changes nothing a new
interpreter reads when it starts:

- Under **fork**, the child is a copy of the parent's interpreter, limit
  included.
- Under **spawn**, the child is a new interpreter. It takes its limit from
  `PYTHONINTMAXSTRDIGITS` or `-X int_max_str_digits`, and otherwise starts
  at 4300; the main block, where the limit was raised, does not run there.
- Under **forkserver**, the child is forked from the fork server, a fresh
  interpreter that never ran the main block either.

**The fix.** Raise the limit where the conversion happens: at the top of the
child's target, or in a pool's `initializer` (`pool_initializer_global`). Or
give it to every interpreter from the start with the environment variable
`PYTHONINTMAXSTRDIGITS`: it is set before Python starts, so spawned children
and the fork server read it as the parent did. The command-line option
`-X int_max_str_digits=N` reached only fork children until
python/cpython#146004 (fixed in 2026 for 3.15, and backported to the
maintained branches, 3.13 included): `subprocess._args_from_interpreter_flags()`,
which `multiprocessing` uses to start spawned children and the fork server,
passed on only a fixed list of `-X` options, and this one was not on it.

Patch releases before the limit have neither the limit nor the function: on
CPython before 3.8.14, 3.9.14 and 3.10.7 the parent's call raises
`AttributeError`, under every method. python.org's Windows installers stop
at 3.8.10 and 3.9.13 (security releases are source only), so a Windows
Python 3.8 or 3.9 is one of them.
"""
import argparse
import multiprocessing
import os
import signal
import sys

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['recursion_limit_in_main', 'faulthandler_enabled_in_main', 'decimal_context_in_main',
           'pool_initializer_global']
# No limit and no function before these patch releases: the parent's call raises.
OVERRIDES = [
    {
        'before': '3.8.14',
        'implementation': 'cpython',
        'expect': {'fork': 'error (AttributeError)', 'spawn': 'error (AttributeError)',
                   'forkserver': 'error (AttributeError)'},
        'why': 'sys.set_int_max_str_digits() came with the limit (python/cpython#95778) in 3.8.14; '
               "python.org's last Windows installer of 3.8 is 3.8.10.",
    },
    {
        'since': '3.9',
        'before': '3.9.14',
        'implementation': 'cpython',
        'expect': {'fork': 'error (AttributeError)', 'spawn': 'error (AttributeError)',
                   'forkserver': 'error (AttributeError)'},
        'why': 'sys.set_int_max_str_digits() came with the limit (python/cpython#95778) in 3.9.14; '
               "python.org's last Windows installer of 3.9 is 3.9.13.",
    },
    {
        'since': '3.10',
        'before': '3.10.7',
        'implementation': 'cpython',
        'expect': {'fork': 'error (AttributeError)', 'spawn': 'error (AttributeError)',
                   'forkserver': 'error (AttributeError)'},
        'why': 'sys.set_int_max_str_digits() came with the limit (python/cpython#95778) in 3.10.7.',
    },
]

LIMIT = 50_000
BIG_NUMBER = '9' * 5000  # over the default limit of 4300 digits, under LIMIT


def task(seen):
    seen.value = sys.get_int_max_str_digits()
    print(f'Child limit: {seen.value} digits')
    try:
        int(BIG_NUMBER)
    except ValueError as error:  # what the limit is for: printed, not raised (not an error verdict)
        print(f'Child: ValueError: {error}')
    else:
        print(f'Child: parsed a {len(BIG_NUMBER)}-digit number')


def main():
    # A limit in the launcher's environment would reach spawned children by itself (see the fix)
    # and hide the pattern: without it, only the call below could change the child's limit.
    os.environ.pop('PYTHONINTMAXSTRDIGITS', None)
    sys.set_int_max_str_digits(LIMIT)
    print(f'Parent limit: {sys.get_int_max_str_digits()} digits')
    seen = multiprocessing.Value('i', 0)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(seen,))
    child.start()
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f'Parent: the child had a limit of {seen.value} digits')
    print('verdict:', 'propagates' if seen.value == LIMIT else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
