"""The CI workflow's policies: pinned actions, least privilege, what runs when, the whole matrix.

zizmor, actionlint and the JSON schemas check the workflow in general (`tox -e workflows`);
these tests check what this project decided. They need PyYAML (the workflows and docs envs).
"""
from __future__ import annotations

import configparser
import itertools
import re
import types

import pytest

from .conftest import ROOT

yaml = pytest.importorskip('yaml')

WORKFLOW_PATH = ROOT / '.github' / 'workflows' / 'matrix.yml'
WORKFLOW = yaml.safe_load(WORKFLOW_PATH.read_text(encoding='utf-8'))
TRIGGERS = WORKFLOW[True]  # YAML 1.1 reads the key `on` as true
JOBS = WORKFLOW['jobs']
PINNED = re.compile(r'^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$')
OSES = ('ubuntu', 'macos', 'windows')
PYTHONS = ('3.8', '3.9', '3.10', '3.11', '3.12', '3.13', '3.14', '3.15', '3.14t', '3.15t', '3.16',
           'pypy3.10', 'pypy3.11')


def steps():
    for name, job in JOBS.items():
        for step in job.get('steps', []):
            yield name, step


def test_every_action_is_pinned_to_a_commit_with_its_version():
    lines = [line.strip() for line in WORKFLOW_PATH.read_text(encoding='utf-8').splitlines()
             if re.match(r'\s*(- )?uses:', line)]
    assert lines
    for line in lines:
        assert PINNED.match(line.split('uses:', 1)[1].strip()), line
    pins = {}
    for line in lines:
        action, sha = line.split('uses:', 1)[1].split('#')[0].strip().split('@')
        assert pins.setdefault(action, sha) == sha, f'{action} pinned to two commits'


def test_least_privilege():
    assert WORKFLOW['permissions'] == {}
    for name, job in JOBS.items():
        granted = job.get('permissions')
        assert isinstance(granted, dict), f'{name} states its permissions'
        writes = {scope for scope, level in granted.items() if level == 'write'}
        if name == 'deploy':
            assert granted == {'pages': 'write', 'id-token': 'write'}
        else:
            assert not writes, f'{name} may write {writes}'
    for name, step in steps():
        if step.get('uses', '').startswith('actions/checkout@'):
            assert step['with']['persist-credentials'] is False, name


def test_no_expression_is_expanded_inside_a_script():
    """Values reach scripts through env:, never pasted into the shell text."""
    for name, step in steps():
        assert '${{' not in step.get('run', ''), (name, step['run'])


def test_triggers_and_concurrency():
    assert set(TRIGGERS) == {'push', 'pull_request', 'schedule', 'workflow_dispatch'}
    assert 'pull_request_target' not in WORKFLOW_PATH.read_text(encoding='utf-8')
    assert TRIGGERS['schedule'][0]['cron'].split()[2:] == ['*', '*', '1']  # weekly
    assert WORKFLOW['concurrency']['cancel-in-progress'] is True
    assert 'github.ref' in WORKFLOW['concurrency']['group']


def legs():
    """The matrix's combinations as GitHub expands them: product, minus exclude, plus include."""
    matrix = JOBS['matrix']['strategy']['matrix']
    combos = [{'os': os_, 'python': python}
              for os_, python in itertools.product(matrix['os'], matrix['python'])]
    combos = [combo for combo in combos if combo not in matrix.get('exclude', [])]
    return combos + matrix.get('include', [])


def test_every_os_runs_every_python():
    """An exclusion only moves a combination to another runner of the same OS, never drops it."""
    assert JOBS['matrix']['strategy']['fail-fast'] is False
    ran = {(combo['os'].split('-')[0], combo['python']) for combo in legs()}
    missing = set(itertools.product(OSES, PYTHONS)) - ran
    assert not missing
    assert {combo['os'] for combo in legs()} >= {'ubuntu-latest', 'macos-latest', 'windows-latest'}


def test_each_exclusion_says_why():
    text = WORKFLOW_PATH.read_text(encoding='utf-8')
    block = text.split('exclude:', 1)[1].split('include:', 1)[0]
    assert block.lstrip().startswith('#')
    assert re.search(r'actions/(setup-python|python-versions|runner-images)#\d+', block)


