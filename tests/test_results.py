"""results: write, read back, update, merge; bad files are clear errors, never silent drops."""
from __future__ import annotations

import dataclasses
import json
import math
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

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
    (lambda data: data.update(schema_version=3), 'schema_version 3 is not one this mpmatrix reads'),
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

    def interrupted(source, target):  # Ctrl-C once the temporary is written, before the rename
        raise KeyboardInterrupt

    monkeypatch.setattr(results.atomic.os, 'replace', interrupted)
    with pytest.raises(KeyboardInterrupt):
        results.write(path, [EnvironmentResults(environment(), [record(verdict='isolated')])])
    assert path.read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ['.x.json.lock', 'x.json']


# Results are never lost (issue #7): a bad file already there, a killed writer, two writers at once.

def read_keys(path) -> dict:
    [entry] = results.read(path)
    return {(r.case, r.start_method): r.verdict for r in entry.records}


@pytest.mark.parametrize('spoil', [
    lambda text: text[:-40],
    lambda text: text.replace('"duration": 0.0', '"duration": NaN'),
    lambda text: text.replace('"schema_version": 2', '"schema_version": 3'),
    lambda text: '\udcff',
], ids=['truncated', 'nan', 'newer-version', 'not-utf8'])
def test_an_unreadable_file_is_set_aside_and_the_new_records_kept(tmp_path, spoil):
    env = environment()
    path = tmp_path / results.file_name(env)
    results.update(tmp_path, env, [record('manager_dict')])
    spoiled = spoil(path.read_text())
    path.write_bytes(spoiled.encode('utf-8', 'surrogateescape'))

    update = results.update(tmp_path, env, [record()])

    assert read_keys(path) == {('queue_result', 'spawn'): 'propagates'}
    [bad] = tmp_path.glob('*.json.bad-*')
    assert bad.read_bytes() == spoiled.encode('utf-8', 'surrogateescape')  # set aside, untouched
    assert update.set_aside.startswith(f'{path}: ') and update.set_aside.endswith(f'; moved to {bad}')
    assert '\n' not in update.set_aside
    assert (update.written, update.total) == (1, 1)
    assert results.results_files(tmp_path) == [path]  # the site never reads the set-aside file


def test_a_file_holding_other_environments_is_set_aside(tmp_path):
    env = environment()
    path = tmp_path / results.file_name(env)
    results.write(path, [EnvironmentResults(environment('3.8.18'), [record()])])
    update = results.update(tmp_path, env, [record('manager_dict')])
    assert 'holds other environments (linux-x86_64-cpython-3.8.18)' in update.set_aside
    assert read_keys(path) == {('manager_dict', 'spawn'): 'propagates'}
    assert len(list(tmp_path.glob('*.json.bad-*'))) == 1


def test_setting_aside_twice_in_one_second_keeps_both(tmp_path):
    env = environment()
    path = tmp_path / results.file_name(env)
    for text in ('{', '[', '{'):
        path.write_text(text)
        results.update(tmp_path, env, [record()])
    assert sorted(bad.read_text() for bad in tmp_path.glob('*.json.bad-*')) == ['[', '{', '{']


def test_temporaries_of_a_killed_writer_are_removed_by_the_next_write(tmp_path):
    """Every writer holds the file's lock while its temporary exists: one found under the lock is stale."""
    env = environment()
    name = results.file_name(env)
    stale = [f'.{name}.k1l2e3d4.tmp', f'.{name}.abcdefgh.tmp']
    others = ['.other.json.abcdefgh.tmp', f'{name}.tmp', 'notes.tmp', f'.{name}.lock.keep']
    for leftover in stale + others:
        (tmp_path / leftover).write_text('{"schema_version": 1, "environm')
    update = results.update(tmp_path, env, [record()])
    assert update.removed_temporaries == sorted(stale)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, f'.{name}.lock'] + others)
    assert read_keys(update.path) == {('queue_result', 'spawn'): 'propagates'}


