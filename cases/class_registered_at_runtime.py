"""A class built at run time and registered on its module, sent to a worker

Plugin systems build classes from configuration as the program runs, with
`type(name, bases, namespace)`, and register each one on a module so that
pickle can find it: a real module attribute, with a matching `__module__`
and `__qualname__`. Here the main block builds `CsvExporter` from a small
manifest that way, starts a worker, and sends it an instance through a
`multiprocessing.Queue`, as `ProcessPoolExecutor` sends every task (a
`Pool` uses a `SimpleQueue` written by its task-handler thread; the
worker's lookup is the same). The parent pickles it without complaint. A
fork worker unpickles it and runs the export; a spawn or forkserver worker
dies as it unpickles it, with an `AttributeError`: `Can't get attribute
'CsvExporter' on <module '__mp_main__' ...>` up to 3.13 and on PyPy,
`module '__mp_main__' has no attribute 'CsvExporter'` from 3.14.

**Why.** Pickle saves an instance's class as a reference, module and name,
and the *receiving* process looks that name up. A queue pickles what it
carries under every start method, so what differs is the worker's module:

- Under **fork**, the worker is a copy of the parent made after the main
  block registered the class, so the lookup finds it. A class registered
  after the worker was forked would be missing there too.
- Under **spawn**, the worker is a new interpreter that imports this script
  as `__mp_main__` (and makes `__main__` point at it). Only the top level
  runs there, and the class was registered by the main block, so the lookup
  fails as the worker takes the task from the queue.
- Under **forkserver**, the worker is forked from the fork server, and the
  script is imported as `__mp_main__` as under spawn: by each worker up to
  Python 3.13.7 and 3.14.0, by the fork server itself from 3.13.8 and
  3.14.1 (python/cpython#126631). Neither runs the main block: the same
  failure.

The worker prints its `AttributeError` and exits with code 1. Behind an
executor the parent's exception says less, though the worker's traceback
still reaches stderr: `ProcessPoolExecutor` fails every pending future with
`BrokenProcessPool` ("A process in the process pool was terminated
abruptly..."), with no cause attached up to 3.14 (3.15 adds the worker's
pid and exit code, python/cpython#139462, still not the `AttributeError`),
and the executor is unusable afterwards. A `Pool` replaces each dead worker
but never delivers the lost tasks' results, so `map()` waits for ever
(python/cpython#66587, bpo-22393, unfixed). Python 3.14 makes forkserver the
default on POSIX platforms other than macOS, Linux included, so code that
relied on the default fork fails there.

The fixes:

- Build and register the classes at import time, in the module itself, from
  data every process can read (the manifest file), so that every
  interpreter that imports the module has them. Under forkserver that
  import may have run once, in the fork server, when it started: a plugin
  added later is missing there.
- Or give the instances a `__reduce__` that rebuilds the class from its
  manifest entry in the receiving process: the entry travels with every
  instance, so this also covers plugins added while the program runs.

**Seen in the wild.**

- `biothings/biothings.api#427`: BioThings builds the dumper class of each
  manifest-based data plugin at run time with `type()` in
  `biothings.hub.dataplugin.templates` and stores it in that module's
  `globals()` ("so it can be pickled"; its loader also copies it into
  `biothings.hub.dataplugin.assistant` "so it can be pickled easily"). On
  Python 3.14.2, whose new default made its `ProcessPoolExecutor` workers
  forkserver children, dumping or uploading any such plugin failed with
  `AttributeError: module 'biothings.hub.dataplugin.templates' has no
  attribute 'AssistedDumper_hpo'`. `biothings/biothings.api#441` attempts
  to work around "our pickling issue that occurs with our custom manifest
  generated datatypes when we leverage forkserver".
- `MIT-PSFC/disruption-py#560`: a test made its physics method, a
  function, a module global only when the test ran. Spawn workers, which
  import the test module afresh, failed with `AttributeError: Can't get
  attribute 'my_physics_method'`, and the parent's pool waited for ever on
  macOS; the fix defines the functions at module level.
"""
import argparse
import multiprocessing
import signal
import sys

FAMILY = 'pickling'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'error (AttributeError)',
            'forkserver': 'error (AttributeError)'}
RELATED = ['class_defined_in_main_block', 'make_dataclass_argument', 'module_loaded_from_path',
           'copyreg_reducer_in_main']

MANIFEST = {'name': 'CsvExporter', 'separator': ','}  # what a plugin would declare


class Exporter:
    separator = None

    def export(self, row):
        return self.separator.join(row)


def register_exporter(manifest):
    """Build the class the manifest describes and make it an attribute of this module."""
    module = sys.modules[__name__]
    # __module__ is what type() picks here anyway; a factory in another module must set it.
    cls = type(manifest['name'], (Exporter,), {'separator': manifest['separator'],
                                               '__module__': module.__name__})
    setattr(module, cls.__name__, cls)  # pickle finds a class by its module and name
    return cls


def export_worker(tasks, reply):
    exporter, row = tasks.get()  # unpickled here: the worker looks the class up by name
    reply.send(exporter.export(row))


def main():
    exporter = register_exporter(MANIFEST)()
    tasks = multiprocessing.Queue()
    receiver, reply = multiprocessing.Pipe(duplex=False)  # the worker's report to the parent
    worker = multiprocessing.Process(target=export_worker, args=(tasks, reply))
    worker.start()
    reply.close()  # the worker has its own end now
    tasks.put((exporter, ['a', 'b']))  # pickled in the parent (by the queue's feeder thread)
    worker.join()
    if worker.exitcode != 0:
        # The worker raised (its traceback is on stderr) or a signal killed it.
        print(f'Parent: the worker failed with exit code {worker.exitcode}')
        crash = f' ({signal.Signals(-worker.exitcode).name})' if worker.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    line = receiver.recv()
    print(f'Parent: the worker exported {line!r}')
    print('verdict:', 'propagates' if line == 'a,b' else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
