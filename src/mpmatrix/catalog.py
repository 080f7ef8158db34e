"""Find the cases, read their declarations with ``ast`` (never importing them), validate them."""
from __future__ import annotations

import argparse
import ast
import dataclasses
import functools
import importlib.machinery
import math
import re
from pathlib import Path

from mpmatrix import START_METHODS, casefile, untrusted
from mpmatrix.casefile import show
from mpmatrix.environment import Environment, parse_version

FAMILIES = (
    'instance-attributes', 'globals-and-class-state', 'shared-ctypes', 'managers',
    'shared-memory', 'message-passing', 'pools-and-executors', 'process-wide-state', 'pickling',
)
DIRECTIONS = (
    'child-to-parent', 'parent-to-child-at-start', 'parent-to-child-after-start',
    'sibling-to-sibling',
)
EXPECTABLE = ('propagates', 'isolated', 'hang', 'error (TYPE)')
# TYPE: the exception's dotted name as its traceback's last line prints it (RuntimeError,
# _pickle.PicklingError), a signal name (SIGSEGV), or a Windows crash code (0xC0000005).
EXCEPTION_NAME = r'[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*'
ERROR_EXPECTATION = re.compile(rf'error \((?P<type>{EXCEPTION_NAME}|0x[0-9A-F]{{8}})\)\Z')
OSES = ('linux', 'macos', 'windows')
IMPLEMENTATIONS = ('cpython', 'pypy')
CONDITIONS = ('since', 'before', 'os', 'implementation', 'implementation_version', 'free_threaded')
DECLARED = ('FAMILY', 'DIRECTION', 'EXPECTED', 'OVERRIDES', 'RELATED', 'TIMEOUT',
            'EXPECTS_STDERR', 'CHILD_RAISES', 'MAIN_GUARD', 'START_METHOD_AT')
DEFAULT_TIMEOUT = 20.0
MAX_TIMEOUT = 300.0
MAX_EXCEPTION_NAME = 200  # as results.schema.json bounds error_type
TEMPLATE = Path(__file__).with_name('templates') / 'case.py.tmpl'


class CaseError(Exception):
    """A case file that breaks the contract; names the file and every problem found."""

    def __init__(self, path, problems):
        self.path = Path(path)
        self.problems = list(problems)
        super().__init__(f'{untrusted.printable_line(self.path)}: ' + '; '.join(self.problems))


@dataclasses.dataclass(frozen=True)
class Override:
    expect: dict
    why: str
    since: tuple = None
    before: tuple = None
    os: str = None
    implementation: str = None
    implementation_since: tuple = None  # implementation_version bounds, e.g. PyPy (7, 3, 10)
    implementation_before: tuple = None
    free_threaded: bool = None

    def applies_to(self, env: Environment) -> bool:
        return (_within(env.version_tuple, self.since, self.before)
                and self.os in (None, env.os)
                and self.implementation in (None, env.implementation)
                and self.free_threaded in (None, env.free_threaded)
                and ((self.implementation_since is None and self.implementation_before is None)
                     or _within(_version_or_none(env.implementation_version),
                                self.implementation_since, self.implementation_before)))

    def overlaps(self, other: Override) -> bool:
        """Could both apply to one environment?"""
        return (_ranges_meet(self.since, self.before, other.since, other.before)
                and _ranges_meet(self.implementation_since, self.implementation_before,
                                 other.implementation_since, other.implementation_before)
                and all(getattr(self, key) is None or getattr(other, key) is None
                        or getattr(self, key) == getattr(other, key)
                        for key in ('os', 'implementation', 'free_threaded')))

    def as_dict(self) -> dict:
        """For tools: conditions as written (versions in full), each expectation split."""
        return {'where': self.describe(), 'since': _version_string(self.since),
                'before': _version_string(self.before), 'os': self.os,
                'implementation': self.implementation,
                'implementation_version': {'since': _version_string(self.implementation_since),
                                           'before': _version_string(self.implementation_before)}
                if self.implementation_since or self.implementation_before else None,
                'free_threaded': self.free_threaded, 'expect': _split_expectations(self.expect),
                'why': self.why}

    def describe(self) -> str:
        """``'3.8 ≤ Python < 3.11, linux'``, ``'7.3.10 ≤ pypy < 7.3.12'``: where it applies, for people."""
        parts = []
        if self.since or self.before:
            parts.append(_range_text('Python', self.since, self.before))
        if self.os:
            parts.append(self.os)
        if self.implementation:
            parts.append(_range_text(self.implementation, self.implementation_since,
                                     self.implementation_before))
        if self.free_threaded is not None:
            parts.append('free-threaded' if self.free_threaded else 'with the GIL')
        return ', '.join(parts)


