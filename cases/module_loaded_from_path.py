"""A target from a module loaded by its file path

Plugin loaders and pytest's `--import-mode=importlib` load a module from its
file with `importlib.util.spec_from_file_location` and register it in
`sys.modules`; reticulate's `import_from_path()` and Dagster's code loader
put its folder on `sys.path` only while they import it. Either way the
module is in `sys.modules` under a name that nothing on `sys.path` leads
to. Here the parent's main block registers such a plugin module and starts
a child whose target is the plugin's function. Under fork the child runs
it; under spawn and forkserver the child fails before the target runs, with
`ModuleNotFoundError`.

The plugin is built in memory, since a case runs no code from another file:
a `types.ModuleType` in `sys.modules`, with `work` relabelled as its
function. That is all pickle looks at (`work.__module__`, `__qualname__`,
and that `plugin_by_path.work` is `work`); a real file loaded with
`spec_from_file_location` gives the same verdicts and tracebacks.

**Why.** A function is pickled by reference: the name of its module and its
own, `plugin_by_path.work`. Unpickling it imports the module by that name.

- Under **fork**, nothing is pickled: the child is a copy of the parent,
  and the plugin is in its copy of `sys.modules`.
- Under **spawn**, the child is a new interpreter. It gets the parent's
  `sys.path` (`sys_path_inserted_in_main`) and imports the script as
  `__mp_main__`, but not its main block, which loaded the plugin, and nothing
  says where `plugin_by_path` came from. Unpickling the process object,
  target included, searches `sys.path` in vain, and the child exits with
  code 1 before the target runs.
- Under **forkserver**, the child unpickles the process object as a spawned
  one does, and neither it nor the fork server ran the main block: the same
  error.

The same goes for everything of the plugin that reaches a child by
pickling: a `Process`'s arguments, a pool's task, an instance of one of its
classes. A `Pool` worker dies unpickling the task, which is lost: `map()`
never returns; a `ProcessPoolExecutor` raises `BrokenProcessPool`. Two
variants behave otherwise: a loader that leaves `sys.modules` alone fails
in the parent (`start()` raises `PicklingError` under spawn and
forkserver), and a script that loads the plugin at its top level works,
since children run the top level again.

**The fix.** Make the module importable by its name wherever it is needed:
keep on `sys.path` the folder where that name leads to its file (for
`tests.test_x`, the folder holding `tests/`), or install it as a package.
Or send the file's path, and have each child load the module itself, under
the same name: in a pool's `initializer` (not one of the plugin's), which
runs before any task is unpickled, or in a target of your own that loads
the plugin and then calls it, with none of the plugin's objects among its
arguments (they are unpickled before the target runs). Each child then runs
the plugin's top level again, with state of its own.

**Seen in the wild.**

- `jaraco/keyring#673`, reported to pytest as `pytest-dev/pytest#12178`:
  with `--import-mode=importlib`, keyring's multiprocessing tests failed on
  macOS (spawn) with `ModuleNotFoundError: No module named 'tests'` (the
  first part of the name pytest had given the module), raised while the
  child unpickled its target.
- `rstudio/reticulate#1677`: `import_from_path()` puts the folder on
  `sys.path` only while it imports; a `Pool` then failed on macOS, where
  workers are spawned, and worked on Linux, where they are forked.
- `dagster-io/dagster#4487`: Dagster removed the working directory from
  `sys.path` after loading user code, so a spawn `Pool` in that code failed
  with `ModuleNotFoundError`; `dagster-io/dagster#27485` keeps it there.
- `progval/Limnoria#1600`: Limnoria loads its plugins from directories that
  are not on `sys.path`, and plugins run their functions in child
  processes. It opted back into fork for Python 3.14 (`progval/Limnoria#1599`):
  a forkserver child would have to import the plugin to unpickle the
  function, and could not.
"""
import argparse
import multiprocessing
import signal
import sys
import types

FAMILY = 'pickling'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'error (ModuleNotFoundError)',
            'forkserver': 'error (ModuleNotFoundError)'}
RELATED = ['sys_path_inserted_in_main', 'sys_modules_stub_in_main', 'class_defined_in_main_block']


def work(seen):
    seen.value = 1
    print('Child: the plugin ran')


def load_plugin():
    """Make ``work`` the function of a module, plugin_by_path, that only sys.modules knows.

    What spec_from_file_location, module_from_spec and exec_module leave behind, as far as pickling
    is concerned: the module is registered, its functions name it, and no file of that name is on
    sys.path.
    """
    plugin = types.ModuleType('plugin_by_path')
    plugin.work = work
    work.__module__ = plugin.__name__  # as if defined in the plugin's file: pickled by that name
    sys.modules[plugin.__name__] = plugin
    return plugin


def main():
    plugin = load_plugin()
    print(f'Parent registered {plugin.__name__} in sys.modules; no file of that name is on sys.path')
    seen = multiprocessing.Value('i', 0)  # the child's report to the parent
    child = multiprocessing.Process(target=plugin.work, args=(seen,))
    child.start()
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print('verdict:', 'propagates' if seen.value == 1 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
