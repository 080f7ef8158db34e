"""The random module's global state, seeded in the parent

The parent calls `random.seed(1234)` and starts a child that draws numbers
with `random.random()`. Does the child draw what the parent would have drawn
next? Under every start method, no: the child's module-level generator has a
state of its own.

**Why.** The functions of the `random` module share one hidden
`random.Random` instance, `random._inst`, in the memory of each process.

- Under **fork**, the child starts with a copy of that instance, seeded state
  included. But since Python 3.7, which added `os.register_at_fork()`
  (bpo-16500), `random` registers `_inst.seed` to run in every forked child,
  so the child reseeds itself from the operating system's entropy right after
  the fork. That is deliberate: otherwise every forked worker would produce
  the same "random" numbers, which is what happens with NumPy's global
  generator, which has no such hook (`numpy/numpy#9650`, whose report notes
  that Python's `random` does not suffer from it). PyPy's copy of `random.py`
  registers the same hook when `os.register_at_fork` exists, as it does on
  PyPy 3.9.
- Under **spawn**, the child imports `random` fresh, and the new instance is
  seeded from entropy at import; the `random.seed()` call in the parent's
  `__main__` block is not re-run.
- Under **forkserver**, the child is forked from the fork server: its
  generator was seeded when the server imported `random`, and the at-fork
  hook reseeds it again in the child.

So a seed set in the parent makes the *parent* reproducible, not its
children. For reproducible children, seed each one explicitly (pass a seed,
or a `random.Random` instance, see `random_instance_state`), giving each
child a different seed unless identical streams are what you want.
"""
import argparse
import multiprocessing
import random

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['random_instance_state']

SEED = 1234


def draw():
    return [round(random.random(), 6) for _ in range(3)]


def task(queue):
    numbers = draw()
    print(f'Child draws:         {numbers}')
    queue.put(numbers)


def main():
    random.seed(SEED)
    # Peek at what the parent's generator would produce next, then rewind it,
    # so that the child starts from exactly this state if the state travels.
    state = random.getstate()
    expected = draw()
    random.setstate(state)
    print(f'Parent would draw:   {expected}')
    queue = multiprocessing.Queue()
    child = multiprocessing.Process(target=task, args=(queue,))
    child.start()
    child.join()
    if child.exitcode != 0:
        print('verdict: error')
        return
    seen = queue.get()  # three floats: already in the pipe, so joining first is safe
    print('verdict:', 'propagates' if seen == expected else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
