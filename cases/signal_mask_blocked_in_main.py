"""SIGTERM blocked in the main block with pthread_sigmask

A service that handles its stop signals in a thread of its own (with
`signal.sigwait`) first blocks them in the main thread:
`signal.pthread_sigmask(SIG_BLOCK, {SIGTERM})`. Here the parent does that,
then starts a child that reports whether `SIGTERM` is blocked in it. Under
fork it is. Under spawn and forkserver it is not, on CPython 3.8 to 3.12.8
and 3.13.0 to 3.13.1 and on PyPy: there multiprocessing unblocks `SIGTERM`
in the parent's own thread as well. From CPython 3.12.9, 3.13.2 and 3.14 it
stays blocked under every method (predicted: no interpreter here has the
fix).

**Why.** The signal mask belongs to a thread and is kept by the kernel. A
new process starts with the mask of the thread that created it, and `exec`
keeps it (POSIX); Python does not reset it at start-up.

- Under **fork**, the child is a copy of the calling thread, mask included.
- Under **spawn** and **forkserver**, the first `start()` (or the first
  named semaphore, as the `Value` here) starts multiprocessing's resource
  tracker. So that Ctrl-C cannot kill the tracker before it installs its
  handlers (bpo-33613, in 3.8: 3.7 kept the mask), multiprocessing blocks
  `SIGINT` and `SIGTERM` while it starts it, then unblocks them, whatever
  the caller had blocked before (python/cpython#110844,
  python/cpython#127586). The child (spawn) or the fork server (forkserver)
  is started next from that same thread, with `SIGINT` and `SIGTERM`
  unblocked; any other signal the caller blocked (`SIGHUP`, `SIGUSR1`)
  stays blocked. The fix, which restores the caller's mask, reached 3.12.9,
  3.13.2 and 3.14.0a4; 3.8 to 3.11 never got it, nor PyPy 7.3.11 (observed;
  PyPy's repository has taken the fix since, for a later release).
- Under **forkserver** a child gets the fork server's mask: that of the
  thread which started the server, at that moment. A mask changed after the
  server started never reaches a child, as with the umask
  (`umask_after_forkserver_started`).

On the releases that unblock, the outcome rests on an accident: had
anything started the resource tracker *before* the mask was set (a `Queue`
created earlier under spawn, a `SharedMemory` block), nothing would have
unblocked `SIGTERM`, and spawn and forkserver children would have kept it
blocked. Windows has no `pthread_sigmask`: there the script fails with
`AttributeError` before any child starts.

**What it costs.** `Process.terminate()` sends a `SIGTERM` that a child
blocking it never acts on: `join()` returns only when the target ends by
itself, with exit code 0, and `Pool.terminate()` hangs while a worker runs
a task. The other way round, once a release that unblocks has started the
resource tracker, the parent's main thread takes `SIGINT` and `SIGTERM`
again: a Ctrl-C meant for the `sigwait` thread raises `KeyboardInterrupt`
in the main thread, and a `SIGTERM` kills the parent before any graceful
stop.

**The fix.** Do not rely on a mask crossing a process boundary: set the
mask each process needs in that process, first thing in the `target` or in
a pool's `initializer`. In the parent, on a release that unblocks, start the
resource tracker before blocking
(`multiprocessing.resource_tracker.ensure_running()`, Unix only; the module
is undocumented, but the function is in its `__all__`), or block again after
anything that may start it: the first child or synchronisation object under
spawn or forkserver, the first `SharedMemory` under any method.

**Seen in the wild.**

- `Bogdanp/dramatiq#465`: Dramatiq 1.12.1 blocked `SIGHUP`, `SIGINT` and
  `SIGTERM` in its main process before it started its worker processes,
  forked on Linux. Each worker unblocked them only after starting its
  threads, which kept the mask, so a task's `geckodriver` subprocess ignored
  `terminate()` and the task hung in `wait()`. The fix (#466) unblocks the
  signals in each worker before it starts any thread.
- `facebookresearch/habitat-lab#406`: "python multiprocess does not properly
  forward the parent's signal mask" on some Python versions, so SLURM's
  pre-emption signals killed the environment workers, which are started
  under forkserver by default. The pull request adds an option with which
  the workers ignore those signals (`SIG_IGN`) themselves.
- `python/cpython#110844`: creating a `SharedMemory`, under fork, unblocked
  the `SIGINT` an application had blocked, and Ctrl-C interrupted it.
"""
import argparse
import multiprocessing
import signal

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
# python/cpython#127586 (GH-127587, re-landed as GH-128011, and its backports) restores the
# caller's mask in the releases below; each OS has its own entries so that none overlaps Windows's.
OVERRIDES = [
    {
        'since': '3.12.9',
        'before': '3.13',
        'os': 'linux',
        'implementation': 'cpython',
        'expect': {'spawn': 'propagates', 'forkserver': 'propagates'},
        'why': "python/cpython#127586, fixed in 3.12.9: the resource tracker's start restores the "
               "caller's signal mask instead of unblocking SIGINT and SIGTERM. Predicted.",
    },
    {
        'since': '3.13.2',
        'os': 'linux',
        'implementation': 'cpython',
        'expect': {'spawn': 'propagates', 'forkserver': 'propagates'},
        'why': "python/cpython#127586, fixed in 3.13.2 and 3.14.0a4: the resource tracker's start "
               "restores the caller's signal mask instead of unblocking SIGINT and SIGTERM. "
               'Predicted.',
    },
    {
        'since': '3.12.9',
        'before': '3.13',
        'os': 'macos',
        'implementation': 'cpython',
        'expect': {'spawn': 'propagates', 'forkserver': 'propagates'},
        'why': 'python/cpython#127586, fixed in 3.12.9; macOS starts the same resource tracker. '
               'Predicted.',
    },
    {
        'since': '3.13.2',
        'os': 'macos',
        'implementation': 'cpython',
        'expect': {'spawn': 'propagates', 'forkserver': 'propagates'},
        'why': 'python/cpython#127586, fixed in 3.13.2 and 3.14.0a4; macOS starts the same '
               'resource tracker. Predicted.',
    },
    {
        'os': 'windows',
        'expect': {'spawn': 'error (AttributeError)'},
        'why': 'signal.pthread_sigmask exists only on Unix (Python docs, signal), so the call '
               'raises AttributeError on Windows. Predicted.',
    },
]
RELATED = ['sigint_ignored_around_pool', 'umask_after_forkserver_started', 'signal_handler_in_main',
           'pool_initializer_global']


def sigterm_blocked():
    return signal.SIGTERM in signal.pthread_sigmask(signal.SIG_BLOCK, ())  # blocks nothing more


def task(seen):
    seen.value = sigterm_blocked()
    print(f'Child: SIGTERM blocked: {bool(seen.value)}')


def main():
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    print(f'Parent blocked SIGTERM: {sigterm_blocked()}')
    # Created after the mask: under spawn and forkserver, its semaphore starts the resource tracker.
    seen = multiprocessing.Value('i', -1)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(seen,))
    child.start()
    child.join()
    print(f'Parent: SIGTERM still blocked here after the start: {sigterm_blocked()}')
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    if seen.value == -1:  # exit code 0, yet no report: the target never ran
        print('verdict: error')
        return
    print('verdict:', 'propagates' if seen.value == 1 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
