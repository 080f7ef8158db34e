"""SIGCHLD ignored in the main block, and the child's exit code

A program ignores `SIGCHLD` in its main block, the classic one-liner that
stops a server's finished children from piling up as zombies, then starts a
child that ends normally. Under fork and spawn the parent never learns how
the child ended: after `join()`, `exitcode` is `None` and `is_alive()` still
says `True`. Under forkserver the exit code arrives as usual.

**Why.** A parent learns a child's exit status from `waitpid()`. While
`SIGCHLD` is ignored, POSIX lets the kernel discard a child as soon as it
ends, status and all, so no zombie is left, and `waitpid()` fails with
`ECHILD` ("No child processes"). `multiprocessing` takes that error to mean
"not finished yet", so `exitcode` stays `None` for good, and `join()`
returns all the same.

- Under **fork**, the child is the parent's own child. `join()` asks
  `waitpid()` for its status, which is gone.
- Under **spawn** on POSIX systems, the parent starts the child with
  `fork` and `exec`. It is the parent's own child again, and it goes the
  same way.
- Under **forkserver**, the child is the fork server's child, not the
  parent's. The server, started before any child, installs a `SIGCHLD`
  handler of its own and collects each status with `waitpid()`. It passes
  the status on to the parent, so `exitcode` is right.

A `SIGCHLD` handler that reaps every child with `os.waitpid(-1,
os.WNOHANG)` does the same, but as a race: whichever of the handler and
`join()` calls `waitpid()` first gets the status. Windows has no `SIGCHLD`:
`signal.SIGCHLD` raises `AttributeError` there.

On macOS, by the kernel's source (apple/darwin-xnu, `bsd/kern/kern_exit.c`),
a `waitpid()` that starts before the kernel has discarded the child sleeps
until the parent has no child left at all. Under spawn the resource tracker
is a child that lives as long as the parent, so such a `join()` would never
return. The case calls `join()` only once the child is gone.

**The fix.** Leave `SIGCHLD` alone in a program that starts processes with
`multiprocessing`: `join()`, `is_alive()` and
`multiprocessing.active_children()` reap its children. A program that must
reap other children can call `multiprocessing.active_children()` from its
`SIGCHLD` handler and reap only the pids it started itself, not
`waitpid(-1)`.

**Seen in the wild.**

- `novnc/websockify#95`: websockify left zombie children behind when it
  used `multiprocessing`, so its `SIGCHLD` handler, which reaps any child
  that has ended, was enabled in that mode too (#96). Right after the
  handler reaped a child, websockify failed with `[Errno 10] No child
  processes` (`novnc/websockify#101`, inside OpenStack nova, on Python
  2.7). The fix (#102) makes
  the handler call `multiprocessing.active_children()` instead.
- `botify-labs/simpleflow#141`: "if we use os.wait*, the child disappears
  and multiprocessing cannot get its exit code".
"""
import argparse
import multiprocessing
import os
import signal
import time

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'propagates'}
OVERRIDES = [
    {
        'os': 'windows',
        'expect': {'spawn': 'error (AttributeError)'},
        'why': 'Windows has no SIGCHLD (Python docs, signal: the constants are those the platform '
               'defines), so signal.SIGCHLD raises AttributeError. Predicted.',
    },
]
RELATED = ['sigint_ignored_around_pool', 'signal_handler_in_main', 'atexit_in_child']


def task(ran):
    ran.value = True


def gone(pid, timeout):
    """Whether no process has ``pid`` any more (discarded, or reaped by its parent) in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.01)
    return False


def main():
    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        ran = multiprocessing.Value('b', False)  # the child's report to the parent
        child = multiprocessing.Process(target=task, args=(ran,))
        child.start()
        # The child's end, seen without waitpid(): it leaves the process table (see macOS above).
        if not gone(child.pid, timeout=10):
            child.kill()
            print('verdict: hang')
            return
        child.join()
    finally:
        # Before the interpreter exits, which from 3.12.10 waits for the resource tracker
        # (python/cpython#88887): while SIGCHLD is ignored that wait fails with ECHILD, and
        # releases before python/cpython#140485 print "Exception ignored" on stderr.
        signal.signal(signal.SIGCHLD, previous)
    print(f'Child ran: {bool(ran.value)}; after join(): exitcode={child.exitcode}, '
          f'is_alive()={child.is_alive()}')
    if not ran.value or child.exitcode not in (0, None):
        # The child never ran its target, raised, or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if (child.exitcode or 0) < 0 else ''
        print(f'verdict: error{crash}')
        return
    print('verdict:', 'propagates' if child.exitcode == 0 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
