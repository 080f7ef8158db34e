"""environment: ids, versions and provenance on every platform, with the platform facts faked here."""
from __future__ import annotations

import json
import subprocess
import types

import pytest

from mpmatrix import environment, results
from mpmatrix.environment import Environment, parse_version

SHA = 'c0ffee' + '0' * 34


def fake_platform(monkeypatch, *, platform='linux', machine='x86_64', release='6.1.0',
                  implementation='cpython', implementation_version=None, version=(3, 12, 1, 'final', 0),
                  free_threaded=None, default='fork', methods=('fork', 'spawn', 'forkserver')):
    """Make environment.current() see another OS, build and version, without touching sys itself."""
    impl_version = implementation_version or version
    monkeypatch.setattr(environment, 'sys', types.SimpleNamespace(
        platform=platform, version_info=version,
        implementation=types.SimpleNamespace(name=implementation, version=impl_version)))
    monkeypatch.setattr(environment, 'platform', types.SimpleNamespace(
        release=lambda: release, machine=lambda: machine))
    monkeypatch.setattr(environment, 'sysconfig', types.SimpleNamespace(
        get_config_var=lambda name: {'Py_GIL_DISABLED': free_threaded}.get(name)))
    monkeypatch.setattr(environment, 'multiprocessing', types.SimpleNamespace(
        get_context=lambda: types.SimpleNamespace(get_start_method=lambda: default),
        get_all_start_methods=lambda: list(methods)))
    for name in ('ACT', 'GITHUB_ACTIONS', 'ImageOS', 'ImageVersion', 'RUNNER_OS'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('GITHUB_SHA', SHA)


def test_macos_arm64(monkeypatch):
    fake_platform(monkeypatch, platform='darwin', machine='arm64', release='24.6.0',
                  version=(3, 13, 1, 'final', 0), default='spawn',
                  methods=('spawn', 'fork', 'forkserver'))
    env = environment.current()
    assert env.id == 'macos-arm64-cpython-3.13.1'
    assert (env.os, env.default_start_method) == ('macos', 'spawn')
    assert env.available_start_methods == ('spawn', 'fork', 'forkserver')


def test_windows(monkeypatch):
    fake_platform(monkeypatch, platform='win32', machine='AMD64', release='2025Server',
                  version=(3, 8, 10, 'final', 0), default='spawn', methods=('spawn',))
    env = environment.current()
    assert env.id == 'windows-amd64-cpython-3.8.10'
    assert env.available_start_methods == ('spawn',)


def test_free_threaded_keeps_its_t(monkeypatch):
    fake_platform(monkeypatch, version=(3, 14, 0, 'final', 0), free_threaded=1,
                  default='forkserver')
    env = environment.current()
    assert env.free_threaded
    assert env.id == 'linux-x86_64-cpython-3.14.0t'
    assert env.version_tuple == (3, 14, 0)


@pytest.mark.parametrize('version, text', [
    ((3, 16, 0, 'alpha', 2), '3.16.0a2'),
    ((3, 16, 0, 'beta', 1), '3.16.0b1'),
    ((3, 15, 0, 'candidate', 3), '3.15.0rc3'),
])
def test_a_pre_release_is_told_apart_from_its_release(monkeypatch, version, text):
    fake_platform(monkeypatch, version=version)
    env = environment.current()
    assert env.python_version == text
    assert env.id == f'linux-x86_64-cpython-{text}'
    assert env.implementation_version == '.'.join(map(str, version[:3]))  # numeric, as for bounds


def test_a_free_threaded_pre_release(monkeypatch):
    fake_platform(monkeypatch, version=(3, 16, 0, 'alpha', 2), free_threaded=1)
    assert environment.current().id == 'linux-x86_64-cpython-3.16.0a2t'


def test_pypy_records_both_versions(monkeypatch):
    fake_platform(monkeypatch, implementation='pypy', version=(3, 9, 16, 'final', 0),
                  implementation_version=(7, 3, 11, 'final', 0))
    env = environment.current()
    assert env.id == 'linux-x86_64-pypy-3.9.16'
    assert (env.implementation_version, env.version_tuple) == ('7.3.11', (3, 9, 16))


def test_a_pre_release_counts_as_its_release_for_override_bounds():
    """A change made for 3.16 is already in its alphas: since 3.16 applies, before 3.16 does not."""
    alpha = environment_at('3.16.0a2')
    assert alpha.version_tuple == (3, 16, 0)
    assert alpha.version_tuple >= parse_version('3.16')
    assert not alpha.version_tuple < parse_version('3.16')
    assert environment_at('3.13.1rc1').version_tuple >= parse_version('3.13.1')


def test_versions_sort_as_releases_do():
    versions = ['3.16.0', '3.10.0', '3.16.0rc1', '3.9.18', '3.16.0a2', '3.16.0b1', '3.16.0a10']
    ordered = sorted((environment_at(version) for version in versions), key=lambda e: e.sort_key)
    assert [env.python_version for env in ordered] == [
        '3.9.18', '3.10.0', '3.16.0a2', '3.16.0a10', '3.16.0b1', '3.16.0rc1', '3.16.0']


def test_parse_version_still_reads_override_bounds():
    assert parse_version('3.13') == (3, 13, 0)
    assert parse_version('3.13.1') == (3, 13, 1)
    for bad in ('3.16.0a2', '3.13.1.2', '3.x', ''):
        with pytest.raises(ValueError, match='not a version like 3.13'):
            parse_version(bad)


@pytest.mark.parametrize('environ, expected', [
    ({'GITHUB_ACTIONS': 'true', 'RUNNER_OS': 'Linux', 'ImageOS': 'ubuntu24',
      'ImageVersion': '20261110.1'}, 'GitHub Actions ubuntu-24.04 20261110.1'),
    ({'GITHUB_ACTIONS': 'true', 'RUNNER_OS': 'macOS', 'ImageOS': 'macos15',
      'ImageVersion': '20261103.1'}, 'GitHub Actions macos-15 20261103.1'),
    ({'GITHUB_ACTIONS': 'true', 'RUNNER_OS': 'Windows', 'ImageOS': 'win25',
      'ImageVersion': '20261109.2'}, 'GitHub Actions windows-2025 20261109.2'),
    ({'GITHUB_ACTIONS': 'true', 'RUNNER_OS': 'Linux'}, 'GitHub Actions self-hosted Linux'),
    ({'GITHUB_ACTIONS': 'true', 'ACT': 'true', 'ImageOS': 'ubuntu20'}, 'act'),
    ({}, 'local'),
    # A self-hosted runner's variables are whatever its admin set: a description too long for the
    # schema, or holding an undecodable byte (a lone surrogate), cost the session all its results.
    ({'GITHUB_ACTIONS': 'true', 'ImageOS': 'ubuntu24', 'ImageVersion': '1' * 250},
     'GitHub Actions ubuntu-24.04 ' + '1' * 172),
    ({'GITHUB_ACTIONS': 'true', 'RUNNER_OS': 'Li\nnux\udcff\x1b[2J'},
     'GitHub Actions self-hosted Li?nux??[2J'),
])
def test_runner(environ, expected):
    assert environment.describe_runner(environ) == expected
    assert len(expected) <= environment.RUNNER_LIMIT


def test_commit_from_github_or_git(monkeypatch):
    assert environment.current_commit({'GITHUB_SHA': SHA}) == SHA
    assert environment.current_commit({'GITHUB_SHA': 'main; rm -rf /'}) is None

    def git(command, **kwargs):
        assert command == ['git', 'rev-parse', 'HEAD']
        return subprocess.CompletedProcess(command, 0, stdout=SHA.replace('0', 'a') + '\n')

    monkeypatch.setattr(environment.subprocess, 'run', git)
    assert environment.current_commit({}) == SHA.replace('0', 'a')

    def no_git(command, **kwargs):
        raise FileNotFoundError('git')

    monkeypatch.setattr(environment.subprocess, 'run', no_git)
    assert environment.current_commit({}) is None


def test_current_records_provenance(monkeypatch):
    fake_platform(monkeypatch)
    monkeypatch.setenv('GITHUB_ACTIONS', 'true')
    monkeypatch.setenv('ImageOS', 'ubuntu24')
    monkeypatch.setenv('ImageVersion', '20261110.1')
    env = environment.current()
    assert (env.runner, env.commit) == ('GitHub Actions ubuntu-24.04 20261110.1', SHA)
    assert env.recorded_at.endswith('+00:00')


@pytest.mark.parametrize('version, free_threaded', [
    ('3.16.0a2', False), ('3.16.0a2', True), ('3.15.0rc1', False), ('3.14.0', True)])
def test_the_schema_accepts_every_id(tmp_path, version, free_threaded):
    env = environment_at(version, free_threaded=free_threaded, runner='local', commit=SHA,
                         recorded_at='2026-11-26T01:00:00+00:00')
    path = tmp_path / results.file_name(env)
    results.write(path, [results.EnvironmentResults(env, [])])
    [loaded] = results.read(path)
    assert loaded.environment == env


def test_a_file_without_provenance_still_reads(tmp_path):
    env = environment_at('3.12.1')
    path = tmp_path / 'old.json'
    data = {'schema_version': results.SCHEMA_VERSION,
            'environments': [{'environment': env.as_dict(), 'records': []}]}
    for key in ('runner', 'commit', 'recorded_at'):
        del data['environments'][0]['environment'][key]
    path.write_text(json.dumps(data))
    [loaded] = results.read(path)
    assert (loaded.environment.runner, loaded.environment.commit) == (None, None)


@pytest.mark.parametrize('field, value', [
    ('python_version', '3.16.0-alpha2'), ('commit', 'HEAD'), ('runner', 'x' * 201)])
def test_the_schema_rejects_bad_environment_fields(tmp_path, field, value):
    data = {'schema_version': results.SCHEMA_VERSION,
            'environments': [{'environment': environment_at('3.12.1').as_dict(), 'records': []}]}
    data['environments'][0]['environment'][field] = value
    with pytest.raises(results.ResultsError, match=f'environments/0/environment/{field}'):
        results.validate(data)


def environment_at(version, free_threaded=False, **provenance):
    return Environment(os='linux', os_release='6.1.0', machine='x86_64', implementation='cpython',
                       implementation_version=version, python_version=version,
                       free_threaded=free_threaded, default_start_method='fork',
                       available_start_methods=('fork', 'spawn', 'forkserver'), **provenance)
