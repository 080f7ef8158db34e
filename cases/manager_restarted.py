"""A proxy kept from a manager that was shut down and replaced

The parent starts a `SyncManager`, stores a greeting in a dict it serves,
shuts the manager down, and starts a new one in its place. A child receives
a proxy from each. Through the new manager's proxy the child sees an empty
dict: the old server's state is gone. Through the old proxy it cannot see
anything: the first call raises `FileNotFoundError`, under every start
method.

**Why.** A manager's objects live in its server process, and a proxy is only
an address (plus the object's id and the authentication key) of that
server:

- `shutdown()` (here, leaving the `with` block) stops the server process.
  Everything it held is lost; a new manager is a new, empty server at a new
  address, and nothing carries the old state over.
- The proxy object itself survives in the parent and can still be handed to
  a child. Under **spawn** and **forkserver** it is pickled as its token
  (address and id), which never contacts the server; under **fork** the
  child gets a copy of it, and the failed reconnection after the fork is
  only logged. Either way the child's first method call opens a connection
  to the old address. On Linux and macOS that address is a Unix socket in
  the server's temporary `pymp-*` directory, which the server removed when it
  exited, so `connect()` fails with `FileNotFoundError` (not
  `ConnectionRefusedError`: there is no file left to refuse).
- On **Windows** the address is a named pipe, and connecting to a pipe that
  no longer exists fails with `ERROR_FILE_NOT_FOUND`, which Python also
  raises as `FileNotFoundError` (predicted, not observed).

A proxy that was already connected before the shutdown fails differently, on
its next call, with `EOFError` or `BrokenPipeError` depending on timing; this
case hands the child proxies it has to connect itself, so the error is
always the same.

**The fix.** Keep one manager for as long as its objects are used, and
after a restart hand every process new proxies from the new manager, with
the state it needs stored again. A `BaseManager` cannot be started twice
(its `start()` raises `ProcessError` once it has shut down).

**Seen in the wild.** `brickbots/PiFinder#476`: when the manager process
that owned the shared state died, every worker's proxy failed on its next
call (`BrokenPipeError`, `ConnectionResetError` or `EOFError`) and retrying
never reconnected it; the solver logged "Broken pipe" every two seconds. The
pull request proposes shutting the workers down cleanly instead.
"""
import argparse
import multiprocessing
import signal

FAMILY = 'managers'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'error (FileNotFoundError)', 'spawn': 'error (FileNotFoundError)',
            'forkserver': 'error (FileNotFoundError)'}
RELATED = ['manager_dict', 'manager_created_at_import', 'manager_proxy_to_sibling']


GREETING = 'hello from the old manager'


def task(new, old):
    # The new server knows nothing of what the old one held.
    print(f"Child, new manager: greeting = {new.get('greeting')!r}")
    new['greeting'] = old['greeting']  # the old proxy's call raises: its server is gone
    print(f"Child, old manager: greeting = {new['greeting']!r}")


def main():
    with multiprocessing.Manager() as old_manager:
        old = old_manager.dict(greeting=GREETING)
        print(f"Parent, old manager: greeting = {old['greeting']!r}")
    print('Parent shut the old manager down')
    with multiprocessing.Manager() as new_manager:
        new = new_manager.dict()
        child = multiprocessing.Process(target=task, args=(new, old))
        child.start()
        child.join()
        seen = new.get('greeting')  # what the child passed on from the old manager
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f'Parent: the child passed on {seen!r}')
    print('verdict:', 'propagates' if seen == GREETING else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
