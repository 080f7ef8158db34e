"""The pytest plugin end to end: xdist workers' records reach one results file; unavailable methods;
records are never lost (Ctrl-C, a bad record, a bad file already there); no xdist needed."""
from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time

import pytest

from mpmatrix import environment, results

from .conftest import ROOT

AVAILABLE = multiprocessing.get_all_start_methods()

SELECTION = 'instance_attribute_plain or queue_result'


def run_matrix(pytester, results_dir, *extra):
    return pytester.runpytest_subprocess(
        str(ROOT / 'tests' / 'test_matrix.py'), f'--rootdir={ROOT}', '-p', 'no:cacheprovider',
        '-k', SELECTION, f'--results-dir={results_dir}', *extra)


def read_records(results_dir):
    [path] = results_dir.glob('*.json')
    [entry] = json.loads(path.read_text())['environments']
    return {(r['case'], r['start_method']): r for r in entry['records']}


def test_xdist_workers_write_one_results_file(pytester, tmp_path):
    result = run_matrix(pytester, tmp_path, '-n', '2')
    result.assert_outcomes(passed=2 * len(AVAILABLE), skipped=2 * (3 - len(AVAILABLE)))
    records = read_records(tmp_path)
    assert len(records) == 6
    ran = [r for (_, method), r in records.items() if method in AVAILABLE]
    assert all(r['outcome'] == 'passed' and r['stdout'] for r in ran)
    assert records[('queue_result', 'spawn')]['verdict'] == 'propagates'


def test_a_method_the_platform_lacks_is_skipped_and_recorded_unavailable(pytester, tmp_path,
                                                                        monkeypatch):
    pytester.makepyfile(spawn_only='import multiprocessing\n'
                                   "multiprocessing.get_all_start_methods = lambda: ['spawn']\n"
                                   "multiprocessing.set_start_method('spawn', force=True)\n")
    monkeypatch.setenv('PYTHONPATH', str(pytester.path))
    result = run_matrix(pytester, tmp_path, '-p', 'spawn_only', '-rs')
    result.assert_outcomes(passed=2, skipped=4)
    result.stdout.fnmatch_lines(['*fork is not available on *'])
    records = read_records(tmp_path)
    assert records[('queue_result', 'fork')]['verdict'] == 'unavailable'
    assert records[('queue_result', 'fork')]['outcome'] == 'skipped'
    assert records[('queue_result', 'spawn')]['verdict'] == 'propagates'


@pytest.mark.skipif('fork' not in AVAILABLE, reason='the hang this needs is fork-only')
def test_case_timeout_overrides_the_cases_own(pytester, tmp_path):
    result = pytester.runpytest_subprocess(
        f"{ROOT / 'tests' / 'test_matrix.py'}::test_case[thread_lock_held_at_fork-fork]",
        f'--rootdir={ROOT}', '-p', 'no:cacheprovider', '--case-timeout=0.5',
        f'--results-dir={tmp_path}')
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(['*the runner killed the case after 0.5 s*'])
    record = read_records(tmp_path)[('thread_lock_held_at_fork', 'fork')]
    assert (record['verdict'], record['timed_out'], record['outcome']) == ('hang', True, 'failed')


@pytest.mark.parametrize('value', ['nan', 'inf', '-1', '0', '1e308'])
def test_a_case_timeout_that_would_never_expire_or_already_has_is_refused(pytester, value):
    """A NaN or infinite timeout never expired (a hanging case held its CI leg until the job's
    own timeout); a negative one killed every case at once, recorded as a hang."""
    result = pytester.runpytest_subprocess('-p', 'mpmatrix.pytest_plugin', f'--case-timeout={value}',
                                           '-p', 'no:cacheprovider')
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*argument --case-timeout: '{value}': a timeout is a number of "
                                 'seconds in (0, 300]*'])


RECORDING = """
import time

import pytest

from mpmatrix.results import Record


@pytest.mark.parametrize('case', CASES)
def test_records(case, record_result):
    record_result(Record(case=case, start_method='spawn', expected='isolated', verdict='isolated',
                         outcome='passed'))
"""


def recording_session(pytester, cases=('queue_result', 'manager_dict', 'pipe_duplex'), extra=''):
    pytester.makeconftest("pytest_plugins = ['mpmatrix.pytest_plugin']")
    pytester.makepyfile(test_records=RECORDING.replace('CASES', repr(list(cases))) + extra)
    return pytester.path / 'results' / results.file_name(environment.current())


def test_the_plugin_works_without_xdist(pytester):
    """Issue #8: `-p no:xdist` gave INTERNALERROR (unknown hook 'pytest_testnodedown')."""
    path = recording_session(pytester)
    result = pytester.runpytest_subprocess('-p', 'no:xdist', '-p', 'no:cacheprovider')
    result.assert_outcomes(passed=3)
    assert 'INTERNALERROR' not in result.stdout.str() + result.stderr.str()
    result.stdout.fnmatch_lines([f'mpmatrix: 3 record(s) written to {path} (it now holds 3)'])


