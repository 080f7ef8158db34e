"""A resource limit lowered in the main block

The parent lowers its soft limit on open files with
`resource.setrlimit(RLIMIT_NOFILE, ...)` before starting a child, which
reads the limit back. The child has the lowered limit under every start
method, on Linux and macOS. On Windows there is no `resource` module.

**Why.** Resource limits are kept by the kernel for each process, not by
Python, and a new process inherits them from the one that creates it, across
`exec` too:

- Under **fork**, the child is a copy of the parent and inherits its limits.
- Under **spawn**, the child is created with `fork` + `exec`; `exec`
  replaces the program but keeps the limits, so the new interpreter starts
  with the parent's. This is what sets limits apart from Python-level
  settings such as a signal handler (`signal_handler_in_main`) or the
  recursion limit (`recursion_limit_in_main`), which a spawned child does
  not get.
- Under **forkserver**, the fork server is itself spawned by the parent when
  the first child starts (here, after the change), and forks every child
  from itself, so they inherit the limits the server was started with. A
  limit changed *after* the fork server started does not reach them, like
  an environment variable (`environ_after_fork_server_started`).

Windows has no `resource` module (Python docs: "Availability: Unix"): the
script fails at `import resource` with `ModuleNotFoundError`.
"""
import argparse
import multiprocessing
import resource
import signal

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'propagates', 'forkserver': 'propagates'}
OVERRIDES = [
    {
        'os': 'windows',
        'expect': {'spawn': 'error (ModuleNotFoundError)'},
        'why': 'The resource module is only available on Unix (Python docs, resource).',
    },
]
RELATED = ['environ_before_first_child', 'environ_after_fork_server_started',
           'recursion_limit_in_main']


def task(seen):
    seen.value, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    print(f'Child: soft limit on open files: {seen.value}')


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    # One less than before: lowering a soft limit needs no privilege.
    lowered = (soft if soft != resource.RLIM_INFINITY else 4096) - 1
    resource.setrlimit(resource.RLIMIT_NOFILE, (lowered, hard))
    print(f'Parent lowered its soft limit on open files to {lowered}')
    seen = multiprocessing.Value('l', 0)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(seen,))
    child.start()
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f'Parent: the child had {seen.value}')
    print('verdict:', 'propagates' if seen.value == lowered else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
