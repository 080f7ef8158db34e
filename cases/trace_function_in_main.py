"""A trace function installed with sys.settrace() in the main block

Coverage tools and debuggers watch a program through a trace function
(`sys.settrace`; profilers through its sibling `sys.setprofile`), or from
3.12 through `sys.monitoring`. Here the parent installs a small tracer that
notes the name of every function called, as a coverage tool notes lines,
then starts a child. Under fork the child runs with the tracer and notes its
own calls; under spawn and forkserver it runs untraced, and a tool started
in the parent sees nothing of its code.

**Why.** A trace function belongs to one thread of the running interpreter,
the one that installed it, not to the operating-system process:

- Under **fork**, the child is a copy of the parent's interpreter, and its
  one thread is a copy of the thread that called `fork()` (here the one
  that called `start()`), tracer included. A child forked from another
  thread has none: a pool's replacement workers, forked by the pool's own
  thread, run untraced even under fork.
- Under **spawn**, the child is a new interpreter: nothing installs a tracer
  there, and the main block, which did in the parent, does not run.
- Under **forkserver**, the child is forked from the fork server, a fresh
  interpreter that never installed one.

A tool registered with `sys.monitoring`, which watches every thread of the
interpreter, fares the same across processes (observed on 3.12 and 3.13): a
fork child keeps it, a spawned or forkserver child has none.

Even under fork, what the tracer notes stays in the child's copy of memory:
nothing brings it back to the parent. And a fork child never runs the
`atexit` handlers it inherited (`atexit_in_child`), which is where a coverage
tool saves what it measured. So a tool must be started *in* each child, and
stopped there before the child ends, whatever the start method.

**The fix.** Let the tool do it. coverage.py, with its `concurrency =
multiprocessing` setting, patches `multiprocessing` so that every child,
under every start method, starts measuring as it begins and saves its data
as it ends (then `coverage combine`), provided it ends normally: workers
that a pool terminates save nothing. A debugger must attach itself to each
child too: debugpy (VS Code) does so by default, and its `subProcess`
setting turns that off. For a tracer of your own, install it in the child:
at the top of the target, or in a pool's `initializer`
(`pool_initializer_global`).

**Seen in the wild.** `microsoft/vscode-python#314`: breakpoints in the
target of a `multiprocessing.Process` were never hit on Windows (spawn):
"Debugger is working only in main process".
"""
import argparse
import multiprocessing
import signal
import sys

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['atexit_in_child', 'recursion_limit_in_main', 'pool_initializer_global']

called = set()  # what the tracer noted, in whichever process it runs


def tracer(frame, event, arg):
    called.add(frame.f_code.co_name)
    # Returning None: no line-by-line tracing inside the function, only its call.


def task(traced):
    # This tracer, not any: a tool that starts itself in every interpreter would bring its own.
    traced.value = sys.gettrace() is tracer
    print(f'Child: traced: {bool(traced.value)}; its tracer noted task(): {"task" in called}')


def main():
    previous = sys.gettrace()  # a coverage tool or debugger already at work, if any
    sys.settrace(tracer)
    try:
        traced = multiprocessing.Value('b', False)  # the child's report to the parent
        child = multiprocessing.Process(target=task, args=(traced,))
        child.start()
        child.join()
    finally:
        sys.settrace(previous)
    print(f'Parent: its tracer noted task(): {"task" in called}')  # the child's notes stay there
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print('verdict:', 'propagates' if traced.value else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