@dataclasses.dataclass(frozen=True)
class Expectation:
    """What a case should show under one start method in one environment."""

    verdict: str
    error_type: str = None  # for 'error': the exception's dotted name as printed, or a signal name
    override: Override = None  # the override it comes from, if any

    def matches(self, verdict: str, error_type: str) -> bool:
        """Does an observed verdict (and, for 'error', the observed error type) meet it?"""
        return verdict == self.verdict and (verdict != 'error' or error_type == self.error_type)

    def __str__(self) -> str:
        return f'error ({self.error_type})' if self.verdict == 'error' else self.verdict


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    path: Path
    title: str
    explanation: str
    family: str
    direction: str
    expected: dict  # start method -> expectation as written: 'isolated', 'error (RuntimeError)'
    overrides: tuple = ()
    related: tuple = ()
    timeout: float = DEFAULT_TIMEOUT
    expects_stderr: bool = False
    child_raises: str = None  # the exception a child leaves uncaught on purpose, if the pattern is that
    main_guard: bool = True
    start_method_at: str = 'main'

    def as_dict(self) -> dict:
        """For tools (``mpmatrix list --format json``)."""
        return {'name': self.name, 'path': str(self.path), 'title': self.title,
                'family': self.family, 'direction': self.direction,
                'expected': _split_expectations(self.expected),
                'overrides': [override.as_dict() for override in self.overrides],
                'related': list(self.related), 'timeout': self.timeout,
                'expects_stderr': self.expects_stderr, 'child_raises': self.child_raises,
                'main_guard': self.main_guard,
                'start_method_at': self.start_method_at}

    def expectation(self, method: str, env: Environment) -> Expectation:
        """What the case should show under ``method`` in ``env``; the first override that applies wins
        (the catalogue rejects overrides that could both apply)."""
        for override in self.overrides:
            if method in override.expect and override.applies_to(env):
                return Expectation(*parse_expectation(override.expect[method]), override=override)
        return Expectation(*parse_expectation(self.expected[method]))


@dataclasses.dataclass(frozen=True)
class Catalog:
    cases: tuple
    errors: tuple  # CaseError for every file that breaks the contract

    def __getitem__(self, name: str) -> Case:
        for case in self.cases:
            if case.name == name:
                return case
        raise KeyError(name)


def parse_expectation(text) -> tuple:
    """``'error (RuntimeError)'`` -> ``('error', 'RuntimeError')``, ``'isolated'`` -> ``('isolated', None)``.

    Raises ValueError saying what is wrong.
    """
    match = ERROR_EXPECTATION.match(text) if isinstance(text, str) else None
    if match:
        return 'error', match.group('type')
    if text in ('propagates', 'isolated', 'hang'):
        return text, None
    if text == 'error':
        raise ValueError("is a bare 'error': name the error, e.g. 'error (RuntimeError)' or "
                         "'error (SIGSEGV)', as the traceback's last line prints it")
    if isinstance(text, str) and text.startswith('error'):
        raise ValueError(f"is {show(text)}, not 'error (TYPE)' with TYPE an exception's dotted "
                         'name, a signal name or a 0x crash code')
    raise ValueError(f'is {show(text)}, not a verdict a case can expect ({", ".join(EXPECTABLE)})')


