"""An attribute the parent changes after start()

The parent passes an object to a child, starts it, and only then changes one
of the object's attributes. It tells the child through an `Event`; the child
wakes up, reads the attribute, and still finds the old value, whatever the
start method.

**Why.** The child's copy of the object is taken once, inside `start()`:

- Under **fork**, `start()` calls `os.fork()`, which copies the parent's
  memory at that instant (copy-on-write). Whatever the parent assigns later
  lands in pages the child no longer shares.
- Under **spawn** and **forkserver**, `start()` pickles the target and its
  arguments into bytes and writes them to the new process, which builds its
  own object from them. The bytes were fixed inside `start()`; a later
  assignment in the parent changes an object the child never hears about.

The `Event` itself does work after start: it is built on semaphores that the
operating system shares between the processes, so the child really is woken
up by the parent's `set()` (see `event_signal`).
The signal arrives; the data does not travel with it. To change something in
a running child, send the new value through a queue or pipe (`queue_result`
shows the child-to-parent direction), or keep it in shared memory or a manager
from the start: an attribute backed by a `multiprocessing.Value`
(`instance_attribute_value`) or a manager namespace (`manager_namespace`).

**Seen in the wild.** `razzant/ouroboros#285`: workers snapshot their
reviewer settings when they are spawned, so a setting saved later kept being
ignored by the running workers until a restart.
"""
import argparse
import multiprocessing

FAMILY = 'instance-attributes'
DIRECTION = 'parent-to-child-after-start'
EXPECTED = {'fork': 'isolated', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['instance_attribute_value', 'manager_namespace', 'event_signal', 'queue_result',
           'instance_attribute_plain']


class Settings:
    """An ordinary object: its attribute lives in the memory of one process."""

    def __init__(self):
        self.level = 'info'


def task(settings, changed, report):
    print(f'Child at start: {settings.level}')
    changed.wait()
    print(f'Child after being told: {settings.level}')
    report.send(settings.level)  # tell the parent what the child saw
    report.close()


def main():
    settings = Settings()
    changed = multiprocessing.Event()
    reader, writer = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.Process(target=task, args=(settings, changed, writer))
    child.start()
    writer.close()  # the child has its own end now

    settings.level = 'debug'
    print(f'Parent changed the level to: {settings.level}')
    changed.set()

    child.join()
    if child.exitcode != 0:
        print('verdict: error')
        return
    seen = reader.recv()
    reader.close()
    print(f'Parent: the child saw {seen!r}')
    print('verdict:', 'propagates' if seen == 'debug' else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
