"""An environment variable set in the parent before the first child starts

The parent sets a variable in `os.environ`, then starts a child that reads it.
The child sees the new value under every start method.

**Why.** `os.environ` is not just a dictionary: assigning to it also calls
`putenv()`, so the change reaches the process's real, C-level environment,
which is what the operating system hands to any program the process starts.

- Under **fork**, the child is a copy of the parent's memory, `os.environ`
  and the C environment included.
- Under **spawn**, `Process.start()` launches a fresh interpreter, which
  inherits the parent's environment *as it is at that moment* and builds its
  own `os.environ` from it.
- Under **forkserver**, the first `start()` launches the fork server, a fresh
  interpreter that inherits the environment *of that moment*; every child is
  then forked from the server, environment included. Since this variable was
  set before the server existed, the server has it, and so does the child.

That last point is fragile: a variable set *after* the fork server started
never reaches its children (see `environ_after_fork_server_started`), and a
variable set in a child never comes back (see `environ_changed_in_child`).

**Seen in the wild.** `skypilot-org/skypilot#10605` caps the numeric
libraries' threads by setting `OMP_NUM_THREADS` and its kin in
`os.environ` when a server module is imported, counting on the variables
to reach its executor workers: those are spawned later, and "a spawned
child inherits the parent's `os.environ` at process creation".
"""
import argparse
import multiprocessing
import os

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['environ_after_fork_server_started', 'environ_changed_in_child']

NAME = 'MPMATRIX_GREETING'


def task(queue):
    value = os.environ.get(NAME)
    print(f'Child sees {NAME}={value}')
    queue.put(value)


def main():
    os.environ[NAME] = 'set before the first child'
    print(f'Parent set {NAME}={os.environ[NAME]}')
    queue = multiprocessing.Queue()
    child = multiprocessing.Process(target=task, args=(queue,))
    child.start()
    child.join()
    if child.exitcode != 0:
        print('verdict: error')
        return
    seen = queue.get()  # one short string: already in the pipe, so joining first is safe
    print('verdict:', 'propagates' if seen == os.environ[NAME] else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