def test_a_directory_named_like_a_temporary_does_not_stop_the_writes(tmp_path):
    env = environment()
    name = results.file_name(env)
    directory = tmp_path / f'.{name}.deadbeef.tmp'
    directory.mkdir()
    (directory / 'kept').write_text('not ours')
    update = results.update(tmp_path, env, [record()])
    assert update.removed_temporaries == []
    assert (directory / 'kept').read_text() == 'not ours'
    assert read_keys(update.path) == {('queue_result', 'spawn'): 'propagates'}


@pytest.mark.skipif(os.name != 'posix', reason='POSIX file modes')
def test_results_files_get_the_usual_mode(tmp_path):
    old = os.umask(0o022)
    try:
        results.write(tmp_path / 'x.json', [EnvironmentResults(environment(), [record()])])
        os.umask(0o077)
        results.write(tmp_path / 'y.json', [EnvironmentResults(environment(), [record()])])
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / 'x.json').stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / 'y.json').stat().st_mode) == 0o600


UPDATER = '''
import sys
from mpmatrix import results
from mpmatrix.environment import Environment
from mpmatrix.results import Record
env = Environment(os='linux', os_release='1', machine='x86_64', implementation='cpython',
                  implementation_version='3.12.1', python_version='3.12.1', free_threaded=False,
                  default_start_method='fork', available_start_methods=('fork', 'spawn', 'forkserver'))
directory, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
for number in range(count):
    results.update(directory, env, [Record(case=f'{name}_{number}', start_method='spawn',
                                           expected='isolated', verdict='isolated', outcome='passed')])
'''


def test_two_sessions_updating_together_lose_nothing(tmp_path):
    """Each of two processes adds 40 records, one update at a time: all 80 are kept."""
    updaters = [subprocess.Popen([sys.executable, '-c', UPDATER, str(tmp_path), name, '40'])
                for name in ('first', 'second')]
    assert [updater.wait(timeout=120) for updater in updaters] == [0, 0]
    keys = read_keys(tmp_path / results.file_name(environment()))
    assert sorted(keys) == sorted((f'{name}_{number}', 'spawn') for name in ('first', 'second')
                                  for number in range(40))


# Impossible records are refused (issue #7).

@pytest.mark.parametrize('text_edit, message', [
    (('"duration": 0.0', '"duration": NaN'), 'NaN is not a JSON number'),
    (('"duration": 0.0', '"duration": -Infinity'), '-Infinity is not a JSON number'),
    (('"duration": 0.0', '"duration": 1e999'), '1e999 is too large for a number'),
    (('"duration": 0.0', '"duration": -0.5'), 'records/0/duration: -0.5 is less than the minimum of 0'),
    (('"outcome": "passed"', '"outcome": "passed", "outcome": "failed"'), "key 'outcome' appears twice"),
    (('"verdict": "propagates"', '"verdict": null'), 'records/0/verdict: None is not one of'),
    (('"verdict": "propagates"', '"verdict": "isolated"'),
     "outcome passed but it observed 'isolated', not the expected 'propagates'"),
    (('"problems": []', '"problems": ["leaked /dev/shm/x"]'), 'records/0/problems'),
    (('"outcome": "passed"', '"outcome": "skipped"'), "records/0/verdict: 'unavailable' was expected"),
    (('"error_type": null', '"error_type": "RuntimeError"'), "records/0/verdict: 'error' was expected"),
    (('"timed_out": false', '"timed_out": true'), "records/0/verdict: 'hang' was expected"),
    (('"start_method": "spawn"', '"start_method": "thread"'), 'records/0/start_method'),
    (('"recorded_at": "', '"recorded_at": "yesterday'), 'records/0/recorded_at'),
    (('"stdout": ""', '"stdout": "' + 'x' * (results.OUTPUT_LIMIT + 1) + '"'), 'records/0/stdout'),
    (('"stdout_truncated": null', '"stdout_truncated": 10'), 'records/0/stdout_truncated'),
    (('"case": "queue_result"', '"case": "1digit_name"'), 'records/0/case'),
    (('"case": "queue_result"', '"case": "' + 'x' * 101 + '"'), 'records/0/case'),
    (('"expected": "propagates"', '"expected": "error (not a type)"'), 'records/0/expected'),
], ids=['nan', 'infinity', 'overflow', 'negative-duration', 'duplicate-key', 'passed-without-verdict',
        'passed-against-expectation', 'passed-with-problems', 'skipped-not-unavailable',
        'error-type-without-error', 'timed-out-not-hang', 'unknown-start-method', 'bad-timestamp',
        'uncapped-stdout', 'short-truncated-length', 'case-not-identifier', 'case-too-long',
        'bad-expectation'])
