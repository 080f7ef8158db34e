"""An environment variable changed in the child

The child sets a variable in its `os.environ`. The parent never sees it,
whatever the start method.

**Why.** Every process has its own environment. A child receives a copy when
it starts: under **fork** as part of the copy of the parent's memory; under
**spawn** as the environment the operating system hands the new interpreter;
under **forkserver** from the fork server, which got its own copy when it was
launched. From then on the copies are unrelated. Assigning to `os.environ` in
the child updates the child's dictionary and, through `putenv()`, the child's
C-level environment; there is no portable way to write into another
process's environment. The change lasts until the child exits, and is seen
only by the child and the programs *it* starts.

To send a value back, send it as data: a queue or a pipe (`queue_result`,
`pipe_result`), or a shared value.

**Seen in the wild.** SiliconCompiler runs each task in its own
`multiprocessing` process and sets the tool's variables in `os.environ`
there; asked whether they leak into later runs
(`siliconcompiler/siliconcompiler#1080`), the maintainers showed that such
changes "are not propagated back to the main thread".
"""
import argparse
import multiprocessing
import os

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['queue_result', 'pipe_result', 'environ_before_first_child']

NAME = 'MPMATRIX_RESULT'


def task():
    os.environ[NAME] = 'set by the child'
    print(f'Child set {NAME}={os.environ[NAME]}')


def main():
    os.environ.pop(NAME, None)
    child = multiprocessing.Process(target=task)
    child.start()
    child.join()
    if child.exitcode != 0:
        print('verdict: error')
        return
    seen = os.environ.get(NAME)
    print(f'Parent sees {NAME}={seen}')
    print('verdict:', 'propagates' if seen == 'set by the child' else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