def case_files(directory) -> list:
    """The case files in ``directory``, valid or not: every ``*.py``."""
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f'no case directory at {directory}')
    return sorted(directory.glob('*.py'))


# What Python imports a module from, on any platform (an extension's suffix ends in .so or .pyd):
# the catalogue refuses the same files wherever it runs.
IMPORTABLE_SUFFIXES = tuple(sorted({*importlib.machinery.all_suffixes(), '.py', '.pyw', '.pyc', '.pyd',
                                    '.so'}))


def importable_strays(directory) -> list:
    """What else in ``directory`` Python could import: every case runs with its directory first
    on sys.path, so ``_compat_pickle.py``, ``bisect.pyc`` or a package ``json/`` there would run,
    unreviewed and unchecked, in place of the standard library's module, inside every case."""
    return [path for path in sorted(Path(directory).iterdir()) if path.name != '__pycache__' and (
        path.is_dir() or (not path.name.endswith('.py') and _module_name(path)))]


def shadowing_files(directory) -> list:
    """What in ``directory`` Python would import in place of a standard-library module inside a
    case run from there (``argparse.py``, ``bisect.pyc``, a package ``json/``): a script's own
    directory comes first on sys.path, in the case and in every child it starts."""
    found = []
    for path in sorted(Path(directory).iterdir()):
        name = _module_name(path)
        if name and casefile.is_stdlib_module(name):
            found.append(path)
    return found


def _module_name(path: Path) -> str:
    """The module Python would import ``path`` as, from its directory; None if none."""
    if path.is_dir():  # a regular package; a directory without __init__ shadows no module
        try:
            package = any((path / f'__init__{suffix}').exists() for suffix in IMPORTABLE_SUFFIXES)
        except OSError:  # that Python could not read it either
            return None
        return path.name if package and path.name.isidentifier() else None
    suffix = next((suffix for suffix in IMPORTABLE_SUFFIXES if path.name.endswith(suffix)), None)
    if suffix is None:
        return None
    stem = path.name[:-len(suffix)]
    if suffix in ('.so', '.pyd'):  # an extension's tag: bisect.cpython-313-x86_64-linux-gnu.so
        stem = stem.split('.', 1)[0]
    return stem if stem.isidentifier() else None


def load_catalog(directory) -> Catalog:
    """Load every ``*.py`` in ``directory``, and refuse anything else there that Python could import.

    A broken case does not stop the others: it is reported in ``errors``, and nothing else is
    raised for a file. But while a file there would be imported in place of a standard-library
    module, which would run it inside every case, no case is loaded.
    """
    paths = case_files(directory)
    cases = []
    errors = [CaseError(path, ['is not a case, and Python could import it in place of a module: '
                               'every case runs with cases/ first on sys.path, so only cases '
                               '(*.py) may be there'])
              for path in importable_strays(directory)]
    for path in paths:
        try:
            cases.append(load_case(path))
        except CaseError as error:
            errors.append(error)
        except Exception as error:  # a validator bug must cost one file, not the catalogue
            errors.append(CaseError(path, [f'could not be validated: {type(error).__name__}: '
                                           f'{show(str(error))}']))
    names = {case.name for case in cases} | {error.path.stem for error in errors}
    valid = []
    for case in cases:
        unknown = [name for name in case.related if name not in names]
        if unknown:
            errors.append(CaseError(case.path, [f'RELATED names unknown case(s): {", ".join(unknown)}']))
        else:
            valid.append(case)
    shadowing = shadowing_files(directory)
    if shadowing:
        valid = []
        errors.append(CaseError(directory, [
            f'no case runs while {", ".join(path.name for path in shadowing)} would be imported in '
            'place of the standard library\'s module of that name inside it']))
    return Catalog(tuple(valid), tuple(sorted(errors, key=lambda error: error.path)))


