"""results: write, read back, update, merge; bad files are clear errors, never silent drops."""
from __future__ import annotations

import dataclasses
import json

import pytest

from mpmatrix import results
from mpmatrix.results import EnvironmentResults, Record, ResultsError

from .test_catalog import environment


def record(case='queue_result', method='spawn', verdict='propagates', **fields):
    return Record(case=case, start_method=method, expected='propagates', verdict=verdict,
                  outcome='passed' if verdict == 'propagates' else 'failed', **fields)


def test_write_then_read_back(tmp_path):
    env = environment('3.12.1')
    records = [record(), record(method='fork', verdict='error', error_type='PicklingError')]
    path = tmp_path / results.file_name(env)
    results.write(path, [EnvironmentResults(env, records)])
    assert path.name == 'linux-x86_64-cpython-3.12.1.json'
    [loaded] = results.read(path)
    assert loaded.environment == env
    assert sorted(map(dataclasses.asdict, loaded.records), key=lambda r: r['start_method']) \
        == sorted(map(dataclasses.asdict, records), key=lambda r: r['start_method'])
    assert not list(tmp_path.glob('*.tmp'))


def test_update_replaces_this_runs_records_and_keeps_the_rest(tmp_path):
    env = environment()
    results.update(tmp_path, env, [record(), record('manager_dict'), record('removed_case')],
                   known_cases={'queue_result', 'manager_dict'})
    results.update(tmp_path, env, [record(verdict='isolated')],
                   known_cases={'queue_result', 'manager_dict'})
    [loaded] = results.read(tmp_path / results.file_name(env))
    assert {(r.case, r.verdict) for r in loaded.records} == {
        ('queue_result', 'isolated'), ('manager_dict', 'propagates')}


def test_merge_two_environments(tmp_path):
    for version in ('3.8.18', '3.13.0'):
        env = environment(version)
        results.write(tmp_path / results.file_name(env), [EnvironmentResults(env, [record()])])
    merged = results.merge(results.results_files(tmp_path))
    assert [entry.environment.id for entry in merged] == [  # by version, not by string
        'linux-x86_64-cpython-3.8.18', 'linux-x86_64-cpython-3.13.0']
    results.write(tmp_path / 'merged.json', merged)
    assert len(results.read(tmp_path / 'merged.json')) == 2


def test_merging_one_environment_twice_is_an_error(tmp_path):
    env = environment()
    for name in ('a.json', 'b.json'):
        results.write(tmp_path / name, [EnvironmentResults(env, [record()])])
    with pytest.raises(ResultsError, match='also in'):
        results.merge([tmp_path / 'a.json', tmp_path / 'b.json'])


def test_a_truncated_file_is_a_clear_error(tmp_path):
    env = environment()
    path = tmp_path / 'x.json'
    results.write(path, [EnvironmentResults(env, [record()])])
    path.write_text(path.read_text()[:-40])
    with pytest.raises(ResultsError, match=r'x\.json: not valid JSON \(truncated\?\)'):
        results.read(path)


@pytest.mark.parametrize('mutate, message', [
    (lambda data: data['environments'][0]['records'][0].update(verdict='works'),
     'environments/0/records/0/verdict'),
    (lambda data: data['environments'][0]['records'][0].pop('stdout'), "'stdout' is a required"),
    (lambda data: data.update(schema_version=2), 'schema_version'),
    (lambda data: data['environments'][0]['records'].append(
        data['environments'][0]['records'][0]), 'has two records for queue_result[spawn]'),
    (lambda data: data['environments'].append(data['environments'][0]), 'appears twice'),
    (lambda data: data['environments'][0]['environment'].update(python_version='3.11.0'),
     'does not match its fields'),
], ids=['bad-verdict', 'missing-field', 'schema-version', 'duplicate-record',
        'duplicate-environment', 'id-mismatch'])
def test_an_invalid_file_is_a_clear_error(tmp_path, mutate, message):
    path = tmp_path / 'x.json'
    results.write(path, [EnvironmentResults(environment(), [record()])])
    data = json.loads(path.read_text())
    mutate(data)
    path.write_text(json.dumps(data))
    with pytest.raises(ResultsError, match=message.replace('[', r'\[').replace(']', r'\]')):
        results.read(path)


def test_writing_invalid_data_leaves_the_old_file(tmp_path):
    path = tmp_path / 'x.json'
    results.write(path, [EnvironmentResults(environment(), [record()])])
    before = path.read_text()
    with pytest.raises(ResultsError):
        results.write(path, [EnvironmentResults(environment(), [record(verdict='works')])])
    assert path.read_text() == before


def test_a_write_killed_halfway_leaves_the_old_file_whole(tmp_path, monkeypatch):
    path = tmp_path / 'x.json'
    results.write(path, [EnvironmentResults(environment(), [record()])])
    before = path.read_text()

    def dump_half_then_die(data, stream, **options):
        stream.write('{"schema_version": 1, "environments": [')
        raise KeyboardInterrupt

    monkeypatch.setattr(results.json, 'dump', dump_half_then_die)
    with pytest.raises(KeyboardInterrupt):
        results.write(path, [EnvironmentResults(environment(), [record(verdict='isolated')])])
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ['x.json']
