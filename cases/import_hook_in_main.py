"""An import hook installed by the main block

In code reached only from `if __name__ == '__main__':`, the parent puts a
finder at the front of `sys.meta_path`, as runtime type checkers,
instrumenting tools and other languages' importers do
(`typeguard.install_import_hook()`, dd-trace's coverage collector,
Basilisp's importer). The hook here notes each module imported after it is
installed. The child then imports `colorsys`. The hook sees that import
under fork; under spawn and forkserver the child has no hook, and nothing
says so.

**Why.** `sys.meta_path` is a list in the memory of each interpreter, and
`multiprocessing` does not carry it across:

- Under **fork**, the child is a copy of the parent, `sys.meta_path` and the
  finder's own state included, so its imports go through the hook.
- Under **spawn**, the child is a new interpreter with only the finders its
  own start-up installs (the built-in ones, and any that a `.pth` file or
  `sitecustomize` adds). It re-imports this script as `__mp_main__`, where
  the guarded block does not run, and the *preparation data* it receives
  (`sys.path`, `sys.argv`, the working directory, the start method, the main
  module's path or name) cannot describe a finder.
- Under **forkserver**, the child is forked from the fork server, a new
  interpreter that was never given the hook either.

An instrumenting hook fails silently: the child's modules run unchecked or
untraced. A hook that *provides* modules fails loudly: a `Process` target
defined in a module that only the hook can find cannot even be unpickled.
The spawn or forkserver child re-runs the script's top level, then dies
with `ModuleNotFoundError` as it unpickles the process object, before the
target starts. The fixes:

- Install the hook at the top level of the main script. Every spawn or
  forkserver child runs that top level in `prepare()` before it unpickles
  the process object; from 3.13.8 and 3.14.1 a forkserver child inherits
  the fork server's run of it instead (`forkserver_reruns_main`).
- In a `Pool`, install it from the `initializer` (defined where no hook is
  needed to import it), which each worker runs before it unpickles its first
  task.
- Have every interpreter install it at start-up, from a `.pth` file or
  `sitecustomize` (how coverage.py's `process_startup()` reaches
  subprocesses). A tool that only needs to follow `multiprocessing` children
  can put an object in the preparation data whose unpickling installs the
  hook, as coverage.py's `concurrency = multiprocessing` and dd-trace do.

**Seen in the wild.**

- `basilisp-lang/basilisp#443`: Basilisp's importer tests start a
  `multiprocessing.Process` that imports a Basilisp module with
  `importlib.import_module`. Under any start method but fork the child has
  not run `basilisp.main.init`, which puts Basilisp's finder on
  `sys.meta_path`, so the import fails and the child exits with an error.
- `DataDog/dd-trace-py#9410`: dd-trace's internal coverage collector
  (`ModuleCodeCollector`, a finder at the front of `sys.meta_path` that
  instruments modules as they load) is absent from spawn and forkserver
  children. The pull request adds to the preparation data an object whose
  unpickling installs it: installing it in `Process._bootstrap` came too late
  for the modules the child imports while it starts up.
"""
import argparse
import multiprocessing
import signal
import sys

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['sys_modules_stub_in_main', 'sys_path_inserted_in_main', 'forkserver_reruns_main',
           'pool_initializer_global']


class ImportRecorder:
    """A meta path finder that notes every module imported after it is installed, and lets
    the finders after it load them: the shape of an instrumenting import hook."""

    def __init__(self):
        self.imported = []

    def find_spec(self, name, path, target=None):
        self.imported.append(name)
        return None  # not found here: the import system asks the next finder


def task(seen):
    sys.modules.pop('colorsys', None)  # so that the import below asks the finders
    import colorsys  # noqa: F401  the import the hook should see
    hooks = [finder for finder in sys.meta_path if isinstance(finder, ImportRecorder)]
    noticed = any('colorsys' in hook.imported for hook in hooks)
    print(f'Child: {len(hooks)} import hook(s); the import was seen by one: {noticed}')
    seen.value = noticed


def main():
    sys.meta_path.insert(0, ImportRecorder())  # first, as instrumenting hooks install themselves
    seen = multiprocessing.Value('b', 0)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(seen,))
    child.start()
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f'Parent: the hook saw the child\'s import: {bool(seen.value)}')
    print('verdict:', 'propagates' if seen.value else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
