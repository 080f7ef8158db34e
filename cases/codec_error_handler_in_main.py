"""A codec error handler registered in the main block, used by the child

The parent registers an error handler of its own under the name
`'mark_undecodable'` with `codecs.register_error()` in its main block, then
starts a child that decodes bytes which are not valid UTF-8 with
`errors='mark_undecodable'`. Under fork the child decodes them with the
parent's handler; under spawn and forkserver its `decode()` raises
`LookupError: unknown error handler name 'mark_undecodable'` (PyPy prints the
name without quotes).

**Why.** `codecs.register_error()` adds the handler to the codec registry of
the interpreter that calls it: a table in that process's memory, which starts
out holding only the built-in handlers (`strict`, `replace`,
`surrogateescape` and the rest). A `decode()` call names its handler with a
string, `errors='mark_undecodable'`, and looks that name up in the registry of
the process it runs in when it meets the first byte it cannot decode.

- Under **fork**, the child is a copy of the parent, registry included, so
  the name is found.
- Under **spawn**, the child is a new interpreter with the built-in handlers
  only. It imports this script as `__mp_main__`, which runs the top-level
  code but not the main block, so the registration never happens there.
- Under **forkserver**, the child is forked from the fork server, a fresh
  interpreter that never ran the main block either.

The child fails only when it meets bytes its encoding cannot decode: with
clean input it works, so the bug waits for the first undecodable byte in a
log line or a file. (Python's development mode, `-X dev`, checks the name on
every call from 3.9 on, and fails at once.) A search function added with
`codecs.register()`, an encoding of one's own, is kept in the same registry
and is lost the same way, but fails sooner: an encoding is looked up on every
call, so the child's first `decode()` raises `LookupError: unknown encoding`,
whatever the input.

**The fix.** Register the handler at module level: spawn and forkserver
children run the script's top-level code too (recent releases run it once in
the fork server, whose children inherit it). Or register it in the child
itself: at the start of the target, or in a pool's `initializer`
(`pool_initializer_global`).

**Seen in the wild.** siliconcompiler/siliconcompiler#2260: log files parsed in
spawned processes with an `ignore_with_warning` handler registered in the main
process raised `LookupError` until each spawned process registered it too.
"""
import argparse
import codecs
import multiprocessing
import signal

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'error (LookupError)',
            'forkserver': 'error (LookupError)'}
RELATED = ['copyreg_reducer_in_main', 'warnings_filter_in_main', 'pool_initializer_global']

LINE = b'caf\xe9 au lait'  # 'café' in Latin-1: \xe9 is not valid UTF-8
MARK = '<?>'


def mark_undecodable(error):
    """Replace each undecodable stretch of bytes with MARK and go on after it."""
    return MARK, error.end


def task(marked):
    text = LINE.decode('utf-8', errors='mark_undecodable')  # looked up by name, here
    marked.value = MARK in text
    print(f'Child decoded {LINE!r} as {text!r}')


def main():
    codecs.register_error('mark_undecodable', mark_undecodable)  # in this process only
    print(f"Parent decodes {LINE!r} as {LINE.decode('utf-8', errors='mark_undecodable')!r}")
    marked = multiprocessing.Value('b', 0)  # the child's report to the parent
    child = multiprocessing.Process(target=task, args=(marked,))
    child.start()
    child.join()
    if child.exitcode != 0:
        # The child raised (its traceback is on stderr) or a signal killed it.
        crash = f' ({signal.Signals(-child.exitcode).name})' if child.exitcode < 0 else ''
        print(f'verdict: error{crash}')
        return
    print(f"Parent: the child used the parent's handler: {bool(marked.value)}")
    print('verdict:', 'propagates' if marked.value else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
