"""A module preloaded by the fork server, changed by the parent

The parent asks the fork server to preload `calendar` with
`multiprocessing.set_forkserver_preload(['calendar'])`, then changes that
module's state, `calendar.setfirstweekday()`, once before the first child
starts and again before the second. Each child reports the first weekday it
sees and whether `calendar` was already imported when its task began. Under
fork both children see the parent's setting; under spawn and forkserver
neither does, and under forkserver the module *was* already imported: by
the fork server, with its defaults.

**Why.** Preloading shares an *import*, not the parent's objects.

- Under **fork**, each child is a copy of the parent at `start()`: the module
  is imported, with whatever the parent set. `set_forkserver_preload()` only
  configures the fork server and changes nothing here.
- Under **spawn**, each child is a fresh interpreter; `calendar` is not
  imported until the task imports it, with the module's default (Monday).
  The preload list is not used either.
- Under **forkserver**, the fork server is started by the first `start()`,
  as a fresh interpreter that imports the modules on the preload list (and
  `__main__`, where the release supports it). Every child is forked from the
  server, so it finds `calendar` already imported, which saves the import
  time the preload is for, but with the state of the *server's* import, not
  the parent's. A change the parent made before the server started does not
  reach the server, which never ran the parent's code, and a change made
  after it started does not either. Nothing the parent sends each child
  carries module state.

This is the same on every CPython from 3.8 (preloading dates from 3.4) and
on PyPy. Python 3.14 makes forkserver the Linux default (gh-84559) and 3.15
adds `set_forkserver_preload(on_error=...)` (gh-141860), which decides what a
failed preload does; neither changes what a preloaded module contains
(predicted). macOS behaves like Linux; Windows has only spawn.

**The fix.** Treat preloading as an optimisation only. Configure a module
in every process that needs the setting: pass the value to the child, or
apply it in a pool's initializer (`pool_initializer_global`).

**Seen in the wild.** `sgl-project/sglang#40596`, which starts a fork
server with sglang's worker modules preloaded, found module constants
computed at import from environment variables that the launcher sets only
after parsing its arguments: the server had imported them first, so every
worker forked from it inherited "a pre-resolution value".
"""
import argparse
import multiprocessing
import signal
import sys

FAMILY = 'globals-and-class-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['forkserver_reruns_main', 'pool_initializer_global', 'global_reassigned_in_main',
           'environ_after_fork_server_started']


def task(seen, index):
    # Imported here, not at the top of the script: the script's own import must not hide
    # whether the module arrived some other way.
    preloaded = 'calendar' in sys.modules
    import calendar
    seen[index] = calendar.firstweekday()
    print(f'Child {index}: calendar imported before the task: {preloaded}; '
          f'first weekday {calendar.day_name[seen[index]]}')


def run_child(seen, index):
    child = multiprocessing.Process(target=task, args=(seen, index))
    child.start()
    child.join()
    return child.exitcode


def main():
    import calendar
    # Only the fork server reads this list; it is set before the server starts.
    multiprocessing.set_forkserver_preload(['calendar'])
    seen = multiprocessing.Array('i', [-1, -1])  # each child's report to the parent
    wanted = [calendar.SUNDAY, calendar.WEDNESDAY]
    exitcodes = []
    for index, weekday in enumerate(wanted):
        calendar.setfirstweekday(weekday)
        print(f'Parent set the first weekday to {calendar.day_name[weekday]}')
        exitcodes.append(run_child(seen, index))  # the first start() launches the fork server
    for exitcode in exitcodes:
        if exitcode != 0:
            # The child raised (its traceback is on stderr) or a signal killed it.
            crash = f' ({signal.Signals(-exitcode).name})' if exitcode < 0 else ''
            print(f'verdict: error{crash}')
            return
    print('verdict:', 'propagates' if list(seen) == wanted else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
