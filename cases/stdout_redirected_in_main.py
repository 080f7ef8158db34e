"""Standard output redirected in the parent, printed to by the child

The parent sends its output to a log file with `contextlib.redirect_stdout`
and starts a child that prints a line. Under fork the line lands in the log
file; under spawn and forkserver it goes to the process's real standard
output (the terminal, or whatever the program's caller connected), and the log
file never sees it.

**Why.** `redirect_stdout` does not touch the process's standard output, file
descriptor 1: it only rebinds the Python object `sys.stdout` to the log file.

- Under **fork**, the child is a copy of the parent, `sys.stdout` included: it
  prints into its copy of the open log file, which shares the parent's file
  descriptor, and the child flushes it as it exits.
- Under **spawn**, the child is a new interpreter whose `sys.stdout` is built
  afresh on file descriptor 1, which it inherited from the parent: the real
  output.
- Under **forkserver**, the child is forked from the fork server, a fresh
  interpreter too: `sys.stdout` is the server's, on the server's descriptor 1.

Jupyter and IDLE replace `sys.stdout` the same way, which is why prints from
spawned children show up in the terminal that started the notebook instead
of under the cell.

Redirecting at the level of the file descriptor (`os.dup2(log.fileno(), 1)`)
reaches spawned children as well on Linux and macOS, but not those of a fork
server started before the redirect: the server kept the descriptor it was started with. A
test that captures output with pytest's `capfd` fixture meets exactly that
under forkserver once an earlier test has started the fork server. And with
an `io.StringIO` in place of the file, even a forked child's lines are lost:
it writes into its own copy of the buffer.

**The fix.** Do not count on the parent's `sys.stdout`: let the child write
to a destination it is given (open the path in the child, in append mode), or
send its lines back to the parent (a `Queue`; for logs, `logging`'s
`QueueHandler`: see `logging_config_in_main`).

**Seen in the wild.** `jupyterlab/jupyterlab#9668`: the prints of spawned
children went to the terminal instead of the cell output. `spack/spack#51663`:
on Python 3.14, with forkserver the default, a child's output no longer went
to the file that pytest had put in place for the test; Spack now hands its
children their standard output and error when the start method is forkserver.
"""
import argparse
import contextlib
import multiprocessing
import os
import tempfile

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['logging_config_in_main', 'open_file_argument', 'inherited_fd_number']

LINE = 'Child: this line was printed by the child'


def task():
    print(LINE)  # to whatever sys.stdout is in the child


def main():
    with tempfile.TemporaryDirectory() as directory:
        log_path = os.path.join(directory, 'log.txt')
        with open(log_path, 'w') as log, contextlib.redirect_stdout(log):
            child = multiprocessing.Process(target=task)
            child.start()
            child.join()
        with open(log_path) as log:
            captured = log.read()
    print(f'The log file holds: {captured!r}')
    if child.exitcode != 0:
        print('verdict: error')
        return
    print('verdict:', 'propagates' if LINE in captured else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
