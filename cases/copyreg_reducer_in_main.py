"""A copyreg reducer registered in the main block, needed by the child

Objects of the `Job` class hold a `threading.Lock`, which pickle refuses. The
parent teaches pickle to handle locks, `copyreg.pickle(LockType,
reduce_lock)`, in its main block, starts a child with a job, and the child
sends the job back through a `Pipe`. Under fork the round trip works; under
spawn and forkserver the child's `send()` raises `TypeError`: the child has
never heard of the reducer.

**Why.** `copyreg.pickle()` adds an entry to `copyreg.dispatch_table`, an
ordinary dict in the memory of the process that called it. Pickling *into*
the child happens in the parent, which has the entry, so every method gets
the job to the child. Pickling *out of* the child happens in the child:

- Under **fork**, the child is a copy of the parent, registration included,
  so its `send()` can pickle the lock.
- Under **spawn** and **forkserver**, the child is a new interpreter that
  imports this script as `__mp_main__` without running the main block. Its
  dispatch table has no entry for locks, and pickling the job fails with
  `TypeError: cannot pickle '_thread.lock' object` (PyPy's pure-Python
  pickle raises `pickle.PicklingError` instead).

The same goes for `multiprocessing.reduction.register()` and for any
registry filled at run time. The fix: register at module level (top-level
code runs again in every spawned child), or give the class its own
`__reduce__` or `__getstate__` (`getstate_drops_field`), which travels with
the class itself.
"""
import argparse
import copyreg
import multiprocessing
import signal
import threading

FAMILY = 'pickling'
DIRECTION = 'child-to-parent'
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
RELATED = ['getstate_drops_field', 'object_holding_lock_argument', 'pipe_result']


class Job:
    def __init__(self, name):
        self.name = name
        self.lock = threading.Lock()  # for the threads of whichever process holds the job
        self.done = False


def reduce_lock(lock):
    return threading.Lock, ()  # a fresh, unlocked lock on the other side


def task(job, results):
    job.done = True
    print(f'Child finished {job.name!r} and sends it back')
    results.send(job)  # pickled in the child: needs the reducer here too
    results.close()


def main():
    copyreg.pickle(type(threading.Lock()), reduce_lock)  # only in this process
    receiver, sender = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.Process(target=task, args=(Job('report'), sender))
    child.start()  # pickled in the parent (spawn/forkserver): the reducer is here
    sender.close()
    try:
        job = receiver.recv() if receiver.poll(10) else None
    except EOFError:  # the child died before sending
        job = None
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f'Parent received the job back, done: {job is not None and job.done}')
    print('verdict:', 'propagates' if job is not None and job.done else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
