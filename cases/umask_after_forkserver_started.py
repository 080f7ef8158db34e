"""The umask changed after the fork server started

The parent sets its file-creation mask with `os.umask(0o022)` and starts a
first child. Then it changes the mask to `0o222` (new files read-only) and
starts a second child, which reads its own mask. Under fork and spawn the second child has the new
mask; under forkserver it still has the old one.

**Why.** The umask is kept by the kernel for each process, and a new process
inherits it from the one that creates it, across `exec` too:

- Under **fork**, every child is a copy of the parent as it is when
  `start()` is called, and so is its umask.
- Under **spawn**, every `start()` runs `fork` + `exec` from the parent;
  `exec` replaces the program but keeps the umask (POSIX lists the file mode
  creation mask among what a new process image inherits), so each new
  interpreter starts with the parent's mask of that moment. Unlike a Python-level setting (a
  signal handler, `sys.setrecursionlimit`), nothing needs to be sent along.
- Under **forkserver**, the *first* `start()` launches the fork server, which
  inherits the parent's umask of that moment. Every later child is forked
  from the server, not from the parent, so it gets the server's mask, and the
  preparation data the parent sends each child (`sys.path`, the working
  directory, `sys.argv`, ...) does not include the umask. A mask set after
  the first child started never reaches a child: files the children create
  are more permissive than the parent now intends. The same holds for the
  environment (`environ_after_fork_server_started`) and resource limits
  (`rlimit_in_main`). This is unchanged in the fork server of Python 3.14,
  which made forkserver the default start method on Linux (gh-84559), and of
  3.15 (predicted).

macOS behaves like Linux. **Windows** has `os.umask` too, but there it sets
the C runtime's mask, which keeps only the write bit (`_S_IWRITE`, `0o200`:
the parent reads back `0o200`), for the calling process only:
`CreateProcess` does not pass it on, so a spawned child starts with the
runtime's default mask, `0`, and the case reports `isolated` there
(predicted, not observed).

**The fix.** Set the umask before the first child starts, or set it in each
child, for example in a pool's initializer (`pool_initializer_global`).
"""
import argparse
import multiprocessing
import os
import signal

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'isolated'}
OVERRIDES = [
    {
        'os': 'windows',
        'expect': {'spawn': 'isolated'},
        'why': "On Windows os.umask sets the C runtime's per-process mask (Microsoft docs, _umask), "
               'which CreateProcess does not pass to the child: it starts with 0. Predicted.',
    },
]
RELATED = ['environ_after_fork_server_started', 'rlimit_in_main', 'pool_initializer_global',
           'sigint_ignored_around_pool']


def current_umask():
    mask = os.umask(0)  # the only way to read the mask is to set it: put it back at once
    os.umask(mask)
    return mask


def task(seen):
    seen.value = current_umask()
    print(f'Child: umask {seen.value:04o}')


def run_child(seen):
    child = multiprocessing.Process(target=task, args=(seen,))
    child.start()
    child.join()
    return child.exitcode


def set_umask(mask):
    os.umask(mask)
    mask = current_umask()  # what the OS kept: Windows keeps only the write bit
    print(f'Parent set umask {mask:04o}')
    return mask


def main():
    seen = multiprocessing.Value('i', -1)  # each child's report to the parent
    set_umask(0o022)
    # Under forkserver, this first start() also launches the fork server.
    exitcodes = [run_child(seen)]
    wanted = set_umask(0o222)
    exitcodes.append(run_child(seen))
    for exitcode in exitcodes:
        if exitcode != 0:
            # The child raised (its traceback is on stderr) or a signal killed it.
            crash = f' ({signal.Signals(-exitcode).name})' if exitcode < 0 else ''
            print(f'verdict: error{crash}')
            return
    print(f'Parent: the second child had umask {seen.value:04o}')
    print('verdict:', 'propagates' if seen.value == wanted else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
