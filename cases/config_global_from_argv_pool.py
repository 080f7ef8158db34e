"""A config global set from the command line, read by Pool workers

A command-line tool keeps its settings in a module-level dictionary with
defaults, and `main()` fills it in from the parsed arguments (here the
`--start-method` option every case has). The work is done by `Pool`
workers that read the dictionary instead of receiving it. Under fork they
see the command line; under spawn and forkserver they see the defaults.

**Why.** Parsing the arguments happens only in the main process.

- Under **fork**, each worker is a copy of the parent taken when the
  `Pool` is created, after `main()` filled in the settings, so the workers
  have them.
- Under **spawn** and **forkserver**, each worker imports this file again
  as `__mp_main__`. That runs the top-level line that creates the
  defaults, but not the `__main__` block, so the arguments are never
  parsed there and the settings stay at their defaults.

Nothing fails: the workers silently run with the wrong settings. Send the
settings to every worker with `Pool(initializer=..., initargs=...)`
(`pool_initializer_global`), or pass them with each task. Python 3.14
makes forkserver the default on Linux (gh-84559); macOS has defaulted to
spawn since Python 3.8 (bpo-33725).

**Seen in the wild.** `ungoogled-software/ungoogled-chromium#3866`: a
`--domain-exclude-prefix` option appended to a module-level list was
missing in the `Pool` workers on Ubuntu 26.04 (Python 3.14, forkserver);
`dfm/emcee#335` and `krkn-chaos/cerberus#182`: globals read by workers
stopped reaching them on macOS with Python 3.8 (spawn).
"""
import argparse
import multiprocessing

FAMILY = 'globals-and-class-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['pool_initializer_global', 'process_pool_executor_initializer',
           'global_reassigned_in_main', 'state_passed_only_under_spawn']

# Defaults; main() overrides them from the command line.
CONFIG = {'source': 'module defaults', 'start_method': None}


def describe_config(task_number):
    # Runs in a worker and reads the global; nothing is passed but the number.
    return task_number, dict(CONFIG)


def main():
    # `parser` is the command line defined in the __main__ block below.
    args = parser.parse_args()
    CONFIG.update(source='command line', start_method=args.start_method)
    print(f'Parent CONFIG: {CONFIG}')
    with multiprocessing.Pool(processes=2) as pool:
        results = pool.map(describe_config, range(4))
    for task_number, seen in results:
        print(f'Task {task_number} sees CONFIG: {seen}')
    reached = all(seen == CONFIG for _, seen in results)
    print('verdict:', 'propagates' if reached else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
