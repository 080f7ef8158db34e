"""An object holding a threading.Lock, passed as a Process argument

An `Account` keeps a `threading.Lock` next to its balance, to protect it
from its own threads. The parent passes an account to a child, which reads
the balance. Under fork the child reads it; under spawn and forkserver
`start()` raises `TypeError: cannot pickle '_thread.lock' object` in the
parent.

**Why.** Under **fork**, nothing is pickled: the child gets a copy of the
whole object, lock included (a copy of the lock, in whatever state it was:
taken, if another thread held it at that moment, `thread_lock_held_at_fork`).
Under **spawn** and **forkserver**, `start()` pickles the arguments, and a
`threading.Lock` cannot be pickled: it is a handle on an operating-system
lock that only makes sense inside one process. CPython raises `TypeError`
from the object's default `__reduce_ex__`; PyPy's pure-Python pickle raises
`pickle.PicklingError`. Python 3.14 only adds notes saying where the lock
was found ("when serializing dict item 'lock'").

Any attribute holding a lock, a thread, an open file, a socket or a database
connection has the same effect. The fix: leave such attributes out of the
pickled state and recreate them on arrival, with `__getstate__` and
`__setstate__` (`getstate_drops_field`) or a reducer (`copyreg_reducer_in_main`);
or, if the lock must protect the balance *between processes*, use a
`multiprocessing.Lock` or a `Value` with its own lock, which are made to be
handed to a child at start.

**Seen in the wild.** Sublist3r's search engines are `Process` objects with
a `threading.Lock` attribute: `aboul3la/Sublist3r#236` reported this
`TypeError` on macOS with Python 3.8, `aboul3la/Sublist3r#242` moved the
locks into the code the child runs, and `aboul3la/Sublist3r#428` shows the
error again on Linux with Python 3.14 ("when serializing dict item
'lock'"). `eth-easl/mixtera#68` replaced a `threading.Lock` with a
`multiprocessing.Lock` so that its examples run under spawn on macOS.
"""
import argparse
import multiprocessing
import signal
import threading

FAMILY = 'pickling'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'error (TypeError)', 'forkserver': 'error (TypeError)'}
OVERRIDES = [
    {
        'implementation': 'pypy',
        'expect': {'spawn': 'error (pickle.PicklingError)',
                   'forkserver': 'error (pickle.PicklingError)'},
        'why': "PyPy's pure-Python pickle reports an unpicklable lock as pickle.PicklingError "
               '(checked on PyPy 7.3.11).',
    },
]
RELATED = ['getstate_drops_field', 'copyreg_reducer_in_main', 'thread_lock_held_at_fork',
           'open_file_argument']


class Account:
    def __init__(self, balance):
        self.balance = balance
        self.lock = threading.Lock()  # guards balance against this process's threads


def task(account, seen):
    with account.lock:
        seen.value = account.balance
    print(f'Child read the balance: {seen.value}')


def main():
    seen = multiprocessing.Value('i', 0)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(Account(100), seen))
    child.start()  # spawn/forkserver: pickling the lock raises TypeError here
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f'Parent: the child read {seen.value}')
    print('verdict:', 'propagates' if seen.value == 100 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