def load_case(path) -> Case:
    """Read and validate one case file; raise CaseError listing every problem."""
    path = Path(path)
    problems = casefile.name_problems(path.stem)
    try:
        text = casefile.read_text(path)
        tree = casefile.parse(text, path)
    except casefile.Unreadable as error:
        raise CaseError(path, [*problems, str(error)]) from None
    problems += casefile.text_problems(text)
    problems += casefile.code_problems(text)
    literals = casefile.module_literals(tree, DECLARED, problems)
    docstring = ast.get_docstring(tree, clean=True) or ''
    problems += casefile.docstring_problems(docstring, _placeholder_sentences())
    problems += casefile.escaped_text_problems(docstring, literals)
    title, _, explanation = docstring.partition('\n')
    problems += casefile.import_problems(tree)

    def required(name, check):
        if name not in literals:
            problems.append(f'{name} is missing')
            return None
        return check(name, literals[name], problems)

    family = required('FAMILY', _one_of(FAMILIES))
    direction = required('DIRECTION', _one_of(DIRECTIONS))
    expected = required('EXPECTED', _check_expected)
    overrides = _check_overrides(literals.get('OVERRIDES', []), problems)
    if expected:
        problems += _restated(expected, overrides)
    related = _check_related(literals.get('RELATED', []), path.stem, problems)
    timeout = _check_timeout(literals.get('TIMEOUT', DEFAULT_TIMEOUT), problems)
    expects_stderr = _check_bool('EXPECTS_STDERR', literals.get('EXPECTS_STDERR', False), problems)
    child_raises = _check_exception_name('CHILD_RAISES', literals.get('CHILD_RAISES'), problems)
    main_guard = _check_bool('MAIN_GUARD', literals.get('MAIN_GUARD', True), problems)
    start_method_at = _one_of(casefile.START_METHOD_AT)(
        'START_METHOD_AT', literals.get('START_METHOD_AT', 'main'), problems)
    if start_method_at:
        problems += casefile.start_method_problems(tree, start_method_at, main_guard)
    if problems:
        raise CaseError(path, problems)
    return Case(
        name=path.stem, path=path, title=title.strip(), explanation=explanation.strip(),
        family=family, direction=direction, expected=expected, overrides=overrides,
        related=related, timeout=timeout, expects_stderr=expects_stderr, child_raises=child_raises,
        main_guard=main_guard, start_method_at=start_method_at,
    )


@functools.lru_cache(maxsize=None)
def _placeholder_sentences() -> tuple:
    return casefile.placeholder_sentences(TEMPLATE.read_text(encoding='utf-8'))


def _one_of(allowed):
    def check(name, value, problems):
        if not isinstance(value, str) or value not in allowed:
            problems.append(f'{name} {show(value)} is not one of: {", ".join(allowed)}')
            return None
        return value
    return check


def _check_verdicts(label, mapping, problems, require_all):
    if not isinstance(mapping, dict) or not mapping:
        problems.append(f'{label} must be a non-empty dict of start method -> verdict')
        return None
    for method, verdict in mapping.items():
        if method not in START_METHODS:
            problems.append(f'{label} names unknown start method {show(method)} '
                            f'(known: {", ".join(START_METHODS)})')
            continue
        try:
            parse_expectation(verdict)
        except ValueError as error:
            problems.append(f'{label}[{method!r}] {error}')
    missing = [method for method in START_METHODS if method not in mapping]
    if require_all and missing:
        problems.append(f'{label} lacks start method(s): {", ".join(missing)}')
    return dict(mapping)


# The most any case has is 4; the overlap check compares every pair.
MAX_OVERRIDES = 50


def _check_expected(name, value, problems):
    return _check_verdicts(name, value, problems, require_all=True)


