"""The pytest plugin end to end: xdist workers' records reach one results file; unavailable methods."""
from __future__ import annotations

import json
import multiprocessing

import pytest

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
                                   "multiprocessing.get_all_start_methods = lambda: ['spawn']\n")
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
