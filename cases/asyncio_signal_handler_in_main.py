"""A child's SIGTERM reaching the parent's asyncio signal handler

An `asyncio` service stops gracefully on `SIGTERM`:
`loop.add_signal_handler(signal.SIGTERM, ...)`. Here it starts a worker
that has a `SIGTERM` handler of its own, then stops that one worker with
`terminate()`. The worker stops cleanly under every method. Under fork on
CPython 3.8 to 3.11 and on PyPy 3.9, the *service's* handler runs too, as
if the service itself had been told to stop. From CPython 3.12 it does not.

**Why.** `add_signal_handler()` installs a Python handler that does
nothing, and points CPython's *wake-up fd* (`signal.set_wakeup_fd()`) at
one end of the loop's self-pipe, a socket pair. CPython's C-level handler
writes the number of every signal it catches to that fd; the loop reads the
other end and runs the callback registered for that number.

- Under **fork**, the child is a copy of the parent: the wake-up fd, and
  the socket pair it is one end of, come along. A signal the child catches
  is written to the *parent's* loop, which runs its own callback. A
  handler the child installs with `signal.signal()` changes nothing: the
  wake-up fd is per process, not per handler (python/cpython#87230). From
  3.12, `asyncio` resets the wake-up fd, the current loop and the running
  loop in every forked child (`os.register_at_fork`, gh-66285, landed as
  PR python/cpython#99769); it was not backported to 3.11 or older. PyPy
  3.9 behaves as 3.9 (observed), and PyPy 3.10 and 3.11 ship CPython's
  `asyncio` of those versions (expected, not run here).
- Under **spawn** and **forkserver**, the child is a new interpreter, or a
  fork of the fork server, which was itself started as a new program.
  Neither ever had the parent's socket, so the parent hears nothing.

Even on 3.12, a forked child inherits the no-op Python handler: a worker
with no `SIGTERM` handler of its own ignores `terminate()`, and `join()`
waits for it to finish by itself (`signal_handler_in_main`).

On Windows there is no `add_signal_handler()` (the script fails with
`NotImplementedError`), and spawn is the only method.

**The fix.** Use spawn or forkserver, or start the workers before the
loop installs its handlers; mind that a `ProcessPoolExecutor` starts its
workers at its first `submit()`, not when it is created, and that a `Pool`
with `maxtasksperchild` starts new ones as it goes. Under fork on 3.11 and
older, call `signal.set_wakeup_fd(-1)` first thing in the worker (in the
`target`, or a pool's `initializer`), then install its own handlers.

**Seen in the wild.**

- `fastapi/fastapi#1487`: "FastAPI gets terminated when child
  multiprocessing process terminated": an endpoint's `terminate()` of the
  `Process` another endpoint had started stopped the uvicorn server (Linux,
  Python 3.8). A comment there traces it to the inherited wake-up fd.
- `fractal-analytics-platform/fractal-server#94`: calling Parsl's
  `DataFlowKernel.cleanup()` in a uvicorn endpoint shut the server down;
  its authors traced it to "the use of multiprocessing from within a
  uvicorn server" (`Parsl/parsl#2452`, Python 3.8).
- `python/cpython#94454`: in a commenter's reproduction, `SIGTERM` sent to
  a forked child stopped its `asyncio` parent too; spawn, or
  `set_wakeup_fd(-1)` in the child, fixed it. Closed by gh-66285's fix.
- `svinota/pyroute2#870`: pyroute2 started sending `SIGTERM` to the child
  it forks for a network namespace when closing it; an `asyncio`
  application with its own `SIGTERM` handler could then shut down.
"""
import argparse
import asyncio
import multiprocessing
import signal
import sys
import time

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}
OVERRIDES = [
    {
        'before': '3.12',
        'expect': {'fork': 'propagates'},
        'why': 'gh-66285 (PR python/cpython#99769, 3.12+, not backported): before it, a forked '
               "child keeps the parent's wake-up fd, so a signal it catches is written into the "
               "parent's event-loop socket. PyPy's asyncio is CPython's of its version.",
    },
    {
        'os': 'windows',
        'expect': {'spawn': 'error (NotImplementedError)'},
        'why': 'loop.add_signal_handler() is implemented by the Unix event loops only (Python '
               "docs, asyncio event loop); Windows' loops inherit AbstractEventLoop's, which "
               'raises NotImplementedError. Predicted.',
    },
]
RELATED = ['signal_handler_in_main', 'sigint_ignored_around_pool', 'asyncio_run_in_process_pool']


def stop_cleanly(signum, frame):
    print('Child: SIGTERM received, stopping cleanly')
    sys.exit(0)


def worker(ready):
    signal.signal(signal.SIGTERM, stop_cleanly)  # the worker's own graceful stop
    ready.set()
    time.sleep(10)  # work, until terminate() interrupts it


async def serve():
    stops = []  # what the service's own SIGTERM handler was called for
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stops.append, 'SIGTERM')
    ready = multiprocessing.Event()
    child = multiprocessing.Process(target=worker, args=(ready,))
    child.start()
    # Blocking calls in a coroutine, for brevity: whatever is written to the loop's socket
    # meanwhile waits there.
    ready.wait(5)
    child.terminate()  # stop this one worker, not the service
    child.join()
    # Any positive pause will do (not sleep(0)), not a guess: each turn the loop queues the
    # reading of its socket ahead of the timers due, so the handler runs before this task resumes.
    await asyncio.sleep(0.01)
    return child.exitcode, stops


def main():
    exitcode, stops = asyncio.run(serve())
    print(f'Parent: the service\'s SIGTERM handler ran {len(stops)} time(s)')
    if exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-exitcode).name})' if exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print('verdict:', 'propagates' if stops else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