def _check_overrides(value, problems) -> tuple:
    if not isinstance(value, list):
        problems.append('OVERRIDES must be a list of dicts')
        return ()
    if len(value) > MAX_OVERRIDES:  # each pair is checked for overlap: keep that quick
        problems.append(f'OVERRIDES has {len(value)} entries, more than {MAX_OVERRIDES}: a case whose '
                        'verdicts differ this much between environments is several cases')
        return ()
    overrides = []
    for number, entry in enumerate(value, 1):
        label = f'OVERRIDES[{number}]'
        if not isinstance(entry, dict):
            problems.append(f'{label} must be a dict')
            continue
        count = len(problems)
        unknown = set(entry) - set(CONDITIONS) - {'expect', 'why'}
        if unknown:
            problems.append(f'{label} has unknown key(s): {", ".join(sorted(map(show, unknown)))}')
        if not any(key in entry for key in CONDITIONS):
            problems.append(f'{label} needs a condition: one of {", ".join(CONDITIONS)}')
        since, before = _check_range(label, entry, problems)
        implementation_since, implementation_before = None, None
        if 'implementation_version' in entry:
            versions = entry['implementation_version']
            sublabel = f'{label}[implementation_version]'
            if not isinstance(versions, dict) or not versions \
                    or not set(versions) <= {'since', 'before'}:
                problems.append(f"{sublabel} must be a dict with 'since' and/or 'before', "
                                "e.g. {'since': '7.3.10', 'before': '7.3.12'}")
            else:
                implementation_since, implementation_before = _check_range(sublabel, versions, problems)
            if 'implementation' not in entry:
                problems.append(f'{sublabel} needs an implementation too: each implementation '
                                'numbers its versions its own way')
        for key, allowed in (('os', OSES), ('implementation', IMPLEMENTATIONS)):
            if key in entry and (not isinstance(entry[key], str) or entry[key] not in allowed):
                problems.append(f'{label}[{key}] {show(entry[key])} is not one of: {", ".join(allowed)}')
        if 'free_threaded' in entry and not isinstance(entry['free_threaded'], bool):
            problems.append(f'{label}[free_threaded] must be True or False')
        _check_verdicts(f'{label}[expect]', entry.get('expect'), problems, require_all=False)
        if not isinstance(entry.get('why'), str) or not entry['why'].strip():
            problems.append(f'{label} needs a "why": the explanation of the difference')
        if len(problems) == count:
            overrides.append(Override(
                expect=dict(entry['expect']), why=entry['why'].strip(), since=since, before=before,
                os=entry.get('os'), implementation=entry.get('implementation'),
                implementation_since=implementation_since,
                implementation_before=implementation_before,
                free_threaded=entry.get('free_threaded')))
    for i, first in enumerate(overrides):
        for j, second in enumerate(overrides[i + 1:], i + 1):
            shared = sorted(set(first.expect) & set(second.expect))
            if shared and first.overlaps(second):
                problems.append(f'OVERRIDES[{i + 1}] and OVERRIDES[{j + 1}] overlap: both can '
                                f'apply to one environment and both set {", ".join(shared)}')
    return tuple(overrides)


def _restated(expected: dict, overrides: tuple) -> list:
    """An override that sets a method to its EXPECTED verdict changes nothing, and the site would
    show that verdict twice ('isolated; isolated on Windows')."""
    problems = []
    for number, override in enumerate(overrides, 1):
        for method, verdict in override.expect.items():
            try:
                restated = parse_expectation(verdict) == parse_expectation(expected.get(method))
            except ValueError:
                continue  # a broken EXPECTED entry, reported on its own
            if restated:
                problems.append(f'OVERRIDES[{number}][expect][{method!r}] restates '
                                f'EXPECTED[{method!r}]: an override names only the verdicts that differ')
    return problems


