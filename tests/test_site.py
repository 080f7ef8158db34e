"""site: pages built from hostile cases and results escape everything, include nothing, stay fast."""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from mpmatrix import results
from mpmatrix.catalog import load_catalog
from mpmatrix.results import EnvironmentResults

from .conftest import ROOT
from .test_catalog import GOOD, environment, write_case
from .test_results import record

site = pytest.importorskip('mpmatrix.site', reason='the site needs the docs extra (mkdocs, Jinja2)')
MKDOCS = os.path.join(os.path.dirname(sys.executable), 'mkdocs')
QUIET = {'DISABLE_MKDOCS_2_WARNING': 'true', 'NO_MKDOCS_2_WARNING': '1'}
SCRIPT = '<script>alert(7)</script>'
HOSTILE_TITLE = f'</title>{SCRIPT}<title>'
PAYLOADS = ('<script>alert', '<img src=x', '<b>bold')


def project(tmp_path, cases=None, environments=()):
    """A copy of the site's sources with its own cases/ and results/, as CI would build it."""
    root = tmp_path / 'project'
    shutil.copytree(ROOT / 'docs', root / 'docs')
    shutil.copy(ROOT / 'mkdocs.yml', root / 'mkdocs.yml')
    (root / 'src' / 'mpmatrix').mkdir(parents=True)
    (root / 'cases').mkdir()
    (root / 'results').mkdir()
    for name, text in (cases or {'queue_result': GOOD}).items():
        write_case(root / 'cases', text, name)
    for entry in environments:
        results.write(root / 'results' / results.file_name(entry.environment), [entry])
    return root


def mkdocs_build(root, timeout=120, quiet=True):
    completed = subprocess.run([MKDOCS, 'build', *(['-q'] if quiet else []), '-d', str(root / 'site')],
                               cwd=root,
                               env={**{key: value for key, value in os.environ.items()
                                       if key not in ('SITE_URL', 'MPMATRIX_CASES')},
                                    **QUIET, 'MPMATRIX_RESULTS': str(root / 'results')},
                               capture_output=True, text=True, timeout=timeout)
    return root / 'site', completed


def built_files(site_dir):
    """Every file the site serves as a page or data (full outputs are text/plain files)."""
    return [path for path in site_dir.rglob('*')
            if path.is_file() and path.suffix in ('.html', '.json', '.xml', '.js')
            and 'assets' not in path.relative_to(site_dir).parts]


def page(site_dir, name):
    """A built page's HTML (``name.html``; ``name/index.html`` with directory URLs)."""
    for path in (site_dir / f'{name}.html', site_dir / name / 'index.html'):
        if path.exists():
            return path.read_text(encoding='utf-8')
    raise AssertionError(f'{name} was not built')


def hostile_environment():
    env = dataclasses.replace(environment(), os_release=f'6.1 {SCRIPT}',
                              implementation_version='3.12.1<img src=x onerror=alert(1)>')
    failed = record(method='fork', verdict='error', error_type=f'Boom{SCRIPT}',
                    stdout=f'{SCRIPT}\n__init__ *x*', stderr='<b>bold</b>',
                    problems=[f'leaked {SCRIPT}'])
    return EnvironmentResults(env, [record(), failed])


