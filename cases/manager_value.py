"""A Manager().Value proxy set by the child

The parent asks a manager for a `Value`, hands the proxy to a child process,
and the child sets its `.value`. The parent reads the new value back, whatever
the start method.

**Why.** `manager.Value('i', 0)` does not allocate shared memory, unlike
`multiprocessing.Value`: it creates a small Python object inside the manager's
server process and returns a `ValueProxy`, whose `.value` property turns every
read into a `get()` call and every assignment into a `set()` call in the
server. The type code (`'i'`) is stored but not enforced.

- Under **fork**, the child inherits a copy of the proxy; a fork hook makes
  the copy open its own connection to the server.
- Under **spawn** and **forkserver**, the proxy is pickled into the child as a
  token (the server's address and the object's id) plus the authentication
  key, and the child rebuilds a proxy connected to the same server.

Unlike the shared-memory `multiprocessing.Value` (`instance_attribute_value`,
`value_array_arguments`), this proxy can also be sent to processes that are
already running (through a queue or as a pool task's argument), at the cost of
a round trip per access. It has no lock: `v.value += 1` is a `get`
and a `set`, and two processes doing it at once can lose an increment.
"""
import argparse
import multiprocessing
import signal

FAMILY = 'managers'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['instance_attribute_value', 'value_array_arguments', 'value_as_pool_task_argument',
           'manager_namespace']


def task(shared):
    print(f'Child before update: {shared.value}')
    shared.value = 100
    print(f'Child after update: {shared.value}')


def main():
    # The with-block shuts the manager's server process down on the way out.
    with multiprocessing.Manager() as manager:
        shared = manager.Value('i', 0)  # lives in the server; `shared` is a proxy
        child = multiprocessing.Process(target=task, args=(shared,))
        child.start()
        child.join()
        if child.exitcode != 0:
            # The child raised (its traceback is on stderr) or a signal killed it.
            crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
            print(f'verdict: error{crash}')
            return
        value = shared.value
    print(f'Parent: {value}')
    print('verdict:', 'propagates' if value == 100 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
