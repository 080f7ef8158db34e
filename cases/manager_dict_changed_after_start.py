"""A Manager().dict() the parent changes after start(), read by the running child

The parent hands a manager dict proxy to a child, starts it, and then stores
a new value in the dict and sets an `Event`. The child, waiting on the event,
reads the new value through its proxy, whatever the start method.

**Why.** The dict lives in the manager's server process, and both the parent
and the child only hold proxies that forward every read and write to the
server. A write made after start is simply a later request to the same
server, and the child's read that follows it asks the same server:

- Under **fork**, the child inherits a copy of the proxy, which opens its own
  connection to the server on first use.
- Under **spawn** and **forkserver**, `Process.start()` pickles the proxy's
  token and the authentication key, and the child rebuilds it.

The `Event` only orders the two requests. A manager costs a server process
and a round trip per access; for a number or a flag, a `Value`
(`value_changed_after_start`) or an `Event` alone (`event_signal`) is
cheaper. A manager earns its keep when the data is a structure, or when the
process to reach was not given anything at start (the proxy itself can be
sent later, `manager_proxy_to_sibling`).
"""
import argparse
import multiprocessing
import signal

FAMILY = 'managers'
DIRECTION = 'parent-to-child-after-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['manager_dict', 'value_changed_after_start', 'attribute_changed_after_start']


def task(settings, changed, seen):
    print(f"Child's first read: {settings['mode']}")
    changed.wait(timeout=10)
    seen.value = settings['mode'] == 'fast'
    print(f"Child after the parent's change: {settings['mode']}")


def main():
    with multiprocessing.Manager() as manager:
        settings = manager.dict(mode='slow')
        changed = multiprocessing.Event()
        seen = multiprocessing.Value('b', 0)  # the child's report to the parent
        child = multiprocessing.Process(target=task, args=(settings, changed, seen))
        child.start()
        settings['mode'] = 'fast'  # after start(): the child is already running
        print("Parent set mode to 'fast' after start()")
        changed.set()
        child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f"Parent: the child saw 'fast': {bool(seen.value)}")
    print('verdict:', 'propagates' if seen.value else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
