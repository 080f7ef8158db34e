"""An instance attribute backed by multiprocessing.Value

The fix for `instance_attribute_plain`: the object still travels to the child
as a copy, but the attribute it carries is a `multiprocessing.Value`, a small
block of shared memory. The child's write lands in that block, and the parent
reads it back after `join()`, under every start method.

**Why.** A `Value` is a ctypes object allocated in a shared memory arena,
plus a lock. On POSIX the arena is a shared `mmap` of a temporary file (in
`/dev/shm` on Linux) that is unlinked as soon as it is created, so only open
file descriptors keep it alive.

- Under **fork**, the child's copy-on-write image includes the mapping, and a
  shared mapping is never copied on write: both processes see the same pages.
- Under **spawn** and **forkserver**, `Process.start()` pickles the object.
  The `Value` inside it does not pickle its number: it pickles the arena's
  file descriptor (duplicated into the child) and an offset, and the child
  maps the same pages again.

So the `Counter` object itself is still a private copy in the child (setting
a *new* attribute on it would be lost, as in `instance_attribute_plain`), but
`counter.value.value` is the same four bytes in both processes.

One limit: a `Value` can only travel to a child as part of `Process` arguments
(or through inheritance); it refuses to be pickled anywhere else, for example
into a `Queue` or as a `Pool` task argument (see `value_as_pool_task_argument`).
"""
import argparse
import multiprocessing

FAMILY = 'instance-attributes'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['instance_attribute_plain', 'instance_attribute_array', 'value_array_arguments',
           'value_as_pool_task_argument', 'manager_namespace']


class Counter:
    """An ordinary object whose attribute is a shared ctypes int."""

    def __init__(self):
        # 'i' is a C int; the Value comes with its own lock.
        self.value = multiprocessing.Value('i', 0)


def task(counter):
    print(f'Child before update: {counter.value.value}')
    with counter.value.get_lock():
        counter.value.value = 100
    print(f'Child after update: {counter.value.value}')


def main():
    counter = Counter()
    child = multiprocessing.Process(target=task, args=(counter,))
    child.start()
    child.join()
    if child.exitcode != 0:
        print('verdict: error')
        return
    print(f'Parent: {counter.value.value}')
    print('verdict:', 'propagates' if counter.value.value == 100 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
