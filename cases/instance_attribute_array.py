"""An instance attribute backed by multiprocessing.Array

The object carries a fixed-size `multiprocessing.Array` of C doubles. The
child fills it in; after `join()` the parent reads the child's numbers, under
every start method.

**Why.** Like `multiprocessing.Value`, an `Array` lives in a shared memory
arena: on POSIX a shared `mmap` of a temporary file (in `/dev/shm` on Linux)
that is unlinked as soon as it is created.

- Under **fork**, the child inherits the mapping. Shared mappings are not
  copied on write, so the child's stores go to the very pages the parent reads.
- Under **spawn** and **forkserver**, `Process.start()` pickles the object;
  the array pickles as the arena's file descriptor (duplicated into the child)
  plus an offset and a length, and the child maps the same pages.

What is shared is the array's *contents*, not the Python object around it.
The size and element type are fixed at creation: the child can write
`stats.samples[i]` or the slice `stats.samples[:]` of the same length, but
rebinding `stats.samples = [...]` would only change the child's copy of the
object (the `instance_attribute_plain` trap again). Reading or writing a slice
is not atomic across processes; take the array's lock (`get_lock()`) when
several processes write.

For a single number see `instance_attribute_value`; for variable-sized data
use a manager list (`manager_list`) or a queue (`queue_result`).
"""
import argparse
import multiprocessing

FAMILY = 'instance-attributes'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['instance_attribute_plain', 'instance_attribute_value', 'value_array_arguments',
           'manager_list', 'queue_result']


class Stats:
    """An ordinary object whose attribute is a shared array of three doubles."""

    def __init__(self):
        # 'd' is a C double; the array starts as [0.0, 0.0, 0.0].
        self.samples = multiprocessing.Array('d', 3)


def task(stats):
    print(f'Child before update: {stats.samples[:]}')
    with stats.samples.get_lock():
        # Slice assignment writes into the shared buffer; it must keep the length.
        stats.samples[:] = [1.5, 2.5, 3.5]
    print(f'Child after update: {stats.samples[:]}')


def main():
    stats = Stats()
    child = multiprocessing.Process(target=task, args=(stats,))
    child.start()
    child.join()
    if child.exitcode != 0:
        print('verdict: error')
        return
    print(f'Parent: {stats.samples[:]}')
    print('verdict:', 'propagates' if stats.samples[:] == [1.5, 2.5, 3.5] else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
