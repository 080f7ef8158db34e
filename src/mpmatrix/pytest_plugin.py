"""pytest plugin for the matrix: options, fixtures, results/<env>.json, the clean-machine check.

Under pytest-xdist every worker collects its own records and hands them to
the controller at the end (``workeroutput``), which writes the one file.
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import psutil
import pytest

from mpmatrix import environment, leaks, processes, results
from mpmatrix.catalog import load_catalog

RECORDS_KEY = 'mpmatrix_records'


def pytest_addoption(parser):
    group = parser.getgroup('mpmatrix')
    group.addoption('--case-timeout', type=float, default=None,
                    help="seconds before a case is killed (overrides each case's TIMEOUT)")
    group.addoption('--results-dir', default='results',
                    help='where to write <environment-id>.json (default: results/)')
    group.addoption('--cases-dir', default='cases',
                    help='the catalogue, to drop results of removed cases (default: cases/)')


def pytest_configure(config):
    config.mpmatrix_records = []
    if not hasattr(config, 'workerinput'):  # the controller; xdist workers inherit its session
        config.mpmatrix_session = processes.new_session()
        config.mpmatrix_shm_at_start = leaks.snapshot()


@pytest.fixture(scope='session')
def current_environment():
    return environment.current()


@pytest.fixture(scope='session')
def case_timeout(request):
    return request.config.getoption('--case-timeout')


@pytest.fixture(autouse=True)
def no_dangling_processes():
    """Like CPython's dangling-process check: a test leaves no child process behind."""
    yield
    children = psutil.Process().children(recursive=True)
    if children:
        names = [processes.describe(child) for child in children]
        processes.kill(children)
        pytest.fail('the test left process(es) behind (now killed): ' + '; '.join(names),
                    pytrace=False)


@pytest.fixture
def record_result(request):
    """Keep a Record for this session's results file."""
    return request.config.mpmatrix_records.append


def pytest_sessionfinish(session):
    config = session.config
    if hasattr(config, 'workerinput'):  # an xdist worker: hand the records to the controller
        config.workeroutput[RECORDS_KEY] = json.dumps(
            [dataclasses.asdict(record) for record in config.mpmatrix_records])
        return
    if config.mpmatrix_records:
        root = Path(config.rootpath)
        known = {case.name for case in load_catalog(root / config.getoption('--cases-dir')).cases}
        path = results.update(root / config.getoption('--results-dir'), environment.current(),
                              config.mpmatrix_records, known)
        config.mpmatrix_results_path = path
    config.mpmatrix_leftovers = leftovers_of_every_run(config.mpmatrix_session,
                                                       config.mpmatrix_shm_at_start)
    if config.mpmatrix_leftovers:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def leftovers_of_every_run(session: str, shm_at_start: set) -> list:
    """The clean-machine check: nothing any case run started may outlive the session.

    Each run already cleans up after itself; this catches a bug in that cleanup.
    What it finds is named, then killed or removed.
    """
    found = processes.tagged(session)
    named = [f'process {processes.describe(process)}' for process in found]
    processes.kill(found)
    segments = leaks.orphaned(leaks.snapshot() - shm_at_start)
    leaks.remove(segments)
    return named + [f'/dev/shm/{name}' for name in sorted(segments)]


def pytest_testnodedown(node, error):
    """xdist controller: gather a finished worker's records."""
    data = getattr(node, 'workeroutput', {}).get(RECORDS_KEY)
    if data:
        node.config.mpmatrix_records.extend(results.Record(**record) for record in json.loads(data))


def pytest_terminal_summary(terminalreporter, config):
    for leftover in getattr(config, 'mpmatrix_leftovers', []):
        terminalreporter.write_line(f'mpmatrix: LEFT BEHIND by a case run: {leftover}', red=True)
    path = getattr(config, 'mpmatrix_results_path', None)
    if path:
        terminalreporter.write_line(f'mpmatrix: {len(config.mpmatrix_records)} records '
                                    f'written to {path}')