def test_an_impossible_record_is_refused(tmp_path, text_edit, message):
    path = tmp_path / 'x.json'
    results.write(path, [EnvironmentResults(environment(), [record()])])
    text = path.read_text()
    assert text_edit[0] in text
    path.write_text(text.replace(text_edit[0], text_edit[1], 1))
    with pytest.raises(ResultsError, match=re.escape(message)):
        results.read(path)


def test_an_environment_recorded_at_a_time_that_is_not_one_is_refused(tmp_path):
    """The environment's timestamp is shown on the site and in the summary: a date, or nothing."""
    path = tmp_path / 'x.json'
    when = '2026-11-26T01:00:00+00:00'
    env = dataclasses.replace(environment(), recorded_at=when)
    results.write(path, [EnvironmentResults(env, [record()])])
    path.write_text(path.read_text().replace(f'"recorded_at": "{when}"', '"recorded_at": "<b>then</b>"', 1))
    with pytest.raises(ResultsError, match='environment/recorded_at'):
        results.read(path)


def named_error(expected='error (RuntimeError)', error_type='RuntimeError', outcome='passed'):
    return Record(case='queue_result', start_method='spawn', expected=expected, verdict='error',
                  outcome=outcome, error_type=error_type)


@pytest.mark.parametrize('expected, error_type', [
    ('error (_pickle.PicklingError)', '_pickle.PicklingError'), ('error (SIGSEGV)', 'SIGSEGV'),
    ('error (0xC0000005)', '0xC0000005'), ('error', 'AnyError')])  # bare: written before types were named
def test_an_expected_error_names_its_type(tmp_path, expected, error_type):
    path = tmp_path / 'x.json'
    results.write(path, [EnvironmentResults(environment(), [named_error(expected, error_type)])])
    [entry] = results.read(path)
    assert entry.records[0].expected == expected


@pytest.mark.parametrize('record_, message', [
    (named_error(error_type='NameError'),
     "outcome passed but it observed 'error (NameError)', not the expected 'error (RuntimeError)'"),
    (named_error(error_type=None), "outcome passed but it observed 'error', not the expected"),
], ids=['other-type', 'no-type'])
def test_a_passed_error_has_the_expected_type(tmp_path, record_, message):
    with pytest.raises(ResultsError, match=re.escape(message)):
        results.write(tmp_path / 'x.json', [EnvironmentResults(environment(), [record_])])
    assert results.update(tmp_path, environment(), [record_]).left_out
    results.write(tmp_path / 'x.json', [EnvironmentResults(environment(), [
        dataclasses.replace(record_, outcome='failed')])])  # a failed record may show anything


def test_unavailable_must_be_skipped(tmp_path):
    path = tmp_path / 'x.json'
    results.write(path, [EnvironmentResults(environment(), [record()])])
    path.write_text(path.read_text().replace('"verdict": "propagates"', '"verdict": "unavailable"')
                    .replace('"outcome": "passed"', '"outcome": "failed"'))
    with pytest.raises(ResultsError, match="records/0/outcome: 'skipped' was expected"):
        results.read(path)


