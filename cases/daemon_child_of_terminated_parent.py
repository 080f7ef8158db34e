"""A daemon child whose parent is terminated

A worker process starts a child with `daemon=True`, the flag documented to
end a process's children when it exits, and is then stopped with
`terminate()` (SIGTERM; on Windows, `TerminateProcess`). The case then
watches the daemon child's heartbeat: `isolated` if it goes on (the
parent's death did not reach the child), `propagates` if it stopped. It
goes on under every start method.

**Why.** A daemon child is ended by its parent's *Python code*: when an
interpreter exits normally, multiprocessing's exit handler
(`multiprocessing.util._exit_function`) terminates its daemonic children,
then joins all its children. A process killed by a signal's default action
runs no Python code at all: SIGTERM without a handler, SIGKILL (the OOM
killer's too), a crash. And unless the child asks for it
(`PR_SET_PDEATHSIG`, below), nothing in the kernel ties a child's life to
its parent's, so:

- Under **fork** and **spawn**, the orphaned child is handed to init (or to
  a subreaper) and runs on. On Windows nothing links the two lives either.
- Under **forkserver**, the worker starts a fork server of its own, which
  forks the child and stays up as long as any of its children runs (each
  holds the server's "alive" pipe): the child is not even orphaned
  (`parent_pid_in_child`).

Only a *normal* exit of the parent ends its daemon children: the end of its
target or script, an uncaught exception, `sys.exit()`, or the
`KeyboardInterrupt` that Python makes of SIGINT. A parent that dies of
SIGTERM, whose default action ends the process at once, is the surprise of
python/cpython#80180. `kill`, `timeout`, `Process.terminate()` and
supervisors that signal only the process they started stop a process that
way. (systemd, by default, signals every process of the service, and when a
container's PID 1 exits the kernel kills all its processes: there the
orphans end anyway.) The terminated parent's other exit-time clean-up is
lost too: under forkserver, the `pymp-*` directory it made for its fork
server's socket stays in the temporary directory, even once the child and
the server have ended (here, the case gives the worker a directory of its
own and removes it).

**The fix.** Let the child watch its parent: a thread that waits on
`multiprocessing.parent_process().sentinel` (3.8+) and then calls
`os._exit()`, or a check of `parent_process().is_alive()` in the child's
loop. The sentinel becomes ready when the parent dies, however it dies,
under every start method and on Windows; but under fork, a sibling forked
after the child holds the same pipe, and the sentinel waits for it too
(`parent_pid_in_child`). On Linux, `prctl(PR_SET_PDEATHSIG)` fires when the
*thread* that forked the child ends: under fork and spawn, the parent's
thread that called `start()`; under forkserver, the fork server, which
outlives the parent. Or make SIGTERM a normal exit in the parent,
`signal.signal(SIGTERM, lambda *_: sys.exit(1))`, which then ends its
daemon children itself. Install it in the worker's own code: one set in the
main block reaches fork children only (`signal_handler_in_main`). It does
nothing against SIGKILL, nor on Windows.

**Seen in the wild.** mloda-ai/mloda#1292: 27 workers of killed parents
ran on for up to 31 days, holding 1.1 GB between them; the fix
(mloda-ai/mloda#1322) made them daemonic, for normal and exception exits,
and has them check `parent_process().is_alive()`, for SIGKILL.
mloda-ai/mloda#1323 found its flight server and `BaseManager` processes
outliving the parent the same way; mloda-ai/mloda#1327 gives each a thread
that joins `parent_process()`. Oneflow-Inc/oneflow#7409: `daemon=True`
workers outlived their parent and kept GPU memory, to the surprise of the
authors, who had read the flag's documentation as a promise of no orphans,
until each worker set `PR_SET_PDEATHSIG`. sgl-project/sglang-omni#1077
(open) proposes the same for `daemon=True` stage workers that kept their
GPU memory after the server was killed.
"""
import argparse
import multiprocessing
import tempfile
import time

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-after-start'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['parent_pid_in_child', 'signal_handler_in_main', 'sigint_ignored_around_pool',
           'atexit_in_child']


def daemon_child(heartbeat, stop):
    while not stop.value:  # beats until told to stop
        heartbeat.value += 1
        time.sleep(0.01)


def worker(heartbeat, stop, scratch):
    tempfile.tempdir = scratch  # its fork server's socket goes here, not in the shared TMPDIR
    multiprocessing.Process(target=daemon_child, args=(heartbeat, stop), daemon=True).start()
    time.sleep(60)  # until terminated


def wait_for_beats(heartbeat, seconds):
    """Whether the heartbeat moves within ``seconds``."""
    first, deadline = heartbeat.value, time.monotonic() + seconds
    while time.monotonic() < deadline:
        if heartbeat.value != first:
            return True
        time.sleep(0.01)
    return False


def main():
    # Raw shared memory, no locks: one writer each, and nothing to clean up after an orphan.
    heartbeat, stop = multiprocessing.RawValue('l', 0), multiprocessing.RawValue('b', 0)
    with tempfile.TemporaryDirectory() as scratch:
        parent = multiprocessing.Process(target=worker, args=(heartbeat, stop, scratch))
        parent.start()
        started = wait_for_beats(heartbeat, 10)
        parent.terminate()  # SIGTERM: the worker dies without running any Python code
        parent.join()
        beating = started and wait_for_beats(heartbeat, 5)  # the dead worker's daemon child?
        stop.value = 1  # the orphan ends itself, even one that started late
    if not started:
        print('verdict: error')  # the daemon child never ran
        return
    print(f'Parent: the worker ended with exit code {parent.exitcode}')
    print(f"Parent: the daemon child's heartbeat {'goes on' if beating else 'stopped'}")
    print('verdict:', 'isolated' if beating else 'propagates')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
