"""A Manager().list() updated by the child

The parent asks a manager for an empty list, hands it to a child process, and
the child appends to it. The parent sees the new item, whatever the start
method.

**Why.** `manager.list()` creates the list inside the manager's server
process and returns a `ListProxy`. Every method called on the proxy
(`append`, `__getitem__`, `__len__`) is sent to the server and runs on the one
real list there; the result is pickled back.

- Under **fork**, the child inherits a copy of the proxy; a fork hook makes
  the copy open its own connection to the server.
- Under **spawn** and **forkserver**, the proxy is pickled into the child as a
  token (the server's address and the list's id) plus the authentication key,
  and the child rebuilds a proxy connected to the same server.

The proxy is not a `list`: `isinstance(items, list)` is false, and
`print(items)` shows the server's list only because the proxy forwards
`str()` there too. Each element read is a round trip (`list(items)` makes one
call per element); `items[:]` fetches a plain local copy in a single call.
Items come back as copies: an inner list cannot be changed in place
(`manager_nested_list_mutated`).
"""
import argparse
import multiprocessing
import signal

FAMILY = 'managers'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['manager_dict', 'manager_nested_list_mutated', 'argument_list_mutated']


def task(items):
    print(f'Child before update: {items[:]}')
    items.append(100)
    print(f'Child after update: {items[:]}')


def main():
    # The with-block shuts the manager's server process down on the way out.
    with multiprocessing.Manager() as manager:
        items = manager.list()  # lives in the server; `items` is a proxy
        child = multiprocessing.Process(target=task, args=(items,))
        child.start()
        child.join()
        if child.exitcode != 0:
            # The child raised (its traceback is on stderr) or a signal killed it.
            crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
            print(f'verdict: error{crash}')
            return
        seen = items[:]  # a plain local copy, taken before the manager shuts down
    print(f'Parent: {seen}')
    print('verdict:', 'propagates' if seen == [100] else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
