"""A field dropped by __getstate__ reaches fork children only

The parent builds an object whose `__getstate__` leaves out one field (here a
cache, as classes often do for caches, locks, connections or loggers), fills
that field in, and passes the object to a child. Under fork the child sees the
filled cache; under spawn and forkserver it gets an empty one.

**Why.** Whether the object is pickled at all depends on the start method:

- Under **fork**, `Process.start()` pickles nothing. The child is a copy of
  the parent's memory, the whole `__dict__` included, so `__getstate__` and
  `__setstate__` never run.
- Under **spawn** and **forkserver**, `start()` pickles the target and its
  arguments. `__getstate__` drops the cache, and in the child `__setstate__`
  rebuilds the object from what was kept, with a fresh empty cache.

A `__reduce__` (or `__reduce_ex__`) that leaves a field out behaves the same.
The surprise usually runs the other way round: code developed and tested
under fork never exercises `__getstate__`, then loses state (or fails on a
bug in `__setstate__`) on macOS and Windows, where spawn is the default, and
on Linux from Python 3.14, where forkserver is (python/cpython#84559). Note
too that anything sent *after* start (a `Queue.put()`, a `Pool` task) is
pickled under every start method, fork included.

If the child needs the field, keep it in the pickled state, or rebuild it in
`__setstate__` from data that is kept; if it must be shared rather than
copied, back it with shared memory or a manager (`instance_attribute_value`,
`manager_dict`).

**Seen in the wild.** `cgarciae/pypeln#74`: the `__getstate__` of
pypeln's `IterableQueue` left out two attributes, so its process workers
failed with `AttributeError` under spawn (Windows, macOS), while fork,
which pickles nothing, worked.
`snowflakedb/snowflake-connector-python#3017` is the reverse: a cache's
`__getstate__` dropped its file lock and `__setstate__` made a new one,
which covered spawn, but forked workers never run `__setstate__` and kept
the lock created by the parent.
"""
import argparse
import multiprocessing

FAMILY = 'instance-attributes'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['instance_attribute_plain', 'instance_attribute_value', 'manager_dict',
           'class_defined_in_main_block']


class Report:
    """An object that does not pickle its cache."""

    def __init__(self, title):
        self.title = title
        self.cache = {}

    def __getstate__(self):
        state = self.__dict__.copy()
        del state['cache']  # not worth sending: it can be recomputed
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.cache = {}


def task(report, answer):
    print(f'Child sees {report.title!r} with cache {report.cache}')
    answer.send(report.cache.get('total'))
    answer.close()


def main():
    report = Report('sales')
    report.cache['total'] = 42
    print(f'Parent filled the cache: {report.cache}')
    reader, writer = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.Process(target=task, args=(report, writer))
    child.start()
    writer.close()  # the child has its own end now
    child.join()
    if child.exitcode != 0:
        print('verdict: error')
        return
    seen = reader.recv()
    reader.close()
    print(f'Parent: the child saw total={seen}')
    print('verdict:', 'propagates' if seen == 42 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
