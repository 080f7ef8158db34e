"""A socket passed as a Process argument

The parent creates a connected pair of sockets and passes one end to a child
process; the child sends a message through it and the parent receives it on
the other end. Unlike a plain file object (`open_file_argument`), this works
under every start method.

**Why.** A socket, like a file, is a wrapper around an operating-system
descriptor, and a plain `pickle.dumps(sock)` fails. But `multiprocessing`
pickles with its own `ForkingPickler`, and `multiprocessing.reduction`
registers a reducer for `socket.socket` that sends the *descriptor* rather than
the Python object:

- Under **fork**, nothing is pickled: the child inherits the descriptor and a
  copy of the socket object, both referring to the same connection.
- Under **spawn**, the reducer asks the process being started to inherit a
  duplicate of the descriptor (it is passed to the new interpreter when it is
  executed) and pickles only its number; the child wraps it in a new
  `socket.socket`.
- Under **forkserver**, the parent sends the descriptor to the fork server
  over a Unix socket (`SCM_RIGHTS`), the server hands it to the child it
  forks, and the child rebuilds the socket the same way.

Either way the child writes into the very connection the parent holds the
other end of. (On Windows, which only has spawn, the reducer uses
`socket.share()` through a helper thread in the parent instead; a socket
pickled *after* start, for example put on a `Queue`, goes through the same
kind of helper thread, `multiprocessing.resource_sharer`, on POSIX too.)

The catch is that only the socket itself is special-cased. An object that
*holds* a socket usually holds other things too: a `socketserver` server
carries a `threading.Event` (its lock cannot be pickled), an event loop a
selector; passing such an object fails under spawn and forkserver with a
`TypeError`. Pass the socket, or better the address, and build the rest in
the child.

**Seen in the wild.** apache/buildstream#2067 (test servers that could not
be pickled once Python 3.14 made forkserver the default on Linux) and
giampaolo/pyftpdlib#656 (`cannot pickle 'select.epoll' object` while
pickling a multiprocess FTP server).
"""
import argparse
import multiprocessing
import socket

FAMILY = 'pickling'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['open_file_argument', 'pipe_result', 'queue_result']


def task(sock):
    sock.sendall(b'hello from the child')
    sock.close()
    print('Child sent its message')


def main():
    parent_end, child_end = socket.socketpair()
    with parent_end:
        child = multiprocessing.Process(target=task, args=(child_end,))
        child.start()
        # The child has its own copy of the descriptor now. Closing ours means
        # the parent reads end-of-file once the child's copy is closed too.
        child_end.close()
        child.join()
        if child.exitcode != 0:
            print('verdict: error')
            return
        parent_end.settimeout(5)  # the data is already buffered; never block forever
        received = b''
        while True:
            chunk = parent_end.recv(1024)
            if not chunk:
                break
            received += chunk
    print(f'Parent received: {received!r}')
    print('verdict:', 'propagates' if received == b'hello from the child' else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