def test_hostile_titles_and_results_are_escaped_everywhere_they_land(tmp_path):
    text = GOOD.replace('A good case', HOSTILE_TITLE).replace(
        'It explains itself.', 'It explains <b>bold</b> <img src=x onerror=alert(2)> itself.\n\n'
        '[a link](javascript:alert(3))')
    root = project(tmp_path, {'queue_result': text}, [hostile_environment()])
    site_dir, completed = mkdocs_build(root)
    assert completed.returncode == 0, completed.stderr
    files = built_files(site_dir)
    assert {'search/search_index.json', 'sitemap.xml', 'results.json'} \
        <= {path.relative_to(site_dir).as_posix() for path in files}
    for path in files:
        content = path.read_text(encoding='utf-8')
        for payload in PAYLOADS:
            assert payload not in content, f'{payload} unescaped in {path.relative_to(site_dir)}'
        assert 'href="javascript:' not in content
    html = page(site_dir, 'cases/queue_result')
    escaped = '&lt;/title&gt;&lt;script&gt;alert(7)&lt;/script&gt;&lt;title&gt;'
    assert f'<title>{escaped} - ' in html
    assert f'<h1>{escaped}</h1>' in html
    assert '&lt;b&gt;bold&lt;/b&gt;' in html  # shown as text, not dropped
    # The nav of every page names the case by its escaped title.
    assert escaped in (site_dir / 'index.html').read_text(encoding='utf-8')


