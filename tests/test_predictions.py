"""Predictions for environments this machine cannot run: each override applies exactly where
docs/contributing.md ("Predictions not yet observed") says, and nowhere else."""
from __future__ import annotations

import multiprocessing
import re
import shutil
import signal
import sys
from pathlib import Path

import pytest

from mpmatrix.catalog import load_case, load_catalog
from mpmatrix.environment import Environment
from mpmatrix.runner import run_case

CASES = Path(__file__).resolve().parent.parent / 'cases'


def windows(implementation: str, python_version: str, implementation_version: str) -> Environment:
    return Environment(os='windows', os_release='10.0.26100', machine='AMD64',
                       implementation=implementation, implementation_version=implementation_version,
                       python_version=python_version, free_threaded=False,
                       default_start_method='spawn', available_start_methods=('spawn',))


# PyPy's _winapi lacks UnmapViewOfFile (pypy/pypy#5361), which CPython's shared_memory calls from
# 3.10 on when it attaches to a block by name (bpo-40882); 7.3.23 is assumed to be the fix.
@pytest.mark.parametrize('name', ['shared_memory_by_name', 'shareable_list'])
@pytest.mark.parametrize('env, expected', [
    (windows('pypy', '3.10.16', '7.3.19'), 'error (AttributeError)'),
    (windows('pypy', '3.11.15', '7.3.22'), 'error (AttributeError)'),
    (windows('pypy', '3.11.15', '7.3.23'), 'propagates'),
    (windows('pypy', '3.9.19', '7.3.16'), 'propagates'),  # its stdlib predates the call
    (windows('cpython', '3.13.9', '3.13.9'), 'propagates'),
], ids=['pypy3.10', 'pypy3.11-7.3.22', 'pypy3.11-7.3.23', 'pypy3.9', 'cpython'])
def test_shared_memory_attach_on_pypy_for_windows(name, env, expected):
    case = load_case(CASES / f'{name}.py')
    assert str(case.expectation('spawn', env)) == expected


def posix(os_name: str, implementation: str, python_version: str, implementation_version: str = None,
          default_start_method: str = 'fork') -> Environment:
    return Environment(os=os_name, os_release='', machine='x86_64', implementation=implementation,
                       implementation_version=implementation_version or python_version,
                       python_version=python_version, free_threaded=False,
                       default_start_method=default_start_method,
                       available_start_methods=('fork', 'spawn', 'forkserver'))


RUNTIME_ERROR = 'error (RuntimeError)'


