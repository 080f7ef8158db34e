"""Write a synthetic results set: the catalogue's expectations in 33 environments.

3 OSes x (CPython 3.8-3.15, 3.14t, PyPy 3.10 and 3.11), as the GitHub Actions matrix will
produce. Verdicts are the cases' own expectations, with a few deterministic departures (an
older-CPython crash, a PyPy difference) so that cells show ranges; it exercises the site's
size and its filters, it proves nothing about multiprocessing.

    python benchmarks/synthetic_results.py OUT_DIR [CASES_DIR]
"""
from __future__ import annotations

import dataclasses
import re
import sys
import zlib
from pathlib import Path

from mpmatrix import START_METHODS, results
from mpmatrix.catalog import load_catalog
from mpmatrix.environment import Environment
from mpmatrix.results import EnvironmentResults, Record

ROOT = Path(__file__).resolve().parent.parent
CPYTHONS = ('3.8.18', '3.9.18', '3.10.13', '3.11.7', '3.12.1', '3.13.0', '3.14.0', '3.15.0')
OSES = {'linux': ('6.8.0', 'x86_64', 'ubuntu-24.04'), 'macos': ('24.6.0', 'arm64', 'macos-15'),
        'windows': ('10.0.26100', 'amd64', 'windows-2025')}


def interpreters():
    """(implementation, implementation version, Python version, free-threaded)."""
    yield from (('cpython', version, version, False) for version in CPYTHONS)
    yield 'cpython', '3.14.0', '3.14.0', True
    yield 'pypy', '7.3.17', '3.10.14', False
    yield 'pypy', '7.3.19', '3.11.11', False


def environments():
    optional = {field.name for field in dataclasses.fields(Environment)}
    for os_name, (release, machine, image) in OSES.items():
        for implementation, impl_version, version, free_threaded in interpreters():
            minor = tuple(int(part) for part in version.split('.')[:2])
            default = 'spawn' if os_name != 'linux' else 'forkserver' if minor >= (3, 14) else 'fork'
            methods = ('spawn',) if os_name == 'windows' else START_METHODS
            extra = {'runner': f'GitHub Actions {image} 20261110.1', 'commit': '0' * 40,
                     'recorded_at': '2026-11-20T10:00:00+00:00'}
            yield Environment(
                os=os_name, os_release=release, machine=machine, implementation=implementation,
                implementation_version=impl_version, python_version=version,
                free_threaded=free_threaded, default_start_method=default,
                available_start_methods=methods,
                **{key: value for key, value in extra.items() if key in optional})


def observed(index, case, method, env, expected):
    """The expectation, except for a few deterministic departures that make ranges."""
    word, _, error_type = expected.partition(' (')
    error_type = error_type.rstrip(')') or None
    minor = tuple(int(part) for part in re.findall(r'\d+', env.python_version)[:2])
    if index % 7 == 0 and method == 'fork' and env.implementation == 'cpython' and minor < (3, 11):
        return 'error', 'SIGSEGV'
    if index % 11 == 3 and method == 'spawn' and env.implementation == 'pypy':
        return 'isolated', None
    return word, error_type


def records(catalog, env):
    for case in catalog.cases:
        # From the name, not the place in the catalogue: a case added leaves the others as they were.
        index = zlib.crc32(case.name.encode('ascii'))
        for method in START_METHODS:
            expected = str(_expectation(case, method, env))
            if method not in env.available_start_methods:
                yield Record(case=case.name, start_method=method, expected=expected,
                             verdict='unavailable', outcome='skipped')
                continue
            verdict, error_type = observed(index, case, method, env, expected)
            shown = f'{verdict} ({error_type})' if error_type else verdict
            yield Record(case=case.name, start_method=method, expected=expected, verdict=verdict,
                         outcome='passed' if shown == expected else 'failed', error_type=error_type,
                         exit_code=0, duration=0.4 + index % 5 / 10,
                         stdout=f'Parent: started\nChild: changed the value\nverdict: {shown}\n')


def _expectation(case, method, env):
    expectation = case.expectation(method, env)
    return expectation[0] if isinstance(expectation, tuple) else expectation


def write(directory, cases=ROOT / 'cases') -> list:
    catalog = load_catalog(cases)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for env in environments():
        path = directory / results.file_name(env)
        results.write(path, [EnvironmentResults(env, list(records(catalog, env)))])
        written.append(path)
    return written


if __name__ == '__main__':
    paths = write(*sys.argv[1:3])
    print(f'{len(paths)} environments written to {paths[0].parent}')
