"""A bound method as a Pool task, updating its own object

The parent has a `Tally` object and maps its bound method `tally.add` over a
`Pool`: each call adds to `self.total`. The tasks run and return, but the
parent's `tally.total` is still 0 afterwards, whatever the start method.

**Why.** A bound method pickles as "the object + the method's name": the
pool pickles `tally` itself, by value, with every batch of tasks it sends.
Each worker unpickles its own *copy* of the object and updates that copy;
nothing is sent back except the method's return value. This happens under
every start method, fork included, because pool tasks are always pickled
(the workers were started before `map()` was called). Under **fork** the
workers even hold a second, inherited copy of `tally` from the moment they
were forked; that one is not touched either.

So a bound method is a convenient way to ship an object's *configuration*
to workers, and a trap when the method is meant to change the object. Return
what each task computed and combine it in the parent (`pool_map_results`),
or keep the state in a shared object: a `Value` passed through the pool's
initializer (`value_via_pool_initializer`) or a manager proxy.
"""
import argparse
import multiprocessing

FAMILY = 'pickling'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['pool_map_results', 'pool_worker_global_mutation', 'value_via_pool_initializer',
           'instance_attribute_plain']


class Tally:
    def __init__(self):
        self.total = 0

    def add(self, amount):
        self.total += amount  # changes the worker's copy of the object
        return self.total


def main():
    tally = Tally()
    with multiprocessing.Pool(1) as pool:
        returned = pool.map(tally.add, [1, 2, 3])
    print(f'The tasks returned: {returned}')
    print(f'Parent: tally.total = {tally.total}')
    print('verdict:', 'propagates' if tally.total == 6 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
