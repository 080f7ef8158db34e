"""A custom class served by a BaseManager, changed by the child through its proxy

The parent registers its own class with a `BaseManager` subclass, starts the
manager, and creates an instance: the object lives in the manager's server
process and the parent holds a proxy. It hands the proxy to a child process,
which calls a method that changes the object's state. The parent sees the
change, whatever the start method.

**Why.** `CounterManager.register('Counter', Counter)` tells the manager how to
build a `Counter` on request. `manager.Counter()` makes the *server* create
the object and returns an auto-generated proxy that forwards each public
method call (`increment`, `value`) to the server and pickles the result back.
There is one `Counter`, in the server, so every caller changes the same one.

- Under **fork**, the manager's server is a forked copy of the parent, and
  the child inherits a copy of the proxy that opens its own connection.
- Under **spawn** and **forkserver**, the server starts in a fresh interpreter
  and receives the registry by pickling: `Counter` travels as a reference
  (`__main__.Counter`) that the server resolves by re-importing the script
  as `__mp_main__`. So the class must be defined at module level. The child
  gets the proxy pickled as a token (address and id) plus the authentication
  key, and needs no registration of its own to use it.

The proxy forwards *methods* only. `counter.count = 100` sets an attribute on
the local proxy object and never reaches the server (the same loss as
`instance_attribute_plain`): give the class methods for everything a client
should change or read. The arguments and results of each call are pickled, so
they must be picklable and are copies.

**Seen in the wild.** `square/bionic#166`: a `SyncManager` subclass defined
inside an `__init__` method could not be pickled once Python 3.8 on macOS
used spawn; the project moved it, with its `register()` call, to module
level. `GalSim-developers/GalSim#1195`: the automatic proxy "doesn't expose
attributes and properties of the wrapped object. Just methods", so the
project had been writing getters for attributes until it switched to a proxy
class that forwards attributes.
"""
import argparse
import multiprocessing
import signal
from multiprocessing.managers import BaseManager

FAMILY = 'managers'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['manager_namespace', 'instance_attribute_plain', 'class_defined_in_main_block']


class Counter:
    """An ordinary class; the manager's server process holds the only instance."""

    def __init__(self):
        self.count = 0

    def increment(self, by):
        self.count += by

    def value(self):
        return self.count


class CounterManager(BaseManager):
    pass


# Only the process that asks for a Counter needs this registration; module level is the usual
# place, so that any process importing this file can also create Counters of its own.
CounterManager.register('Counter', Counter)


def task(counter):
    print(f'Child before update: {counter.value()}')
    counter.increment(100)  # runs inside the manager's server process
    print(f'Child after update: {counter.value()}')


def main():
    # Entering the with-block starts the server; leaving it shuts the server down.
    with CounterManager() as manager:
        counter = manager.Counter()  # created in the server; `counter` is a proxy
        child = multiprocessing.Process(target=task, args=(counter,))
        child.start()
        child.join()
        if child.exitcode != 0:
            # The child raised (its traceback is on stderr) or a signal killed it.
            crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
            print(f'verdict: error{crash}')
            return
        value = counter.value()
    print(f'Parent: {value}')
    print('verdict:', 'propagates' if value == 100 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