def test_names_found_in_the_results_directory_reach_the_terminal_escaped(pytester):
    """A results directory someone hands you is untrusted: a leftover's name may hold escapes."""
    path = recording_session(pytester)
    path.parent.mkdir()
    (path.parent / f'.{path.name}.\x1b]0;pwned\x07\x1b[31mx.tmp').touch()
    result = pytester.runpytest_subprocess('-p', 'no:xdist', '-p', 'no:cacheprovider')
    result.assert_outcomes(passed=3)
    output = result.stdout.str()
    assert f'by an interrupted write: .{path.name}.\\x1b]0;pwned\\x07\\x1b[31mx.tmp' in output
    assert '\x1b]0;' not in output and '\x07' not in output


def test_a_narrowed_run_says_what_it_wrote_and_what_the_file_holds(pytester):
    path = recording_session(pytester)
    pytester.runpytest_subprocess('-p', 'no:cacheprovider').assert_outcomes(passed=3)
    result = pytester.runpytest_subprocess('-p', 'no:cacheprovider', '-n', '2', '-k', 'manager_dict')
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f'mpmatrix: 1 record(s) written to {path} (it now holds 3)'])


def test_records_of_a_case_whose_file_is_gone_are_dropped_and_a_broken_files_kept(pytester):
    path = recording_session(pytester)
    pytester.runpytest_subprocess('-p', 'no:cacheprovider').assert_outcomes(passed=3)
    cases = pytester.mkdir('cases')
    (cases / 'queue_result.py').write_text('"""Broken: it declares nothing"""\n')  # its test fails
    (cases / 'manager_dict.py').write_text('"""Broken too"""\n')
    result = pytester.runpytest_subprocess('-p', 'no:cacheprovider', '-k', 'queue_result')
    result.stdout.fnmatch_lines([f'mpmatrix: 1 record(s) written to {path} (it now holds 2)'])
    [entry] = results.read(path)
    assert sorted(record.case for record in entry.records) == ['manager_dict', 'queue_result']


@pytest.mark.parametrize('cases_dir', ['docs', 'x' * 300], ids=['no-case-files', 'name-too-long'])
def test_a_cases_dir_without_cases_keeps_every_earlier_record(pytester, cases_dir):
    """--cases-dir=docs (no case files) made the results file drop every other case's records;
    a name too long to look up ended the session in a traceback, with no results written."""
    path = recording_session(pytester)
    pytester.runpytest_subprocess('-p', 'no:cacheprovider').assert_outcomes(passed=3)
    pytester.mkdir('docs')
    result = pytester.runpytest_subprocess('-p', 'no:cacheprovider', '-k', 'queue_result',
                                           f'--cases-dir={cases_dir}')
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(['mpmatrix: *kept the records of every case the results file held',
                                 f'mpmatrix: 1 record(s) written to {path} (it now holds 3)'])
    assert 'Traceback' not in result.stdout.str() + result.stderr.str()


def test_an_invalid_record_is_left_out_and_the_rest_written(pytester):
    """Issue #7: one record with a case name that is no identifier threw the whole file away."""
    path = recording_session(pytester, cases=('queue_result', '1digit_name', 'manager_dict'))
    result = pytester.runpytest_subprocess('-p', 'no:cacheprovider', '-n', '2')
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    output = result.stdout.str()
    assert "mpmatrix: invalid record left out: '1digit_name'['spawn'] at case: '1digit_name' " \
           "does not match '^[A-Za-z_][A-Za-z0-9_]*$'\n" \
           f'mpmatrix: 2 record(s) written to {path} (it now holds 2)\n' in output
    assert 'INTERNALERROR' not in output
    [entry] = results.read(path)
    assert sorted(record.case for record in entry.records) == ['manager_dict', 'queue_result']


def test_an_unreadable_results_file_is_set_aside_and_the_new_records_kept(pytester):
    path = recording_session(pytester)
    path.parent.mkdir()
    path.write_text('{"schema_version": 2, "environments": [{"environment"')
    result = pytester.runpytest_subprocess('-p', 'no:cacheprovider')
    result.assert_outcomes(passed=3)
    [bad] = path.parent.glob('*.json.bad-*')
    result.stdout.fnmatch_lines([f'mpmatrix: results file set aside: {path}: not valid JSON (truncated?): '
                                 f'* moved to {bad}',
                                 f'mpmatrix: 3 record(s) written to {path} (it now holds 3)'])
    assert bad.read_text() == '{"schema_version": 2, "environments": [{"environment"'
    assert len(results.read(path)[0].records) == 3


CTRL_C_IN_A_CONDITION_WAIT = """
import threading

pytest_plugins = ['mpmatrix.pytest_plugin']


class CtrlCWhileTakingInReports:
    def pytest_runtest_logreport(self, report):
        if report.when == 'call':
            # Where Ctrl-C can land in Condition.wait: its lock released, its try not yet entered.
            condition = threading.Condition()
            with condition:
                condition._release_save()
                raise KeyboardInterrupt


def pytest_configure(config):
    if not hasattr(config, 'workerinput'):  # the controller
        config.pluginmanager.register(CtrlCWhileTakingInReports())
"""


