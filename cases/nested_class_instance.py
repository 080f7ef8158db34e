"""An instance of a class nested in another class, sent back by the child

The child builds a result whose class is nested inside another class,
`Report.Entry`, and puts it on a queue; the parent receives an equal object,
whatever the start method.

**Why.** Pickle saves an object as "its class, by reference" plus its state,
and finds the class again on the other side by module and *qualified name*.
For a nested class the qualified name is the dotted path `Report.Entry`, and
pickle (protocol 4, PEP 3154, the default since Python 3.8) follows that path
attribute by attribute: `__main__` → `Report` → `Entry`. Every step is an
ordinary class attribute, present in any process that has run the script's
top level:

- under **fork**, the child's class is the parent's, `__main__.Report.Entry`,
  so the parent finds it when it unpickles what the queue carried;
- under **spawn** and **forkserver**, the child re-imported the script as
  `__mp_main__`, so its class is `__mp_main__.Report.Entry`; the parent's
  `multiprocessing` makes `__mp_main__` another name for its own `__main__`,
  so the reference resolves there too.

What does *not* work is a class defined inside a function, or under the
`if __name__ == '__main__':` guard: its path contains `<locals>`, or does not
exist in a spawned child (`class_defined_in_main_block`).
"""
import argparse
import multiprocessing
import queue
import signal

FAMILY = 'pickling'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['class_defined_in_main_block', 'queue_result', 'make_dataclass_argument']


class Report:
    class Entry:  # pickled by reference as __main__.Report.Entry
        def __init__(self, name, value):
            self.name, self.value = name, value


def task(results):
    entry = Report.Entry('answer', 100)
    print(f'Child sends a {type(entry).__qualname__}: {entry.name}={entry.value}')
    results.put(entry)


def main():
    results = multiprocessing.Queue()
    child = multiprocessing.Process(target=task, args=(results,))
    child.start()
    try:
        entry = results.get(timeout=10)
    except queue.Empty:
        entry = None
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    if entry is None:
        print('Parent received nothing')
        print('verdict: isolated')
        return
    print(f'Parent received a {type(entry).__qualname__}: {entry.name}={entry.value}')
    print('verdict:', 'propagates' if isinstance(entry, Report.Entry) and entry.value == 100
          else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
