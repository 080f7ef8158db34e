"""Names the exception it meant to show, not the one that happened

The child misspells a name and raises NameError; the parent prints the RuntimeError the case
was written to show. The type of an exception comes from its traceback, never from the verdict.
"""
import argparse
import multiprocessing

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'error (RuntimeError)', 'spawn': 'error (RuntimeError)',
            'forkserver': 'error (RuntimeError)'}


def task():
    raise RuntimeErorr('context has already been set')  # noqa: F821 - the typo is the point


def main():
    child = multiprocessing.Process(target=task)
    child.start()
    child.join()
    print('verdict: error (RuntimeError)')


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