def test_a_leg_runs_the_readmes_matrix_command_and_always_reports():
    matrix_steps = {step.get('name') or step['uses'].split('@')[0]: step
                    for step in JOBS['matrix']['steps']}
    assert re.match(r'python -m tox -e py\b', matrix_steps['Run the matrix']['run'])
    assert WORKFLOW['env']['TOX_SKIP_MISSING_INTERPRETERS'] == 'false'
    setup = matrix_steps['actions/setup-python']['with']
    assert setup['python-version'] == '${{ matrix.python }}' and setup['allow-prereleases'] is True
    for name in ('Measure what each start method costs', 'Write the job summary', 'Upload the results'):
        assert matrix_steps[name]['if'] == '${{ !cancelled() }}', name
    assert 'mpmatrix summary' in matrix_steps['Write the job summary']['run']
    assert re.match(r'python -m tox exec -e py -- python -m mpmatrix bench$',
                    matrix_steps['Measure what each start method costs']['run'])
    assert matrix_steps['Upload the results']['with']['path'].split() == [
        'results/*.json', 'results/bench/*.json', 'junit/*.xml']
    # "Re-run failed jobs" uploads under the same name again: without it, that upload fails.
    assert matrix_steps['Upload the results']['with']['overwrite'] is True


def test_the_site_is_built_from_every_leg_even_when_some_failed():
    site = JOBS['site']
    assert 'matrix' in site['needs'] and '!cancelled()' in site['if']
    download = next(step for step in site['steps'] if step.get('with', {}).get('pattern'))
    assert download['with'] == {'pattern': 'results-*', 'merge-multiple': True}
    runs = '\n'.join(step.get('run', '') for step in site['steps'])
    assert 'python -m mpmatrix merge results' in runs and 'python -m tox -e docs' in runs
    uses = [step['uses'].split('@')[0] for step in site['steps'] if 'uses' in step]
    assert 'actions/upload-pages-artifact' in uses


def evaluate(condition: str, event: str, ref: str = 'refs/heads/main', site: str = 'success') -> bool:
    """A GitHub Actions condition of this workflow, evaluated for one event."""
    expression = condition.strip()
    expression = expression[3:-2] if expression.startswith('${{') else expression
    expression = (expression.replace('!cancelled()', 'True').replace('&&', ' and ')
                  .replace('||', ' or ').replace('!', ' not ').replace(' not =', '!='))
    github = types.SimpleNamespace(event_name=event, ref=ref, ref_name=ref.split('/', 2)[-1],
                                   event=types.SimpleNamespace(
                                       repository=types.SimpleNamespace(default_branch='main')))
    needs = types.SimpleNamespace(site=types.SimpleNamespace(result=site))
    return eval(expression, {'github': github, 'needs': needs,  # the expression is our own file's
                             'format': lambda template, *values: template.format(*values)})


@pytest.mark.parametrize('event, ref, deploys', [
    ('push', 'refs/heads/main', True), ('schedule', 'refs/heads/main', True),
    ('workflow_dispatch', 'refs/heads/main', True),
    ('push', 'refs/heads/feature', False), ('workflow_dispatch', 'refs/heads/feature', False),
    ('pull_request', 'refs/heads/main', False), ('pull_request', 'refs/pull/42/merge', False),
    # a tag named like the default branch has its ref_name, not its ref
    ('push', 'refs/tags/main', False), ('workflow_dispatch', 'refs/tags/main', False),
])
def test_pages_are_configured_and_deployed_only_from_the_default_branch(event, ref, deploys):
    """configure-pages and deploy-pages also never run in a pull_request rehearsal (act-ci)."""
    deploy = JOBS['deploy']
    assert evaluate(deploy['if'], event, ref) is deploys
    assert evaluate(deploy['if'], event, ref, site='failure') is False
    configure = next(step for name, step in steps() if 'configure-pages' in step.get('uses', ''))
    assert evaluate(configure['if'], event, ref) is deploys
    assert deploy['environment']['name'] == 'github-pages'
    assert [step['uses'].split('@')[0] for step in deploy['steps']] == ['actions/deploy-pages']


def test_tox_lets_ci_through():
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(ROOT / 'tox.ini', encoding='utf-8')
    envs = {name.strip() for name in tox['tox']['env_list'].split(',')}
    assert {'py316', 'py314t', 'py315t', 'workflows'} <= envs
    passed = set(tox['testenv']['pass_env'].split())
    assert {'MPMATRIX_RESULTS', 'PYTEST_ADDOPTS', 'PYTEST_XDIST_AUTO_NUM_WORKERS', 'SITE_URL',
            'ImageOS', 'ImageVersion', 'RUNNER_OS', 'GITHUB_ACTIONS', 'GITHUB_SHA'} <= passed
    # The cases run in this environment: the files that set up later steps stay out of reach.
    assert not any(name.startswith('GITHUB_') and name not in ('GITHUB_ACTIONS', 'GITHUB_SHA')
                   for name in passed)


def test_the_lint_job_checks_the_code_and_the_workflow():
    runs = [step.get('run', '') for step in JOBS['lint']['steps']]
    assert 'python -m tox -e lint' in runs and 'python -m tox -e workflows' in runs
