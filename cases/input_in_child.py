"""input() called in a child process

The parent's standard input holds a line, as when a program is run as
`echo 42 | python script.py` or answers a prompt typed at a terminal. A
child calls `input()` for it, and gets `EOFError` (CPython's message: "EOF
when reading a line") under every start method; the line is still there
for the parent, which reads it after the child has ended. A `breakpoint()`
in a child meets the same end of file: `pdb` quits at once, and the child
dies with `bdb.BdbQuit` (from 3.14, python/cpython#124703, it asks "Quit
anyway?", reads the end of file and exits with code 1).

**Why.** Before it runs the target, every child of `multiprocessing` whose
`sys.stdin` is not `None` replaces it with `os.devnull`
(`multiprocessing.util._close_stdin()`), so that a parent and its children
do not compete through `sys.stdin`:

- Under **fork**, the child is a copy of the parent, `sys.stdin` included,
  until that replacement.
- Under **spawn**, the child is a new interpreter, which opens its
  `sys.stdin` on the same file descriptor 0 as the parent's, then replaces
  it in the same way.
- Under **forkserver**, the child is forked from the fork server, which
  replaced its own `sys.stdin` when it started (after its preload); the
  child replaces the copy.

Only the Python object is replaced: file descriptor 0 stays open in the
child on the parent's input (under forkserver, on the input the parent had
when it started the fork server). So a program the child starts with
`subprocess`, or code that reads descriptor 0 itself, still takes lines
the parent was waiting for. (Under fork, unless the parent's own
`sys.stdin` owned descriptor 0, as `open(0)` does: the child's `close()`
then closes it too.)

**The fix.** Read the input in the parent and send the child what it needs:
as an argument, or through a `Queue` or `Pipe` while it runs
(`queue_put_after_start`). A child that must talk to the terminal itself
(a debugger) can reopen descriptor 0 with `sys.stdin = open(0)` on POSIX,
as long as only one process reads it at a time. On Windows a child
inherits no handles (`CreateProcess` with `bInheritHandles` false), and
whether its descriptor 0 reaches the parent's input is not checked here;
`Pylons/hupper#16` relays the input to its child through a pipe.

**Seen in the wild.** `Jingkang50/OpenOOD#135`: when the experiment
directory already existed, the program asked for input from inside the
workers started by `torch.multiprocessing.spawn`, and failed with
`EOFError`. `spack/spack#2535` makes the copy of the parent's input stream
it passes to its build process that process's `sys.stdin`, since reading
there raised `EOFError`; `Pylons/hupper#15` moves the parent's input onto
descriptor 0 in its child, so that `input()`, and `pdb` with it, get
readline's line editing there.
"""
import argparse
import multiprocessing
import os
import signal
import sys

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['queue_put_after_start', 'stdout_redirected_in_main', 'inherited_fd_number']

LINE = '42'


def task(got_line):
    if sys.stdin is None:  # started with no standard input at all: nothing of the parent's either
        print('Child: no sys.stdin')
        return
    try:
        answer = input()
    except EOFError as error:  # the point of the case: printed, not raised (not an error verdict)
        print(f'Child: EOFError: {error}')
        return
    print(f'Child: read {answer!r}')
    got_line.value = True


def pipe_line_into_stdin():
    """Make the parent's standard input a pipe holding LINE, as `echo 42 | python ...` would
    (the runner starts every case with its input from /dev/null)."""
    read_end, write_end = os.pipe()
    os.write(write_end, f'{LINE}\n'.encode())
    os.close(write_end)
    if read_end == 0:  # standard input was closed (`<&-`): the pipe took its place
        os.set_inheritable(0, True)  # as dup2 would have made it, for spawned children
    else:
        os.dup2(read_end, 0)
        os.close(read_end)
    # closefd=False, like the interpreter's own sys.stdin: a forked child's _close_stdin() would
    # otherwise close descriptor 0 itself.
    sys.stdin = open(0, closefd=False)


def main():
    pipe_line_into_stdin()
    got_line = multiprocessing.Value('b', False)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(got_line,))
    child.start()
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f'Parent: read {sys.stdin.readline().strip()!r} after the child ended')
    print('verdict:', 'propagates' if got_line.value else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
