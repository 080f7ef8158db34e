"""Listener and Client: one child serves, its sibling connects

One child opens a `multiprocessing.connection.Listener` and passes its
address to its sibling (through a `SimpleQueue` both got from the parent);
the sibling connects with `Client` and sends a value. Both authenticate with
their own `current_process().authkey`, which neither was given explicitly.
The value arrives, whatever the start method.

**Why.** Unlike a `Pipe` or a `Queue`, a listener is found by *address*, so
two processes that share nothing else can meet through it: on Linux and
macOS the default address is a Unix socket file in a temporary directory
(`/tmp/pymp-*/listener-*`), on Windows a named pipe. What the siblings do
share is the authentication key, which every process inherits from the
parent:

- Under **fork**, the child is a copy of the parent, authkey included.
- Under **spawn** and **forkserver**, the parent sends its authkey with the
  preparation data, and the child sets it as its own before running the
  target.

So a Listener and a Client using `current_process().authkey` accept each
other in every process of one program, and reject a connection from any
other program (`AuthenticationError`). The listener's socket file and its
temporary directory are removed when the serving child exits normally.
"""
import argparse
import multiprocessing
import signal
from multiprocessing.connection import Client, Listener, wait

FAMILY = 'message-passing'
DIRECTION = 'sibling-to-sibling'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['sibling_queue', 'pipe_result', 'sibling_simple_queue']


def serve(addresses, received):
    authkey = multiprocessing.current_process().authkey  # inherited from the parent
    with Listener(authkey=authkey) as listener:
        addresses.put(listener.address)
        with listener.accept() as connection:
            received.value = connection.recv()
    print(f'Server received: {received.value}')


def connect(addresses):
    address = addresses.get()
    with Client(address, authkey=multiprocessing.current_process().authkey) as connection:
        print('Client connected and sends 100')
        connection.send(100)


def main():
    addresses = multiprocessing.SimpleQueue()
    received = multiprocessing.Value('i', 0)  # the server's report to the parent
    server = multiprocessing.Process(target=serve, args=(addresses, received))
    client = multiprocessing.Process(target=connect, args=(addresses,))
    server.start()
    client.start()
    # Each child can only block waiting for the other: once one has ended, the other
    # either follows at once or waits for ever.
    wait([server.sentinel, client.sentinel])
    for child in (client, server):
        child.join(timeout=10)
    stuck = [child for child in (server, client) if child.is_alive()]
    for child in stuck:
        print(f'Parent: {child.name} is still waiting for its sibling')
        child.kill()
        child.join()
    for child in (server, client):
        if child not in stuck and child.exitcode != 0:
            # The child raised (its traceback is on stderr) or a signal killed it.
            crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
            print(f'verdict: error{crash}')
            return
    if stuck:
        print('verdict: hang')
        return
    print(f'Parent: the server received {received.value}')
    print('verdict:', 'propagates' if received.value == 100 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
