"""The parent's pid, as the child's os.getppid()

Code that watches for its parent's death often compares `os.getppid()` with
the pid of the process that started it: on POSIX systems the kernel hands an
orphan to init (or to a subreaper), so a different answer means the parent
is gone. (On Windows, `os.getppid()` keeps the dead parent's pid.) Here the
child reports `os.getppid()`, and the parent compares it with its own pid;
the case prints `propagates` when they are equal. Under fork and spawn they
are. Under forkserver the child's parent, for the kernel, is the fork server.

**Why.** `os.getppid()` names the process that created this one, while it
lives.

- Under **fork**, the parent calls `fork()` itself.
- Under **spawn**, the parent calls `fork()` and `exec()` (on Windows,
  `CreateProcess`): again its own child.
- Under **forkserver**, the first `start()` launches the fork server, a
  child of the parent, and every child is then forked *by the server*: the
  parent's grandchild. multiprocessing hides this: the parent passes each
  child its pid and a pipe, so `multiprocessing.parent_process()` names the
  parent, and the server sends each child's exit status back, so `join()`,
  `exitcode` and `is_alive()` work.

So under forkserver, the default on Linux and other POSIX systems except
macOS since Python 3.14 (gh-84559):

- a watchdog that compares `os.getppid()` with the parent's pid exits at
  once, as if the parent had died. Comparing with the pid seen at start-up
  never fires: that is the fork server, which stays up as long as any of its
  children, so the child is not handed to init when the parent dies.
  `PR_SET_PDEATHSIG` follows the fork server too;
- the parent's `os.waitpid(child.pid, 0)` fails with `ChildProcessError`
  (`ECHILD`), and no `SIGCHLD` arrives when a child ends;
- the parent's own children are the fork server and the resource tracker
  (spawn starts the tracker too), not the workers. Both stay until the
  parent exits, so a loop of `os.wait()` until `ECHILD` never ends.

**The fix.** Ask multiprocessing, not the kernel:
`multiprocessing.parent_process()` (3.8+) is the parent under every start
method, with its `pid`, `is_alive()`, and a `sentinel` that becomes ready
when it dies (under fork, only once the siblings started after this child
have ended too, since they hold the same pipe). In the parent, use `join()`,
`exitcode` or each process's `sentinel`, not `os.waitpid` or `SIGCHLD`, and
`multiprocessing.active_children()` to count workers.

**Seen in the wild.**

- `unslothai/unsloth#6784` (closed unmerged): a guard that compared a
  worker's `os.getppid()` with its creator's pid made every forkserver worker
  exit before running its target. The pull request then compared with the
  fork server's pid and, since neither that pid nor `PR_SET_PDEATHSIG`
  follows the creator, added a thread that waits on
  `multiprocessing.parent_process().sentinel`.
- `spack/spack#51788`: Spack's installer learned that a build had ended from
  `SIGCHLD`; under forkserver "the forkserver process receives the signal",
  so the progress display never moved on. It now waits on each process's
  `sentinel`.
- `giampaolo/psutil#2663`: on Python 3.14 the test helper that terminates
  and waits for a process's children hung on the resource tracker, which
  ignores `SIGTERM`; the fix (#2666) runs those tests under fork.
- `ZivaVatra/flac2all#72`: the conversion finished, then the script hung at
  "Waiting for local worker to terminate"; the proposed fix (#73, open)
  forces fork, because on Python 3.14 "the server process lingers".
"""
import argparse
import multiprocessing
import os
import signal

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'isolated'}
RELATED = ['sigchld_ignored_in_main', 'forkserver_reruns_main', 'environ_after_fork_server_started']


def task(seen):
    seen.value = os.getppid()
    print(f'Child: os.getppid() = {seen.value}; multiprocessing.parent_process().pid = '
          f'{multiprocessing.parent_process().pid}')


def main():
    print(f'Parent: pid {os.getpid()}')
    seen = multiprocessing.Value('l', 0)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(seen,))
    child.start()
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print('verdict:', 'propagates' if seen.value == os.getpid() else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
