"""The matrix: every case under every start method, observed verdict == expected verdict."""
from __future__ import annotations

import pytest

from mpmatrix import START_METHODS, runner
from mpmatrix.catalog import load_catalog
from mpmatrix.results import Record, cap
from mpmatrix.untrusted import printable

from .conftest import ROOT

CATALOG = load_catalog(ROOT / 'cases')


def test_every_case_follows_the_contract():
    """A broken case is left out of the matrix below; this test names it and its problems."""
    assert not CATALOG.errors, '\n'.join(printable(str(error)) for error in CATALOG.errors)


# Marks, not ids, select cells: `-m fork` (`-k fork` also matches forkserver), `-m managers`.
@pytest.mark.parametrize('method', [pytest.param(method, marks=getattr(pytest.mark, method))
                                    for method in START_METHODS])
@pytest.mark.parametrize('case', [pytest.param(case, id=case.name, marks=getattr(pytest.mark, case.family))
                                  for case in CATALOG.cases])
def test_case(case, method, current_environment, case_timeout, record_result, request):
    expectation = case.expectation(method, current_environment)
    expected, override = str(expectation), expectation.override  # 'isolated', 'error (RuntimeError)'
    if method not in current_environment.available_start_methods:
        record_result(Record(case=case.name, start_method=method, expected=expected,
                             verdict='unavailable', outcome='skipped'))
        pytest.skip(f'{method} is not available on {current_environment.os}')

    run = runner.run_case(case, method, timeout=case_timeout)
    passed = expectation.matches(run.verdict, run.error_type) and not run.problems
    record_result(Record(
        case=case.name, start_method=method, expected=expected, verdict=run.verdict,
        outcome='passed' if passed else 'failed', error_type=run.error_type,
        exit_code=run.exit_code, duration=run.duration, timed_out=run.timed_out,
        stdout=run.stdout, stderr=run.stderr, problems=run.problems))
    if not passed:
        for stream, text in (('stdout', run.stdout), ('stderr', run.stderr)):
            if text.strip():
                request.node.add_report_section('call', f'case {stream}', cap(text))
        pytest.fail(_explain(run, str(expectation), override), pytrace=False)


def _explain(run, expected, override) -> str:
    because = f' ({override.describe()}: {override.why})' if override else ''
    lines = [f'{run.case}[{run.start_method}]: observed {run.verdict!r}'
             + (f' ({run.error_type})' if run.error_type else '')
             + f', expected {expected!r}{because}; exit code {run.exit_code}, {run.duration:.2f} s']
    lines += [f'problem: {problem}' for problem in run.problems]
    return '\n'.join(lines)
