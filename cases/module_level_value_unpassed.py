"""A module-level shared value used by the child without being passed

The module creates a shared ctypes integer at import time, and the child
increments it through the module global instead of receiving it as an
argument. Under fork the parent sees the increment; under spawn and
forkserver it does not.

**Why.** Shared memory is shared only between processes that map the same
block, and the only way a child maps the parent's block is by inheriting it
(fork) or by receiving the object as a `Process` argument.

- Under **fork**, the child inherits the parent's memory mappings, the
  shared block included, so the global names the very same memory and the
  increment is visible to the parent.
- Under **spawn**, the child imports this file again as `__mp_main__`,
  and the top-level line runs again: it creates a *new* shared block, of
  which the child is the only user. The parent's block was never sent.
- Under **forkserver**, the same happens: up to CPython 3.13.7 and 3.14.0
  each child imports the file itself; since the gh-126631 fix (3.14.1, and
  3.13.8 by GH-138609) the fork server imports it once, so its children share the *server's*
  block with each other, but still not the parent's.

The fix is to pass the object to the child as an argument, which works
under every method (`value_array_arguments`), or to a pool through its
initializer (`value_via_pool_initializer`).

The case uses `multiprocessing.RawValue`, the lock-free variant, because
`multiprocessing.Value()` at import time has a second problem: creating
its lock fixes the default start method while the module is imported, and
the `set_start_method()` call in the `__main__` block then raises
`RuntimeError: context has already been set`.
"""
import argparse
import multiprocessing

FAMILY = 'globals-and-class-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['value_array_arguments', 'value_via_pool_initializer',
           'manager_created_at_import', 'global_reassigned_in_child']

# Runs in every process that imports this file: each import makes a new block.
hits = multiprocessing.RawValue('i', 0)


def task():
    print(f'Child before update: {hits.value}')
    hits.value += 100  # one writer at a time here, so no lock is needed
    print(f'Child after update: {hits.value}')


def main():
    child = multiprocessing.Process(target=task)  # note: hits is not passed
    child.start()
    child.join()
    if child.exitcode != 0:
        print('verdict: error')
        return
    print(f'Parent: {hits.value}')
    print('verdict:', 'propagates' if hits.value == 100 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
