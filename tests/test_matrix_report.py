"""The matrix as people use it: markers select cells, and a failing cell reads as a report."""
from __future__ import annotations

import multiprocessing
import shutil
import sys

import pytest

from mpmatrix import START_METHODS
from mpmatrix.catalog import load_catalog

from .conftest import ROOT


def collect(pytester, *args):
    result = pytester.runpytest_subprocess(
        str(ROOT / 'tests' / 'test_matrix.py'), f'--rootdir={ROOT}', '-p', 'no:cacheprovider',
        '--collect-only', '-q', *args)
    assert result.ret == 0, result.stdout.str()
    return [line for line in result.stdout.lines if '::test_' in line]


@pytest.mark.parametrize('method', START_METHODS)
def test_a_start_method_marker_selects_exactly_its_cells(pytester, method):
    collected = collect(pytester, '-m', method)
    assert collected, f'-m {method} selected nothing'
    assert all(item.endswith(f'-{method}]') for item in collected), collected
    assert len(collected) == len(load_catalog(ROOT / 'cases').cases)


def test_a_family_marker_selects_exactly_its_cases(pytester):
    collected = collect(pytester, '-m', 'managers')
    managers = {case.name for case in load_catalog(ROOT / 'cases').cases if case.family == 'managers'}
    assert {item.split('[')[1].rsplit('-', 1)[0] for item in collected} == managers
    assert len(collected) == len(managers) * len(START_METHODS)


def matrix_project(pytester, cases: dict):
    """The real matrix test module and pytest configuration, over a catalogue of these case texts."""
    (pytester.path / 'tests').mkdir()
    for name in ('__init__.py', 'conftest.py', 'test_matrix.py'):
        shutil.copy(ROOT / 'tests' / name, pytester.path / 'tests' / name)
    shutil.copy(ROOT / 'pyproject.toml', pytester.path / 'pyproject.toml')
    (pytester.path / 'cases').mkdir()
    for name, text in cases.items():
        (pytester.path / 'cases' / f'{name}.py').write_text(text, encoding='utf-8')


@pytest.mark.skipif('spawn' not in multiprocessing.get_all_start_methods(), reason='needs spawn')
def test_a_failing_case_reads_as_a_report(pytester):
    noisy = (ROOT / 'tests' / 'scripts' / 'stderr_noise.py').read_text(encoding='utf-8')
    # A real case with a wrong claim for this interpreter, made through an override.
    plain = (ROOT / 'cases' / 'instance_attribute_plain.py').read_text(encoding='utf-8')
    implementation = sys.implementation.name
    wrong = plain.replace(
        "RELATED = ['instance_attribute_value']\n",
        f"OVERRIDES = [{{'implementation': {implementation!r}, 'expect': {{'spawn': 'propagates'}},\n"
        "              'why': 'a deliberately wrong claim'}]\n")
    assert wrong != plain
    matrix_project(pytester, {'stderr_noise': noisy, 'wrong_claim': wrong})

    result = pytester.runpytest_subprocess('-p', 'no:cacheprovider', '-m', 'spawn', 'tests/test_matrix.py')

    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines([
        f"wrong_claim[[]spawn]: observed 'isolated', expected 'propagates' "
        f"({implementation}: a deliberately wrong claim); exit code 0, * s",
        '*Captured case stdout call*',
        'Child after update: 100',
        'Parent: 0',
        'verdict: isolated',
    ], consecutive=False)
    result.stdout.fnmatch_lines([
        "stderr_noise[[]spawn]: observed 'isolated', expected 'isolated'; exit code 0, * s",
        'problem: *',
        '*Captured case stdout call*',
        'verdict: isolated',
        '*Captured case stderr call*',
        'warning: something',
    ])
    output = result.stdout.str()
    # Neither the test's source nor the reprs of its arguments.
    for noise in ('def test_case', 'Case(', 'Environment(', 'AssertionError', 'pytest.fail'):
        assert noise not in output, f'{noise!r} in the report:\n{output}'
