"""pytest plugin for the matrix: options, fixtures, results/<env>.json, the clean-machine check.

Each test's records travel with its report, so under pytest-xdist they reach the
controller as each test ends, and a session stopped by Ctrl-C still writes the
records of every test that finished. The controller writes the one file. A
termination request (SIGTERM: ``kill``, ``pkill``, a CI runner cancelling a job; SIGHUP) is
taken as Ctrl-C, so the case running at that moment is killed with its whole tree.
"""
from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path

import psutil
import pytest

from mpmatrix import environment, leaks, processes, results, runner
from mpmatrix.catalog import case_files, timeout_seconds
from mpmatrix.untrusted import printable_line

PENDING_RECORDS = pytest.StashKey()  # an item's records not yet attached to a report


def pytest_addoption(parser):
    group = parser.getgroup('mpmatrix')
    group.addoption('--case-timeout', type=timeout_seconds, default=None,
                    help="seconds before a case is killed (overrides each case's TIMEOUT)")
    group.addoption('--results-dir', default='results',
                    help='where to write <environment-id>.json (default: results/)')
    group.addoption('--cases-dir', default='cases',
                    help='the catalogue, to drop results of removed cases (default: cases/)')


def pytest_configure(config):
    config.mpmatrix_records = []
    # The controller passes SIGTERM (SIGHUP) on to its xdist workers: sent to it alone (kill PID, a
    # supervisor), it would leave them running their queues until xdist's teardown killed them,
    # ten seconds later, in the middle of a case.
    processes.interrupt_on_termination(None if hasattr(config, 'workerinput') else _signal_workers)
    # The controller and each xdist worker: whatever a case run orphans is reparented to us
    # (Linux), and a worker that dies leaves its orphans to the controller.
    processes.become_subreaper()
    if not hasattr(config, 'workerinput'):  # the controller; xdist workers inherit its session
        config.mpmatrix_session = processes.new_session()
        config.mpmatrix_session_dir = tempfile.mkdtemp(prefix='mpms-', dir=runner.short_temporary_root())
        os.environ[runner.SESSION_DIR_VARIABLE] = config.mpmatrix_session_dir
    elif os.environ.get(runner.SESSION_DIR_VARIABLE):  # the end-of-session check spares workers
        Path(os.environ[runner.SESSION_DIR_VARIABLE], f'worker-{os.getpid()}').touch()
    processes.clear_inherited_signal_state()  # before xdist starts its workers: they inherit it


def _signal_workers(signum) -> None:
    """Send ``signum`` to the session's xdist workers that are still our children (the pid of
    one that ended may be another process's by now)."""
    session_dir = os.environ.get(runner.SESSION_DIR_VARIABLE)
    if not session_dir:
        return
    me = os.getpid()
    for path in Path(session_dir).glob('worker-*'):
        try:
            pid = int(path.name.split('-', 1)[1])
            if psutil.Process(pid).ppid() == me:
                os.kill(pid, signum)
        except (ValueError, OSError, psutil.Error):
            continue  # not a pid, or gone


@pytest.hookimpl(wrapper=True)
def pytest_runtestloop(session):
    """Ctrl-C is Ctrl-C, even when it lands inside a lock's bookkeeping.

    A KeyboardInterrupt raised between ``Condition.wait`` releasing its lock and entering its
    ``try`` (python/cpython#78667) makes the ``with`` block release the lock again: the
    session would end with "INTERNALERROR RuntimeError: release unlocked lock" instead of
    as interrupted. The xdist controller waits in ``queue.get`` for each report, so a Ctrl-C
    sent while reports arrive can land there.
    """
    try:
        return (yield)
    except RuntimeError as error:
        interrupt = error.__context__
        while interrupt is not None and not isinstance(interrupt, KeyboardInterrupt):
            interrupt = interrupt.__context__
        if interrupt is None:
            raise
        raise interrupt from error


@pytest.fixture(scope='session')
def current_environment():
    return environment.current()


@pytest.fixture(scope='session')
def case_timeout(request):
    return request.config.getoption('--case-timeout')


@pytest.fixture(autouse=True)
def no_dangling_processes():
    """Like CPython's dangling-process check: a test leaves no child process behind (and no
    zombie: orphans reparented to us are reaped). Only processes created during the test
    are listed: one left by an earlier test was that test's failure."""
    newer = processes.Newer()
    yield
    me = os.getpid()
    names = processes.kill(lambda: set(processes.descendants(me, newer.table())))
    if names:
        pytest.fail('the test left process(es) behind (now killed): ' + '; '.join(names),
                    pytrace=False)


@pytest.fixture
def record_result(request):
    """Keep a Record for this session's results file (it travels with the test's report)."""
    return request.node.stash.setdefault(PENDING_RECORDS, []).append


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Attach the records made so far to this phase's report (xdist sends it to the controller)."""
    outcome = yield
    pending = item.stash.get(PENDING_RECORDS, [])
    if pending:
        outcome.get_result().mpmatrix_records = [dataclasses.asdict(record) for record in pending]
        pending.clear()


