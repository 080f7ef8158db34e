"""Find the cases, read their declarations with ``ast`` (never importing them), validate them."""
from __future__ import annotations

import ast
import dataclasses
import difflib
from pathlib import Path

from mpmatrix import START_METHODS
from mpmatrix.environment import Environment, parse_version

FAMILIES = (
    'instance-attributes', 'globals-and-class-state', 'shared-ctypes', 'managers',
    'shared-memory', 'message-passing', 'pools-and-executors', 'process-wide-state', 'pickling',
)
DIRECTIONS = (
    'child-to-parent', 'parent-to-child-at-start', 'parent-to-child-after-start',
    'sibling-to-sibling',
)
EXPECTABLE = ('propagates', 'isolated', 'error', 'hang')
OSES = ('linux', 'macos', 'windows')
IMPLEMENTATIONS = ('cpython', 'pypy')
CONDITIONS = ('since', 'before', 'os', 'implementation', 'free_threaded')
DEFAULT_TIMEOUT = 20.0
MAX_TIMEOUT = 300.0


class CaseError(Exception):
    """A case file that breaks the contract; names the file and every problem found."""

    def __init__(self, path, problems):
        self.path = Path(path)
        self.problems = list(problems)
        super().__init__(f'{self.path}: ' + '; '.join(self.problems))


@dataclasses.dataclass(frozen=True)
class Override:
    expect: dict
    why: str
    since: tuple = None
    before: tuple = None
    os: str = None
    implementation: str = None
    free_threaded: bool = None

    def applies_to(self, env: Environment) -> bool:
        version = env.version_tuple
        return ((self.since is None or version >= self.since)
                and (self.before is None or version < self.before)
                and self.os in (None, env.os)
                and self.implementation in (None, env.implementation)
                and self.free_threaded in (None, env.free_threaded))

    def overlaps(self, other: Override) -> bool:
        """Could both apply to one environment?"""
        low = max(self.since or (0, 0, 0), other.since or (0, 0, 0))
        high = min(self.before or (99, 0, 0), other.before or (99, 0, 0))
        return low < high and all(
            getattr(self, key) is None or getattr(other, key) is None
            or getattr(self, key) == getattr(other, key)
            for key in ('os', 'implementation', 'free_threaded'))

    def describe(self) -> str:
        """``'3.8 ≤ Python < 3.11, linux'``: where the override applies, for people."""
        parts = []
        if self.since or self.before:
            low = f'{_version_text(self.since)} ≤ ' if self.since else ''
            high = f' < {_version_text(self.before)}' if self.before else ''
            parts.append(f'{low}Python{high}')
        parts += [value for value in (self.os, self.implementation) if value]
        if self.free_threaded is not None:
            parts.append('free-threaded' if self.free_threaded else 'with the GIL')
        return ', '.join(parts)


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    path: Path
    title: str
    explanation: str
    family: str
    direction: str
    expected: dict
    overrides: tuple = ()
    related: tuple = ()
    timeout: float = DEFAULT_TIMEOUT
    expects_stderr: bool = False
    main_guard: bool = True

    def expectation(self, method: str, env: Environment) -> tuple:
        """The verdict expected under ``method`` in ``env``, and the override behind it (or None)."""
        for override in self.overrides:
            if method in override.expect and override.applies_to(env):
                return override.expect[method], override
        return self.expected[method], None


@dataclasses.dataclass(frozen=True)
class Catalog:
    cases: tuple
    errors: tuple  # CaseError for every file that breaks the contract

    def __getitem__(self, name: str) -> Case:
        for case in self.cases:
            if case.name == name:
                return case
        raise KeyError(name)