def _check_range(label, entry, problems) -> tuple:
    """``entry['since']`` and ``entry['before']`` as version tuples (None where absent)."""
    versions = {}
    for key in ('since', 'before'):
        if key not in entry:
            continue
        if not isinstance(entry[key], str):
            problems.append(f"{label}[{key!r}] must be a string such as '3.10' "
                            f'(the number {show(entry[key])} would read 3.10 as 3.1)')
            continue
        try:
            versions[key] = parse_version(entry[key])
        except ValueError as error:
            problems.append(f'{label}[{key!r}]: {error}')
    if len(versions) == 2 and versions['since'] >= versions['before']:
        problems.append(f'{label}: since {entry["since"]} is not before {entry["before"]}')
    return versions.get('since'), versions.get('before')


def _check_related(value, own_name, problems) -> tuple:
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        problems.append('RELATED must be a list of case names (file names without .py)')
        return ()
    for name in value:
        if not casefile.NAME.match(name):
            problems.append(f'RELATED names {show(name)}, which is not a case name: {casefile.NAME_RULE}')
    if own_name in value:
        problems.append('RELATED names the case itself')
    if len(set(value)) != len(value):
        problems.append('RELATED names a case twice')
    return tuple(value)


def seconds_option(maximum: float, what: str):
    """An argparse type: seconds in (0, ``maximum``]. A NaN or infinite number of seconds would
    never run out (a timeout that never expires turns off the runner's guard against a hang)."""
    def seconds(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f'{text!r} is not a number of seconds') from None
        if not 0 < value <= maximum:
            raise argparse.ArgumentTypeError(f'{text!r}: {what} is a number of seconds in (0, {maximum:g}]')
        return value
    return seconds


# --case-timeout and run --timeout: the range TIMEOUT has.
timeout_seconds = seconds_option(MAX_TIMEOUT, 'a timeout')


def _check_timeout(value, problems) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not 0 < value <= MAX_TIMEOUT:
        problems.append(f'TIMEOUT must be a number of seconds in (0, {MAX_TIMEOUT:g}]')
        return DEFAULT_TIMEOUT
    return float(value)


def _check_bool(name, value, problems) -> bool:
    if not isinstance(value, bool):
        problems.append(f'{name} must be True or False')
        return False
    return value


def _check_exception_name(name, value, problems):
    if value is None:
        return None
    if isinstance(value, str) and len(value) > MAX_EXCEPTION_NAME:
        problems.append(f'{name} is longer than {MAX_EXCEPTION_NAME} characters')
    elif not isinstance(value, str) or not re.fullmatch(EXCEPTION_NAME, value):
        problems.append(f'{name} {show(value)} is not an exception\'s dotted name as its traceback\'s '
                        'last line prints it (RuntimeError, _pickle.PicklingError)')
    elif value.rpartition('.')[2] in ('ExceptionGroup', 'BaseExceptionGroup'):
        problems.append(f'{name} cannot be an exception group: its traceback is drawn in a frame, and '
                        'what it holds would go unchecked')
    else:
        return value
    return None


def _within(version, since, before) -> bool:
    return version is not None and (since is None or version >= since) \
        and (before is None or version < before)


def _ranges_meet(since, before, other_since, other_before) -> bool:
    low = max(since or (0,), other_since or (0,))
    high = min(before or (math.inf,), other_before or (math.inf,))
    return low < high


def _version_or_none(text: str) -> tuple:
    """A results file's ``implementation_version`` is untrusted: unparsable matches no range."""
    try:
        return parse_version(text)
    except (ValueError, AttributeError):
        return None


def _split_expectations(expect: dict) -> dict:
    return {method: dict(zip(('verdict', 'error_type'), parse_expectation(text)))
            for method, text in expect.items()}


def _version_string(version: tuple) -> str:
    return '.'.join(map(str, version)) if version else None


def _range_text(name: str, since: tuple, before: tuple) -> str:
    low = f'{_version_text(since)} ≤ ' if since else ''
    high = f' < {_version_text(before)}' if before else ''
    return f'{low}{name}{high}'


def _version_text(version: tuple) -> str:
    return '.'.join(str(part) for part in (version if version[2] else version[:2]))
