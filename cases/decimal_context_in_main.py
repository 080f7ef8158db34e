"""The decimal context's precision set in the main block

The parent asks for 50 significant digits with `decimal.getcontext().prec = 50`
and starts a child that divides `Decimal(1) / Decimal(7)` with whatever
context it has. Under fork the child gets the parent's 50 digits; under spawn
and forkserver it gets the default 28.

**Why.** `getcontext()` returns the *current* context of the calling thread,
an object of the running interpreter. Since Python 3.7 it is kept in a
context variable (bpo-32630), so it follows the same rules as any
`ContextVar` (`contextvar_in_main`); interpreters built
`--without-decimal-contextvar` (bpo-39794) keep it in thread-local storage
instead, with the same outcome here.

- Under **fork**, the child is a copy of the parent, and its one thread is
  the one that called `fork()`, here the parent's main thread, which keeps its
  context: the child computes with `prec=50`. (Had `start()` been called from
  another thread, the child would have *that* thread's context.)
- Under **spawn**, the child is a new interpreter. Its first `getcontext()`
  creates a fresh context, a copy of `decimal.DefaultContext` with
  `prec=28`; the main block that changed the parent's context does not run.
- Under **forkserver**, the child is forked from the fork server, a fresh
  interpreter that never ran the main block either.

PyPy 3.9 has no C `_decimal`: its `decimal` is the pure-Python
`_pydecimal`, which keeps the context in a context variable too, and behaves
the same.

The danger is silent: the child does not fail, it rounds. Money or
scientific code that passed its tests under fork computes with fewer digits
once the start method changes (Python 3.14 made forkserver the default on
Linux, gh-84559; macOS has defaulted to spawn since 3.8, and Windows has only
spawn).

**The fix.** Give the child its context explicitly: pass a
`decimal.Context(prec=50)` as an argument (contexts pickle) and compute
inside `with decimal.localcontext(ctx):`, or set the precision in the child,
for example in a pool's `initializer` (`pool_initializer_global`).
"""
import argparse
import decimal
import multiprocessing
import signal

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['contextvar_in_main', 'threading_local_in_main', 'pool_initializer_global']

PRECISION = 50


def one_seventh():
    result = decimal.Decimal(1) / decimal.Decimal(7)
    return result, len(result.as_tuple().digits)  # the significant digits the context allowed


def task(seen):
    result, seen.value = one_seventh()
    print(f'Child:  prec={decimal.getcontext().prec}, 1/7 = {result} ({seen.value} digits)')


def main():
    decimal.getcontext().prec = PRECISION  # the current context of the main thread
    result, digits = one_seventh()
    print(f'Parent: prec={decimal.getcontext().prec}, 1/7 = {result} ({digits} digits)')
    seen = multiprocessing.Value('i', 0)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(seen,))
    child.start()
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f"Parent: the child's result had {seen.value} digits, the parent's {digits}")
    print('verdict:', 'propagates' if seen.value == digits else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