class RecordCollector:
    """The controller's collector of every report's records."""

    def __init__(self, records: list):
        self.records = records

    @pytest.hookimpl(tryfirst=True)  # before the terminal reports the test as done
    def pytest_runtest_logreport(self, report):
        self.records.extend(results.Record(**record) for record in getattr(report, 'mpmatrix_records', ()))


def pytest_sessionstart(session):
    if not hasattr(session.config, 'workerinput'):
        session.config.pluginmanager.register(RecordCollector(session.config.mpmatrix_records),
                                              'mpmatrix-record-collector')


def pytest_sessionfinish(session):
    config = session.config
    if hasattr(config, 'workerinput'):  # an xdist worker: its records went with its reports
        return
    try:
        if config.mpmatrix_records:
            _write_results(session)
    finally:  # even when writing broke in a way nobody foresaw, nothing a run started stays
        config.mpmatrix_leftovers = leftovers_of_every_run(config.mpmatrix_session,
                                                           config.mpmatrix_session_dir)
        if config.mpmatrix_leftovers:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def leftovers_of_every_run(session: str, session_dir: str) -> list:
    """The clean-machine check: nothing any case run started may outlive the session.

    Each run already cleans up after itself; this catches a bug in that cleanup, and a run
    whose runner died (an xdist worker killed): the processes below us (but the workers)
    or carrying the session's tag, and what the journals of unfinished runs in the session
    directory claim in /dev/shm and left in their TMPDIR. Only what a run of this session
    created or was seen using is ever named or removed. What it finds is killed or removed.
    """
    directory = Path(session_dir)
    workers = {int(path.name.split('-', 1)[1]) for path in directory.glob('worker-*')}
    me = os.getpid()
    named = [f'process {name}' for name in processes.kill(
        lambda: set(processes.descendants(me)) - workers,
        lambda: {pid for pid in processes.tagged(session) if pid not in workers})]
    for rundir in sorted(directory.glob('mpm-*')):
        named += [f'/dev/shm/{name}'
                  for name in leaks.remove_orphaned(leaks.journal_claims(rundir / 'journal'))]
        named += [f'{rundir / "tmp" / name}' for name in leaks.temporary_leftovers(rundir / 'tmp')]
    leaks.remove_tree(directory)
    return named


def _write_results(session) -> None:
    """Write the session's records; what went wrong is reported (and fails the session), not raised."""
    config = session.config
    root = Path(config.rootpath)
    cases_dir = root / config.getoption('--cases-dir')
    lines = []
    try:  # a case file that is there but broken keeps its records (its test fails the session)
        known = {path.stem for path in case_files(cases_dir)}
    except FileNotFoundError:  # no catalogue here: keep every earlier record
        known = None
    except OSError as error:
        known = None
        lines.append((f'mpmatrix: cannot read {printable_line(str(cases_dir))} ({error.strerror}): kept '
                      'the records of every case the results file held', {'yellow': True}))
    if known == set():  # a mistyped --cases-dir would drop every earlier record
        known = None
        lines.append((f'mpmatrix: no case files in {printable_line(str(cases_dir))}: kept the records of '
                       'every case the results file held', {'yellow': True}))
    try:
        update = results.update(root / config.getoption('--results-dir'), environment.current(),
                                config.mpmatrix_records, known)
    except (results.ResultsError, OSError) as error:
        config.mpmatrix_results_lines = lines + [
            (f'mpmatrix: results NOT written: {printable_line(str(error))}', {'red': True})]
        session.exitstatus = session.exitstatus or pytest.ExitCode.TESTS_FAILED
        return
    if update.set_aside:
        lines.append((f'mpmatrix: results file set aside: {printable_line(update.set_aside)}',
                      {'yellow': True}))
    if update.removed_temporaries:
        removed = ', '.join(update.removed_temporaries)
        lines.append((f'mpmatrix: removed {len(update.removed_temporaries)} temporary file(s) left '
                      f'by an interrupted write: {printable_line(removed)}', {}))
    lines += [(f'mpmatrix: invalid record left out: {printable_line(why)}', {'red': True})
              for why in update.left_out]
    lines.append((f'mpmatrix: {update.written} record(s) written to {update.path} '
                  f'(it now holds {update.total})', {}))
    config.mpmatrix_results_lines = lines
    if update.left_out:
        session.exitstatus = session.exitstatus or pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, config):
    for leftover in getattr(config, 'mpmatrix_leftovers', []):
        terminalreporter.write_line(f'mpmatrix: LEFT BEHIND by a case run: {printable_line(leftover)}',
                                    red=True)
    for line, markup in getattr(config, 'mpmatrix_results_lines', []):
        terminalreporter.write_line(line, **markup)
