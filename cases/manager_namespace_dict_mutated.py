"""A dict inside a Manager().Namespace() attribute, changed in place by the child

The parent keeps its settings as a dict in a manager namespace,
`ns.config = {'mode': 'slow'}`, and hands the namespace to a child; the
child changes the setting in place, `ns.config['mode'] = 'fast'`. The line
runs without error, yet the parent still reads `'slow'`, whatever the start
method.

**Why.** The namespace lives in the manager's server process; the child holds
a `NamespaceProxy`, which turns attribute access into requests to the server.
`ns.config['mode'] = 'fast'` is two steps:

1. `ns.config` is a *read*: the server pickles the dict and sends it back,
   and the child gets its own copy;
2. `['mode'] = 'fast'` changes that copy, in the child, and nothing tells
   the server.

The start method does not matter: under **fork** the child inherits a copy
of the proxy, under **spawn** and **forkserver** the proxy is rebuilt from
its pickled token, and in both cases every read of `ns.config` is a fresh
copy from the server. Only an assignment to the attribute itself, `ns.config
= ...`, is a write. It is the same trap as a list inside a manager list
(`manager_nested_list_mutated`).

The fixes: read, change and assign back (`config = ns.config;
config['mode'] = 'fast'; ns.config = config`, not atomic if several
processes do it), or store a manager dict in the namespace,
`ns.config = manager.dict(mode='slow')`: reading the attribute then returns a
proxy to that dict, and changes through it reach the server
(`manager_nested_list_reassigned` shows the reassigning fix for lists).
"""
import argparse
import multiprocessing
import signal

FAMILY = 'managers'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['manager_namespace', 'manager_nested_list_mutated', 'manager_nested_list_reassigned',
           'manager_dict']


def task(ns):
    ns.config['mode'] = 'fast'  # changes a copy of the dict, fetched from the server
    print(f"Child set ns.config['mode'] = 'fast'; ns.config is now {ns.config}")


def main():
    with multiprocessing.Manager() as manager:
        ns = manager.Namespace()
        ns.config = {'mode': 'slow'}  # a plain dict, stored in the server
        child = multiprocessing.Process(target=task, args=(ns,))
        child.start()
        child.join()
        if child.exitcode != 0:
            # The child raised (its traceback is on stderr) or a signal killed it.
            crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
            print(f'verdict: error{crash}')
            return
        mode = ns.config['mode']
    print(f"Parent: ns.config['mode'] = {mode!r}")
    print('verdict:', 'propagates' if mode == 'fast' else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
