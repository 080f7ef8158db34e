"""State handed to the child only when the start method is spawn

The parent keeps its run-time settings in a module global, set in `main()`.
Knowing that a spawned child starts from a fresh interpreter, it hands the
settings to the child explicitly, but only `if get_start_method() == 'spawn'`:
any other method, it assumes, gives the child a copy of the parent's memory.
Under fork and spawn the child sees the settings; under forkserver it sees the
module's default.

**Why.** There are three start methods, and only one of them copies memory.

- Under **fork**, the child is a copy of the parent at `start()`: the global
  is there without being passed.
- Under **spawn**, the child imports the script afresh (as `__mp_main__`), so
  the global holds its default until the child applies what it was handed.
- Under **forkserver**, the child is forked from the fork server, not from the
  parent. The script's top level ran again, in the child or (from Python
  3.13.8 and 3.14.1) once in the server (see `forkserver_reruns_main`), but
  `main()` never did: the global holds its default there too. A check that
  names spawn hands nothing over, so nothing fixes it.

The same test goes wrong when it is spelled with the platform
(`sys.platform == 'darwin'`: "only macOS spawns"), or with the global default
while the children come from a context (`get_context('forkserver')`), whose
method `multiprocessing.get_start_method()` does not report.

**The fix.** Hand the state over whatever the method: it costs one pickle
per child (or per pool worker, through an initializer: see
`pool_initializer_global`). If it must be skipped, skip it only for fork,
the one method that copies memory, and ask the context that starts the
children (`ctx.get_start_method()`).

**Seen in the wild.** `cs50/check50#223`: check50's settings were lost in its
checks under macOS's spawn (Python 3.8); the fix re-applied them in the child
for spawn only. When Python 3.14 made forkserver the default on Linux, those
children saw `None` again (`cs50/check50#396` inverts the test: skip only for
fork). `spack/spack#51686` had made the same choice by platform, and now
branches on the start method.
"""
import argparse
import multiprocessing

FAMILY = 'globals-and-class-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'isolated'}
RELATED = ['config_global_from_argv_pool', 'pool_initializer_global', 'forkserver_reruns_main']

SETTINGS = None  # set by main(); what the module holds wherever main() did not run


def task(queue, handed_over):
    global SETTINGS
    if handed_over is not None:
        SETTINGS = handed_over
    print(f'Child sees SETTINGS={SETTINGS}')
    queue.put(SETTINGS)


def main():
    global SETTINGS
    SETTINGS = 'output=/tmp/run-42'
    method = multiprocessing.get_start_method()
    # The assumption under test: every method but spawn copies the parent's memory.
    handed_over = SETTINGS if method == 'spawn' else None
    print(f'Parent set SETTINGS={SETTINGS}; start method {method}, '
          f'{"handing it over" if handed_over else "not handing it over"}')
    queue = multiprocessing.Queue()
    child = multiprocessing.Process(target=task, args=(queue, handed_over))
    child.start()
    child.join()
    if child.exitcode != 0:
        print('verdict: error')
        return
    seen = queue.get()  # one short string: already in the pipe, so joining first is safe
    print('verdict:', 'propagates' if seen == SETTINGS else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
