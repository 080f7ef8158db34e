"""A Value handed to Pool workers through initializer and initargs

The parent creates a `multiprocessing.Value` counter and gives it to a
`Pool` through `initializer=` and `initargs=`. Each worker's initializer
stores the counter in a module global, and the tasks (which receive only a
number) increment it under its lock. After ten tasks the parent reads 10,
under every start method.

**Why.** `initargs` are not sent like tasks. The Pool passes them, with the
initializer, as the arguments of each worker *process*, so they travel the way
`Process(args=...)` does, at the one moment a `Value` agrees to travel:

- Under **fork**, each worker is forked with the counter already in its
  memory, shared mapping included; nothing is pickled.
- Under **spawn** and **forkserver**, the initargs are pickled while the
  worker is being started, so the counter's reducer may send the shared
  block's file descriptor and its lock's semaphore name, and the worker maps
  the same memory.

A task argument, by contrast, is pickled later, down the pool's task pipe,
where the same `Value` raises `RuntimeError` under every start method
(`value_as_pool_task_argument`). The module global `counter` is assigned in
each worker, by the initializer. Assigning it in the parent before creating
the pool would only work under fork: spawn and forkserver workers import the
module afresh and find `None` there (`pool_initializer_global`,
`module_level_value_unpassed`). Python 3.14 makes forkserver the default on
Linux (gh-84559), so code that leaned on fork this way breaks there unless it
names its start method.

**Seen in the wild.** python/cpython#128145: a `Manager().dict()` proxy stored
in a module global by the parent and used by `Pool` workers worked up to 3.13
and raised `NameError` on 3.14, once the workers came from the fork server.
Handing the object over through `initializer`/`initargs`, as here, works under
every start method.
"""
import argparse
import multiprocessing

FAMILY = 'shared-ctypes'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = [
    'value_as_pool_task_argument',
    'pool_initializer_global',
    'module_level_value_unpassed',
    'value_increments_with_lock',
]

TASKS = 10

# Set in each worker by init_worker(); None in the parent.
counter = None


def init_worker(shared_counter):
    global counter
    counter = shared_counter


def task(_):
    with counter.get_lock():
        counter.value += 1


def main():
    shared_counter = multiprocessing.Value('i', 0)
    with multiprocessing.Pool(processes=2, initializer=init_worker,
                              initargs=(shared_counter,)) as pool:
        pool.map(task, range(TASKS))
        pool.close()
        pool.join()
    print(f'Tasks: {TASKS}')
    print(f'Parent: {shared_counter.value}')
    print('verdict:', 'propagates' if shared_counter.value == TASKS else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
