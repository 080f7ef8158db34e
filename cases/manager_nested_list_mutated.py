"""A plain list inside a managed dict, mutated in place by the child

The parent stores an ordinary list in a `Manager().dict()` and hands the dict
to a child process. The child appends to the list with
`shared['items'].append(100)`. The append is lost, whatever the start method:
the parent still finds an empty list.

**Why.** The list is not shared; only the dict is. The manager's server
process holds the dict, and the list stored in it is a plain value. The
expression `shared['items']` is a call to the server's `__getitem__`, which
pickles the list and sends it back: the child receives a *copy*.
`.append(100)` then changes that local copy, and nothing tells the server,
because the dict itself was never written. The start method plays no part:
the copy is made by the manager protocol, after the child is running.

The same trap catches `ns.items.append(...)` on a `Namespace` and
`rows[0]['n'] += 1` on a managed list of dicts: reading through a proxy
returns a copy; only an assignment *through the proxy* is sent to the server.

**Fix.** Read the list, change it, and assign it back to the dict
(`manager_nested_list_reassigned`); guard that read-modify-write with a lock
if several processes do it at once. Or store a managed list instead of a plain
one (`shared['items'] = manager.list()`): since Python 3.6 proxies can be
nested, and `shared['items']` then returns a proxy whose `append` runs in the
server.

**Seen in the wild.** `classner/pymp#2`: pymp's shared list is a
`Manager().list()`, and workers running `a[i][j] += 1` on its inner lists
left it unchanged; the maintainer's answer was that `a[0]` "will give you a
copy of the current element". `OGGM/oggm#1285`, moving a configuration dict
into a `manager.dict()`, concluded the same of the objects stored in it: the
processes cannot modify them in place.
"""
import argparse
import multiprocessing
import signal

FAMILY = 'managers'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['manager_nested_list_reassigned', 'manager_dict', 'manager_list',
           'argument_list_mutated']


def task(shared):
    print(f"Child before update: {shared['items']}")
    # shared['items'] returns a copy of the list; the append changes only that copy.
    shared['items'].append(100)
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
