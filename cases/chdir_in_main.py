"""The working directory changed in the main block

In code reached only from `if __name__ == '__main__':`, the parent changes
its working directory with `os.chdir()`, then starts a child. The child starts
in the same directory under every start method.

**Why.**

- Under **fork**, the working directory is an attribute of the process, and
  the forked child inherits it like everything else.
- Under **spawn**, the new interpreter would start in whatever directory the
  parent was in when it launched it, but `multiprocessing` does not rely on
  that: the *preparation data* it sends before the process object
  (`multiprocessing.spawn.get_preparation_data()`) holds `dir`, the parent's
  `os.getcwd()` at `start()`, and the child calls `os.chdir()` on it first
  thing. The same data also holds `orig_dir`, the directory the parent was in
  when it imported `multiprocessing`, which is how a child still finds a
  main script that was run by a relative path.
- Under **forkserver**, the fork server keeps the directory it was started in,
  but every child receives the same preparation data from the parent and
  changes to `dir` before running the target.

So the child's relative paths mean what they mean in the parent at the moment
of `start()`. A later `os.chdir()` in the parent (or any `chdir` in a child)
is not shared: the working directory is per process.
"""
import argparse
import multiprocessing
import os
import tempfile

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
RELATED = ['sys_path_inserted_in_main', 'environ_before_first_child']


def task(queue):
    print(f'Child working directory: {os.getcwd()}')
    queue.put(os.getcwd())


def main():
    original = os.getcwd()
    # Made before the chdir: under spawn and forkserver the queue's lock starts the
    # resource tracker, a helper process that must not be left starting up in a
    # directory about to be removed (CPython 3.13.0 cannot import socket there).
    queue = multiprocessing.Queue()
    with tempfile.TemporaryDirectory() as workdir:
        # main() is called only from the __main__ block, so only the parent runs this line.
        os.chdir(workdir)
        try:
            print(f'Parent working directory: {os.getcwd()}')
            child = multiprocessing.Process(target=task, args=(queue,))
            child.start()
            child.join()
            if child.exitcode != 0:
                print('verdict: error')
                return
            seen = queue.get()  # one short string: already in the pipe, so joining first is safe
            # samefile, not ==: on macOS the temporary directory is reached through a symlink.
            same = os.path.samefile(seen, workdir)
        finally:
            os.chdir(original)  # leave the directory so that it can be removed
    print('verdict:', 'propagates' if same else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
