"""A Pool initializer setting a global from initargs

The parent creates a `Pool` with an `initializer` function and `initargs`.
Each worker runs the initializer once when it starts, storing the argument
in a module global; every task then reads that global. The workers see the
parent's value under every start method.

**Why.** `initargs` travel with the worker process, not with the module.

- Under **fork**, the worker is a copy of the parent and receives the
  initializer and its arguments as part of that copy.
- Under **spawn** and **forkserver**, the worker's `Process` object,
  holding the initializer (by name) and `initargs` (by value), is pickled
  and sent to the new process. The worker imports this file as
  `__mp_main__`, which resets the global to its top-level value, and then
  runs the initializer, which sets it from the arguments before the first
  task.

This is the portable way to give workers configuration, a patched
dependency, or shared objects (`value_via_pool_initializer`). The
initializer must be a module-level function: a lambda or nested function
cannot be pickled by name under spawn or forkserver (`lambda_process_target`).

**Seen in the wild.** `airspeed-velocity/asv#1551` fixed its Python 3.14
(forkserver) failures by sending the environment through its pool
initializer's `initargs`; `sergeyklay/gstore#367` replaced a global
context with one set up per process by the pool initializer.
"""
import argparse
import multiprocessing

FAMILY = 'pools-and-executors'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['config_global_from_argv_pool', 'process_pool_executor_initializer',
           'value_via_pool_initializer', 'global_reassigned_in_main']

# Top-level value: what a worker has before its initializer runs.
greeting = 'not initialized'


def init_worker(value):
    global greeting  # runs once in each worker, before any task
    greeting = value


def read_greeting(_):
    return greeting


def main():
    value = 'hello from the parent'
    with multiprocessing.Pool(processes=2, initializer=init_worker,
                              initargs=(value,)) as pool:
        seen = pool.map(read_greeting, range(4))
    print(f'Parent passed: {value}')
    print(f'Tasks saw: {seen}')
    print('verdict:', 'propagates' if all(s == value for s in seen) else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
