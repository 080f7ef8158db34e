"""A Manager().Queue() between two children

The parent asks a manager for a queue and hands the proxy to two children:
one puts a value, the other gets it. The value travels from sibling to
sibling, whatever the start method.

**Why.** The queue is an ordinary `queue.Queue` living in the manager's
server process; each child holds a proxy, and every `put()` and `get()` is a
request to the server over a connection of the child's own. The value
travels child → server → child, pickled twice.

- Under **fork**, each child inherits a copy of the proxy; a fork hook drops
  the parent's connection, and the child opens its own on first use.
- Under **spawn** and **forkserver**, `Process.start()` pickles the proxy (its
  token and the authentication key), and the child rebuilds it.

Compared with a `multiprocessing.Queue` (`sibling_queue`): slower (a round
trip to a third process for each call, and no feeder thread, so `put()`
waits for the server), but the proxy can be sent to a process that is
already running, through another queue or a pipe
(`manager_proxy_to_sibling`), while a `multiprocessing.Queue` can only be
handed over at start. The queue disappears with the manager, here at the end
of the `with` block.

**Seen in the wild.** `metomi/rose#1281`: `rose suite-run` stalled with
"Queue objects should only be shared between processes through inheritance";
creating the queue from a `multiprocessing.Manager` instead made the error
go away.
"""
import argparse
import multiprocessing
import queue
import signal

FAMILY = 'managers'
DIRECTION = 'sibling-to-sibling'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['sibling_queue', 'manager_proxy_to_sibling', 'manager_dict']


def send(channel):
    print('Sender putting: 100')
    channel.put(100)  # returns once the server has the value


def receive(channel, received):
    try:
        value = channel.get(timeout=10)  # generous: the sender may still be starting
    except queue.Empty:
        print('Receiver got nothing')
        return
    print(f'Receiver got: {value}')
    received.value = value


def main():
    with multiprocessing.Manager() as manager:
        channel = manager.Queue()
        received = multiprocessing.Value('i', 0)  # the receiver's report to the parent
        receiver = multiprocessing.Process(target=receive, args=(channel, received))
        sender = multiprocessing.Process(target=send, args=(channel,))
        receiver.start()
        sender.start()
        sender.join()
        receiver.join()
    for child in (sender, receiver):
        if child.exitcode != 0:
            # The child raised (its traceback is on stderr) or a signal killed it.
            crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
            print(f'verdict: error{crash}')
            return
    print(f'Parent: receiver got {received.value}')
    print('verdict:', 'propagates' if received.value == 100 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
