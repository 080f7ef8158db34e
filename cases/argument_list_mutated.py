"""A list and a dict argument mutated in place by the child

The parent passes a list and a dict to a child process; the child appends to
the list and adds a key to the dict, in place, without rebinding anything.
After `join()` the parent's list and dict are unchanged, whatever the start
method.

**Why.** "Mutating in place" only helps when both sides hold the *same*
object, and two processes never do.

- Under **fork**, the child starts from a copy-on-write image of the parent's
  memory. `append()` writes into the child's private copy of the list's pages;
  the parent's pages are untouched.
- Under **spawn** and **forkserver**, `Process.start()` pickles the arguments,
  and the child unpickles a new list and a new dict that merely have equal
  contents.

This is the trap behind the common "my worker filled the results list but it
is empty afterwards" question. Send results back instead (`queue_result`,
`pipe_result`), or make the container itself shared: a manager list or dict
(`manager_list`, `manager_dict`) lives in a server process and every process
talks to it through a proxy.

**Seen in the wild.** `RTXteam/RTX#1236`: log messages that worker processes
added to the response object they were handed never showed up in the
parent's response: the processes had been given copies, and the fix was to
merge those into the main response on completion.
"""
import argparse
import multiprocessing

FAMILY = 'instance-attributes'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['manager_list', 'manager_dict', 'queue_result', 'pipe_result',
           'instance_attribute_plain']


def task(results, status):
    # In-place mutations: the names still point at the objects the child received.
    results.append(100)
    status['done'] = True
    print(f'Child results: {results}, status: {status}')


def main():
    results = []
    status = {}
    child = multiprocessing.Process(target=task, args=(results, status))
    child.start()
    child.join()
    if child.exitcode != 0:
        print('verdict: error')
        return
    print(f'Parent results: {results}, status: {status}')
    seen = results == [100] and status == {'done': True}
    print('verdict:', 'propagates' if seen else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
