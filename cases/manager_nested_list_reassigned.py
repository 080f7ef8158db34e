"""A list inside a managed dict, changed by the child and assigned back

The parent stores an ordinary list in a `Manager().dict()` and hands the dict
to a child process. The child reads the list, appends to it, and assigns the
changed list back under the same key. The parent sees the new item, whatever
the start method.

**Why.** Reading `shared['items']` gets a copy of the list from the manager's
server process; the append changes that copy only
(`manager_nested_list_mutated`). The assignment `shared['items'] = items` is
what matters: it is a `__setitem__` call on the dict proxy, so the changed
list is pickled and stored in the server's dict, where every process reads
it. The start method decides only how the dict proxy reached the child (a
copy inherited under **fork**, a pickled token under **spawn** and
**forkserver**); either way it talks to the same server.

The read and the write are two separate requests. If two processes do this
at once, both can read the same list and the second assignment overwrites the
first: hold a lock (`manager.Lock()` or `multiprocessing.Lock()`, passed to
the children) around the read-modify-write. Alternatively, store a managed
list (`shared['items'] = manager.list()`): proxies can be nested since
Python 3.6, and `append` on the inner proxy runs in the server in one call.
"""
import argparse
import multiprocessing
import signal

FAMILY = 'managers'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['manager_nested_list_mutated', 'manager_dict', 'manager_list']


def task(shared):
    items = shared['items']  # a local copy
    print(f'Child before update: {items}')
    items.append(100)
    shared['items'] = items  # send the changed copy back to the server
    print(f"Child after update: {shared['items']}")


def main():
    # The with-block shuts the manager's server process down on the way out.
    with multiprocessing.Manager() as manager:
        shared = manager.dict()
        shared['items'] = []  # a plain list, stored in the server as a value
        child = multiprocessing.Process(target=task, args=(shared,))
        child.start()
        child.join()
        if child.exitcode != 0:
            # The child raised (its traceback is on stderr) or a signal killed it.
            crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
            print(f'verdict: error{crash}')
            return
        items = shared['items']
    print(f'Parent: {items}')
    print('verdict:', 'propagates' if items == [100] else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
