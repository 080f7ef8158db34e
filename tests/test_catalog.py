"""catalog: every contract violation is one clear error naming the file and the problem."""
from __future__ import annotations

import codecs
import dataclasses
import multiprocessing
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from mpmatrix import casefile, catalog, runner
from mpmatrix.casefile import NAME_RULE
from mpmatrix.catalog import CaseError, Expectation, load_case, load_catalog, parse_expectation
from mpmatrix.environment import Environment

GOOD = '''"""A good case

It explains itself.
"""
import argparse
import multiprocessing

FAMILY = 'managers'
DIRECTION = 'child-to-parent'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
OVERRIDES = []
RELATED = []


def main():
    print('verdict: propagates')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
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


def test_a_child_that_raises_on_purpose_is_declared_by_the_exceptions_name(tmp_path):
    assert load_case(write_case(tmp_path, GOOD)).child_raises is None
    case = load_case(write_case(tmp_path, GOOD.replace(
        'RELATED = []', "RELATED = []\nCHILD_RAISES = '_pickle.PicklingError'")))
    assert case.child_raises == case.as_dict()['child_raises'] == '_pickle.PicklingError'


@pytest.mark.parametrize('value, problem', [
    *[(value, "CHILD_RAISES .* is not an exception's dotted name")
      for value in ("'error (KeyError)'", "'Key Error'", "'KeyError.'", "''", '3', "['KeyError']")],
    (repr('E' * 201), 'CHILD_RAISES is longer than 200 characters'),
    (repr('E' * 200 + '.B'), 'CHILD_RAISES is longer than 200 characters'),
    ("'ExceptionGroup'", 'CHILD_RAISES cannot be an exception group'),
    ("'builtins.BaseExceptionGroup'", 'CHILD_RAISES cannot be an exception group'),
])
def test_child_raises_is_one_exceptions_dotted_name(tmp_path, value, problem):
    path = write_case(tmp_path, GOOD.replace('RELATED = []', f'RELATED = []\nCHILD_RAISES = {value}'))
    with pytest.raises(CaseError, match=problem):
        load_case(path)


def override(text):
    return GOOD.replace('OVERRIDES = []', f'OVERRIDES = [{text}]')


GUARD = "if __name__ == '__main__':\n"
FOUR_LINES = GOOD[GOOD.index(GUARD):]

BROKEN = {
    'syntax error': (GOOD.replace('def main():', 'def main(:'), 'syntax error at line'),
    'no docstring': (GOOD.split('"""', 2)[2], 'no module docstring'),
    'title only': (GOOD.replace('\nIt explains itself.\n', ''), 'no explanation'),
    'title runs on': (GOOD.replace('A good case\n\nIt', 'A good case that\nruns on. It'),
                      'the title is the first line of the docstring, then a blank line'),
    'missing family': (GOOD.replace("FAMILY = 'managers'\n", ''), 'FAMILY is missing'),
    'unknown family': (GOOD.replace("'managers'", "'threads'"), "FAMILY 'threads' is not one of"),
    'family not a string': (GOOD.replace("'managers'", "['managers']"),
                            "FAMILY ['managers'] is not one of"),
    'family annotated': (GOOD.replace("FAMILY = 'managers'", "FAMILY: str = 'managers'"),
                         'FAMILY must be assigned alone'),
    'declarations unpacked': (GOOD.replace("FAMILY = 'managers'\nDIRECTION = 'child-to-parent'",
                                           "FAMILY, DIRECTION = 'managers', 'child-to-parent'"),
                              'FAMILY must be assigned alone, as `FAMILY = literal` (line 8)'),
    'unknown direction': (GOOD.replace("'child-to-parent'", "'up'"), "DIRECTION 'up' is not one of"),
    'unknown start method': (GOOD.replace("'forkserver':", "'vfork':"),
                             "unknown start method 'vfork'"),
    'missing start method': (GOOD.replace(", 'forkserver': 'isolated'", ''),
                             'lacks start method(s): forkserver'),
    'unknown verdict': (GOOD.replace("'spawn': 'isolated'", "'spawn': 'works'"),
                        "EXPECTED['spawn'] is 'works'"),
    'verdict not a string': (GOOD.replace("'spawn': 'isolated'", "'spawn': ['isolated']"),
                             "EXPECTED['spawn'] is ['isolated']"),
    'unavailable is not expectable': (GOOD.replace("'spawn': 'isolated'", "'spawn': 'unavailable'"),
                                      "is 'unavailable', not a verdict a case can expect"),
    'bare error': (GOOD.replace("'spawn': 'isolated'", "'spawn': 'error'"),
                   "EXPECTED['spawn'] is a bare 'error': name the error"),
    'error without a space': (GOOD.replace("'spawn': 'isolated'", "'spawn': 'error(RuntimeError)'"),
                              "not 'error (TYPE)'"),
    'error type with a space': (GOOD.replace("'spawn': 'isolated'", "'spawn': 'error (Runtime Error)'"),
                                "not 'error (TYPE)'"),
    'type on another verdict': (GOOD.replace("'spawn': 'isolated'", "'spawn': 'isolated (RuntimeError)'"),
                                'not a verdict a case can expect'),
    'not a literal': (GOOD.replace("FAMILY = 'managers'", "FAMILY = 'man' + 'agers'"),
                      'FAMILY must be a plain literal'),
    'unhashable literal': (GOOD.replace('RELATED = []', 'RELATED = {[1]: 2}'),
                           'RELATED must be a plain literal'),
    'assigned twice': (GOOD.replace("RELATED = []", "RELATED = []\nRELATED = []"),
                       'RELATED is assigned twice'),
    'override without condition': (override("{'expect': {'fork': 'hang'}, 'why': 'x'}"),
                                   'OVERRIDES[1] needs a condition'),
    'override with a bare error': (override("{'os': 'macos', 'expect': {'fork': 'error'}, 'why': 'x'}"),
                                   "OVERRIDES[1][expect]['fork'] is a bare 'error'"),
    'override with a bad version': (override("{'since': '3.x', 'expect': {'fork': 'hang'}, 'why': 'x'}"),
                                    "OVERRIDES[1]['since']: not a version"),
    'override version as a number': (
        override("{'since': 3.10, 'expect': {'fork': 'hang'}, 'why': 'x'}"),
        "OVERRIDES[1]['since'] must be a string such as '3.10' (the number 3.1 would read"),
    'override range backwards': (
        override("{'since': '3.12', 'before': '3.10', 'expect': {'fork': 'hang'}, 'why': 'x'}"),
        'since 3.12 is not before 3.10'),
    'override restating the base': (
        override("{'os': 'windows', 'expect': {'spawn': 'isolated', 'fork': 'hang'}, 'why': 'x'}"),
        "OVERRIDES[1][expect]['spawn'] restates EXPECTED['spawn']"),
    'override without why': (override("{'os': 'macos', 'expect': {'fork': 'hang'}}"),
                             'needs a "why"'),
    'override with unknown key': (
        override("{'os': 'macos', 'arch': 'arm64', 'expect': {'fork': 'hang'}, 'why': 'x'}"),
        "unknown key(s): 'arch'"),
    'override with odd keys': (override("{1: 2, 'os': 'macos', 'expect': {'fork': 'hang'}, 'why': 'x'}"),
                               'unknown key(s): 1'),
    'override with unknown os': (
        override("{'os': 'darwin', 'expect': {'fork': 'hang'}, 'why': 'x'}"),
        "OVERRIDES[1][os] 'darwin' is not one of"),
    'override os not a string': (
        override("{'os': ['linux'], 'expect': {'fork': 'hang'}, 'why': 'x'}"),
        "OVERRIDES[1][os] ['linux'] is not one of"),
    'implementation version without implementation': (
        override("{'implementation_version': {'since': '7.3.10'}, 'expect': {'fork': 'hang'}, 'why': 'x'}"),
        'OVERRIDES[1][implementation_version] needs an implementation too'),
    'implementation version not a range': (
        override("{'implementation': 'pypy', 'implementation_version': '7.3.10', "
                 "'expect': {'fork': 'hang'}, 'why': 'x'}"),
        "OVERRIDES[1][implementation_version] must be a dict with 'since' and/or 'before'"),
    'implementation version as a number': (
        override("{'implementation': 'pypy', 'implementation_version': {'before': 7.3}, "
                 "'expect': {'fork': 'hang'}, 'why': 'x'}"),
        "OVERRIDES[1][implementation_version]['before'] must be a string"),
    'implementation range backwards': (
        override("{'implementation': 'pypy', 'implementation_version': {'since': '7.3.12', "
                 "'before': '7.3.10'}, 'expect': {'fork': 'hang'}, 'why': 'x'}"),
        'since 7.3.12 is not before 7.3.10'),
    'overlapping overrides': (
        GOOD.replace('OVERRIDES = []', "OVERRIDES = [\n"
                     "    {'since': '3.8', 'before': '3.11', 'expect': {'spawn': 'hang'}, 'why': 'a'},\n"
                     "    {'since': '3.10.2', 'os': 'linux', 'expect': {'spawn': 'propagates'},\n"
                     "     'why': 'b'},\n"
                     "]"),
        'OVERRIDES[1] and OVERRIDES[2] overlap'),
    'overlapping implementation versions': (
        GOOD.replace('OVERRIDES = []', "OVERRIDES = [\n"
                     "    {'implementation': 'pypy', 'implementation_version': {'before': '7.3.12'},\n"
                     "     'expect': {'spawn': 'hang'}, 'why': 'a'},\n"
                     "    {'implementation': 'pypy', 'implementation_version': {'since': '7.3.11'},\n"
                     "     'expect': {'spawn': 'propagates'}, 'why': 'b'},\n"
                     "]"),
        'OVERRIDES[1] and OVERRIDES[2] overlap'),
    'related is not a list': (GOOD.replace('RELATED = []', "RELATED = 'other'"),
                              'RELATED must be a list'),
    'related holds a dict': (GOOD.replace('RELATED = []', "RELATED = [{'a': 1}]"),
                             'RELATED must be a list'),
    'related names itself': (GOOD.replace('RELATED = []', "RELATED = ['good_case']"),
                             'RELATED names the case itself'),
    'related names no case': (GOOD.replace('RELATED = []', "RELATED = ['../etc/passwd']"),
                              'which is not a case name'),
    'bad timeout': (GOOD.replace('RELATED = []', 'RELATED = []\nTIMEOUT = -1'),
                    'TIMEOUT must be a number'),
    'timeout as a string': (GOOD.replace('RELATED = []', "RELATED = []\nTIMEOUT = '3'"),
                            'TIMEOUT must be a number'),
    'missing main guard': (GOOD.replace(FOUR_LINES, 'main()\n'), "no `if __name__ == '__main__':` guard"),
    'guard without the start method': (GOOD.replace(FOUR_LINES, GUARD + '    main()\n'),
                                       'must read --start-method and pass it to '
                                       'multiprocessing.set_start_method'),
    'missing guard without import-time idiom': (
        GOOD.replace(FOUR_LINES, 'main()\n').replace('RELATED = []', 'RELATED = []\nMAIN_GUARD = False'),
        "MAIN_GUARD = False needs START_METHOD_AT = 'import'"),
    'unknown start method place': (GOOD.replace('RELATED = []', "RELATED = []\nSTART_METHOD_AT = 'top'"),
                                   "START_METHOD_AT 'top' is not one of: main, import"),
    'third-party import': (GOOD.replace('import argparse\n', 'import argparse\nimport psutil\n'),
                           'line 6: imports psutil, which is not in the standard library'),
    'nested third-party import': (
        GOOD.replace("    print('verdict", "    from pytest import approx\n    print('verdict"),
        'imports pytest, which is not in the standard library'),
    'dynamic third-party import': (
        GOOD.replace("    print('verdict", "    __import__('psutil')\n    print('verdict"),
        'imports psutil, which is not in the standard library'),
    'third-party import by keyword': (
        GOOD.replace("    print('verdict", "    __import__(name='psutil')\n    print('verdict"),
        'imports psutil, which is not in the standard library'),
    'third-party import through an f-string': (
        GOOD.replace("    print('verdict", "    importlib.import_module(f'psutil')\n    print('verdict"),
        'imports psutil, which is not in the standard library'),
    'third-party import through a starred list': (
        GOOD.replace("    print('verdict", "    __import__(*['psutil'])\n    print('verdict"),
        'imports psutil, which is not in the standard library'),
    'import of a computed name': (
        GOOD.replace("    print('verdict", "    __import__('ps' + 'util')\n    print('verdict"),
        'imports a module whose name is computed as the case runs'),
    # Code the import check cannot read is refused (a reproducibility rule, not a sandbox).
    'exec of a string': (
        GOOD.replace("    print('verdict", "    exec('import psutil')\n    print('verdict"),
        "line 16: uses exec: code run from a string escapes the import check and the reader"),
    'eval through builtins': (
        GOOD.replace("    print('verdict", "    import builtins\n    builtins.eval('1')\n    print('verdict"),
        'uses eval: code run from a string'),
    'import_module kept under another name': (
        GOOD.replace("    print('verdict", "    load = importlib.import_module\n    load('psutil')\n"
                     "    print('verdict"),
        "uses import_module without calling it: the import check reads a module's name only in a "
        "call written import_module('module')"),
    'import_module imported under another name': (
        GOOD.replace('import argparse\n',
                     'import argparse\nfrom importlib import import_module as load\n'),
        'line 6: imports import_module under another name'),
    '__import__ fetched by its name': (
        GOOD.replace("    print('verdict", "    import builtins\n"
                     "    getattr(builtins, '__import__')('psutil')\n    print('verdict"),
        "names __import__ in a string: the import check cannot follow it"),
    'a module run by its name': (
        GOOD.replace("    print('verdict",
                     "    import runpy\n    runpy.run_module('pip')\n    print('verdict"),
        "imports runpy, which runs code or modules given by name, out of the import check's sight"),
    'a resolver imported by name': (
        GOOD.replace('import argparse\n', 'import argparse\nfrom pkgutil import resolve_name\n'),
        "line 6: uses resolve_name, which loads or runs a module out of the import check's sight"),
    'third-party module preloaded by the fork server': (
        GOOD.replace("    print('verdict", "    multiprocessing.set_forkserver_preload(['psutil'])\n"
                     "    print('verdict"),
        'imports psutil, which is not in the standard library'),
    'computed list preloaded by the fork server': (
        GOOD.replace("    print('verdict", "    multiprocessing.set_forkserver_preload(names)\n"
                     "    print('verdict"),
        'imports a module whose name is computed as the case runs'),
    'exec imported from builtins under another name': (
        GOOD.replace('import argparse\n', 'import argparse\nfrom builtins import exec as run\n'),
        'line 6: uses exec: code run from a string'),
    'eval on builtins under another name': (
        GOOD.replace("    print('verdict", "    import builtins as b\n    b.eval('1')\n    print('verdict"),
        'uses eval: code run from a string'),
    'exec on the builtins module imported by name': (
        GOOD.replace("    print('verdict", "    __import__('builtins').exec('1')\n    print('verdict"),
        'uses exec: code run from a string'),
    'compile on the builtins module imported by name': (
        GOOD.replace("    print('verdict",
                     "    importlib.import_module('builtins').compile('1', 'x', 'eval')\n"
                     "    print('verdict"),
        'uses compile: code run from a string'),
    'a builtin fetched by a key': (
        GOOD.replace("    print('verdict", "    import builtins\n    vars(builtins)['exec']('1')\n"
                     "    print('verdict"),
        'names exec in a string: the import check cannot follow it'),
    'fork server preload under another name': (
        GOOD.replace('import argparse\n', 'import argparse\n'
                     'from multiprocessing import set_forkserver_preload as preload\n'),
        'line 6: imports set_forkserver_preload under another name'),
    'fork server preload kept in a variable': (
        GOOD.replace("    print('verdict", "    preload = multiprocessing.set_forkserver_preload\n"
                     "    print('verdict"),
        "uses set_forkserver_preload without calling it: the import check reads a module's name only "
        "in a call written set_forkserver_preload(['module'])"),
    'fork server preload list set directly': (
        GOOD.replace("    print('verdict",
                     "    multiprocessing.forkserver._forkserver._preload_modules = ['x']\n"
                     "    print('verdict"),
        'uses _preload_modules, which loads or runs a module'),
    'a loader run on a file': (
        GOOD.replace("    print('verdict", "    import importlib.machinery\n"
                     "    importlib.machinery.SourceFileLoader('x', 'x.py').load_module()\n"
                     "    print('verdict"),
        'uses load_module, which loads or runs a module'),
    'timeit running a string': (GOOD.replace('import argparse\n', 'import argparse\nimport timeit\n'),
                                'line 6: imports timeit, which runs code or modules given by name'),
    'a string literal inside an f-string field': (
        GOOD.replace("    print('verdict", "    x = f\"{'caf\xe9'}\"\n    print('verdict"),
        'holds U+00E9 (LATIN SMALL LETTER E WITH ACUTE)'),
    'an integer too large to show': (GOOD.replace("FAMILY = 'managers'", 'FAMILY = 0x' + 'f' * 4000),
                                     'FAMILY'),
    'a tag character beyond the ASCII ones': (GOOD.replace('def main():', '# x\U000e0080\ndef main():'),
                                              'holds the control character U+E0080'),
    'a builtin named in an f-string': (
        GOOD.replace("    print('verdict", "    import builtins\n    getattr(builtins, f'exec')('1')\n"
                     "    print('verdict"),
        'names exec in a string: the import check cannot follow it'),
    'a builtin named in a starred list': (
        GOOD.replace("    print('verdict", "    import builtins\n    getattr(builtins, *['compile'])\n"
                     "    print('verdict"),
        'names compile in a string: the import check cannot follow it'),
    'relative import': (GOOD.replace('import argparse\n', 'import argparse\nfrom . import helper\n'),
                        'line 6: a relative import'),
    'snippet in the docstring': (GOOD.replace('It explains itself.', 'It explains itself.\n\n'
                                              '--8<-- ".git/config"'),
                                 'line 5 holds snippet syntax (--8<--)'),
    'terminal escape in the title': (GOOD.replace('A good case', 'A good \x1b]0;pwned\x07case'),
                                     'line 1 holds the control character U+001B'),
    'bidirectional override': (GOOD.replace("    print('verdict", "    # \u202e}\n    print('verdict"),
                               'holds the control character U+202E'),
    'invisible letter in a name': (
        GOOD.replace("    print('verdict", "    observed\u3164 = 1\n    print('verdict"),
        'holds the control character U+3164'),
    # Code is ASCII: what Python reads is what a reader and a search see.
    'variation selector in a name': (
        GOOD.replace("    print('verdict", "    verdict\ufe00 = 'propagates'\n    print('verdict"),
        "holds U+FE00 (VARIATION SELECTOR-1): but in comments and plain strings (f-strings are "
        "code) a case is ASCII, so that it runs as it reads"),
    'mathematical letters that Python reads as a builtin': (
        GOOD.replace("    print('verdict", "    \U0001d68e\U0001d6a1\U0001d68e\U0001d68c('x = 1')\n"
                     "    print('verdict"),
        "line 16: '\\U0001d68e\\U0001d6a1\\U0001d68e\\U0001d68c' holds U+1D68E (MATHEMATICAL "
        "MONOSPACE SMALL E): but in comments and plain strings (f-strings are code) a case is ASCII, "
        "so that it runs as it reads; Python reads 'exec'"),
    'a Cyrillic letter in a name': (
        GOOD.replace('def main():', 'def m\u0430in():\n    pass\n\n\ndef main():'),
        "'m\\u0430in' holds U+0430 (CYRILLIC SMALL LETTER A)"),
    'non-ASCII text in an f-string': (
        GOOD.replace("    print('verdict", "    x = f'\u2192 {1}'\n    print('verdict"),
        'holds U+2192 (RIGHTWARDS ARROW)'),
    'soft hyphen in a comment': (GOOD.replace('def main():', '# x\xady\ndef main():'),
                                 'holds the control character U+00AD'),
    'Arabic letter mark in a string': (GOOD.replace("'verdict: propagates'", "'verdict: \u061cpropagates'"),
                                       'holds the control character U+061C'),
    'tag characters spelling hidden text in the docstring': (
        GOOD.replace('It explains itself.', 'It explains itself.\U000e0069\U000e0067\U000e006e'),
        'holds the control character U+E0069'),
    'line separator in a comment': (GOOD.replace('def main():', '# x\u2028y\ndef main():'),
                                    'holds the control character U+2028'),
    'form feed in an indentation': (
        GOOD.replace("    print('verdict", "    if False:\n        pass\n\f    print('verdict"),
        'line 18 holds a form feed beside other text'),
    'carriage return alone': (GOOD.replace('def main():', '# x\ry\ndef main():'),
                              'holds a carriage return that ends no line'),
    # Every pair is checked for overlap: 4,000 took 21 s and 2.8 GB.
    'too many overrides': (
        override(', '.join(["{'os': 'linux', 'expect': {'fork': 'hang'}, 'why': 'w'}"] * 51)),
        'OVERRIDES has 51 entries, more than 50'),
    'escaped snippet in the source': (GOOD.replace('def main():', '# ;--8<-- "/etc/passwd"\ndef main():'),
                                      'holds snippet syntax (--8<--)'),
    'docstring too long to render': (GOOD.replace('It explains itself.', 'It explains itself. ' + 'x' * 8000),
                                     'the docstring is 8,033 characters, more than 8,000'),
    # Escapes are harmless characters in the source, but not what they evaluate to.
    'terminal escape written as an escape in the title': (
        GOOD.replace('A good case', 'A good \\x1b[2Jcase'),
        'the docstring holds the control character U+001B, written as an escape'),
    'lone surrogate written as an escape in the explanation': (
        GOOD.replace('It explains itself.', 'It explains \\udcff itself.'),
        'the docstring holds a lone surrogate U+DCFF, written as an escape'),
    'lone surrogate in an override\'s why': (
        GOOD.replace('OVERRIDES = []', "OVERRIDES = [{'os': 'macos', 'expect': {'fork': 'isolated'}, "
                                       "'why': 'see \\ud800'}]"),
        'OVERRIDES holds a lone surrogate U+D800, written as an escape'),
    'bidirectional override written as an escape in a dict key': (
        GOOD.replace('OVERRIDES = []', "OVERRIDES = [{'os': 'macos', 'expect': {'fork': 'isolated'}, "
                                       "'why': 'w', '\\u202e': 1}]"),
        'OVERRIDES holds the control character U+202E, written as an escape'),
}


def test_non_ascii_text_is_fine_in_comments_plain_strings_and_the_docstring(tmp_path):
    """Emoji keep their variation selector there: text, not names."""
    text = (GOOD.replace('It explains itself.', 'It explains itself \u2014 café.')
            .replace('def main():', '# \u26a0\ufe0f d\xe9j\xe0 vu\ndef main():')
            .replace("    print('verdict", "    print('\u2192 \u26a0\ufe0f')\n    print('verdict"))
    load_case(write_case(tmp_path, text))


def test_what_reads_like_a_code_runner_but_is_none_is_fine(tmp_path):
    """re.compile is no builtin; a standard-library module preloaded by name is checked, and fine
    ('__main__' is the fork server's own default); import_module called with its name is read;
    'exec' and 'eval' as plain data are data; a case's own locate or run_path is its own."""
    text = GOOD.replace("    print('verdict", "    import re\n    re.compile('x')\n"
                        "    multiprocessing.set_forkserver_preload(['__main__', 'calendar'])\n"
                        "    importlib.import_module('json')\n"
                        "    modes = {'exec': 1, 'choices': ['train', 'eval']}\n"
                        "    Finder().locate(modes)\n    run_path(modes)\n    print('verdict")
    text = text.replace('def main():', 'class Finder:\n    def locate(self, x):\n        return x\n\n\n'
                        'def run_path(x):\n    return x\n\n\ndef main():')
    load_case(write_case(tmp_path, text))
    # re's compile imported by name, and one reached through attributes
    text = GOOD.replace('import argparse\n', 'import argparse\nfrom re import compile\n').replace(
        "    print('verdict", "    compile('x')\n    import xml.etree.ElementTree\n"
                             "    xml.etree.compile = 1\n    print('verdict")
    load_case(write_case(tmp_path, text))


def test_a_module_in_the_current_directory_is_not_taken_for_the_standard_librarys(tmp_path, monkeypatch):
    """On 3.8 and 3.9 the check asked the import system, which looks in the current directory
    first: run from cases/, a stray mailbox.py there was taken for a module of the catalogue's own."""
    (tmp_path / 'mailbox.py').write_text('')
    (tmp_path / 'not_in_any_stdlib.py').write_text('')
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    casefile.is_stdlib_module.cache_clear()
    try:
        assert casefile.is_stdlib_module('mailbox')
        assert not casefile.is_stdlib_module('not_in_any_stdlib')
    finally:
        casefile.is_stdlib_module.cache_clear()


def test_the_name_of_the_site_s_list_of_cases_is_reserved(tmp_path):
    with pytest.raises(CaseError, match="'index' is reserved: the site's cases/index.html"):
        load_case(write_case(tmp_path, GOOD, 'index'))


@pytest.mark.parametrize('name', ['con', 'prn', 'aux', 'nul', 'com1', 'lpt9', 'com0'])
def test_a_windows_device_name_is_refused_everywhere(tmp_path, name):
    # Git for Windows cannot check out cases/aux.py: one such case breaks every Windows clone.
    with pytest.raises(CaseError, match=f"'{name}' is a device name on Windows"):
        load_case(write_case(tmp_path, GOOD, name))


@pytest.mark.parametrize('name', ['console', 'auxiliary', 'com10', 'null'])
def test_names_that_only_begin_like_a_windows_device_are_cases(tmp_path, name):
    assert load_case(write_case(tmp_path, GOOD, name)).name == name


@pytest.mark.parametrize('text, message', BROKEN.values(), ids=BROKEN.keys())
def test_each_violation_is_a_clear_error(tmp_path, text, message):
    path = write_case(tmp_path, text)
    with pytest.raises(CaseError) as raised:
        load_case(path)
    assert str(path) in str(raised.value)
    assert message in str(raised.value)


@pytest.mark.parametrize('text, message', BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_case_is_reported_by_the_catalogue_never_raised(tmp_path, text, message):
    broken = write_case(tmp_path, text)
    write_case(tmp_path, GOOD, 'fine')
    catalog = load_catalog(tmp_path)
    assert [case.name for case in catalog.cases] == ['fine']
    [error] = catalog.errors
    assert error.path == broken and message in str(error)


@pytest.mark.parametrize('typo, meant', [('OVERIDES', 'OVERRIDES'), ('EXPECTD', 'EXPECTED'),
                                         ('FAMILLY', 'FAMILY'), ('RELATDE', 'RELATED'),
                                         ('TIMEOUR', 'TIMEOUT'), ('MAINGUARD', 'MAIN_GUARD'),
                                         ('CHILD_RAISE', 'CHILD_RAISES')])
def test_a_near_miss_of_a_declaration_is_a_misspelling(tmp_path, typo, meant):
    path = write_case(tmp_path, GOOD.replace('RELATED = []', f'RELATED = []\n{typo} = 3'))
    with pytest.raises(CaseError, match=f'{typo} looks like a misspelling of {meant}'):
        load_case(path)


@pytest.mark.parametrize('name', ['TIMEOUT_S', 'EXPECTED_LINES', 'RELATED_NAMES', 'TIMEOUTS',
                                  'START_METHOD', 'Family', 'expected'])
def test_a_constant_of_the_cases_own_is_not_a_misspelling(tmp_path, name):
    load_case(write_case(tmp_path, GOOD.replace('RELATED = []', f'RELATED = []\n{name} = 3')))


def test_missing_guard_is_fine_when_declared_with_the_import_time_idiom(tmp_path):
    text = GOOD.replace(FOUR_LINES, 'main()\n').replace('RELATED = []', (
        "RELATED = []\nMAIN_GUARD = False\nSTART_METHOD_AT = 'import'\n"
        "parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])\n"
        "parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())\n"
        "START_METHOD = parser.parse_known_args()[0].start_method\n"
        "context = multiprocessing.get_context(START_METHOD)\n"))
    case = load_case(write_case(tmp_path, text))
    assert (case.main_guard, case.start_method_at) == (False, 'import')


IMPORT_TIME = '''"""set_start_method called while the module is imported

The start method is set at import time, outside the guard. A spawned child
imports the module again, after multiprocessing has set its start method, and
the call raises "context has already been set".
"""
import argparse
import multiprocessing

