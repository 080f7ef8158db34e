"""A result sent back from the child through a Pipe

The parent creates a `multiprocessing.Pipe()`, keeps one end, and hands the
other to a child process; the child sends its result through it. The parent
receives the result, whatever the start method.

**Why.** Nothing is shared here: the result is *sent*. `Pipe()` returns two
`Connection` objects wrapping the ends of an OS channel (a socket pair on
POSIX when duplex, the default). `send()` pickles the object and writes the
bytes; `recv()` reads them and unpickles a new object on the other side.

- Under **fork**, the child inherits both ends' file descriptors with the
  rest of the parent's memory.
- Under **spawn** and **forkserver**, `Process.start()` pickles the
  `Connection` passed as an argument: its descriptor is duplicated into the
  child, which wraps it in a new `Connection` on the same channel.

Unlike a `Queue`, a pipe has no feeder thread and no locks: `send()` writes
in the calling thread, and each end should be used by one process (or one
thread) at a time. After `start()`, the parent closes its copy of the
child's end. Then, if the child dies before sending, the parent's `recv()`
raises `EOFError` instead of waiting forever: the channel reports
end-of-file only when every copy of the other end is closed, and the parent's
own copy would keep it open.

**Seen in the wild.** `spack/spack#39015`: when an install child died
unexpectedly, Spack waited for ever in `parent_pipe.recv()`; the fix closes
the parent's copy of the write end so that `recv()` raises `EOFError` once
the child is gone.
"""
import argparse
import multiprocessing
import signal

FAMILY = 'message-passing'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['queue_result', 'event_signal', 'instance_attribute_plain']


def task(conn):
    value = 100
    print(f'Child computed: {value}')
    conn.send(value)  # pickled and written into the pipe
    conn.close()


def main():
    parent_end, child_end = multiprocessing.Pipe()
    child = multiprocessing.Process(target=task, args=(child_end,))
    child.start()
    # The child holds its own copy now; closing ours lets recv() see EOF if the child dies.
    child_end.close()
    try:
        value = parent_end.recv()
    except EOFError:
        value = None
    parent_end.close()
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f'Parent got: {value}')
    print('verdict:', 'propagates' if value == 100 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
