"""Run one case under one start method in a fresh interpreter, and say what happened."""
from __future__ import annotations

import concurrent.futures
import dataclasses
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mpmatrix import VERDICTS, leaks, processes, untrusted
from mpmatrix.catalog import Case

VERDICT_LINE = re.compile(r'^verdict: (?P<word>\S+)(?: \((?P<detail>[\w.]+)\))?$')
# What a case may print after "verdict: error": a child killed by a signal left no traceback.
SIGNAL_DETAIL = re.compile(r'(SIG[A-Z0-9]+|0x[0-9A-F]{8})\Z')
EXCEPTION_LINE = re.compile(r'^(?P<type>[A-Za-z_][\w.]*)(?::|$)')
TRACEBACK_HEADER = 'Traceback (most recent call last):'
# What Process._bootstrap writes before the traceback of a child's uncaught exception.
PROCESS_HEADER = re.compile(r'Process .+:\Z')
# An exception group's traceback (3.11+) opens with this header, or, for a group that except*
# raised, with the group's own line: '  | ExceptionGroup:  (2 sub-exceptions)'.
GROUP_START = re.compile(r'(?P<indent> *)(\+ Exception Group Traceback \(most recent call last\):$'
                         r'|\| (Base)?ExceptionGroup(:|$))')
CHAINED = ('During handling of the above exception, another exception occurred:',
           'The above exception was the direct cause of the following exception:')
# How long the fork server, resource tracker and manager servers may take to exit
# on their own once the case's main process has ended.
GRACE_SECONDS = 3.0
# How often the run's processes are looked at for the /dev/shm files they use (while there
# is a file nothing explains), and, at the end, for whether any of them is left.
SAMPLE_SECONDS = 0.05
# What a run may print, stdout and stderr each: a case printing without end (a bug as often as
# not) would fill the disk, then the runner's memory as it read the output back. It is killed,
# and at most this much of each stream is read, from its start and its end.
OUTPUT_CEILING = 64 * 1024 * 1024
# Settings of the user's shell that change what every script does or prints, not a case's answer:
# docstrings gone (-OO), warning filters and dev mode, a prompt after the script, import and malloc
# reports on stderr. tox passes none of them; `mpmatrix run` and a bare pytest leave them out too.
UNSET_FOR_CASES = ('PYTHONOPTIMIZE', 'PYTHONWARNINGS', 'PYTHONDEVMODE', 'PYTHONINSPECT', 'PYTHONVERBOSE',
                   'PYTHONPROFILEIMPORTTIME', 'PYTHONMALLOCSTATS')
# Injected into every interpreter of a run (see observer/sitecustomize.py).
OBSERVER = Path(__file__).resolve().with_name('observer')
JOURNAL_VARIABLE = 'MPMATRIX_JOURNAL'
# Removes each run's directory meanwhile, not in the run's time (the interpreter waits for it
# to finish at exit).
_REMOVER = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix='mpmatrix-remover')
# A directory shared by the runs of one test session (set by the pytest plugin): a run that
# never finished (its runner died) leaves its directory there for the end-of-session check.
SESSION_DIR_VARIABLE = 'MPMATRIX_SESSION_DIR'


@dataclasses.dataclass
class Run:
    """What one run of a case under one start method showed."""

    case: str
    start_method: str
    verdict: str  # a word from VERDICTS, or None when the run broke the contract
    error_type: str = None  # exception type or signal name, for verdict 'error'
    exit_code: int = None
    stdout: str = ''
    stderr: str = ''
    duration: float = 0.0
    timed_out: bool = False
    problems: list = dataclasses.field(default_factory=list)  # contract breaches and leaks


