"""A Pool worker mutating a global

A task counts its calls in a module global. The pool has a single worker,
so every task runs in the same process. The counter keeps growing from one
task to the next inside that worker, but the parent's counter stays at 0,
under every start method.

**Why.** A pool worker is an ordinary child process that lives for many
tasks.

- Inside the worker, the module's globals persist between tasks: the
  worker does not re-import anything between them, so the second task sees
  what the first left behind. (That stops being true when the worker is
  replaced, e.g. with `maxtasksperchild`, and with several workers you
  cannot tell which one ran a task.)
- Towards the parent, the worker's globals are its own copy: under
  **fork** a copy-on-write image of the parent, under **spawn** and
  **forkserver** a fresh import of this file as `__mp_main__`. Only the
  task's return value travels back, pickled through the result queue.

So the answer to "does the parent see the change?" is no. Return the value
from the task instead (`pool_map_results`), or use shared memory passed
through the pool's initializer (`value_via_pool_initializer`).

**Seen in the wild.** `uqfoundation/pathos#184`: tasks on a pathos process
pool appended to a module-level list; each worker's list kept growing with
the tasks that worker ran, and the parent saw only what the tasks
returned. `swansonk14/p_tqdm#33`: a dict filled by `p_map()` tasks (also
a pathos pool) was still empty in the parent.
"""
import argparse
import multiprocessing

FAMILY = 'pools-and-executors'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['pool_map_results', 'value_via_pool_initializer', 'global_reassigned_in_child',
           'pool_initializer_global']

calls = 0


def count_call(_):
    global calls  # the worker's own copy of the module global
    calls += 1
    return calls


def main():
    # One worker: every task runs in the same process, in order.
    with multiprocessing.Pool(processes=1) as pool:
        seen = pool.map(count_call, range(3))
    print(f'Worker counter after each task: {seen}')
    kept = seen == [1, 2, 3]
    print(f'Kept between tasks in the worker: {"yes" if kept else "no"}')
    print(f'Parent: {calls}')
    print('verdict:', 'propagates' if calls == 3 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
