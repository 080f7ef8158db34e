"""The hash of a string, in the parent and in its children

The parent computes `hash('some text')` and starts two children that compute
it too. Under fork both children get the parent's value; under spawn each
child gets a value of its own; under forkserver the two children agree with
each other but not with the parent.

**Why.** The hash of `str` and `bytes` is salted with a secret that each
interpreter picks at random when it starts (hash randomization, on by default
since Python 3.3, bpo-13703), unless the `PYTHONHASHSEED` environment
variable fixes it. The secret is never sent to a child:

- Under **fork**, the child is a copy of the parent's memory, secret
  included, so every hash is the same.
- Under **spawn**, every child is a new interpreter that draws its own
  secret: each child disagrees with the parent *and* with its siblings.
- Under **forkserver**, the fork server is a new interpreter with a secret
  of its own, and every child is forked from it: the children share the
  server's secret, and the parent's differs.

What breaks is anything that lets a hash leave its process: sharding or
partitioning by `hash(key) % n` in one process and looking up in another,
cache keys built from `hash()`, or relying on the iteration order of a set
of strings. The hashes of integers are not salted and do not change.

**`PYTHONHASHSEED` in the environment.** A seed set when the *parent*
started (tox, which runs this matrix, sets a random one for every run unless
told `--hashseed notset`) is inherited by spawned children and by the fork
server, and then every method agrees. That is the fix, not the default, so
this case removes the variable from `os.environ` before its first child
starts, prints that it did, and shows the default behaviour whatever
environment it runs in.
Setting `os.environ['PYTHONHASHSEED']` from inside the parent is not enough:
the parent's own secret was chosen when it started, so the children would
agree with each other but still not with the parent. PyPy 3.9 randomizes and
honours `PYTHONHASHSEED` the same way (its `sys.flags.hash_randomization`
reads 0 nonetheless, which is why the case compares hashes, not the flag).

**The fix.** Do not send `hash()` values between processes: use a stable
digest such as `hashlib.blake2b(key.encode()).digest()` or `zlib.crc32`, or
export `PYTHONHASHSEED` before the program starts.

**Seen in the wild.** dask's `Bag.groupby` stopped grouping strings
correctly once its multiprocessing scheduler switched to spawn
(`dask/dask#6640`, bisected to `dask/dask#4003`); `qdrant/quaterion#16`
(done in #18) set the fork start method for its cache workers, because
spawn, macOS's default, made the hash-based cache keys differ between
processes.
"""
import argparse
import multiprocessing
import os
import signal

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['random_module_state', 'environ_after_fork_server_started',
           'environ_before_first_child']

TEXT = 'some text'
SHARDS = 4


def task(hashes, index):
    hashes[index] = hash(TEXT)
    print(f'Child {index + 1}: hash({TEXT!r}) = {hashes[index]}, shard {hashes[index] % SHARDS}')


def main():
    # A seed the parent inherited would reach the children too (see the docstring): remove it
    # before the first child starts, so the children see the default, a random secret each.
    inherited = os.environ.pop('PYTHONHASHSEED', None)
    if inherited is not None:
        print(f'Removed PYTHONHASHSEED={inherited} from the environment before starting children')
    parent = hash(TEXT)
    print(f'Parent:  hash({TEXT!r}) = {parent}, shard {parent % SHARDS}')
    hashes = multiprocessing.Array('q', 2)  # each child's report to the parent (64-bit)
    children = [multiprocessing.Process(target=task, args=(hashes, index)) for index in range(2)]
    for child in children:
        child.start()
    for child in children:
        child.join()
    for child in children:
        if child.exitcode != 0:
            # The child raised (its traceback is on stderr) or a signal killed it.
            crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
            print(f'verdict: error{crash}')
            return
    seen = list(hashes)
    print(f'Parent: the children agree with each other: {seen[0] == seen[1]}; '
          f'with the parent: {[value == parent for value in seen]}')
    print('verdict:', 'propagates' if all(value == parent for value in seen) else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
