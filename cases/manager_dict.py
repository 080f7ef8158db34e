"""A Manager().dict() updated by the child

The parent asks a manager for a dict, hands it to a child process, and the
child stores a new value under a key. The parent reads the new value back,
whatever the start method.

**Why.** A manager is a separate server process that owns the real objects.
`manager.dict()` creates a dict *inside that server* and returns a proxy: a
small object that holds the server's address, the dict's id and an
authentication key, and forwards every operation (`d['value'] = 100`,
`d['value']`) to the server over a connection. There is only one dict, so a
write from any process is seen by every other.

- Under **fork**, the child gets a copy of the proxy with the rest of the
  parent's memory. The copy drops the parent's connection (a fork hook in
  `multiprocessing.managers`) and opens its own to the same server.
- Under **spawn** and **forkserver**, `Process.start()` pickles the proxy: only
  its token (address and id) and the authentication key travel, and the
  child rebuilds a proxy that connects to the same server.

The manager's own server process is started with the current start method
too, so under spawn it re-imports the main module as `__mp_main__`: keep the
manager inside the `if __name__ == '__main__':` path (see
`manager_created_at_import`). Each access is a round trip to the server,
much slower than shared memory (`value_array_arguments`), and a
read-modify-write such as `d['n'] += 1` is two separate calls, not atomic.
Values come back as copies: a list stored in the dict cannot be changed in
place (`manager_nested_list_mutated`).
"""
import argparse
import multiprocessing
import signal

FAMILY = 'managers'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['manager_list', 'manager_nested_list_mutated', 'manager_created_at_import',
           'instance_attribute_plain']


def task(shared):
    print(f"Child before update: {shared['value']}")
    shared['value'] = 100
    print(f"Child after update: {shared['value']}")


def main():
    # The with-block shuts the manager's server process down on the way out.
    with multiprocessing.Manager() as manager:
        shared = manager.dict(value=0)  # lives in the server; `shared` is a proxy
        child = multiprocessing.Process(target=task, args=(shared,))
        child.start()
        child.join()
        if child.exitcode != 0:
            # The child raised (its traceback is on stderr) or a signal killed it.
            crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
            print(f'verdict: error{crash}')
            return
        value = shared['value']
    print(f'Parent: {value}')
    print('verdict:', 'propagates' if value == 100 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
