"""A stub module put into sys.modules by the main block

The parent replaces a module with a stub before anything imports it,
`sys.modules['smtplib'] = stub`, the way a test run or a dry-run mode keeps
code from sending real e-mail. It then starts a child whose target does
`import smtplib`. Under fork the child gets the stub; under spawn and
forkserver it silently gets the real `smtplib`.

**Why.** `import` looks in `sys.modules` first, and `sys.modules` is a dict
in the memory of each interpreter:

- Under **fork**, the child is a copy of the parent, dict included, so
  `import smtplib` returns the stub.
- Under **spawn**, the child is a new interpreter: its `sys.modules` holds
  only what it imported itself, so `import smtplib` loads the real module
  from the standard library. The main block that installed the stub does
  not run in the child.
- Under **forkserver**, the child is forked from the fork server, which never
  ran the parent's main block either: the real module again.

No error tells you: the child just talks to a real mail server. The same
happens to `unittest.mock.patch.dict(sys.modules, ...)` and to attributes
patched on a real module (`mock_patch_in_parent`). The fixes: install the
stub where the child runs too (at module level of a module the child
imports, or in a pool's `initializer`), or make the choice explicit and pass
it as an argument (a `dry_run` flag the child acts on).

**Seen in the wild.** python/cpython#135583 and pytest-dev/pytest#12045
(patches applied in the parent, not in spawned children).
"""
import argparse
import multiprocessing
import signal
import sys
import types

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['mock_patch_in_parent', 'sys_path_inserted_in_main', 'pool_initializer_global']


def task(seen):
    import smtplib  # found in sys.modules if this process has the stub
    stubbed = getattr(smtplib, 'IS_STUB', False)
    print(f'Child imported smtplib: stub = {stubbed}')
    seen.value = stubbed


def main():
    stub = types.ModuleType('smtplib')
    stub.IS_STUB = True  # a real stub would also record the mail it is asked to send
    sys.modules['smtplib'] = stub
    seen = multiprocessing.Value('b', 0)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(seen,))
    child.start()
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f'Parent: the child got the stub: {bool(seen.value)}')
    print('verdict:', 'propagates' if seen.value else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
