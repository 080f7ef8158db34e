"""Logging configured in the main block

In code reached only from `if __name__ == '__main__':`, the parent calls
`logging.basicConfig()` (a handler on the root logger, level `INFO`), then
starts a child that logs at `INFO`. Under fork the child's message comes out
through the parent's handler; under spawn and forkserver the child's root
logger is unconfigured and the message is silently dropped.

**Why.** Logging configuration is ordinary Python state: the root logger
object, its level and its list of handlers, all in the `logging` module.

- Under **fork**, the child is a copy of the parent's memory, so its root
  logger already has the handler and the level. (CPython re-creates the
  handlers' locks in the child so that a lock held at fork time cannot
  deadlock it.)
- Under **spawn**, the child is a new interpreter: it imports `logging` fresh
  and re-imports the script as `__mp_main__`, which does not run the
  `__main__` block. Its root logger has no handler and level `WARNING`, so an
  `INFO` record goes nowhere (the last-resort handler prints only `WARNING`
  and above, to stderr). The only logging setting `multiprocessing` carries
  across is its *own* logger's, set by `multiprocessing.log_to_stderr()`.
- Under **forkserver**, the child is forked from the fork server, which never
  ran the `__main__` block either: same result as spawn.

**The fix.** Configure logging where the child runs: at the start of the
target or in a pool initializer (`pool_initializer_global`), passing the
level and format as arguments. To get every record into one place, have the
children send records to the parent through a `logging.handlers.QueueHandler`
and let a `QueueListener` in the parent write them (see `queue_result` for
the queue itself).

**Seen in the wild.** `taskiq-python/taskiq#435` fixed worker logging under
spawn; `blakeblackshear/frigate#18704` re-applied its per-process logging
configuration in the children after moving to forkserver.
"""
import argparse
import logging
import multiprocessing
import sys

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['pool_initializer_global', 'queue_result', 'signal_handler_in_main',
           'stdout_redirected_in_main']


def describe(logger):
    level = logging.getLevelName(logger.level)
    return f'level {level}, {len(logger.handlers)} handler(s)'


def task(queue):
    root = logging.getLogger()
    print(f'Child root logger: {describe(root)}')
    sys.stdout.flush()  # keep our own line ahead of the handler's output
    logging.info('Hello from the child')  # printed only if the handler came along
    queue.put((root.level, len(root.handlers)))


def main():
    # main() is called only from the __main__ block, so only the parent runs this line.
    logging.basicConfig(level=logging.INFO, stream=sys.stdout,
                        format='%(processName)s %(levelname)s: %(message)s')
    root = logging.getLogger()
    print(f'Parent root logger: {describe(root)}')
    sys.stdout.flush()
    queue = multiprocessing.Queue()
    child = multiprocessing.Process(target=task, args=(queue,))
    child.start()
    child.join()
    if child.exitcode != 0:
        print('verdict: error')
        return
    level, handlers = queue.get()  # one small tuple: already in the pipe, so joining first is safe
    configured = level == logging.INFO and handlers == len(root.handlers)
    print('verdict:', 'propagates' if configured else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