def test_the_writer_refuses_what_the_reader_would(tmp_path):
    with pytest.raises(ResultsError, match='Out of range float values are not JSON compliant'):
        results.write(tmp_path / 'x.json', [EnvironmentResults(environment(), [record(duration=math.nan)])])
    assert not (tmp_path / 'x.json').exists()


def test_the_writer_refuses_a_lone_surrogate_before_writing(tmp_path):
    with pytest.raises(ResultsError, match='surrogates not allowed'):
        results.write(tmp_path / 'x.json', [EnvironmentResults(environment(), [record(stdout='\udcff')])])
    assert not list(tmp_path.iterdir())
    update = results.update(tmp_path, environment(), [record(), record(method='fork', stderr='\udcff')])
    assert read_keys(update.path) == {('queue_result', 'spawn'): 'propagates'}
    assert [why.split(' ', 1)[0] for why in update.left_out] == ["'queue_result'['fork']"]


@pytest.mark.parametrize('old, new, where', [
    ('"machine": "x86_64"', '"machine": "x86_64\\udcff"', 'environments/0/environment/machine'),
    ('"stdout": "', '"stdout": "\\ud800', 'environments/0/records/0/stdout'),
    ('"schema_version"', '"\\udfff": 1, "schema_version"', "'\\udfff'"),
], ids=['environment', 'output', 'key'])
def test_a_lone_surrogate_is_refused_where_it_is(tmp_path, old, new, where):
    """JSON's \\udcff escape is ASCII, but it decodes to no text: every writer would fail on it."""
    path = tmp_path / 'x.json'
    results.write(path, [EnvironmentResults(environment(), [record(stdout='out')])])
    text = path.read_text(encoding='utf-8')
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding='utf-8')
    with pytest.raises(ResultsError, match=re.escape(f'at {where}: a lone surrogate')):
        results.read(path)


@pytest.mark.parametrize('old, new', [
    ('"duration": 0.5', '"duration": ' + '9' * 400),  # a float would overflow formatting it
    ('"exit_code": 0', '"exit_code": ' + '9' * 30),
    ('"python_version": "3.12.1"', '"python_version": "3.12.' + '7' * 5000 + '"'),
    ('"machine": "x86_64"', '"machine": "x86_64\\u001b]0;pwned\\u0007"'),
    ('"os_release": "1"', '"os_release": "' + 'x' * 300 + '"'),
    ('"error_type": "PicklingError"', '"error_type": "' + 'E' * 300 + '"'),
], ids=['huge-duration', 'huge-exit-code', 'huge-version', 'escape-in-machine', 'long-release',
        'long-error-type'])
def test_values_beyond_any_real_run_are_refused(tmp_path, old, new):
    path = tmp_path / 'x.json'
    results.write(path, [EnvironmentResults(environment(), [
        record(exit_code=0, duration=0.5),
        record(method='fork', verdict='error', error_type='PicklingError', exit_code=1)])])
    text = path.read_text(encoding='utf-8')
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding='utf-8')
    with pytest.raises(ResultsError, match='does not follow the results schema'):
        results.read(path)


@pytest.mark.parametrize('environment_fields, records, message', [
    ({'available_start_methods': ('spawn',), 'default_start_method': 'fork'}, [],
     'its default start method is not one it has'),
    ({}, [Record(case='queue_result', start_method='spawn', expected='isolated', verdict='unavailable',
                 outcome='skipped')],
     'records spawn as unavailable, but linux-x86_64-cpython-3.12.1 has it'),
    ({'available_start_methods': ('fork',)}, [record()],
     'records a run under spawn, which linux-x86_64-cpython-3.12.1 does not have'),
], ids=['default-not-available', 'unavailable-but-there', 'ran-where-absent'])
def test_what_an_environment_has_and_its_records_agree(tmp_path, environment_fields, records, message):
    path = tmp_path / 'x.json'
    results.write(path, [EnvironmentResults(environment(), [])])
    data = json.loads(path.read_text(encoding='utf-8'))
    data['environments'][0]['environment'].update(
        {key: list(value) if isinstance(value, tuple) else value
         for key, value in environment_fields.items()})
    data['environments'][0]['records'] = [dataclasses.asdict(each) for each in records]
    path.write_text(json.dumps(data), encoding='utf-8')
    with pytest.raises(ResultsError, match=re.escape(message)):
        results.read(path)


