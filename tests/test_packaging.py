"""What ships and what maintains it: the version, the sdist, tox's labels, the GitHub forms."""
from __future__ import annotations

import configparser
import importlib.metadata
import importlib.util
import re
import shutil
import subprocess
import sys
import tarfile

import pytest

from .conftest import ROOT

# Never copied into the tree the sdist is built from: generated, cached or local-only.
NOT_SOURCE = shutil.ignore_patterns('.git', '.tox', '.venv', 'venv', 'build', 'dist', 'site', 'results',
                                    '__pycache__', '*.egg-info', '.pytest_cache', '.ruff_cache')
# What running the tests and building the site from an sdist needs, beyond the package.
NEEDED_DIRECTORIES = ('cases', 'tests', 'docs', 'src/mpmatrix', '.github', '.ci')
NEEDED_FILES = ('pyproject.toml', 'tox.ini', 'mkdocs.yml', 'README.md', 'LICENSE', 'CHANGELOG.md',
                'CONTRIBUTING.md')


def test_no_file_of_the_repository_is_a_symbolic_link():
    """A link is a one-line file in a pull request's diff: committed as site/ it would have the
    site build empty what it points to, as results/ take the matrix's writes there, in docs/ be
    published. The build and the results refuse them as they meet them; this names them first."""
    if not (ROOT / '.git').exists() or shutil.which('git') is None:
        pytest.skip('not a git checkout')
    listed = subprocess.run(['git', 'ls-files', '--stage', '-z'], cwd=ROOT, capture_output=True,
                            check=True, timeout=60).stdout.split(b'\0')
    assert [entry for entry in listed if entry.startswith(b'120000 ')] == []


def test_version_is_the_installed_distributions():
    completed = subprocess.run([sys.executable, '-m', 'mpmatrix', '--version'], capture_output=True,
                               text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == f"mpmatrix {importlib.metadata.version('mpmatrix')}\n"


@pytest.mark.skipif(sys.version_info < (3, 9),
                    reason='the build backend, setuptools >= 77, needs Python >= 3.9')
@pytest.mark.skipif(importlib.util.find_spec('build') is None,
                    reason='needs `build` (pip install build, or the test extra)')
def test_the_sdist_holds_what_the_tests_need(tmp_path):
    # Built from a copy: parallel builds (tox p) must not share the tree's egg-info.
    source = tmp_path / 'source'
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    completed = subprocess.run([sys.executable, '-m', 'build', '--sdist', '--outdir', str(tmp_path),
                                str(source)], capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    [sdist] = tmp_path.glob('mpmatrix-*.tar.gz')
    with tarfile.open(sdist) as archive:
        members = {name.split('/', 1)[1] for name in archive.getnames() if '/' in name}
        pkg_info = archive.extractfile(f'{sdist.name[:-len(".tar.gz")]}/PKG-INFO').read().decode()

    needed = {path.relative_to(source).as_posix()
              for directory in NEEDED_DIRECTORIES for path in (source / directory).rglob('*')
              if path.is_file()}
    needed.update(NEEDED_FILES)
    assert {'tests/scripts/stderr_noise.py', 'cases/queue_result.py', 'docs/contributing.md'} <= needed
    assert sorted(needed - members) == []
    assert 'License-Expression: MIT' in pkg_info
    assert 'License-File: LICENSE' in pkg_info
    assert 'Project-URL: Source, https://github.com/mpmatrix/mpmatrix' in pkg_info


def test_the_matrix_label_and_the_sites_dependencies_name_every_interpreter_env():
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(ROOT / 'tox.ini', encoding='utf-8')

    def names(value):
        return [name.strip() for name in re.split(r'[,\n]', value) if name.strip()]

    interpreters = [name for name in names(tox['tox']['env_list']) if re.fullmatch(r'(py|pypy)\d+t?', name)]
    labels = {label.strip(): envs for label, envs in
              (line.split('=', 1) for line in tox['tox']['labels'].strip().splitlines())}
    assert 'py38' in interpreters and 'pypy3' in interpreters
    assert names(labels['matrix']) == interpreters
    assert names(tox['testenv:docs']['depends']) == interpreters


@pytest.mark.skipif(importlib.util.find_spec('check_jsonschema') is None,
                    reason='needs check-jsonschema (pip install check-jsonschema; pre-commit runs it too)')
@pytest.mark.parametrize('schema', ['vendor.github-issue-forms', 'vendor.github-issue-config'])
def test_issue_templates_follow_githubs_schema(schema):
    # config.yml configures the template chooser; every other file there is a form.
    files = [path for path in sorted((ROOT / '.github' / 'ISSUE_TEMPLATE').glob('*.y*ml'))
             if (path.stem == 'config') == (schema == 'vendor.github-issue-config')]
    assert files
    completed = subprocess.run([sys.executable, '-m', 'check_jsonschema', '--builtin-schema', schema,
                                *map(str, files)], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stdout + completed.stderr
