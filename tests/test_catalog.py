"""catalog: every contract violation is one clear error naming the file and the problem."""
from __future__ import annotations

import ast
import sys

import pytest

from mpmatrix.catalog import CaseError, load_case, load_catalog
from mpmatrix.environment import Environment

from .conftest import ROOT

GOOD = '''"""A good case

It explains itself.
"""
import multiprocessing

FAMILY = 'managers'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
OVERRIDES = []
RELATED = []


def main():
    print('verdict: propagates')


if __name__ == '__main__':
    main()
'''


def environment(version='3.12.1', os='linux', implementation='cpython', free_threaded=False):
    return Environment(os=os, os_release='1', machine='x86_64', implementation=implementation,
                       implementation_version=version, python_version=version,
                       free_threaded=free_threaded, default_start_method='fork',
                       available_start_methods=('fork', 'spawn', 'forkserver'))


def write_case(tmp_path, text, name='good_case'):
    path = tmp_path / f'{name}.py'
    path.write_text(text)
    return path


def test_a_good_case_loads(tmp_path):
    case = load_case(write_case(tmp_path, GOOD))
    assert case.name == 'good_case'
    assert case.title == 'A good case'
    assert case.explanation == 'It explains itself.'
    assert case.expected['fork'] == 'propagates'
    assert case.timeout == 20.0 and case.main_guard and not case.expects_stderr


BROKEN = {
    'syntax error': (GOOD.replace('def main():', 'def main(:'), 'syntax error at line'),
    'no docstring': (GOOD.split('"""', 2)[2], 'no module docstring'),
    'title only': (GOOD.replace('\nIt explains itself.\n', ''), 'no explanation'),
    'missing family': (GOOD.replace("FAMILY = 'managers'\n", ''), 'FAMILY is missing'),
    'unknown family': (GOOD.replace("'managers'", "'threads'"), "FAMILY 'threads' is not one of"),
    'unknown direction': (GOOD.replace("'child-to-parent'", "'up'"), "DIRECTION 'up' is not one of"),
    'unknown start method': (GOOD.replace("'forkserver':", "'vfork':"),
                             "unknown start method 'vfork'"),
    'missing start method': (GOOD.replace(", 'forkserver': 'isolated'", ''),
                             'lacks start method(s): forkserver'),
    'unknown verdict': (GOOD.replace("'spawn': 'isolated'", "'spawn': 'works'"),
                        "EXPECTED['spawn'] is 'works'"),
    'unavailable is not expectable': (GOOD.replace("'spawn': 'isolated'", "'spawn': 'unavailable'"),
                                      "is 'unavailable', not a verdict a case can expect"),
    'not a literal': (GOOD.replace("FAMILY = 'managers'", "FAMILY = 'man' + 'agers'"),
                      'FAMILY must be a plain literal'),
    'assigned twice': (GOOD.replace("RELATED = []", "RELATED = []\nRELATED = []"),
                       'RELATED is assigned twice'),
    'override without condition': (
        GOOD.replace('OVERRIDES = []', "OVERRIDES = [{'expect': {'fork': 'error'}, 'why': 'x'}]"),
        'OVERRIDES[1] needs a condition'),
    'override with a bad version': (
        GOOD.replace('OVERRIDES = []',
                     "OVERRIDES = [{'since': '3.x', 'expect': {'fork': 'error'}, 'why': 'x'}]"),
        "OVERRIDES[1]['since']: not a version"),
    'override range backwards': (
        GOOD.replace('OVERRIDES = []', "OVERRIDES = [{'since': '3.12', 'before': '3.10', "
                                       "'expect': {'fork': 'error'}, 'why': 'x'}]"),
        'since 3.12 is not before 3.10'),
    'override without why': (
        GOOD.replace('OVERRIDES = []', "OVERRIDES = [{'os': 'macos', 'expect': {'fork': 'error'}}]"),
        'needs a "why"'),
    'override with unknown key': (
        GOOD.replace('OVERRIDES = []', "OVERRIDES = [{'os': 'macos', 'arch': 'arm64', "
                                       "'expect': {'fork': 'error'}, 'why': 'x'}]"),
        'unknown key(s): arch'),
    'override with unknown os': (
        GOOD.replace('OVERRIDES = []', "OVERRIDES = [{'os': 'darwin', "
                                       "'expect': {'fork': 'error'}, 'why': 'x'}]"),
        "OVERRIDES[1][os] 'darwin' is not one of"),
    'overlapping overrides': (
        GOOD.replace('OVERRIDES = []', "OVERRIDES = [\n"
                     "    {'since': '3.8', 'before': '3.11', 'expect': {'spawn': 'error'}, 'why': 'a'},\n"
                     "    {'since': '3.10.2', 'os': 'linux', 'expect': {'spawn': 'hang'}, 'why': 'b'},\n"
                     "]"),
        'OVERRIDES[1] and OVERRIDES[2] overlap'),
    'related is not a list': (GOOD.replace('RELATED = []', "RELATED = 'other'"),
                              'RELATED must be a list'),
    'related names itself': (GOOD.replace('RELATED = []', "RELATED = ['good_case']"),
                             'RELATED names the case itself'),
    'bad timeout': (GOOD.replace('RELATED = []', 'RELATED = []\nTIMEOUT = -1'),
                    'TIMEOUT must be a number'),
    'misspelt declaration': (GOOD.replace('OVERRIDES = []', 'OVERIDES = []'),
                             'OVERIDES looks like a misspelling of OVERRIDES'),
    'missing main guard': (GOOD.replace("if __name__ == '__main__':\n    main()", 'main()'),
                           "no `if __name__ == '__main__':` guard"),
}


