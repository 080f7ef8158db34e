"""A class attribute patched in the main block, read in the child

A class defines a default as a class attribute. Code that runs only in the
main process (`main()`, called from the `__main__` block) patches the class
attribute, then passes an instance to a child, which reads the attribute
through it. Under fork the child sees the patch; under spawn and
forkserver it sees the class's original default.

**Why.** A class attribute lives on the class object, and pickle never
sends class objects, only their names.

- Under **fork**, the child is a copy of the parent's memory, and the
  patched class object is part of it.
- Under **spawn** and **forkserver**, the instance is pickled as "an
  instance of `__main__.Settings` with this `__dict__`". The child imports
  this file again as `__mp_main__`, which runs the `class` statement again
  and builds a fresh `Settings` with the original default; the patch made
  in `main()` never runs there. The instance's own attributes arrive, but
  `retries` is not one of them.

To send the value, make it an instance attribute (it then travels in the
pickled `__dict__`), pass it as an argument, or set it in each worker with
a pool initializer (`pool_initializer_global`). The same mechanism defeats
`mock.patch.object` on a class (`mock_patch_in_parent`).

**Seen in the wild.** `wmayner/pyphi#38`: configuration options changed at
run time were lost in child processes once macOS switched to spawn.
"""
import argparse
import multiprocessing

FAMILY = 'globals-and-class-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['pool_initializer_global', 'global_reassigned_in_main', 'mock_patch_in_parent']


class Settings:
    retries = 3  # a class attribute: shared by all instances, stored on the class


def task(queue, settings):
    print(f'Child sees settings.retries: {settings.retries}')
    queue.put(settings.retries)


def main():
    Settings.retries = 10  # runs only in the main process
    settings = Settings()
    print(f'Parent patched Settings.retries: {settings.retries}')
    queue = multiprocessing.Queue()
    child = multiprocessing.Process(target=task, args=(queue, settings))
    child.start()
    child.join()
    if child.exitcode != 0:
        print('verdict: error')
        return
    seen = queue.get()
    print('verdict:', 'propagates' if seen == Settings.retries else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