def test_the_site_includes_no_file_a_docstring_names(tmp_path):
    """Snippet syntax in an explanation is text: only the harness includes a file (the source)."""
    (tmp_path / 'secret.txt').write_text('TOPSECRET-4711\n')
    cases = tmp_path / 'cases'
    cases.mkdir()
    write_case(cases, GOOD, 'queue_result')
    [case] = load_catalog(cases).cases
    hostile = dataclasses.replace(case, explanation='Before.\n\n--8<-- "secret.txt"\n\n'
                                  '--8<--\nsecret.txt\n--8<--\n\nAfter.')
    catalog = dataclasses.replace(load_catalog(cases), cases=(hostile,))
    docs = tmp_path / 'docs'
    shutil.copytree(ROOT / 'docs', docs, ignore=shutil.ignore_patterns('gen_pages.py'))
    for path, text in site.pages(catalog, [EnvironmentResults(environment(), [record()])]).items():
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_text(text, encoding='utf-8')
    # The real Markdown configuration, without the generator (its pages are already written).
    (tmp_path / 'mkdocs.yml').write_text(f'INHERIT: {ROOT / "mkdocs.yml"}\ndocs_dir: docs\n'
                                         'plugins: [search]\nwatch: []\n')
    completed = subprocess.run([MKDOCS, 'build', '-q', '-d', str(tmp_path / 'site')], cwd=tmp_path,
                               env={**os.environ, **QUIET}, capture_output=True, text=True,
                               timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert '<p>--8&lt;-- "secret.txt"</p>' in page(tmp_path / 'site', 'cases/queue_result')
    for path in (tmp_path / 'site').rglob('*'):
        if path.is_file():
            assert b'TOPSECRET' not in path.read_bytes(), path


def test_a_case_source_that_is_a_symlink_is_refused(tmp_path):
    (tmp_path / 'passwd').write_text('root:x:0:0\n')
    cases = tmp_path / 'cases'
    cases.mkdir()
    write_case(cases, GOOD, 'queue_result')
    [case] = load_catalog(cases).cases
    (cases / 'innocent.py').symlink_to(tmp_path / 'passwd')
    linked = dataclasses.replace(case, path=cases / 'innocent.py')
    catalog = dataclasses.replace(load_catalog(cases), cases=(linked,))
    with pytest.raises(site.SiteError, match='innocent.py: the case source is not a regular file'):
        site.pages(catalog, [])


def test_a_huge_output_builds_in_seconds_and_is_published_whole_as_a_file(tmp_path):
    huge = ''.join(f'line {number} of __init__ *output* <tag>\n' for number in range(120_000))
    assert len(huge) > 4_000_000
    root = project(tmp_path, environments=[
        EnvironmentResults(environment(), [record(stdout=huge)])])
    started = time.monotonic()
    site_dir, completed = mkdocs_build(root)
    assert completed.returncode == 0, completed.stderr
    assert time.monotonic() - started < 20  # 48.8 s when the whole output went through Markdown
    html = page(site_dir, 'cases/queue_result')
    assert len(html) < 200_000
    assert 'line 0 of __init__ *output* &lt;tag&gt;' in html
    whole = 'queue_result/linux-x86_64-cpython-3.12.1-spawn-stdout.txt'
    assert f'<a href="{whole}">the whole stdout</a>' in html
    [stored] = results.read(root / 'results' / 'linux-x86_64-cpython-3.12.1.json')[0].records
    assert (site_dir / 'cases' / whole).read_text(encoding='utf-8') == stored.stdout
    if getattr(stored, 'stdout_truncated', None):  # the results file keeps a capped output
        assert f'The run printed {len(huge):,} characters' in html


def test_bad_results_stop_the_build_with_one_line_naming_the_file(tmp_path):
    root = project(tmp_path)
    bad = root / 'results' / 'linux-x86_64-cpython-3.12.1.json'
    bad.write_text('{"schema_version": 1, "environments": [')
    _, completed = mkdocs_build(root)
    assert completed.returncode != 0
    lines = [line for line in completed.stderr.splitlines() if line.startswith('mpmatrix site:')]
    assert len(lines) == 1 and str(bad) in lines[0] and 'not valid JSON' in lines[0]
    assert 'Traceback' not in completed.stderr


def test_every_page_is_in_the_nav_and_a_case_page_edits_its_case(tmp_path):
    root = project(tmp_path, environments=[EnvironmentResults(environment(), [record()])])
    site_dir, completed = mkdocs_build(root, quiet=False)
    assert completed.returncode == 0, completed.stderr
    assert 'not included in the "nav"' not in completed.stderr
    html = page(site_dir, 'cases/queue_result')
    assert 'href="https://github.com/mpmatrix/mpmatrix/edit/main/cases/queue_result.py"' in html
    assert '<loc>https://mpmatrix.github.io/mpmatrix/cases/queue_result.html</loc>' in \
        (site_dir / 'sitemap.xml').read_text(encoding='utf-8')


def test_every_page_is_generated(tmp_path):
    write_case(tmp_path, GOOD, 'queue_result')
    catalog = load_catalog(tmp_path)
    pages = site.pages(catalog, [EnvironmentResults(environment(), [record()])])
    assert set(pages) == {'matrix.md', 'cases/index.md', 'cases/queue_result.md', 'results.json',
                          'results.schema.json', 'environments/index.md',
                          'environments/linux-x86_64-cpython-3.12.1.md'} \
        | {f'guides/{name}.md' for name in site.GUIDES}
    assert json.loads(pages['results.json'])['environments'][0]['environment']['id'] \
        == 'linux-x86_64-cpython-3.12.1'
    nav = site.navigation(catalog, [EnvironmentResults(environment(), [])])
    assert {'Cases': ['cases/index.md', {'Managers': ['cases/queue_result.md']}]} in nav
    assert {'Environments': ['environments/index.md',
                             'environments/linux-x86_64-cpython-3.12.1.md']} in nav


def test_no_results_yet(tmp_path):
    write_case(tmp_path, GOOD, 'queue_result')
    pages = site.pages(load_catalog(tmp_path), [])
    assert 'No results yet' in pages['matrix.md']
    assert 'No results for this case yet.' in pages['cases/queue_result.md']


def test_related_cases_are_linked_by_title(tmp_path):
    write_case(tmp_path, GOOD.replace('A good case', 'The fix'), 'the_fix')
    write_case(tmp_path, GOOD.replace("RELATED = []", "RELATED = ['the_fix']"), 'the_problem')
    page = site.pages(load_catalog(tmp_path), [])['cases/the_problem.md']
    assert '<li><a href="the_fix.html">The fix</a> (<code>the_fix</code>)</li>' in page


def envs_for(*specs):
    """(os, implementation, version, free_threaded) -> Environment, in the matrix's order."""
    return [dataclasses.replace(environment(version, os, implementation, free_threaded))
            for os, implementation, version, free_threaded in specs]


def test_ranges_collapse_consecutive_versions_by_implementation_and_os():
    envs = envs_for(*[('linux', 'cpython', version, False)
                      for version in ('3.8.18', '3.9.18', '3.10.13', '3.11.4', '3.11.5', '3.12.1')],
                    ('linux', 'pypy', '3.10.14', False), ('linux', 'pypy', '3.11.9', False))
    ids = {env.python_version + env.implementation: env.id for env in envs}
    early = {ids[version + 'cpython'] for version in ('3.8.18', '3.9.18', '3.10.13')}
    pypy = {env.id for env in envs if env.implementation == 'pypy'}
    assert site.where(early | pypy, envs) == 'CPython 3.8–3.10, PyPy'
    late = {ids['3.11.5cpython'], ids['3.12.1cpython']}
    assert site.where(late, envs) == 'CPython 3.11.5+'
    assert site.where({ids['3.11.4cpython']}, envs) == 'CPython 3.11.4'


def test_ranges_name_the_os_only_where_oses_differ():
    envs = envs_for(('linux', 'cpython', '3.12.1', False), ('linux', 'cpython', '3.13.0', False),
                    ('macos', 'cpython', '3.12.1', False), ('macos', 'cpython', '3.13.0', False),
                    ('linux', 'cpython', '3.14.0', True))
    linux = {env.id for env in envs if env.os == 'linux' and not env.free_threaded}
    assert site.where(linux, envs) == 'CPython on Linux'
    both_new = {env.id for env in envs if env.python_version == '3.13.0'}
    assert site.where(both_new, envs) == 'CPython 3.13+'
    free = {env.id for env in envs if env.free_threaded}
    assert site.where(free, envs) == 'CPython free-threaded'


def test_a_cell_shows_each_verdict_with_where_it_was_seen(tmp_path):
    write_case(tmp_path, GOOD, 'queue_result')
    catalog = load_catalog(tmp_path)
    old, middle, new = (environment(version) for version in ('3.8.18', '3.10.13', '3.13.0'))
    crash = record(method='fork', verdict='error', error_type='SIGSEGV')
    raised = record(method='fork', verdict='error', error_type='RuntimeError')
    page = site.pages(catalog, [
        EnvironmentResults(old, [record(), crash]),
        EnvironmentResults(middle, [record(), crash]),
        EnvironmentResults(new, [record(), raised, record(method='forkserver', verdict='isolated')]),
    ])['matrix.md']
    fork = page.split('<td data-method="fork">')[1].split('</td>')[0]
    assert ('<span class="verdict verdict-error">error (SIGSEGV)</span>'
            '<span class="where">: CPython 3.8–3.10</span>') in fork
    assert ('<span class="verdict verdict-error">error (RuntimeError)</span>'
            '<span class="where">: CPython 3.13+</span>') in fork
    assert fork.count('class="part mismatch"') == 2
    spawn = page.split('<td data-method="spawn">')[1].split('</td>')[0]
    assert spawn.strip() == ('<span class="part"><span class="verdict verdict-propagates">'
                             'propagates</span></span>')


def test_expectations_that_name_an_error_type_are_shown_with_it():
    assert site.split_expectation('error (_pickle.PicklingError)') \
        == site.Outcome('error', '_pickle.PicklingError')
    assert site.split_expectation('isolated') == site.Outcome('isolated')
    assert site.Outcome('error', 'SIGSEGV').label == 'error (SIGSEGV)'


def test_environment_pages_show_metadata_old_results_lack_gracefully(tmp_path):
    write_case(tmp_path, GOOD, 'queue_result')
    env = environment()
    page = site.pages(load_catalog(tmp_path), [EnvironmentResults(env, [record()])])[
        'environments/linux-x86_64-cpython-3.12.1.md']
    assert page.startswith('---\ntitle: "linux-x86_64-cpython-3.12.1"\n')
    assert '<dt>Implementation</dt><dd>CPython 3.12.1</dd>' in page
    assert '<dt>Runner</dt>' not in page or getattr(env, 'runner', None)