def test_a_file_breaking_the_schema_everywhere_is_refused_at_its_first_breaches(tmp_path):
    """Every breach of 5,000 empty environments was found and sorted, to name the first: a file
    of 4 MB took minutes and 10 GB. The first MAX_ERRORS found are named, and no more looked for."""
    path = tmp_path / 'x.json'
    path.write_text(json.dumps({'schema_version': 2, 'environments': [{}] * 5000}), encoding='utf-8')
    with pytest.raises(ResultsError, match=r"does not follow the results schema at environments/0: "
                                           r"'environment' is a required property \(and at least 19 "
                                           r"more\)$"):
        results.read(path)


@pytest.mark.skipif(not hasattr(os, 'mkfifo'), reason='no FIFOs here')
def test_only_a_regular_file_is_read(tmp_path):
    """A FIFO would block the reader for ever, a link to /dev/zero fill its memory."""
    fifo = tmp_path / 'fifo.json'
    os.mkfifo(fifo)
    with pytest.raises(ResultsError, match='fifo.json: is not a regular file'):
        results.read(fifo)
    link = tmp_path / 'zero.json'
    link.symlink_to('/dev/zero')
    with pytest.raises(ResultsError, match='zero.json: is a symbolic link'):
        results.read(link)


def test_a_results_directory_that_is_a_link_is_neither_read_nor_written(tmp_path):
    """A results/ committed as a link would take every write of the matrix elsewhere, and have
    the site read files from anywhere."""
    elsewhere = tmp_path / 'elsewhere'
    elsewhere.mkdir()
    results.update(elsewhere, environment(), [record()])
    link = tmp_path / 'results'
    link.symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(ResultsError, match='results: is a symbolic link'):
        results.results_files(link)
    before = sorted(p.name for p in elsewhere.iterdir())
    with pytest.raises(ResultsError, match='results: is a symbolic link'):
        results.update(link, environment('3.13.0'), [record()])
    assert sorted(p.name for p in elsewhere.iterdir()) == before


def test_a_link_above_a_relative_results_path_is_refused_too(tmp_path, monkeypatch):
    """`mpmatrix bench` writes to results/bench: with results/ a link, it wrote through it."""
    (tmp_path / 'elsewhere' / 'bench').mkdir(parents=True)
    (tmp_path / 'results').symlink_to(tmp_path / 'elsewhere', target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ResultsError, match='^results: is a symbolic link'):
        results.refuse_link(Path('results', 'bench'))
    assert results.refuse_link(tmp_path / 'elsewhere' / 'bench') == tmp_path / 'elsewhere' / 'bench'


def test_a_results_directory_that_cannot_be_listed_is_an_error_not_an_empty_one(tmp_path, monkeypatch):
    """Unlistable (mode 711), it once gave a site saying "no results yet", exit status 0."""
    results.update(tmp_path, environment(), [record()])

    def refused(path):
        raise PermissionError(13, 'Permission denied', str(path))

    monkeypatch.setattr(results.os, 'listdir', refused)
    with pytest.raises(ResultsError, match=r'cannot be listed \(Permission denied\)'):
        results.results_files(tmp_path)


def test_a_file_too_large_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(results, 'MAX_FILE_BYTES', 1000)
    path = tmp_path / 'x.json'
    path.write_text(' ' * 1001)
    with pytest.raises(ResultsError, match='x.json: is larger than 1000 bytes'):
        results.read(path)