@pytest.mark.parametrize('text, message', BROKEN.values(), ids=BROKEN.keys())
def test_each_violation_is_a_clear_error(tmp_path, text, message):
    path = write_case(tmp_path, text)
    with pytest.raises(CaseError) as raised:
        load_case(path)
    assert str(path) in str(raised.value)
    assert message in str(raised.value)


def test_missing_guard_is_fine_when_declared(tmp_path):
    text = BROKEN['missing main guard'][0].replace('RELATED = []', 'RELATED = []\nMAIN_GUARD = False')
    assert load_case(write_case(tmp_path, text)).main_guard is False


def test_disjoint_overrides_are_accepted(tmp_path):
    text = GOOD.replace('OVERRIDES = []', "OVERRIDES = [\n"
                        "    {'before': '3.11', 'expect': {'spawn': 'error'}, 'why': 'a'},\n"
                        "    {'since': '3.11', 'expect': {'spawn': 'hang'}, 'why': 'b'},\n"
                        "    {'os': 'windows', 'expect': {'fork': 'error'}, 'why': 'c'},\n"
                        "]")
    assert len(load_case(write_case(tmp_path, text)).overrides) == 3


@pytest.mark.parametrize('env, expected', [
    (environment('3.10.13'), 'error'),
    (environment('3.13.0'), 'isolated'),
    (environment('3.13.1'), 'hang'),
    (environment('3.13.1', os='macos'), 'isolated'),
    (environment('3.9.16', implementation='pypy'), 'propagates'),
], ids=['in-range', 'patch-before', 'patch-since', 'other-os', 'implementation'])
def test_expectation_applies_overrides(tmp_path, env, expected):
    text = GOOD.replace('OVERRIDES = []', """OVERRIDES = [
    {'before': '3.11', 'implementation': 'cpython', 'expect': {'spawn': 'error'}, 'why': 'a'},
    {'since': '3.13.1', 'os': 'linux', 'implementation': 'cpython',
     'expect': {'spawn': 'hang'}, 'why': 'b'},
    {'implementation': 'pypy', 'expect': {'spawn': 'propagates'}, 'why': 'c'},
]""")
    case = load_case(write_case(tmp_path, text))
    verdict, override = case.expectation('spawn', env)
    assert verdict == expected
    assert (override is None) == (expected == 'isolated')


def test_a_broken_case_does_not_stop_the_others(tmp_path):
    write_case(tmp_path, GOOD, 'fine')
    write_case(tmp_path, GOOD.replace("RELATED = []", "RELATED = ['fine', 'nowhere']"), 'dangling')
    write_case(tmp_path, BROKEN['syntax error'][0], 'broken')
    write_case(tmp_path, GOOD, '_template')
    catalog = load_catalog(tmp_path)
    assert [case.name for case in catalog.cases] == ['fine']
    messages = {error.path.stem: str(error) for error in catalog.errors}
    assert set(messages) == {'broken', 'dangling'}
    assert 'RELATED names unknown case(s): nowhere' in messages['dangling']


def test_a_missing_directory_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match='no case directory'):
        load_catalog(tmp_path / 'nowhere')


@pytest.mark.skipif(sys.version_info < (3, 10), reason='sys.stdlib_module_names is new in 3.10')
def test_cases_import_only_the_standard_library():
    offenders = []
    for path in sorted((ROOT / 'cases').glob('*.py')):
        for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0
                     else [])
            offenders += [f'{path.name}: {name}' for name in names
                          if name.split('.')[0] not in sys.stdlib_module_names]
    assert offenders == []
