"""The parent raises after its child ran

The traceback names `_pickle.PicklingError` (`pickle.PicklingError` on PyPy); the runner records
it as printed, module included.
"""
import argparse
import multiprocessing
import pickle

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'error (_pickle.PicklingError)', 'spawn': 'error (_pickle.PicklingError)',
            'forkserver': 'error (_pickle.PicklingError)'}
OVERRIDES = [{'implementation': 'pypy', 'why': 'PyPy has no _pickle: pickle.PicklingError.',
              'expect': {'fork': 'error (pickle.PicklingError)', 'spawn': 'error (pickle.PicklingError)',
                         'forkserver': 'error (pickle.PicklingError)'}}]


def main():
    child = multiprocessing.Process(target=print, args=('child ran',))
    child.start()
    child.join()
    raise pickle.PicklingError('cannot pickle this')


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