# The fork server preloads __main__ from 3.13.8 and 3.14.1 (python/cpython#126631), not in 3.14.0,
# 3.12 or PyPy; the import-time Manager fails where the default start method is not fork, and the
# import-time Value works there.
@pytest.mark.parametrize('name, env, method, expected', [
    ('forkserver_reruns_main', posix('linux', 'cpython', '3.13.0'), 'forkserver', 'isolated'),
    ('forkserver_reruns_main', posix('linux', 'cpython', '3.13.8'), 'forkserver', 'propagates'),
    ('forkserver_reruns_main', posix('linux', 'cpython', '3.14.0'), 'forkserver', 'isolated'),
    ('forkserver_reruns_main', posix('linux', 'cpython', '3.14.1'), 'forkserver', 'propagates'),
    ('forkserver_reruns_main', posix('macos', 'cpython', '3.15.0'), 'forkserver', 'propagates'),
    ('forkserver_reruns_main', posix('linux', 'pypy', '3.11.13', '7.3.20'), 'forkserver', 'isolated'),
    ('top_level_state_in_siblings', posix('linux', 'cpython', '3.13.7'), 'forkserver', 'isolated'),
    ('top_level_state_in_siblings', posix('linux', 'cpython', '3.13.8'), 'forkserver', 'propagates'),
    ('top_level_state_in_siblings', posix('linux', 'cpython', '3.14.0'), 'forkserver', 'isolated'),
    ('top_level_state_in_siblings', posix('macos', 'cpython', '3.14.1'), 'forkserver', 'propagates'),
    ('thread_started_at_import', posix('linux', 'cpython', '3.13.7'), 'forkserver', 'propagates'),
    ('thread_started_at_import', posix('linux', 'cpython', '3.13.8'), 'forkserver', 'isolated'),
    ('thread_started_at_import', posix('linux', 'cpython', '3.14.0'), 'forkserver', 'propagates'),
    ('thread_started_at_import', posix('macos', 'cpython', '3.14.1'), 'forkserver', 'isolated'),
    ('thread_started_at_import', posix('linux', 'pypy', '3.11.13', '7.3.20'), 'forkserver', 'propagates'),
    ('thread_started_at_import', windows('cpython', '3.14.1', '3.14.1'), 'spawn', 'propagates'),
    ('manager_at_import_get_context', posix('linux', 'cpython', '3.13.9'), 'spawn', 'isolated'),
    ('manager_at_import_get_context', posix('linux', 'cpython', '3.14.0'), 'fork', RUNTIME_ERROR),
    ('manager_at_import_get_context', posix('macos', 'cpython', '3.12.1'), 'fork', RUNTIME_ERROR),
    ('manager_at_import_get_context', windows('cpython', '3.13.9', '3.13.9'), 'spawn', RUNTIME_ERROR),
    ('umask_after_forkserver_started', windows('cpython', '3.13.9', '3.13.9'), 'spawn', 'isolated'),
    ('umask_after_forkserver_started', posix('macos', 'cpython', '3.14.0'), 'spawn', 'propagates'),
    # An ignored SIGINT survives exec, except into CPython on Windows and into PyPy.
    ('sigint_ignored_around_pool', windows('cpython', '3.13.9', '3.13.9'), 'spawn', 'isolated'),
    ('sigint_ignored_around_pool', windows('pypy', '3.11.15', '7.3.23'), 'spawn', 'isolated'),
    ('sigint_ignored_around_pool', posix('macos', 'cpython', '3.14.0'), 'spawn', 'propagates'),
    ('sigint_ignored_around_pool', posix('macos', 'pypy', '3.11.15', '7.3.23'), 'spawn', 'isolated'),
    # Windows has no SIGCHLD; on macOS, as on Linux, an ignored SIGCHLD discards a child's status.
    ('sigchld_ignored_in_main', windows('cpython', '3.13.9', '3.13.9'), 'spawn', 'error (AttributeError)'),
    ('sigchld_ignored_in_main', posix('macos', 'cpython', '3.14.0'), 'spawn', 'isolated'),
    ('sigchld_ignored_in_main', posix('macos', 'cpython', '3.14.0'), 'forkserver', 'propagates'),
    # No os.fork on Windows; elsewhere a forked helper inherits the fork server's state, not the server.
    ('fork_after_fork_server_started', windows('cpython', '3.14.0', '3.14.0'), 'spawn',
     'error (AttributeError)'),
    ('fork_after_fork_server_started', posix('macos', 'cpython', '3.14.0'), 'forkserver',
     'error (ChildProcessError)'),
    ('fork_after_fork_server_started', posix('linux', 'cpython', '3.14.0'), 'spawn', 'propagates'),
    # A fork-context lock: refused from 3.11.5, a crash before; no fork context where fork is not
    # the default (python/cpython#77377).
    ('value_at_import_start_method_forced', posix('linux', 'cpython', '3.11.4'), 'spawn', 'error (SIGSEGV)'),
    ('value_at_import_start_method_forced', posix('linux', 'cpython', '3.11.5'), 'spawn', RUNTIME_ERROR),
    ('value_at_import_start_method_forced', posix('linux', 'cpython', '3.14.0'), 'forkserver', 'propagates'),
    ('value_at_import_start_method_forced', posix('linux', 'cpython', '3.14.0'), 'fork', 'propagates'),
    ('value_at_import_start_method_forced', posix('macos', 'cpython', '3.10.11'), 'spawn', 'propagates'),
    ('value_at_import_start_method_forced', windows('cpython', '3.13.9', '3.13.9'), 'spawn', 'propagates'),
    # os.putenv() is not in os.environ, which is all a Windows venv's spawned child gets (bpo-35797).
    ('putenv_in_main', windows('cpython', '3.8.10', '3.8.10'), 'spawn', 'isolated'),
    ('putenv_in_main', windows('cpython', '3.14.2', '3.14.2'), 'spawn', 'isolated'),
    ('putenv_in_main', windows('pypy', '3.10.16', '7.3.19'), 'spawn', 'propagates'),
    ('putenv_in_main', posix('macos', 'cpython', '3.14.0'), 'spawn', 'propagates'),
    ('putenv_in_main', posix('macos', 'cpython', '3.14.0'), 'fork', 'isolated'),
    # No loop.add_signal_handler() on Windows; asyncio resets a forked child's wake-up fd from 3.12.
    ('asyncio_signal_handler_in_main', windows('cpython', '3.13.9', '3.13.9'), 'spawn',
     'error (NotImplementedError)'),
    ('asyncio_signal_handler_in_main', windows('pypy', '3.10.16', '7.3.19'), 'spawn',
     'error (NotImplementedError)'),
    ('asyncio_signal_handler_in_main', posix('macos', 'cpython', '3.11.9'), 'fork', 'propagates'),
    ('asyncio_signal_handler_in_main', posix('macos', 'cpython', '3.14.0'), 'fork', 'isolated'),
    ('asyncio_signal_handler_in_main', posix('linux', 'cpython', '3.14.0'), 'forkserver', 'isolated'),
    # Pickling os.environ's local encode function: PicklingError in CPython from 3.14 (gh-122311).
    ('environ_object_argument', posix('linux', 'cpython', '3.13.9'), 'spawn', 'error (AttributeError)'),
    ('environ_object_argument', posix('linux', 'cpython', '3.14.0'), 'forkserver',
     'error (_pickle.PicklingError)'),
    ('environ_object_argument', posix('macos', 'cpython', '3.14.0'), 'fork', 'propagates'),
    ('environ_object_argument', windows('cpython', '3.14.2', '3.14.2'), 'spawn',
     'error (_pickle.PicklingError)'),
    ('environ_object_argument', windows('pypy', '3.11.15', '7.3.23'), 'spawn',
     'error (pickle.PicklingError)'),
])
def test_import_time_and_fork_server_predictions(name, env, method, expected):
    case = load_case(CASES / f'{name}.py')
    assert str(case.expectation(method, env)) == expected


