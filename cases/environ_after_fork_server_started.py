"""An environment variable changed after the fork server started

The parent sets a variable in `os.environ` and starts a first child. Then it
changes the variable and starts a second child. Under fork and spawn the second
child sees the new value; under forkserver it still sees the old one.

**Why.** Each method takes the environment from a different place.

- Under **fork**, every child is a fresh copy of the parent as it is when
  `start()` is called, `os.environ` included.
- Under **spawn**, every `start()` launches a new interpreter, which inherits
  the parent's environment as it is at that moment (assigning to `os.environ`
  calls `putenv()`, so the real environment is kept up to date).
- Under **forkserver**, the *first* `start()` launches the fork server, a
  separate interpreter that inherits the environment of that moment. Every
  later child is forked from the server, not from the parent, so it gets the
  server's environment: a snapshot taken when the first child started. What
  the parent sends each child (the preparation data: `sys.path`, the working
  directory, `sys.argv`, ...) does not include the environment, so a variable
  set, changed or removed after that moment never reaches a child; it stays
  that way until the parent exits and the server with it.

The source of `multiprocessing/forkserver.py` on CPython 3.8 to 3.13, and on
3.14 (which adds an authentication key for the server's socket, gh-97514),
launches the server once with the inherited environment and passes none of it
per child. Python 3.14 makes forkserver the default on Linux and other POSIX
systems except macOS (gh-84559), which is how programs that never chose a start
method started to meet this. macOS has forkserver but defaults to spawn;
Windows has only spawn, where the second child sees the new value.

**The fix.** Pass what the child needs explicitly: as an argument, or through
a pool initializer that applies it (`os.environ.update(env)`) in each worker
(see `pool_initializer_global`). Setting the environment before the first
child starts also works (`environ_before_first_child`), but nothing in the
code makes that ordering visible.

**Seen in the wild.** `airspeed-velocity/asv#1551` fixed its Python 3.14 CI by
passing the environment through the pool initializer; `razzant/ouroboros#677`
found that a key removed from `os.environ` after the first child stayed
visible to every later worker.
"""
import argparse
import multiprocessing
import os

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'isolated'}
RELATED = ['environ_before_first_child', 'pool_initializer_global', 'environ_changed_in_child']

NAME = 'MPMATRIX_STAGE'


def task(queue):
    value = os.environ.get(NAME)
    print(f'Child sees {NAME}={value}')
    queue.put(value)


def run_child(queue):
    child = multiprocessing.Process(target=task, args=(queue,))
    child.start()
    child.join()
    if child.exitcode != 0:
        return None
    return queue.get()  # one short string: already in the pipe, so joining first is safe


def main():
    queue = multiprocessing.Queue()
    os.environ[NAME] = 'first'
    print(f'Parent set {NAME}={os.environ[NAME]}')
    # Under forkserver, this first start() also launches the fork server.
    first = run_child(queue)
    os.environ[NAME] = 'second'
    print(f'Parent set {NAME}={os.environ[NAME]}')
    second = run_child(queue)
    if first is None or second is None:
        print('verdict: error')
        return
    print('verdict:', 'propagates' if second == 'second' else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
