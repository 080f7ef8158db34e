"""A Borg singleton configured in the parent, read in the child

The Borg (or "monostate") pattern gives every instance the same `__dict__`,
kept in a class attribute, so that configuring one instance configures them
all. The parent configures it; the child makes a new instance and reads the
setting. Under fork the child sees the parent's setting; under spawn and
forkserver it sees an unconfigured Borg.

**Why.** The shared state is a plain dict stored on the class, that is, in
the module's memory, and each start method builds that memory differently:

- Under **fork**, the child is a copy of the parent's memory: the class, its
  `_shared_state` dict and the setting in it are all there, so a new instance
  in the child picks the setting up.
- Under **spawn**, the child is a fresh interpreter that imports the main
  script again as `__mp_main__`. The `class` statement runs again and creates
  a new, empty `_shared_state`; `main()`, where the parent configured it, is
  behind the `__main__` guard and does not run.
- Under **forkserver**, the child is forked from the fork server, a fresh
  interpreter that never ran `main()`; the child (or, from Python 3.13.8 and
  3.14.1, the server itself, python/cpython#126631) imports the main script
  as `__mp_main__` just as spawn does, with the same empty dict.

A module-level singleton or configuration object behaves the same way. Even
passing a Borg *instance* as a `Process` argument does not help other
instances: it is unpickled without running `__init__`, so it gets a private
copy of the settings instead of joining the child's `_shared_state`.

The fix is to send the configuration explicitly: pass it as an argument and
apply it at the top of the child (or in a `Pool` initializer, see
`pool_initializer_global`), or keep it in a manager (`manager_namespace`).

**Seen in the wild.** PyPhi's configuration object lost interactive changes
in worker processes once Python 3.8 made spawn the default on macOS
(wmayner/pyphi#38); antiSMASH's `get_config()` singleton came back empty in
spawned pool workers (antismash/antismash#363).
"""
import argparse
import multiprocessing

FAMILY = 'instance-attributes'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['pool_initializer_global', 'manager_namespace', 'class_attribute_patched_in_main',
           'global_reassigned_in_main']


class Config:
    """Every instance shares one __dict__: the class attribute _shared_state."""

    _shared_state = {}

    def __init__(self):
        self.__dict__ = self._shared_state


def task(answer):
    level = getattr(Config(), 'log_level', 'unset')
    print(f'Child: Config().log_level = {level}')
    answer.send(level)
    answer.close()


def main():
    Config().log_level = 'debug'
    print(f'Parent: Config().log_level = {Config().log_level}')
    reader, writer = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.Process(target=task, args=(writer,))
    child.start()
    writer.close()  # the child has its own end now
    child.join()
    if child.exitcode != 0:
        print('verdict: error')
        return
    seen = reader.recv()
    reader.close()
    print('verdict:', 'propagates' if seen == 'debug' else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