# Starting the resource tracker unblocked SIGINT and SIGTERM in the caller's thread until
# python/cpython#127586 was fixed in 3.12.9, 3.13.2 and 3.14.0a4; 3.8 to 3.11 never got the fix, nor
# PyPy up to 7.3.22 (7.3.11 observed here).
@pytest.mark.parametrize('env, method, expected', [
    (posix('linux', 'cpython', '3.12.8'), 'spawn', 'isolated'),
    (posix('linux', 'cpython', '3.12.9'), 'spawn', 'propagates'),
    (posix('macos', 'cpython', '3.12.9'), 'forkserver', 'propagates'),
    (posix('linux', 'cpython', '3.13.1'), 'forkserver', 'isolated'),
    (posix('linux', 'cpython', '3.13.2'), 'forkserver', 'propagates'),
    (posix('macos', 'cpython', '3.13.1'), 'spawn', 'isolated'),
    (posix('macos', 'cpython', '3.14.0'), 'spawn', 'propagates'),
    (posix('linux', 'cpython', '3.15.0'), 'forkserver', 'propagates'),
    (posix('linux', 'cpython', '3.11.15'), 'spawn', 'isolated'),
    (posix('linux', 'pypy', '3.11.13', '7.3.20'), 'spawn', 'isolated'),
    (posix('macos', 'cpython', '3.14.0'), 'fork', 'propagates'),
    (windows('cpython', '3.12.9', '3.12.9'), 'spawn', 'error (AttributeError)'),
    (windows('cpython', '3.14.0', '3.14.0'), 'spawn', 'error (AttributeError)'),
])
def test_signal_mask_after_the_resource_tracker_fix(env, method, expected):
    case = load_case(CASES / 'signal_mask_blocked_in_main.py')
    assert str(case.expectation(method, env)) == expected


TRACKER_UNBLOCKS = """\
                try:
                    if _HAVE_SIGMASK:
                        signal.pthread_sigmask(signal.SIG_BLOCK, _IGNORED_SIGNALS)
                    pid = util.spawnv_passfds(exe, args, fds_to_pass)
                finally:
                    if _HAVE_SIGMASK:
                        signal.pthread_sigmask(signal.SIG_UNBLOCK, _IGNORED_SIGNALS)
"""
TRACKER_RESTORES = """\
                prev_sigmask = None
                try:
                    if _HAVE_SIGMASK:
                        prev_sigmask = signal.pthread_sigmask(signal.SIG_BLOCK, _IGNORED_SIGNALS)
                    pid = util.spawnv_passfds(exe, args, fds_to_pass)
                finally:
                    if prev_sigmask is not None:
                        signal.pthread_sigmask(signal.SIG_SETMASK, prev_sigmask)
"""


