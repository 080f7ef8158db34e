"""A script without the if __name__ == '__main__' guard

The script starts its child process from top-level code, with no
`if __name__ == '__main__':` guard around it. The child is meant to send a
greeting back. Under fork it does; under spawn and forkserver the child runs
the whole script again, reaches `Process.start()` itself, and dies with
`RuntimeError: An attempt has been made to start a new process before the
current process has finished its bootstrapping phase`.

**Why.** The guard is what separates "run as the program" from "imported".

- Under **fork**, the child is a copy of the parent taken inside `start()`;
  it carries on from there into `task()` and never runs the script's top
  level again, so the missing guard goes unnoticed.
- Under **spawn**, the child is a fresh interpreter that imports the main
  script as `__mp_main__` to find `task` (with the parent's `sys.argv`, so
  argparse gives it the same start method). Without a guard, that import runs
  the top-level code, which tries to start a grandchild. `multiprocessing`
  sees that the child is still unpickling ("bootstrapping") and raises the
  `RuntimeError` instead of spawning processes forever. The child exits with
  code 1 and the parent reports the failure.
- Under **forkserver**, up to Python 3.13.7 and 3.14.0, every child forked
  from the fork server imports the main script again, just as under spawn,
  and fails the same way. Python 3.13.8 and 3.14.1 made the fork server
  import the main script once, when it starts (python/cpython#126631): the
  unguarded top level then runs *inside the fork server*, whose own `start()`
  raises the same error while it is still preloading. The server dies, and
  the parent's `start()` fails instead, with an error about the lost
  connection to the fork server. Until 3.13.12 and
  3.14.3 that preload also ran with an empty `sys.argv`
  (python/cpython#143706), so this script would fall back to the platform
  default there: forkserver on 3.14 (same failure), but fork on 3.13.8 to
  3.13.11, which lets the fork server run the whole script, output and all,
  once more before it serves the parent. (That prints a second verdict line,
  which the matrix reports as a broken run rather than a verdict; CI runs
  the latest 3.13, outside that window.)

The error type is `RuntimeError` either way. When the fork server dies, its
traceback reaches standard error before the parent notices the lost
connection, and the matrix records the first traceback, so a forkserver
run on 3.14.1 or later is expected to report the server's `RuntimeError` (a
prediction: no 3.14 runs here yet). Python 3.15 changes the route again:
`set_forkserver_preload()` gains `on_error` (gh-141860), and its default,
`'ignore'`, also swallows a failing `__main__` preload, so the server
survives and each child imports the script itself and fails as under spawn,
with the same `RuntimeError` (predicted). macOS behaves like Linux; Windows
has only spawn, where the child fails the same way.

Note that this script calls `multiprocessing.get_context()` rather than
`set_start_method()`: without a guard, `set_start_method()` would run again
in the child, where the start method is already set, and fail first with a
different `RuntimeError` ("context has already been set").

The fix is the guard: put everything that should run once, in the parent,
under `if __name__ == '__main__':` (every other case in this catalogue does).
The same top-level trap hits a `Manager()` created at import time
(`manager_created_at_import`) and classes defined under the guard
(`class_defined_in_main_block`).

**Seen in the wild.** abhinavsingh/proxy.py#233 (the "bootstrapping phase"
`RuntimeError` on macOS once Python 3.8 made spawn the default there).
"""
import argparse
import multiprocessing

FAMILY = 'pickling'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'error (RuntimeError)', 'forkserver': 'error (RuntimeError)'}
RELATED = ['manager_created_at_import', 'class_defined_in_main_block', 'global_set_at_top_level']
MAIN_GUARD = False
START_METHOD_AT = 'import'  # no guard, so the option is read while the module is imported


def task(answer):
    answer.send('hello from the child')
    answer.close()


# No guard: everything below runs again in every process that imports this file.
parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
START_METHOD = parser.parse_known_args()[0].start_method
context = multiprocessing.get_context(START_METHOD)
print(f'Top-level code running in {multiprocessing.current_process().name}')

reader, writer = context.Pipe(duplex=False)
child = context.Process(target=task, args=(writer,))
child.start()  # in a spawned child, this is where the RuntimeError is raised
writer.close()  # the child has its own end now
child.join()
if child.exitcode != 0:
    print(f'Parent: the child failed with exit code {child.exitcode}')
    print('verdict: error')
else:
    message = reader.recv()
    print(f'Parent received: {message!r}')
    print('verdict:', 'propagates' if message == 'hello from the child' else 'isolated')
reader.close()