def run_case(case: Case, start_method: str, timeout: float = None,
             python: str = sys.executable) -> Run:
    """Run ``python CASE --start-method METHOD``; kill its whole tree after the timeout.

    ``timeout`` overrides the case's own TIMEOUT.
    """
    timeout = case.timeout if timeout is None else timeout
    if not 0 < timeout < math.inf:  # a NaN would never expire
        raise ValueError(f'the timeout must be a positive number of seconds, not {timeout!r}')
    path = Path(os.path.abspath(case.path))  # absolute: the case runs in a directory of its own
    group = processes.Run(processes.new_tag())
    # The case's working directory, its TMPDIR and its journal live in a directory of the
    # run's own; its output goes to unnamed files that nothing the case does can remove.
    rundir = Path(tempfile.mkdtemp(prefix='mpm-', dir=os.environ.get(SESSION_DIR_VARIABLE)
                                   or short_temporary_root()))
    workdir, tmpdir, journal = rundir / 'cwd', rundir / 'tmp', rundir / 'journal'
    workdir.mkdir()
    tmpdir.mkdir()
    before = leaks.start_journal(journal)
    # PYTHON_COLORS: tracebacks in plain text whatever FORCE_COLOR says (3.13+ colours them even in
    # a file, and tox passes FORCE_COLOR on): an escape sequence before the exception's name hid it.
    env = dict(clean_environment(), PYTHON_COLORS='0', PYTHONUNBUFFERED='1', PYTHONIOENCODING='utf-8',
               TMPDIR=str(tmpdir),
               PYTHONPATH=os.pathsep.join(filter(None, [str(OBSERVER), os.environ.get('PYTHONPATH')])),
               **{processes.TAG_VARIABLE: group.tag, JOURNAL_VARIABLE: str(journal)})
    seen = set()  # /dev/shm files the run's processes were seen using (also here: a case can
    # remove its journal)

    def note_used(pids) -> None:
        new = leaks.in_use(pids) - seen
        leaks.record_used(journal, new)
        seen.update(new)

    def sample():
        """Note what the run's processes use in /dev/shm, but only while it holds a file that
        appeared since the run began, that no run of this session says it created and that no
        process of this run was seen using yet: otherwise there is nothing to learn."""
        if not leaks.SUPPORTED:
            return
        unexplained = set(leaks.identities()) - before - seen
        if unexplained and unexplained - leaks.claims_of(_journals_beside(journal)):
            note_used(group.pids(with_tagged=False))

    def kill() -> list:
        """Stop the run's processes, note what they hold in /dev/shm (a file made just before
        is not in the journal yet), then kill them."""
        return group.kill(on_stopped=note_used)

    def claimed() -> set:
        """What the run's processes made or used, by its journal and by what the runner saw."""
        return (leaks.journal_claims(journal) | seen) - before  # never what was there before

    try:
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            started = time.monotonic()
            proc = subprocess.Popen(
                [*_launcher(python), str(path), '--start-method', start_method],
                stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=workdir, env=env,
                **_new_process_group())
            group.started(proc.pid)
            try:
                timed_out = _wait(proc, group, started + timeout, sample, (out, err))
                duration = time.monotonic() - started  # not counting the kill
                flooded = _flooded((out, err))
                cut_short = timed_out or (flooded and proc.poll() is None)
                if cut_short:
                    kill()
                    proc.wait()
                    timed_out = timed_out and not flooded
                survivors = _outlived(group, sample, kill, (out, err))
                flooded = flooded or _flooded((out, err))  # by what outlived the case
            except BaseException:  # interrupted (Ctrl-C): leave nothing behind, then stop
                kill()
                proc.wait()
                leaks.remove_orphaned(claimed())
                raise
            stdout, stderr = _read(out), _read(err)
        run = Run(case=path.stem, start_method=start_method, verdict=None, exit_code=proc.returncode,
                  stdout=stdout, stderr=stderr, duration=round(duration, 3), timed_out=timed_out)
        raised_on_purpose = _judge(run, timeout, case.expects_stderr, case.child_raises)
        _judge_children(run, journal, raised_on_purpose)
        if flooded:
            if cut_short:  # the signal was the runner's: nothing the case did
                run.verdict, run.error_type = None, None
            run.problems.append(f'printed more than {OUTPUT_CEILING // 2 ** 20} MB on '
                                f'{" and ".join(flooded)}: the runner stops a case there')
        if survivors:
            run.problems.append('process(es) outlived the case and were killed: '
                                + '; '.join(survivors))
        leaked = leaks.remove_orphaned(claimed())
        if leaked:
            run.problems.append(f'left in /dev/shm and removed: {", ".join(leaked)}')
        left = leaks.temporary_leftovers(tmpdir)
        if left:
            shown = ', '.join(untrusted.printable_line(name) for name in left)  # names the case chose
            run.problems.append(f'left in the temporary directory and removed: {shown}'
                                + (' (multiprocessing listener directories)'
                                   if any(name.startswith('pymp-') for name in left) else ''))
        for warning in leaks.tracker_warnings(stderr):
            run.problems.append(f'the resource tracker reported {warning} object(s) leaked')
        return run
    finally:
        _REMOVER.submit(leaks.remove_tree, rundir)