@pytest.mark.parametrize('xdist', [['-p', 'no:xdist'], ['-n', '1']], ids=['no-xdist', 'one-worker'])
def test_ctrl_c_inside_a_condition_wait_ends_the_session_as_interrupted(pytester, xdist):
    """Seen once in CI: Ctrl-C reached the xdist controller inside ``queue.get`` while it took
    in reports, and the session ended in an INTERNALERROR (python/cpython#78667), not as
    interrupted. The test that finished keeps its record."""
    path = recording_session(pytester, cases=['a_case'])
    pytester.makeconftest(CTRL_C_IN_A_CONDITION_WAIT)
    result = pytester.runpytest_subprocess('-p', 'no:cacheprovider', *xdist)
    assert result.ret == pytest.ExitCode.INTERRUPTED, result.stdout.str()
    assert 'INTERNALERROR' not in result.stdout.str() + result.stderr.str()
    result.stdout.fnmatch_lines(['*KeyboardInterrupt*'])
    assert [record.case for record in results.read(path)[0].records] == ['a_case']


PLACEHOLDER = """

def test_placeholder():
    pass
"""
WAITS_FOR_CTRL_C = """
import pathlib
import time


def test_waits_for_ctrl_c():
    # Inside the try: the signal may come as soon as the file exists, before the sleep begins.
    try:
        pathlib.Path('waiting').touch()
        time.sleep(120)
    except KeyboardInterrupt:
        pathlib.Path('interrupted').touch()
        raise
"""


# With two workers, --dist loadfile keeps the four cases off the worker that waits.
TWO_WORKERS = ['-n', '2', '--dist', 'loadfile']


@pytest.mark.skipif(sys.platform == 'win32', reason='Ctrl-C is a console event on Windows, not SIGINT')
@pytest.mark.parametrize('xdist, signum, whole_group', [
    (['-p', 'no:xdist'], signal.SIGINT, True), (['-n', '1'], signal.SIGINT, True),
    (TWO_WORKERS, signal.SIGINT, True), (TWO_WORKERS, getattr(signal, 'SIGTERM', None), True),
    (TWO_WORKERS, getattr(signal, 'SIGTERM', None), False),
], ids=['no-xdist', 'one-worker', 'two-workers', 'two-workers-sigterm', 'two-workers-sigterm-to-pytest'])
def test_ctrl_c_writes_the_records_of_the_tests_that_finished(pytester, xdist, signum, whole_group):
    """Issue #7: Ctrl-C after 67 passed tests wrote nothing (xdist workers' records were lost).
    SIGTERM (``pkill``) is taken as Ctrl-C, also when it reaches pytest alone (``kill PID``): it
    passes it on to its workers, so that the test under way is interrupted, not killed later."""
    cases = ['a_case', 'b_case', 'c_case', 'd_case']
    # An xdist worker runs the last test of its queue only once it knows there is no next one:
    # the placeholder is that last test, so the four cases run while the other worker waits.
    path = recording_session(pytester, cases=cases, extra=PLACEHOLDER)
    pytester.makepyfile(test_waits=WAITS_FOR_CTRL_C)  # collected after test_records.py
    # Started in the background of a shell without job control, we inherit SIGINT ignored, and
    # Python then leaves it so: the session takes Ctrl-C as a terminal in the foreground would.
    session = subprocess.Popen(
        [sys.executable, '-c', 'import signal, sys, pytest; '
         'signal.signal(signal.SIGINT, signal.default_int_handler); sys.exit(pytest.main(sys.argv[1:]))',
         '-v', '-p', 'no:cacheprovider', *xdist], cwd=pytester.path,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        env={**os.environ, 'PYTHONUNBUFFERED': '1'})
    try:
        lines, deadline = [], time.monotonic() + 100
        while sum(' PASSED' in line for line in lines) < len(cases):
            line = session.stdout.readline()
            assert line and time.monotonic() < deadline, ''.join(lines)
            lines.append(line)
        while not (pytester.path / 'waiting').exists():  # the signal must find it in the test
            assert time.monotonic() < deadline, ''.join(lines)
            time.sleep(0.01)
        if whole_group:
            os.killpg(session.pid, signum)  # Ctrl-C reaches the terminal's whole process group
        else:
            session.send_signal(signum)
        output = ''.join(lines) + session.communicate(timeout=60)[0]
    finally:
        if session.poll() is None:
            os.killpg(session.pid, signal.SIGKILL)
            session.wait()
    assert session.returncode == pytest.ExitCode.INTERRUPTED, output
    assert f'mpmatrix: 4 record(s) written to {path} (it now holds 4)' in output
    [entry] = results.read(path)
    assert sorted(record.case for record in entry.records) == cases
    if xdist == TWO_WORKERS:  # the worker that waits got the signal itself, or from pytest
        assert (pytester.path / 'interrupted').exists(), output