def test_a_file_nested_too_deeply_is_refused(tmp_path):
    path = tmp_path / 'x.json'
    path.write_text('[' * 100_000 + ']' * 100_000, encoding='utf-8')
    with pytest.raises(ResultsError, match='nested too deeply'):
        results.read(path)


def test_update_leaves_out_invalid_records_and_writes_the_rest(tmp_path):
    env = environment()
    update = results.update(tmp_path, env, [
        record(), record('1digit_name'), record('ünï_case', method='fork'),
        record(duration=math.nan, method='fork'),
        Record(case='manager_dict', start_method='spawn', expected='isolated', verdict=None,
               outcome='passed'),
        record('manager_dict', method='fork', stdout='\udcff'),
    ])
    assert read_keys(update.path) == {('queue_result', 'spawn'): 'propagates'}
    assert (update.written, update.total) == (1, 1)
    assert [why.split(' ', 1)[0] for why in update.left_out] == [
        "'1digit_name'['spawn']", "'ünï_case'['fork']", "'queue_result'['fork']",
        "'manager_dict'['spawn']", "'manager_dict'['fork']"]
    assert "does not match '^[A-Za-z_][A-Za-z0-9_]*$'" in update.left_out[0]
    assert 'not strict JSON' in update.left_out[2] and 'not strict JSON' in update.left_out[4]


def test_a_message_quoting_a_huge_value_stays_short(tmp_path):
    update = results.update(tmp_path, environment(), [record(case='1' + 'x' * 100_000)])
    [why] = update.left_out
    assert len(why) < 1000 and why.endswith('characters)')


# Output is capped per record (issue #7: 20 MB of stdout made the site build run for minutes).

def test_long_output_is_cut_to_its_head_and_tail(tmp_path):
    stdout = 'first line\n' + 'x' * (20 * 1024 * 1024) + '\nverdict: propagates\n'
    capped = record(stdout=stdout, stderr='short')
    assert len(capped.stdout) == results.OUTPUT_LIMIT
    assert capped.stdout.startswith('first line\n') and capped.stdout.endswith('\nverdict: propagates\n')
    assert f'mpmatrix cut this output from {len(stdout):,} to 65,536 characters' in capped.stdout
    assert (capped.stdout_truncated, capped.stderr, capped.stderr_truncated) == (len(stdout), 'short', None)
    path = tmp_path / 'x.json'
    results.write(path, [EnvironmentResults(environment(), [capped])])
    [entry] = results.read(path)
    assert entry.records == [capped]
    assert path.stat().st_size < 3 * results.OUTPUT_LIMIT


def test_the_schema_states_the_same_limit():
    schema = json.loads(results.SCHEMA_PATH.read_text())
    fields = schema['$defs']['record']['properties']
    assert fields['stdout']['maxLength'] == fields['stderr']['maxLength'] == results.OUTPUT_LIMIT
    assert fields['stdout_truncated']['minimum'] == results.OUTPUT_LIMIT + 1
    assert schema['properties']['schema_version'] == {**schema['properties']['schema_version'],
                                                      'const': results.SCHEMA_VERSION}


def test_a_version_1_file_is_still_read_and_updated(tmp_path):
    env = environment()
    path = tmp_path / results.file_name(env)
    old = dataclasses.asdict(record('manager_dict', stdout='y' * 100_000))
    del old['stdout_truncated'], old['stderr_truncated']
    old['stdout'] = 'y' * 100_000  # version 1 kept everything
    path.write_text(json.dumps({'schema_version': 1, 'environments': [
        {'environment': env.as_dict(), 'records': [old]}]}))
    [entry] = results.read(path)
    assert entry.records[0].stdout_truncated == 100_000
    assert len(entry.records[0].stdout) == results.OUTPUT_LIMIT

    update = results.update(tmp_path, env, [record()])
    assert update.set_aside is None and update.total == 2
    assert json.loads(path.read_text())['schema_version'] == results.SCHEMA_VERSION