def clean_environment() -> dict:
    """This process's environment without the shell settings of UNSET_FOR_CASES."""
    return {name: value for name, value in os.environ.items() if name not in UNSET_FOR_CASES}


def _journals_beside(journal: Path) -> list:
    """The journal of this run and, in a test session, those of the runs going on beside it."""
    session_dir = os.environ.get(SESSION_DIR_VARIABLE)
    return list(Path(session_dir).glob('mpm-*/journal')) if session_dir else [journal]


def short_temporary_root() -> str:
    """/tmp where there is one: multiprocessing puts Unix sockets in a run's TMPDIR, and their
    paths may not exceed 104 bytes on macOS, whose own $TMPDIR is long."""
    return '/tmp' if os.name == 'posix' and os.path.isdir('/tmp') else None


def _read(file) -> str:
    """What the case printed; past OUTPUT_CEILING, its start and its end around a marker."""
    size = file.seek(0, os.SEEK_END)
    file.seek(0)
    if size <= OUTPUT_CEILING:
        return file.read().decode('utf-8', errors='replace')
    head = file.read(OUTPUT_CEILING // 2).decode('utf-8', errors='replace')
    file.seek(size - OUTPUT_CEILING // 2)
    tail = file.read().decode('utf-8', errors='replace')
    return f'{head}\n[... mpmatrix read {OUTPUT_CEILING:,} of these {size:,} bytes ...]\n{tail}'


def _flooded(outputs) -> list:
    """The streams (of out, err) that hold more than OUTPUT_CEILING."""
    return [name for name, file in zip(('stdout', 'stderr'), outputs)
            if os.fstat(file.fileno()).st_size > OUTPUT_CEILING]


def _wait(proc: subprocess.Popen, group: processes.Run, deadline: float, sample, outputs) -> bool:
    """Wait for the case until ``deadline`` (True if it did not end by then), sampling
    meanwhile which /dev/shm files its processes use, so that a leak can be told apart from
    what the cases running beside it use, and the pid counter, so that a wrap-around is seen;
    stop early when it has printed too much."""
    while proc.poll() is None:
        now = time.monotonic()
        if now >= deadline:
            return True
        if _flooded(outputs):
            return False
        group.watch()
        sample()
        processes.wait_for_any([proc.pid], min(SAMPLE_SECONDS, deadline - now))
    return False


def _outlived(group: processes.Run, sample, kill, outputs) -> list:
    """Give the run's other processes GRACE_SECONDS to exit once the case has; kill the rest,
    at once if they print too much."""
    deadline = time.monotonic() + GRACE_SECONDS
    sampled = 0.0
    while True:
        alive = group.alive()
        if not alive:
            return []
        now = time.monotonic()
        if now - sampled >= SAMPLE_SECONDS:
            sample()
            sampled = now
        if now >= deadline or _flooded(outputs):
            return kill()
        # until one of them ends, or a new one may have appeared
        processes.wait_for_any(alive, SAMPLE_SECONDS)


def _judge_children(run: Run, journal: Path, raised_on_purpose: int = 0) -> None:
    """A child of the case that failed (exit code other than 0, or a signal the case did not
    send it) makes any verdict but error and hang a broken contract. ``raised_on_purpose``
    children may exit with code 1, that of an uncaught exception: one for each traceback of the
    case's CHILD_RAISES that ``_judge`` set aside."""
    if run.verdict in (None, 'error', 'hang'):
        return
    try:
        lines = leaks.read_journal(journal)
    except OSError:
        run.problems.append('the run\'s journal was removed or replaced: its children could not be checked')
        return
    for line in lines:
        fields = line.split()
        if len(fields) != 4 or fields[0] != 'exit':
            continue
        try:
            pid, code, signalled = (int(field) for field in fields[1:])
        except ValueError:
            continue
        if code == 0 or signalled:
            continue
        if code == 1 and raised_on_purpose:
            raised_on_purpose -= 1
            continue
        how = f'was killed by {_signal_name(code)}' if code < 0 else f'exited with code {code}'
        run.problems.append(f'a child process (pid {pid}) {how} but the case reported '
                            f'{run.verdict!r}: it must report "verdict: error"')


def _launcher(python: str) -> list:
    """The command that starts ``python`` as the leader of a new process group.

    Python 3.11+ does it in Popen (process_group=0); before, a preexec_fn would be unsafe
    with threads, so a tiny trampoline calls setpgid and execs the case in its own place.
    """
    if sys.platform == 'win32' or sys.version_info >= (3, 11):
        return [python]
    return [python, '-c', 'import os, sys; os.setpgid(0, 0); os.execv(sys.argv[1], sys.argv[1:])',
            python]


def _new_process_group() -> dict:
    """Detach the case from our terminal's signals (on Ctrl-C, run_case kills it itself), in a
    process group of its own but in our session, so that it may still call setsid or setpgid."""
    if sys.platform == 'win32':
        return {'creationflags': subprocess.CREATE_NEW_PROCESS_GROUP}
    if sys.version_info >= (3, 11):
        return {'process_group': 0}
    return {}


def _judge(run: Run, timeout: float, expects_stderr: bool, child_raises: str = None) -> int:
    """Fill in verdict and error_type from the exit status and output; note every breach.

    A case that declares CHILD_RAISES has the tracebacks of that exception which children printed
    set aside first; the rest of stderr is judged as any case's. Returns how many were set aside.
    """
    if not child_raises:
        _judge_output(run, timeout, expects_stderr, run.stderr)
        return 0
    stderr, raised = _set_aside(run.stderr, child_raises)
    # An error is named after what else was raised, if anything: the declared exception is the pattern.
    _judge_output(run, timeout, expects_stderr, stderr, child_raises if raised else None)
    if not raised and run.verdict not in (None, 'error', 'hang'):
        run.problems.append(f'CHILD_RAISES is {child_raises!r}, but no child process raised it (no '
                            'traceback of it after a "Process NAME:" line on stderr)')
    return raised


def _set_aside(stderr: str, name: str) -> tuple:
    """``stderr`` without the tracebacks of ``name`` that children printed as they failed
    (``Process NAME:``, then one traceback, not chained, ending in a one-line message), and how
    many there were. Anything else, a note or a message's second line included, stays."""
    if 'Process ' not in stderr:
        return stderr, 0
    lines = _lines(stderr)
    kept, count, number = [], 0, 0
    while number < len(lines):
        if lines[number].startswith('Process ') and PROCESS_HEADER.match(lines[number]) \
                and number + 1 < len(lines) and lines[number + 1].strip() == TRACEBACK_HEADER:
            end, found = _exception_of_traceback(lines, number + 2)
            if found == name and _chain_goes_on(lines, end) is None:
                count += 1
                number = end
                continue
        kept.append(lines[number])
        number += 1
    return '\n'.join(kept), count


def _lines(stderr: str) -> list:
    """Lines as a terminal shows them: split at line feeds only (``str.splitlines`` would also
    split at a form feed or a U+2028 inside a line of a traceback)."""
    return stderr.replace('\r\n', '\n').split('\n')


def _judge_output(run: Run, timeout: float, expects_stderr: bool, stderr: str,
                  set_aside: str = None) -> None:
    """``_judge`` for ``stderr``; an error with no other exception on it is ``set_aside``'s."""
    lines = [line.rstrip('\r') for line in run.stdout.splitlines() if line.strip()]
    verdict_lines = [(number, VERDICT_LINE.match(line)) for number, line in enumerate(lines)
                     if line.startswith('verdict:')]
    first_exception = _first_exception(stderr)

    if run.timed_out:
        run.verdict = 'hang'
        run.problems.append(f'the runner killed the case after {timeout:g} s: a case must detect '
                            'its own hang with join(timeout) and print "verdict: hang"')
        return
    signal_name = _signal_name(run.exit_code)
    if signal_name:
        run.verdict, run.error_type = 'error', signal_name
        return
    if len(verdict_lines) > 1:
        run.problems.append(f'{len(verdict_lines)} verdict lines; a case prints exactly one')
    if not verdict_lines:
        if run.exit_code != 0 and (first_exception or set_aside):
            run.verdict, run.error_type = 'error', first_exception or set_aside
        elif run.exit_code != 0:
            run.problems.append(f'exited with code {run.exit_code} without a verdict or a traceback')
        else:
            run.problems.append('no "verdict: WORD" line on stdout')
        return
    number, match = verdict_lines[-1]
    if match is None or match.group('word') not in VERDICTS or match.group('word') == 'unavailable':
        run.problems.append(f'unknown verdict line {lines[number]!r}; '
                            f'expected "verdict: WORD" with WORD one of: {", ".join(VERDICTS[:4])}')
        return
    if number != len(lines) - 1:
        run.problems.append('the verdict line is not the last line of stdout')
    run.verdict = match.group('word')
    if match.group('detail') and run.verdict != 'error':
        run.problems.append(f'only an error verdict carries a detail: {lines[number]!r}')
    if run.verdict == 'error':
        detail = match.group('detail')
        if detail and not SIGNAL_DETAIL.match(detail):
            run.problems.append(f'the verdict names {detail!r}: only a signal\'s name (or a Windows '
                                'crash code) follows "error"; an exception\'s type is taken from its '
                                'traceback' + (f', here {first_exception}' if first_exception else ''))
        run.error_type = detail or first_exception or set_aside
        return
    if run.exit_code != 0:
        run.problems.append(f'printed verdict {run.verdict!r} but exited with code {run.exit_code}')
    if first_exception:
        run.problems.append(f'a process raised {first_exception} but the case reported '
                            f'{run.verdict!r}: it must report "verdict: error"')
    elif stderr.strip() and not expects_stderr:
        run.problems.append('unexpected output on stderr (declare EXPECTS_STDERR = True if it is '
                            'the point of the case)')


def _first_exception(stderr: str) -> str:
    """The type of the first exception on stderr, dotted as its traceback's last line prints it.

    The first traceback is the root cause; later ones are its consequences (a manager's server
    raises RuntimeError, then the parent waiting for it raises EOFError). A chained traceback
    ("During handling of the above exception, another exception occurred:", "The above
    exception was the direct cause of the following exception:") is one exception: the one
    that propagated, last in the chain, which is what a caller would catch. The module is kept:
    ``_pickle.PicklingError`` (CPython) and ``pickle.PicklingError`` (PyPy) are different
    classes, and a case's expectation names the one it means.
    """
    lines = _lines(stderr)
    found, number = None, 0
    while number < len(lines):
        group = GROUP_START.match(lines[number])
        if lines[number].strip() == TRACEBACK_HEADER:
            number, found = _exception_of_traceback(lines, number + 1)
        elif group:  # an exception group (3.11+), its lines drawn in a frame: '  | ...'
            number, found = _exception_of_group(lines, number, len(group.group('indent')))
        else:
            number += 1
            continue
        number = _chain_goes_on(lines, number)
        if number is None:
            return found
    return found


def _chain_goes_on(lines: list, start: int):
    """Where the next traceback of a chain begins to be looked for, when the first line with
    text from ``start`` on says the chain goes on (CHAINED); else None."""
    following = next((index for index in range(start, len(lines)) if lines[index].strip()), None)
    if following is None or lines[following].strip() not in CHAINED:
        return None
    return following + 1


def _exception_of_traceback(lines: list, start: int) -> tuple:
    """From just below a traceback's header: (the line after its exception line, its type)."""
    for number in range(start, len(lines)):
        line = lines[number]
        if line[:1].isspace() or not line.strip():
            continue
        match = EXCEPTION_LINE.match(line)
        return number + 1, match.group('type') if match else None
    return len(lines), None


def _exception_of_group(lines: list, start: int, column: int) -> tuple:
    """From the first line of an exception group's frame drawn at ``column``: (the line after
    the frame, the group's own type, on the frame's first line that is not indented)."""
    frame, found, number = ' ' * column, None, start
    while number < len(lines) and (lines[number].startswith((frame + '|', frame + '+'))
                                   or lines[number].startswith(frame + ' ')):
        inside = lines[number][column + 2:] if lines[number].startswith(frame + '| ') else ''
        if found is None and inside[:1].strip():
            match = EXCEPTION_LINE.match(inside)
            found = match.group('type') if match else None
        number += 1
    return number, found


def _signal_name(exit_code: int) -> str:
    """``-11`` -> ``'SIGSEGV'`` on POSIX; an NTSTATUS crash code on Windows; else None."""
    if exit_code is None:
        return None
    if exit_code < 0:
        try:
            return signal.Signals(-exit_code).name
        except ValueError:
            return f'signal {-exit_code}'
    if sys.platform == 'win32' and exit_code >= 0xC0000000:
        return f'0x{exit_code:08X}'
    return None