def load_catalog(directory) -> Catalog:
    """Load every ``*.py`` in ``directory`` (files starting with ``_`` are not cases).

    A broken case does not stop the others: it is reported in ``errors``.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f'no case directory at {directory}')
    cases, errors = [], []
    for path in sorted(directory.glob('*.py')):
        if path.name.startswith('_'):
            continue
        try:
            cases.append(load_case(path))
        except CaseError as error:
            errors.append(error)
    names = {case.name for case in cases} | {error.path.stem for error in errors}
    valid = []
    for case in cases:
        unknown = [name for name in case.related if name not in names]
        if unknown:
            errors.append(CaseError(case.path, [f'RELATED names unknown case(s): {", ".join(unknown)}']))
        else:
            valid.append(case)
    return Catalog(tuple(valid), tuple(sorted(errors, key=lambda error: error.path)))


def load_case(path) -> Case:
    """Read and validate one case file; raise CaseError listing every problem."""
    path = Path(path)
    try:
        tree = ast.parse(path.read_text(encoding='utf-8'), filename=str(path))
    except SyntaxError as error:
        raise CaseError(path, [f'syntax error at line {error.lineno}: {error.msg}']) from None
    except (OSError, UnicodeDecodeError) as error:
        raise CaseError(path, [f'cannot read: {error}']) from None
    problems = []
    literals = _module_literals(tree, problems)
    docstring = ast.get_docstring(tree, clean=True) or ''
    title, _, explanation = docstring.partition('\n')
    if not title.strip():
        problems.append('no module docstring: its first line is the title')
    elif not explanation.strip():
        problems.append('the docstring has a title but no explanation after it')

    def required(name, check):
        if name not in literals:
            problems.append(f'{name} is missing')
            return None
        return check(name, literals[name], problems)

    family = required('FAMILY', _one_of(FAMILIES))
    direction = required('DIRECTION', _one_of(DIRECTIONS))
    expected = required('EXPECTED', _check_expected)
    overrides = _check_overrides(literals.get('OVERRIDES', []), problems)
    related = _check_related(literals.get('RELATED', []), path.stem, problems)
    timeout = _check_timeout(literals.get('TIMEOUT', DEFAULT_TIMEOUT), problems)
    expects_stderr = _check_bool('EXPECTS_STDERR', literals.get('EXPECTS_STDERR', False), problems)
    main_guard = _check_bool('MAIN_GUARD', literals.get('MAIN_GUARD', True), problems)
    if main_guard and not _has_main_guard(tree):
        problems.append("no `if __name__ == '__main__':` guard "
                        '(set MAIN_GUARD = False if its absence is the pattern)')
    if problems:
        raise CaseError(path, problems)
    return Case(
        name=path.stem, path=path, title=title.strip(), explanation=explanation.strip(),
        family=family, direction=direction, expected=expected, overrides=overrides,
        related=related, timeout=timeout, expects_stderr=expects_stderr, main_guard=main_guard,
    )


DECLARED = ('FAMILY', 'DIRECTION', 'EXPECTED', 'OVERRIDES', 'RELATED', 'TIMEOUT',
            'EXPECTS_STDERR', 'MAIN_GUARD')


def _module_literals(tree, problems) -> dict:
    literals = {}
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)):
            continue
        name = node.targets[0].id
        if name not in DECLARED:
            typo = difflib.get_close_matches(name, DECLARED, n=1, cutoff=0.8)
            if typo:
                problems.append(f'{name} looks like a misspelling of {typo[0]}')
            continue
        if name in literals:
            problems.append(f'{name} is assigned twice')
        try:
            literals[name] = ast.literal_eval(node.value)
        except ValueError:
            problems.append(f'{name} must be a plain literal (line {node.lineno})')
    return literals


def _one_of(allowed):
    def check(name, value, problems):
        if value not in allowed:
            problems.append(f'{name} {value!r} is not one of: {", ".join(allowed)}')
            return None
        return value
    return check


def _check_verdicts(label, mapping, problems, require_all):
    if not isinstance(mapping, dict) or not mapping:
        problems.append(f'{label} must be a non-empty dict of start method -> verdict')
        return None
    for method, verdict in mapping.items():
        if method not in START_METHODS:
            problems.append(f'{label} names unknown start method {method!r} '
                            f'(known: {", ".join(START_METHODS)})')
        elif verdict not in EXPECTABLE:
            problems.append(f'{label}[{method!r}] is {verdict!r}, not a verdict a case can '
                            f'expect ({", ".join(EXPECTABLE)})')
    missing = [method for method in START_METHODS if method not in mapping]
    if require_all and missing:
        problems.append(f'{label} lacks start method(s): {", ".join(missing)}')
    return dict(mapping)


def _check_expected(name, value, problems):
    return _check_verdicts(name, value, problems, require_all=True)


def _check_overrides(value, problems) -> tuple:
    if not isinstance(value, list):
        problems.append('OVERRIDES must be a list of dicts')
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
            problems.append(f'{label} has unknown key(s): {", ".join(sorted(unknown))}')
        if not any(key in entry for key in CONDITIONS):
            problems.append(f'{label} needs a condition: one of {", ".join(CONDITIONS)}')
        versions = {}
        for key in ('since', 'before'):
            if key in entry:
                try:
                    versions[key] = parse_version(str(entry[key]))
                except ValueError as error:
                    problems.append(f'{label}[{key!r}]: {error}')
        if len(versions) == 2 and versions['since'] >= versions['before']:
            problems.append(f'{label}: since {entry["since"]} is not before {entry["before"]}')
        if 'os' in entry and entry['os'] not in OSES:
            problems.append(f'{label}[os] {entry["os"]!r} is not one of: {", ".join(OSES)}')
        if 'implementation' in entry and entry['implementation'] not in IMPLEMENTATIONS:
            problems.append(f'{label}[implementation] {entry["implementation"]!r} is not one of: '
                            f'{", ".join(IMPLEMENTATIONS)}')
        if 'free_threaded' in entry and not isinstance(entry['free_threaded'], bool):
            problems.append(f'{label}[free_threaded] must be True or False')
        _check_verdicts(f'{label}[expect]', entry.get('expect'), problems, require_all=False)
        if not isinstance(entry.get('why'), str) or not entry['why'].strip():
            problems.append(f'{label} needs a "why": the explanation of the difference')
        if len(problems) == count:
            overrides.append(Override(
                expect=dict(entry['expect']), why=entry['why'].strip(),
                since=versions.get('since'), before=versions.get('before'),
                os=entry.get('os'), implementation=entry.get('implementation'),
                free_threaded=entry.get('free_threaded')))
    for i, first in enumerate(overrides):
        for j, second in enumerate(overrides[i + 1:], i + 1):
            shared = sorted(set(first.expect) & set(second.expect))
            if shared and first.overlaps(second):
                problems.append(f'OVERRIDES[{i + 1}] and OVERRIDES[{j + 1}] overlap: both can '
                                f'apply to one environment and both set {", ".join(shared)}')
    return tuple(overrides)


def _check_related(value, own_name, problems) -> tuple:
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        problems.append('RELATED must be a list of case names (file names without .py)')
        return ()
    if own_name in value:
        problems.append('RELATED names the case itself')
    return tuple(value)


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


def _has_main_guard(tree) -> bool:
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Compare):
            sides = [node.test.left, *node.test.comparators]
            names = {side.id for side in sides if isinstance(side, ast.Name)}
            strings = {side.value for side in sides if isinstance(side, ast.Constant)}
            if names == {'__name__'} and strings == {'__main__'} \
                    and isinstance(node.test.ops[0], ast.Eq):
                return True
    return False


def _version_text(version: tuple) -> str:
    return '.'.join(str(part) for part in (version if version[2] else version[:2]))
