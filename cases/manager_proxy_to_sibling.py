"""A manager proxy handed from one child to its sibling

The parent creates a `Manager().dict()` and gives the proxy to one child
only. That child sends the proxy to its sibling through a `SimpleQueue`; the
sibling writes through it, and the parent reads the write back. The proxy
still works after two hops, whatever the start method.

**Why.** A proxy is not the dict: it is the manager server's address, the
dict's id in that server, and a reference to the authentication key. Pickling
a proxy, whenever and wherever it happens, sends only that token; unpickling
it connects to the same server. Unlike a `multiprocessing.Queue`, a `Lock` or
a `Value`, which can only be handed over at start, a proxy can travel
through a queue or a pipe to a process that is already running.

The authentication key is the one part not sent: outside `Process.start()`
a pickled proxy leaves it out, and the receiving process uses its own
`current_process().authkey`. That works here because every process of the
program inherits the parent's key (copied under **fork**, sent with the
preparation data under **spawn** and **forkserver**), and the manager was
started with the same key. A process from another program would need the key
passed to it, or `AuthenticationError` follows.

The dict lives in the server, so the sibling's write is seen by the parent.
The manager must outlive every proxy use; leaving the `with` block shuts the
server down.

**Seen in the wild.** `python/cpython#139801`: a proxy from a manager
started with a custom `authkey` could not be unpickled in another process,
since the key is left out of the pickle (a pull request, gh-144311, proposes
always including it). `dask/distributed#9122` asks dask to forward
`current_process().authkey` to its workers: they are not started by
`multiprocessing`, so a proxy sent to them cannot authenticate without
manual set-up.
"""
import argparse
import multiprocessing
import signal

FAMILY = 'managers'
DIRECTION = 'sibling-to-sibling'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['manager_dict', 'sibling_manager_queue', 'sibling_queue']


def hand_over(shared, handoff):
    print('First child passes the proxy on')
    handoff.put(shared)  # pickles the proxy's token, not the dict


def use(handoff):
    shared = handoff.get()
    shared['value'] = 100
    print(f"Sibling wrote through the proxy: {shared['value']}")


def main():
    with multiprocessing.Manager() as manager:
        shared = manager.dict(value=0)
        handoff = multiprocessing.SimpleQueue()
        first = multiprocessing.Process(target=hand_over, args=(shared, handoff))
        second = multiprocessing.Process(target=use, args=(handoff,))  # never given the proxy
        first.start()
        second.start()
        first.join()
        second.join(timeout=10)
        if second.is_alive():  # the proxy never arrived
            second.kill()
            second.join()
        for child in (first, second):
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
