"""A plain instance attribute changed in the child

The parent builds an object, hands it to a child process, and the child sets
one of its attributes. The parent never sees the new value, whatever the start
method.

**Why.** A child process never shares the parent's objects; it works on a copy.

- Under **fork**, the child gets a copy-on-write image of the parent's whole
  memory, the object included. Its write lands in the child's pages only.
- Under **spawn** and **forkserver**, `Process.start()` pickles the target and
  its arguments and the child unpickles them into a brand-new object.

Either way the assignment changes the child's copy, and the copy disappears
when the child exits. To share the attribute, back it with shared memory
(see the fix, `instance_attribute_value`) or keep the object in a manager.

**Seen in the wild.** `dpploy/cortix#199`: each module ran in
`Process(target=mod.run)`, so everything it computed landed in the child's
copy of the object and was gone when the child ended; the replies pointed to
a queue or a manager to bring the data back.
"""
import argparse
import multiprocessing

FAMILY = 'instance-attributes'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['instance_attribute_value']


class Counter:
    """An ordinary object: its attribute lives in the memory of one process."""

    def __init__(self):
        self.value = 0


def task(counter):
    print(f'Child before update: {counter.value}')
    counter.value = 100
    print(f'Child after update: {counter.value}')


def main():
    counter = Counter()
    child = multiprocessing.Process(target=task, args=(counter,))
    child.start()
    child.join()
    print(f'Parent: {counter.value}')
    print('verdict:', 'propagates' if counter.value == 100 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
