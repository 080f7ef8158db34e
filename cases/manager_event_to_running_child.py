"""A Manager().Event() sent to a child that is already running

A child is started with nothing but an inbox, a `multiprocessing.Queue`.
Later the parent creates a `Manager().Event()`, puts the proxy in the inbox,
and sets the event; the child receives the proxy and finds the event set,
whatever the start method.

**Why.** A `multiprocessing.Event` could not do this: it can only reach a
child *at start*, and putting it on a queue raises `RuntimeError`
("Condition objects should only be shared between processes through
inheritance", `event_signal`), because its semaphores are handed over by
duplicating handles or inheriting memory, which only happens at start. A
manager's `Event` lives in the manager's server process as a
`threading.Event`; the proxy that stands for it pickles, at any time, into
a token (the server's address and the object's id). The child that
unpickles it connects to the server, and `is_set()` or `wait()` become
requests to it, so the parent's `set()`, made after the child started, is
what the child's request finds.

The proxy carries no authentication key when it is pickled outside
`Process.start()`; the child uses its own `current_process().authkey`,
which it inherited from the parent (copied under **fork**, sent with the
preparation data under **spawn** and **forkserver**), so the server accepts
it.

**Seen in the wild.** `dask/distributed#9122`: proxies sent to dask workers
arrive without the authentication key, and the workers, not started by
`multiprocessing`, do not have the parent's `current_process().authkey`; the
issue asks dask to forward it.
"""
import argparse
import multiprocessing
import queue
import signal

FAMILY = 'managers'
DIRECTION = 'parent-to-child-after-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['event_signal', 'manager_proxy_to_sibling', 'queue_put_after_start']


def task(inbox, seen):
    try:
        go = inbox.get(timeout=10)  # a proxy, sent after this process started
    except queue.Empty:
        print('Child got no event')
        return
    seen.value = go.wait(timeout=10)
    print(f'Child: the event is set: {bool(seen.value)}')


def main():
    with multiprocessing.Manager() as manager:
        inbox = multiprocessing.Queue()
        seen = multiprocessing.Value('b', 0)  # the child's report to the parent
        child = multiprocessing.Process(target=task, args=(inbox, seen))
        child.start()
        go = manager.Event()  # created after the child started
        inbox.put(go)
        go.set()
        print('Parent sent an event proxy to the running child, then set the event')
        child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f'Parent: the child saw the event set: {bool(seen.value)}')
    print('verdict:', 'propagates' if seen.value else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
