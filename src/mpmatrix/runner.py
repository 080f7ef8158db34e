"""Run one case under one start method in a fresh interpreter, and say what happened."""
from __future__ import annotations

import dataclasses
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mpmatrix import VERDICTS, leaks, processes
from mpmatrix.catalog import Case

VERDICT_LINE = re.compile(r'^verdict: (?P<word>\S+)(?: \((?P<detail>[\w.]+)\))?$')
EXCEPTION_LINE = re.compile(r'^(?P<type>[A-Za-z_][\w.]*)(?::|$)')
TRACEBACK_HEADER = 'Traceback (most recent call last):'
# How long the fork server, resource tracker and manager servers may take to exit
# on their own once the case's main process has ended.
GRACE_SECONDS = 3.0
SAMPLE_SECONDS = 0.05


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
    timeout = timeout or case.timeout
    path = case.path.resolve()
    tag = processes.new_tag()
    env = dict(os.environ, PYTHONUNBUFFERED='1', PYTHONIOENCODING='utf-8',
               **{processes.TAG_VARIABLE: tag})
    shm_before = leaks.snapshot()
    with tempfile.TemporaryDirectory(prefix='mpmatrix-') as workdir:
        out_path, err_path = Path(workdir, 'stdout'), Path(workdir, 'stderr')
        with open(out_path, 'wb') as out, open(err_path, 'wb') as err:
            started = time.monotonic()
            proc = subprocess.Popen(
                [python, str(path), '--start-method', start_method],
                stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=workdir, env=env,
                **_new_process_group())
            seen = set()  # /dev/shm files the run's processes were seen using
            try:
                timed_out = _wait(proc, started + timeout, seen)
            except BaseException:  # interrupted (Ctrl-C): leave nothing behind, then stop
                _kill(tag, proc, seen)
                leaks.remove(leaks.orphaned(leaks.snapshot() - shm_before, seen))
                raise
            if timed_out:
                _kill(tag, proc, seen)
            duration = time.monotonic() - started
            survivors = processes.reap(tag, proc.pid, GRACE_SECONDS)
        stdout = out_path.read_text(encoding='utf-8', errors='replace')
        stderr = err_path.read_text(encoding='utf-8', errors='replace')
    run = Run(case=path.stem, start_method=start_method, verdict=None, exit_code=proc.returncode,
              stdout=stdout, stderr=stderr, duration=round(duration, 3), timed_out=timed_out)
    _judge(run, timeout, case.expects_stderr)
    if survivors:
        run.problems.append('process(es) outlived the case and were killed: '
                            + '; '.join(survivors))
    leaked = leaks.orphaned(leaks.snapshot() - shm_before, seen)
    if leaked:
        leaks.remove(leaked)
        run.problems.append(f'left in /dev/shm and removed: {", ".join(sorted(leaked))}')
    for warning in leaks.tracker_warnings(stderr):
        run.problems.append(f'the resource tracker reported {warning} object(s) leaked')
    return run


def _wait(proc: subprocess.Popen, deadline: float, seen: set) -> bool:
    """Wait for the case until ``deadline`` (True if it did not end by then), sampling
    meanwhile which /dev/shm files its processes use, so that a leak can be told apart
    from what the cases running beside it use."""
    while True:
        try:
            proc.wait(timeout=max(0.0, min(SAMPLE_SECONDS, deadline - time.monotonic())))
            return False
        except subprocess.TimeoutExpired:
            if time.monotonic() >= deadline:
                return True
            if leaks.SUPPORTED:
                seen |= leaks.in_use(process.pid for process in processes.descendants(proc.pid))


def _kill(tag: str, proc: subprocess.Popen, seen: set) -> None:
    """Note what the run's processes use in /dev/shm, kill them all, then reap the case."""
    victims = processes.run_processes(tag, proc.pid)
    seen |= leaks.in_use(process.pid for process in victims)
    processes.kill(victims)
    proc.wait()


def _new_process_group() -> dict:
    """Detach the case from our terminal's signals: on Ctrl-C, run_case kills it itself."""
    if sys.platform == 'win32':
        return {'creationflags': subprocess.CREATE_NEW_PROCESS_GROUP}
    return {'start_new_session': True}


def _judge(run: Run, timeout: float, expects_stderr: bool) -> None:
    """Fill in verdict and error_type from the exit status and output; note every breach."""
    lines = [line.rstrip('\r') for line in run.stdout.splitlines() if line.strip()]
    verdict_lines = [(number, VERDICT_LINE.match(line)) for number, line in enumerate(lines)
                     if line.startswith('verdict:')]
    first_exception = _first_exception(run.stderr)

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
        if run.exit_code != 0 and first_exception:
            run.verdict, run.error_type = 'error', first_exception
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
        run.error_type = match.group('detail') or first_exception
        return
    if run.exit_code != 0:
        run.problems.append(f'printed verdict {run.verdict!r} but exited with code {run.exit_code}')
    if first_exception:
        run.problems.append(f'a process raised {first_exception} but the case reported '
                            f'{run.verdict!r}: it must report "verdict: error"')
    elif run.stderr.strip() and not expects_stderr:
        run.problems.append('unexpected output on stderr (declare EXPECTS_STDERR = True if it is '
                            'the point of the case)')


def _first_exception(stderr: str) -> str:
    """The first exception type on stderr, the root cause (``_pickle.PicklingError`` -> ``PicklingError``)."""
    lines = stderr.splitlines()
    for number, line in enumerate(lines):
        if line.strip() != TRACEBACK_HEADER:
            continue
        for later in lines[number + 1:]:
            if later[:1].isspace() or not later.strip():
                continue
            match = EXCEPTION_LINE.match(later)
            if match:
                return match.group('type').rsplit('.', 1)[-1]
            break
    return None


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