@pytest.mark.skipif(not hasattr(signal, 'pthread_sigmask'), reason='no signal masks here')
@pytest.mark.parametrize('method', ['spawn', 'forkserver'])
def test_signal_mask_prediction_holds_with_the_fix_applied_here(method, tmp_path, monkeypatch):
    """The overrides of signal_mask_blocked_in_main predict what no interpreter here runs. Give
    this one python/cpython#127586's change (GH-128011: the resource tracker's start restores
    the caller's mask) in a copy of its multiprocessing package, first on PYTHONPATH, and the
    case must report what the overrides predict."""
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f'no {method} here')
    package = tmp_path / 'multiprocessing'
    shutil.copytree(Path(multiprocessing.__file__).parent, package,
                    ignore=shutil.ignore_patterns('__pycache__'))
    tracker = package / 'resource_tracker.py'
    source = tracker.read_text(encoding='utf-8')
    if 'signal.SIG_SETMASK, prev_sigmask' in source:
        pytest.skip('this interpreter has the fix: the matrix itself runs the prediction')
    assert source.count(TRACKER_UNBLOCKS) == 1, f'the unfixed code is not as expected in {sys.version}'
    tracker.write_text(source.replace(TRACKER_UNBLOCKS, TRACKER_RESTORES), encoding='utf-8')
    monkeypatch.setenv('PYTHONPATH', str(tmp_path))

    case = load_case(CASES / 'signal_mask_blocked_in_main.py')
    predicted = case.expectation(method, posix('linux', 'cpython', '3.13.2'))
    assert predicted.override is not None

    run = run_case(case, method)

    assert run.problems == [] and run.stderr == ''
    assert run.verdict == str(predicted), run.stdout
    assert 'Parent: SIGTERM still blocked here after the start: True' in run.stdout


# sys.set_int_max_str_digits() came with the limit in 3.8.14, 3.9.14 and 3.10.7 (python/cpython#95778);
# python.org's Windows installers of 3.8 and 3.9 end at 3.8.10 and 3.9.13.
@pytest.mark.parametrize('env, method, expected', [
    (windows('cpython', '3.8.10', '3.8.10'), 'spawn', 'error (AttributeError)'),
    (windows('cpython', '3.9.13', '3.9.13'), 'spawn', 'error (AttributeError)'),
    (windows('cpython', '3.10.11', '3.10.11'), 'spawn', 'isolated'),
    (posix('linux', 'cpython', '3.8.13'), 'fork', 'error (AttributeError)'),
    (posix('linux', 'cpython', '3.8.14'), 'fork', 'propagates'),
    (posix('macos', 'cpython', '3.9.13'), 'forkserver', 'error (AttributeError)'),
    (posix('linux', 'cpython', '3.9.14'), 'forkserver', 'isolated'),
    (posix('macos', 'cpython', '3.10.6'), 'spawn', 'error (AttributeError)'),
    (posix('linux', 'cpython', '3.10.7'), 'fork', 'propagates'),
    (posix('linux', 'cpython', '3.11.0'), 'spawn', 'isolated'),
    (posix('linux', 'pypy', '3.9.16', '7.3.11'), 'spawn', 'isolated'),
])
def test_int_max_str_digits_before_the_limit(env, method, expected):
    case = load_case(CASES / 'int_max_str_digits_in_main.py')
    assert str(case.expectation(method, env)) == expected


# The reference machine, as "Predictions not yet observed" names it: the environments whose
# verdicts are observed here, so whatever an override says beyond them is a prediction.
REFERENCE = [posix('linux', 'cpython', version) for version in
             ('3.8.18', '3.9.18', '3.10.13', '3.11.7', '3.12.1', '3.13.0')] + [
    posix('linux', 'pypy', '3.9.16', '7.3.11')]
CONTRIBUTING = Path(__file__).resolve().parent.parent / 'docs' / 'contributing.md'


def predictions_table() -> set:
    """The case names of the rows of "Predictions not yet observed"."""
    section = CONTRIBUTING.read_text(encoding='utf-8').split('## Predictions not yet observed', 1)[1]
    return set(re.findall(r'^\| `(\w+)` \|', section.split('\n## ', 1)[0], re.MULTILINE))


def test_every_override_that_no_run_here_reaches_has_its_row_in_the_predictions_table():
    """The table is written by hand; what it must list is not: an override that applies to none
    of the reference environments is a prediction, and a row names it with its source."""
    catalog = load_catalog(CASES)
    unobserved = {case.name for case in catalog.cases for override in case.overrides
                  if not any(override.applies_to(env) for env in REFERENCE)}
    rows = predictions_table()
    assert unobserved - rows == set(), 'predicted by an override, with no row in the table'
    with_overrides = {case.name for case in catalog.cases if case.overrides}
    assert rows - with_overrides == set(), 'a row for a case that has no override (or no file)'
