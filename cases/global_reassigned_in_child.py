"""A module global reassigned in the child

A child process reassigns a module-level global with the `global`
statement. After `join()` the parent reads the same global and still finds
its old value, whatever the start method.

**Why.** A module global is a name in the module's namespace, and every
process has its own namespace: nothing in Python makes memory shared just
because a name is defined at module level.

- Under **fork**, the child starts with a copy-on-write image of the
  parent's memory, globals included. Its assignment writes into the child's
  copy of the module dictionary; the parent's pages are untouched.
- Under **spawn** and **forkserver**, the child is a new interpreter that
  imports this file again (as `__mp_main__`) and builds its own globals from
  the top-level code. It never had the parent's namespace to change.

Either way the new value dies with the child. To get a result back, return
it through a queue (`queue_result`), return it from a pool task
(`pool_map_results`), or keep the number in shared memory passed to the
child (`value_array_arguments`).
"""
import argparse
import multiprocessing

FAMILY = 'globals-and-class-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['queue_result', 'pool_map_results', 'value_array_arguments',
           'pool_worker_global_mutation']

counter = 0


def task():
    global counter  # rebinds the name in this process's copy of the module
    print(f'Child before update: {counter}')
    counter = 100
    print(f'Child after update: {counter}')


def main():
    child = multiprocessing.Process(target=task)
    child.start()
    child.join()
    if child.exitcode != 0:
        print('verdict: error')
        return
    print(f'Parent: {counter}')
    print('verdict:', 'propagates' if counter == 100 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