FAMILY = 'process-wide-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'error (RuntimeError)',
            'forkserver': 'error (RuntimeError)'}
START_METHOD_AT = 'import'

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
START_METHOD = parser.parse_known_args()[0].start_method

multiprocessing.set_start_method(START_METHOD)  # the pattern: at import, outside the guard


def task(answer):
    answer.put('hello')


def main():
    answer = multiprocessing.Queue()
    child = multiprocessing.Process(target=task, args=(answer,))
    child.start()
    child.join()
    if child.exitcode != 0:
        print('verdict: error')
        return
    print('verdict:', 'propagates' if answer.get() == 'hello' else 'isolated')


if __name__ == '__main__':
    main()
'''


def test_the_import_time_idiom_is_validated(tmp_path):
    case = load_case(write_case(tmp_path, IMPORT_TIME, 'start_method_at_import'))
    assert case.start_method_at == 'import'
    for broken in ('START_METHOD = parser.parse_known_args()[0].start_method\n',
                   "parser.add_argument('--start-method', "
                   'choices=multiprocessing.get_all_start_methods())\n'):
        path = write_case(tmp_path, IMPORT_TIME.replace(broken, ''), 'start_method_at_import')
        with pytest.raises(CaseError, match="START_METHOD_AT = 'import' needs the import-time idiom"):
            load_case(path)


@pytest.mark.parametrize('method, observed', [('fork', 'propagates'),
                                              ('spawn', 'error (RuntimeError)')])
def test_an_import_time_case_runs_under_the_harness(tmp_path, method, observed):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f'{method} is not available here')
    case = load_case(write_case(tmp_path, IMPORT_TIME, 'start_method_at_import'))
    run = runner.run_case(case, method)
    assert run.problems == []
    assert str(Expectation(run.verdict, run.error_type)) == observed
    assert case.expectation(method, environment()).matches(run.verdict, run.error_type)


def test_disjoint_overrides_are_accepted(tmp_path):
    text = GOOD.replace('OVERRIDES = []', "OVERRIDES = [\n"
                        "    {'before': '3.11', 'expect': {'spawn': 'error (SIGSEGV)'}, 'why': 'a'},\n"
                        "    {'since': '3.11', 'expect': {'spawn': 'error (RuntimeError)'}, 'why': 'b'},\n"
                        "    {'os': 'windows', 'expect': {'fork': 'error (0xC0000005)'}, 'why': 'c'},\n"
                        "    {'implementation': 'pypy', 'implementation_version': {'before': '7.3.11'},\n"
                        "     'expect': {'forkserver': 'error (pickle.PicklingError)'}, 'why': 'd'},\n"
                        "    {'implementation': 'pypy', 'implementation_version': {'since': '7.3.11'},\n"
                        "     'expect': {'forkserver': 'hang'}, 'why': 'e'},\n"
                        "]")
    assert len(load_case(write_case(tmp_path, text)).overrides) == 5


EXPECTATION_OVERRIDES = """OVERRIDES = [
    {'before': '3.11', 'implementation': 'cpython', 'expect': {'spawn': 'error (SIGSEGV)'}, 'why': 'a'},
    {'since': '3.13.1', 'os': 'linux', 'implementation': 'cpython',
     'expect': {'spawn': 'hang'}, 'why': 'b'},
    {'implementation': 'pypy', 'implementation_version': {'since': '7.3.10', 'before': '7.3.12'},
     'expect': {'spawn': 'error (pickle.PicklingError)'}, 'why': 'c'},
]"""


def pypy(implementation_version):
    return dataclasses.replace(environment('3.9.16', implementation='pypy'),
                               implementation_version=implementation_version)


@pytest.mark.parametrize('env, expected', [
    (environment('3.10.13'), 'error (SIGSEGV)'),
    (environment('3.13.0'), 'isolated'),
    (environment('3.13.1'), 'hang'),
    (environment('3.13.1', os='macos'), 'isolated'),
    (pypy('7.3.11'), 'error (pickle.PicklingError)'),
    (pypy('7.3.12'), 'isolated'),
    (pypy('7.3.9'), 'isolated'),
    (pypy('not a version'), 'isolated'),
], ids=['in-range', 'patch-before', 'patch-since', 'other-os', 'implementation-version-in-range',
        'implementation-version-before', 'implementation-version-since', 'unparsable-version'])
def test_expectation_applies_overrides(tmp_path, env, expected):
    case = load_case(write_case(tmp_path, GOOD.replace('OVERRIDES = []', EXPECTATION_OVERRIDES)))
    expectation = case.expectation('spawn', env)
    assert str(expectation) == expected
    assert (expectation.override is None) == (expected == 'isolated')


def test_override_describes_where_it_applies(tmp_path):
    case = load_case(write_case(tmp_path, GOOD.replace('OVERRIDES = []', EXPECTATION_OVERRIDES)))
    assert [override.describe() for override in case.overrides] == [
        'Python < 3.11, cpython', '3.13.1 ≤ Python, linux, cpython', '7.3.10 ≤ pypy < 7.3.12']


@pytest.mark.parametrize('text', ['error (RuntimeError)', 'error (_pickle.PicklingError)',
                                  'error (multiprocessing.context.AuthenticationError)',
                                  'error (SIGSEGV)', 'error (0xC0000005)'])
def test_an_error_expectation_names_its_type(text):
    verdict, error_type = parse_expectation(text)
    assert verdict == 'error' and f'error ({error_type})' == text


def test_an_error_of_another_type_does_not_match():
    expected = Expectation('error', 'RuntimeError')
    assert expected.matches('error', 'RuntimeError')
    assert not expected.matches('error', 'NameError')  # a typo in the case is not the pattern
    assert not expected.matches('error', None)
    assert not expected.matches('error', 'builtins.RuntimeError')
    assert not expected.matches('hang', None)
    assert not Expectation('error', '_pickle.PicklingError').matches('error', 'pickle.PicklingError')
    assert Expectation('isolated').matches('isolated', None)
    assert not Expectation('isolated').matches('propagates', None)


def test_the_observed_error_type_is_the_first_traceback_with_its_module():
    # manager_created_at_import under spawn: the server's RuntimeError, then the parent's EOFError.
    two = ('Process SyncManager-1:\nTraceback (most recent call last):\n  File "x", line 1\n'
           '    raise RuntimeError(...)\nRuntimeError: An attempt has been made to start a new '
           'process before the\ncurrent process has finished its bootstrapping phase.\n'
           'Traceback (most recent call last):\n  File "y", line 2\n    raise EOFError\nEOFError\n')
    assert runner._first_exception(two) == 'RuntimeError'
    pickling = ('Traceback (most recent call last):\n  File "z", line 3\n    dump(obj)\n'
                "_pickle.PicklingError: Can't pickle <function <lambda>>\n")
    assert runner._first_exception(pickling) == '_pickle.PicklingError'  # CPython
    assert runner._first_exception(pickling.replace('_pickle', 'pickle')) == 'pickle.PicklingError'  # PyPy


def test_a_typo_fails_a_case_that_expects_another_error(tmp_path):
    """The case means to show a RuntimeError; a misspelt name raises NameError first."""
    text = GOOD.replace("'spawn': 'isolated'", "'spawn': 'error (RuntimeError)'").replace(
        "    print('verdict: propagates')", "    raise RuntimeErorr('context has already been set')")
    case = load_case(write_case(tmp_path, text))
    run = runner.run_case(case, 'spawn')
    assert (run.verdict, run.error_type) == ('error', 'NameError')
    assert not case.expectation('spawn', environment()).matches(run.verdict, run.error_type)


def test_a_broken_case_does_not_stop_the_others(tmp_path):
    write_case(tmp_path, GOOD, 'fine')
    write_case(tmp_path, GOOD.replace("RELATED = []", "RELATED = ['fine', 'nowhere']"), 'dangling')
    write_case(tmp_path, BROKEN['syntax error'][0], 'broken')
    catalog = load_catalog(tmp_path)
    assert [case.name for case in catalog.cases] == ['fine']
    messages = {error.path.stem: str(error) for error in catalog.errors}
    assert set(messages) == {'broken', 'dangling'}
    assert 'RELATED names unknown case(s): nowhere' in messages['dangling']


def test_nothing_but_cases_that_python_could_import_is_in_the_catalogue(tmp_path):
    """Every case runs with cases/ first on sys.path: a module there would run in place of the
    standard library's, inside every case, unchecked (pickle imports _compat_pickle)."""
    write_case(tmp_path, GOOD, 'fine')
    write_case(tmp_path, "print('hidden')\n", '_compat_pickle')
    (tmp_path / 'bisect.pyc').write_bytes(b'not checked')
    (tmp_path / 'json').mkdir()
    (tmp_path / 'json' / '__init__.py').write_text("print('hidden')\n")
    (tmp_path / '__pycache__').mkdir()  # a cache of sources beside it is never imported alone
    (tmp_path / 'notes.txt').write_text('not importable')
    catalog = load_catalog(tmp_path)
    assert catalog.cases == ()  # each would run the strays: none runs
    messages = {error.path.name: str(error) for error in catalog.errors}
    assert set(messages) == {'_compat_pickle.py', 'bisect.pyc', 'json', tmp_path.name}
    assert f'is not a valid case name: {NAME_RULE}' in messages['_compat_pickle.py']
    for name in ('bisect.pyc', 'json'):
        assert 'is not a case, and Python could import it in place of a module' in messages[name]
    assert messages[tmp_path.name].endswith(
        ": no case runs while _compat_pickle.py, bisect.pyc, json would be imported in place of the "
        "standard library's module of that name inside it")


def test_what_no_import_could_name_shadows_nothing(tmp_path, monkeypatch):
    """json.d/ and json.bak.py are no modules, and a directory nobody may read is no package: the
    check named the first two as json's shadows, and stopped on the third with PermissionError."""
    write_case(tmp_path, GOOD, 'fine')
    (tmp_path / 'json.d').mkdir()
    (tmp_path / 'json.d' / '__init__.py').write_text('')
    (tmp_path / 'json.bak.py').write_text('')
    (tmp_path / 'queue').mkdir()
    real_exists = Path.exists

    def exists(path):
        if path.parent.name == 'queue':
            raise PermissionError(13, 'Permission denied', str(path))
        return real_exists(path)

    monkeypatch.setattr(Path, 'exists', exists)
    assert catalog.shadowing_files(tmp_path) == []
    assert [case.name for case in load_catalog(tmp_path).cases] == ['fine']


def test_a_stray_that_shadows_no_module_is_refused_on_every_platform_and_the_cases_run(tmp_path):
    """.pyw and .pyd are imported only on Windows, but refused everywhere, as is any extension."""
    write_case(tmp_path, GOOD, 'fine')
    strays = ['helper.pyw', 'helper2.pyd', 'helper3.cpython-399-sparc.so', 'helper4.pyc']
    for name in strays:
        (tmp_path / name).write_bytes(b'not checked')
    catalog = load_catalog(tmp_path)
    assert [case.name for case in catalog.cases] == ['fine']
    assert sorted(error.path.name for error in catalog.errors) == strays


@pytest.mark.parametrize('name', ['1digit_name', 'with space', 'ünï_case', 'dash-name', 'CamelCase',
                                  'long' + '_name' * 20])  # 104 characters: results allow 100
def test_a_case_name_must_be_a_lowercase_identifier(tmp_path, name):
    write_case(tmp_path, GOOD, name)
    [error] = load_catalog(tmp_path).errors
    assert error.path.name == f'{name}.py'
    assert f'is not a valid case name: {NAME_RULE}' in str(error)


def test_a_case_may_not_shadow_a_standard_library_module(tmp_path):
    write_case(tmp_path, GOOD, 'fine')
    catalog = load_catalog(write_case(tmp_path, GOOD, 'queue').parent)
    messages = {error.path.name: str(error) for error in catalog.errors}
    assert "'queue' is a standard-library module: cases/queue.py would shadow it" in messages['queue.py']
    assert 'no case runs while queue.py would be imported' in messages[tmp_path.name]
    assert catalog.cases == ()


@pytest.mark.skipif(not hasattr(os, 'mkfifo'), reason='no FIFOs here')
def test_a_fifo_named_like_a_case_is_refused_without_blocking(tmp_path):
    write_case(tmp_path, GOOD, 'fine')
    fifo = tmp_path / 'x.py'
    os.mkfifo(fifo)
    loaded = []
    reader = threading.Thread(target=lambda: loaded.append(load_catalog(tmp_path)), daemon=True)
    reader.start()
    reader.join(5)
    if reader.is_alive():  # release the blocked reader before failing
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail('load_catalog blocked on a FIFO')
    [catalog] = loaded
    assert [case.name for case in catalog.cases] == ['fine']
    assert [str(error) for error in catalog.errors] == [f'{fifo}: is not a regular file']


def test_symlinks_and_directories_are_refused(tmp_path):
    cases = tmp_path / 'cases'
    cases.mkdir()
    write_case(cases, GOOD, 'fine')
    secret = write_case(tmp_path, GOOD, 'outside')
    try:
        (cases / 'linked.py').symlink_to(secret)
        (cases / 'dangling.py').symlink_to(tmp_path / 'nowhere.py')
    except (OSError, NotImplementedError):
        pytest.skip('cannot create symlinks here')
    (cases / 'folder.py').mkdir()
    catalog = load_catalog(cases)
    assert [case.name for case in catalog.cases] == ['fine']
    messages = {error.path.stem: str(error) for error in catalog.errors}
    assert 'is a symbolic link' in messages['linked'] and 'is a symbolic link' in messages['dangling']
    assert 'is not a regular file' in messages['folder']


@pytest.mark.parametrize('start', [b'\xef\xbb\xbf', b'# -*- coding: utf-8 -*-\n', b'# coding=utf8\n',
                                   b'# a page break follows\n\x0c\n'])
def test_a_byte_order_mark_or_a_utf_8_declaration_is_accepted(tmp_path, start):
    path = tmp_path / 'with_bom.py'
    path.write_bytes(start + GOOD.encode())
    case = load_case(path)
    assert (case.title, case.explanation) == ('A good case', 'It explains itself.')


@pytest.mark.parametrize('data, message', [
    (GOOD.replace('It explains', 'It\0explains').encode(), 'has a NUL byte at line 3'),
    (GOOD.replace('FAMILY', '# caf\xe9\nFAMILY').encode('latin-1'), 'is not UTF-8 text: invalid '
                                                                   'continuation byte at line 8'),
    (b'x' * 1_000_001, 'is larger than 1000000 bytes'),
    # What Python runs would not be what the catalogue checks and the site shows: under utf-7
    # '+AAo-' is a newline, so the comment's second half is a line of code.
    (('# -*- coding: utf-7 -*-\n' + GOOD + '# a comment +AAo-import os\n').encode(),
     "declares the encoding 'utf-7': a case is UTF-8"),
    (('#!/usr/bin/env python\n# vim: set fileencoding=latin-1 :\n' + GOOD).encode(),
     "declares the encoding 'iso-8859-1'"),
    (('# coding: no-such-codec\n' + GOOD).encode(),
     'has an encoding declaration Python refuses: unknown encoding'),
    (b'\xef\xbb\xbf# coding: latin-1\n' + GOOD.encode(),
     'has an encoding declaration Python refuses: encoding problem'),
    (GOOD.encode('utf-16'), 'is UTF-16 or UTF-32 text (it opens with their byte order mark)'),
    (GOOD.encode('utf-32-be'), 'has a NUL byte at line 1'),  # without a mark, read as UTF-8
    (codecs.BOM_UTF32_BE + GOOD.encode('utf-32-be'), 'is UTF-16 or UTF-32 text'),
    # Python splits lines at a carriage return alone too: the declaration is on its second line.
    (('\r# -*- coding: utf-7 -*-\r' + GOOD).encode(), "declares the encoding 'utf-7'"),
])
def test_unreadable_text_is_located(tmp_path, data, message):
    path = tmp_path / 'bad_text.py'
    path.write_bytes(data)
    [error] = load_catalog(tmp_path).errors
    assert str(error) == f'{path}: {message}' or message in str(error)
    assert 'line None' not in str(error)


def test_a_statement_nested_deeper_than_the_parser_goes_is_refused_without_a_crash(tmp_path):
    """CPython 3.8-3.10 build the syntax tree recursively in C: 140,000 terms of 1+1+... overflowed
    its stack (SIGSEGV), which killed the whole test session. In a child process, so that a
    regression fails this test only."""
    write_case(tmp_path, GOOD + 'DEPTH = ' + '1+' * 140_000 + '1\n', 'deep_case')
    loaded = subprocess.run([sys.executable, '-c', 'import sys; from mpmatrix.catalog import load_catalog; '
                             'print(*load_catalog(sys.argv[1]).errors)', str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert loaded.returncode == 0, loaded.stderr
    assert ('a statement of more than 5,000 tokens' in loaded.stdout
            or 'cannot be parsed: RecursionError' in loaded.stdout), loaded.stdout


def test_the_standard_library_is_known_without_stdlib_module_names(monkeypatch):
    """Python 3.8 and 3.9 have no sys.stdlib_module_names: where the module lives decides."""
    monkeypatch.delattr(sys, 'stdlib_module_names', raising=False)
    casefile.is_stdlib_module.cache_clear()
    try:
        known = {name: casefile.is_stdlib_module(name)
                 for name in ('sys', 'json', 'multiprocessing', 'argparse', 'psutil', 'pytest',
                              'jsonschema', 'no_such_module_anywhere')}
    finally:
        casefile.is_stdlib_module.cache_clear()
    assert known == dict(sys=True, json=True, multiprocessing=True, argparse=True, psutil=False,
                         pytest=False, jsonschema=False, no_such_module_anywhere=False)


def test_the_standard_library_passes(tmp_path):
    text = GOOD.replace('import argparse\n', 'import argparse\nimport os.path\nimport xml.dom.minidom\n'
                        'from multiprocessing import shared_memory\nfrom concurrent import futures\n')
    load_case(write_case(tmp_path, text))


def test_a_missing_directory_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match='no case directory'):
        load_catalog(tmp_path / 'nowhere')
