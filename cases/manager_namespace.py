"""A Manager().Namespace() attribute set by the child

The parent asks a manager for a namespace, gives it an attribute, and hands it
to a child process; the child assigns a new value to the attribute. The parent
sees the new value, whatever the start method.

**Why.** A `Namespace` is a plain object kept inside the manager's server
process; the `NamespaceProxy` the parent holds forwards attribute reads and
writes to it (`ns.value = 100` becomes a `__setattr__` call in the server).

- Under **fork**, the child inherits a copy of the proxy; a fork hook makes
  the copy open its own connection to the server.
- Under **spawn** and **forkserver**, the proxy is pickled into the child as a
  token (the server's address and the object's id) plus the authentication
  key, and the child rebuilds a proxy connected to the same server.

Only *assignment* travels. `ns.items.append(1)` reads `ns.items` (a copy
pickled out of the server), appends to the copy and throws it away: the same
trap as `manager_nested_list_mutated`, with the same fix (read, change,
assign back). Attributes whose names start with an underscore belong to the
proxy itself and are never sent to the server.

**Seen in the wild.** `giampaolo/psutil#1523`: a child's `ns.primary =
psutil.Process()` failed with `TypeError: can't pickle _thread.RLock
objects`, raised from the namespace proxy's `__setattr__` as it sent the
value to the server: an assignment is a request, and the value must pickle.
"""
import argparse
import multiprocessing
import signal

FAMILY = 'managers'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['manager_dict', 'manager_nested_list_mutated', 'instance_attribute_plain',
           'instance_attribute_value']


def task(ns):
    print(f'Child before update: {ns.value}')
    ns.value = 100
    print(f'Child after update: {ns.value}')


def main():
    # The with-block shuts the manager's server process down on the way out.
    with multiprocessing.Manager() as manager:
        ns = manager.Namespace()  # lives in the server; `ns` is a proxy
        ns.value = 0
        child = multiprocessing.Process(target=task, args=(ns,))
        child.start()
        child.join()
        if child.exitcode != 0:
            # The child raised (its traceback is on stderr) or a signal killed it.
            crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
            print(f'verdict: error{crash}')
            return
        value = ns.value
    print(f'Parent: {value}')
    print('verdict:', 'propagates' if value == 100 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
