"""A private random.Random instance, seeded in the parent

The parent creates `rng = random.Random(1234)` and passes it to two children,
which each draw three numbers from it. Under every start method both children
draw exactly what the parent would have drawn next: the same numbers, twice.

**Why.** A `random.Random` instance is an ordinary object whose state (the
Mersenne Twister's 624 words and a position) lives inside it.

- Under **fork**, each child gets a copy of the parent's memory, the instance
  and its state included. The after-fork hook that reseeds the `random`
  module (see `random_module_state`) reseeds only the module's own hidden
  instance, never yours.
- Under **spawn** and **forkserver**, the instance is pickled as an argument
  of the `Process`, and `Random` pickles its *state*
  (`__reduce__` returns `getstate()`), so each child unpickles an exact
  copy of the generator as it was at `start()`.

That is what you want for a reproducible run, and a silent bug for a
parallel simulation: every worker produces the same "random" stream, and the
averaged result has far less variety than it seems to. Give each worker its
own generator, e.g. `random.Random(f'{seed}-{worker_index}')` or one seeded
from the parent's generator, so runs stay reproducible but workers differ.
Note that no change travels back either: the parent's generator has not
advanced after the children drew from their copies.

**Seen in the wild.** `numpy/numpy#9650` and `funkelab/gunpowder#77`: NumPy's
global generator is not reseeded after fork, so every forked worker drew the
same numbers; the stdlib's module-level generator is, but a private instance
like this one is not.
"""
import argparse
import multiprocessing
import random

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['random_module_state', 'instance_attribute_plain']

SEED = 1234


def draw(rng):
    return [round(rng.random(), 6) for _ in range(3)]


def task(name, rng, queue):
    numbers = draw(rng)
    print(f'{name} draws:       {numbers}')
    queue.put(numbers)


def main():
    rng = random.Random(SEED)
    # What the parent's generator would produce next, from an identical copy,
    # so that rng itself is not advanced before the children get it.
    expected = draw(random.Random(SEED))
    print(f'Parent would draw:   {expected}')
    queue = multiprocessing.Queue()
    children = [multiprocessing.Process(target=task, args=(f'Child {i}', rng, queue))
                for i in (1, 2)]
    for child in children:
        child.start()
    for child in children:
        child.join()
    if any(child.exitcode != 0 for child in children):
        print('verdict: error')
        return
    # Two lists of three floats: already in the pipe, so joining first is safe.
    seen = [queue.get() for _ in children]
    print(f'Parent draws after:  {draw(rng)}')
    print('verdict:', 'propagates' if all(s == expected for s in seen) else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
