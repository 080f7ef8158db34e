"""A Semaphore released by one child and acquired by its sibling

The parent creates a `multiprocessing.Semaphore(0)` (no permits) and starts
two children with it. One child blocks in `acquire()`; the other calls
`release()`. The first child gets the permit, whatever the start method.

**Why.** A `multiprocessing.Semaphore` is an operating-system semaphore (a
POSIX named semaphore on Linux and macOS, a kernel semaphore object on
Windows). Its count lives in the kernel or in shared memory, not in either
Python process, so a `release()` in one process is seen by an `acquire()` in
every process that holds a handle on it:

- Under **fork**, both children inherit the parent's handle.
- Under **spawn** and **forkserver**, `Process.start()` pickles the
  semaphore for each child, and the child reopens it by name (on Windows, a
  duplicated handle).

A `threading.Semaphore` would not do: it is Python memory, copied into each
child. And like every `multiprocessing` synchronisation object, this one
must reach a process at start, as an argument or inherited: pickling it into
a queue later raises `RuntimeError` (`event_signal`).

**Seen in the wild.** `ranaroussi/multitasking#8`: in its process mode,
multitasking limited how many tasks run at once with a `threading.Semaphore`
that each new process acquired for itself, so nothing was limited; the
reporter proposed a `multiprocessing` semaphore there.
"""
import argparse
import multiprocessing
import signal

FAMILY = 'message-passing'
DIRECTION = 'sibling-to-sibling'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['sibling_condition', 'event_signal', 'sibling_queue']


def take(permits, got):
    # Generous timeout: the releasing sibling may still be starting.
    got.value = permits.acquire(timeout=10)
    print(f'Taker got a permit: {bool(got.value)}')


def give(permits):
    print('Giver releases a permit')
    permits.release()


def main():
    permits = multiprocessing.Semaphore(0)
    got = multiprocessing.Value('b', 0)  # the taker's report to the parent
    taker = multiprocessing.Process(target=take, args=(permits, got))
    giver = multiprocessing.Process(target=give, args=(permits,))
    taker.start()
    giver.start()
    giver.join()
    taker.join()
    for child in (taker, giver):
        if child.exitcode != 0:
            # The child raised (its traceback is on stderr) or a signal killed it.
            crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
            print(f'verdict: error{crash}')
            return
    print(f'Parent: the taker got the permit: {bool(got.value)}')
    print('verdict:', 'propagates' if got.value else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
