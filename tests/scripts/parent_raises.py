"""The parent raises after its child ran

The traceback names `_pickle.PicklingError`; the runner records the bare type.
"""
import argparse
import multiprocessing
import pickle

FAMILY = 'process-wide-state'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'error', 'spawn': 'error', 'forkserver': 'error'}


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
