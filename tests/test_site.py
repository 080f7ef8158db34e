"""site: pages built from hostile cases and results escape everything, include nothing, stay fast."""
from __future__ import annotations

import dataclasses
import html.parser
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
from html import escape as html_escape

import pytest

from mpmatrix import results
from mpmatrix.catalog import load_catalog
from mpmatrix.results import EnvironmentResults

from .conftest import ROOT
from .test_catalog import GOOD, environment, write_case
from .test_results import record

site = pytest.importorskip('mpmatrix.site', reason='the site needs the docs extra (mkdocs, Jinja2)')
yaml = pytest.importorskip('yaml')
MKDOCS = os.path.join(os.path.dirname(sys.executable), 'mkdocs')
QUIET = {'DISABLE_MKDOCS_2_WARNING': 'true', 'NO_MKDOCS_2_WARNING': '1'}
SCRIPT = '<script>alert(7)</script>'
# The emoji: YAML reads no surrogate pair, and a front matter it cannot read is shown as Markdown.
HOSTILE_TITLE = f'</title>{SCRIPT}<title> \U0001f600 [x](https://e.org){{: onmouseover=alert(1) }}'
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


def mkdocs_build(root, timeout=120, quiet=True, **env):
    completed = subprocess.run([MKDOCS, 'build', *(['-q'] if quiet else []), '-d', str(root / 'site')],
                               cwd=root,
                               env={**{key: value for key, value in os.environ.items()
                                       if key not in ('SITE_URL', 'MPMATRIX_CASES')},
                                    **QUIET, 'MPMATRIX_RESULTS': str(root / 'results'), **env},
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


def event_handlers(content) -> list:
    """The event-handler attributes (onclick=...) of the elements in an HTML page."""
    found = []

    class Parser(html.parser.HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend(f'{tag} {name}' for name, _ in attrs if name.startswith('on'))

    Parser().feed(content)
    return found


def hostile_environment():
    env = dataclasses.replace(environment(), os_release=f'6.1 {SCRIPT} <img src=x onerror=alert(1)>')
    failed = record(method='fork', verdict='error', error_type=f'Boom{SCRIPT}',
                    stdout=f'{SCRIPT}\n__init__ *x*', stderr='<b>bold</b>',
                    problems=[f'leaked {SCRIPT}'])
    return EnvironmentResults(env, [record(), failed])


def test_hostile_titles_and_results_are_escaped_everywhere_they_land(tmp_path):
    text = GOOD.replace('A good case', HOSTILE_TITLE).replace(
        'It explains itself.', 'It explains <b>bold</b> <img src=x onerror=alert(2)> itself.\n\n'
        '[a link](javascript:alert(3))\n\n```{ .python #"><script>alert(8)</script><x }\nx = 1\n```\n\n'
        '**Seen in the wild.** `a/b#1` <img src=x onerror=alert(4)>')  # listed in a guide too
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
        if path.suffix == '.html':
            assert not event_handlers(content), path.relative_to(site_dir)
    html = page(site_dir, 'cases/queue_result')
    escaped = html_escape(HOSTILE_TITLE)
    assert f'<title>{escaped} - ' in html
    assert f'<h1>{escaped}</h1>' in html
    assert '&lt;b&gt;bold&lt;/b&gt;' in html  # shown as text, not dropped
    # The nav names the case by its escaped title (each page carries only the nav it shows).
    nav = html[html.index('<nav class="md-nav md-nav--primary"'):]
    assert re.search(r'<a href="queue_result.html" class="md-nav__link md-nav__link--active">\s*'
                     r'<span class="md-ellipsis">\s*' + re.escape(escaped), nav[:nav.index('</nav>')])


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


@pytest.mark.parametrize('where', ['site', 'site/cases', 'docs/leak.txt'])
def test_a_link_in_the_site_or_docs_directory_stops_the_build_before_mkdocs_touches_it(tmp_path, where):
    """A committed `site` link (.gitignore's /site/ matches directories only) had mkdocs empty
    the directory it pointed to; a link in docs/ was published as the file it points to."""
    root = project(tmp_path)
    victim = tmp_path / 'victim'
    victim.mkdir()
    (victim / 'important.txt').write_text('SECRET=hunter2')
    link = root / where
    link.parent.mkdir(exist_ok=True)
    link.symlink_to(victim if where != 'docs/leak.txt' else victim / 'important.txt')
    site_dir, completed = mkdocs_build(root, quiet=False)
    assert completed.returncode != 0
    assert f'mpmatrix site: {link} is a symbolic link in' in completed.stderr
    assert [path.name for path in victim.iterdir()] == ['important.txt']
    assert not list(site_dir.rglob('*.html'))


def test_a_results_directory_that_is_a_link_stops_the_build(tmp_path):
    root = project(tmp_path)
    (root / 'results').rmdir()
    (tmp_path / 'elsewhere').mkdir()
    (root / 'results').symlink_to(tmp_path / 'elsewhere', target_is_directory=True)
    _, completed = mkdocs_build(root)
    assert completed.returncode != 0
    assert f'mpmatrix site: {root / "results"}: is a symbolic link' in completed.stderr


@pytest.mark.parametrize('text, message', [
    ('{"schema_version": 1, "environments": [', 'not valid JSON'),
    ('{"schema_version": 2, "environments": [{"environment": "\\udcff"}]}', 'a lone surrogate'),
    ('[' * 100_000 + ']' * 100_000, 'nested too deeply'),
], ids=['truncated', 'lone-surrogate', 'nested'])
def test_bad_results_stop_the_build_with_one_line_naming_the_file(tmp_path, text, message):
    root = project(tmp_path)
    bad = root / 'results' / 'linux-x86_64-cpython-3.12.1.json'
    bad.write_text(text)
    _, completed = mkdocs_build(root)
    assert completed.returncode != 0
    lines = [line for line in completed.stderr.splitlines() if line.startswith('mpmatrix site:')]
    assert len(lines) == 1 and str(bad) in lines[0] and message in lines[0]
    assert 'Traceback' not in completed.stderr


@pytest.mark.parametrize('env, message', [
    # Every page's canonical link and sitemap.xml carry the address as it is: the theme does not
    # escape it, and mkdocs checks only for a scheme and a host.
    ({'SITE_URL': 'https://example.com/x"><img src=x onerror=alert(1)>/'},
     'is not a plain http(s) address'),
    ({'SITE_URL': 'https://example.com/\'-alert(1)-\'/'}, 'is not a plain http(s) address'),
    # merge's output, or a mistyped path, built a site that said "no results yet"
    ({'MPMATRIX_RESULTS': 'results/merged.json'}, 'which is not a directory of results files'),
], ids=['markup-in-site-url', 'quote-in-site-url', 'results-not-a-directory'])
def test_a_hostile_or_mistaken_setting_stops_the_build(tmp_path, env, message):
    root = project(tmp_path)
    (root / 'results' / 'merged.json').write_text('{}')
    _, completed = mkdocs_build(root, **{key: (str(root / value) if key == 'MPMATRIX_RESULTS' else value)
                                         for key, value in env.items()})
    assert completed.returncode != 0
    lines = [line for line in completed.stderr.splitlines() if line.startswith('mpmatrix site:')]
    assert len(lines) == 1 and message in lines[0], completed.stderr


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


def test_seen_in_the_wild_lists_the_threads_each_case_cites_there(tmp_path):
    """The guide lists, by family, each case whose docstring has a "Seen in the wild" paragraph,
    with the references its page links there, in order and once each. A reference elsewhere in
    the docstring, in a code block, or only a link's label is no thread the case cites there."""
    cited = GOOD.replace('It explains itself.', (
        'It explains itself, as gh-1 says.\n\n'
        '**Seen in the wild.** `Owner/repo#12` broke, then Owner/repo#12 again, '
        '[python/cpython#3](https://example.org/) (a label only) and owner/REPO#13; '
        'python/cpython#4.\n\n```text\nother/repo#5\n```\n\n- `bpo-6`: a list item.\n\n'
        '**Later.** another/repo#7'))
    write_case(tmp_path, cited, 'queue_result')
    write_case(tmp_path, GOOD, 'manager_dict')  # no such paragraph
    page_text = site.pages(load_catalog(tmp_path), [])['guides/seen-in-the-wild.md']
    assert re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', page_text) == [
        ('https://github.com/Owner/repo/issues/12', 'Owner/repo#12'),
        ('https://github.com/owner/REPO/issues/13', 'owner/REPO#13'),
        ('https://github.com/python/cpython/issues/4', 'python/cpython#4'),
        ('https://bugs.python.org/issue6', 'bpo-6')]
    assert 'manager_dict' not in page_text and 'queue_result.html' in page_text
    # owner/repo is one project however it is written, and bpo- numbers are CPython's.
    assert '4 threads of 2 projects, for 1 of the\n2 cases' in page_text


def test_seen_in_the_wild_without_a_cited_case(tmp_path):
    write_case(tmp_path, GOOD, 'queue_result')
    page_text = site.pages(load_catalog(tmp_path), [])['guides/seen-in-the-wild.md']
    assert '<p>No case cites one yet.</p>' in page_text and '<table' not in page_text


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


def test_two_machines_of_one_os_are_two_series_of_versions(tmp_path):
    """macOS arm64 3.12 and 3.13 with x86_64 3.8 and 3.9 were one series: the version guide
    reported a change from 3.13 to 3.8, and a range ran from one machine's versions to the other's."""
    arm = [dataclasses.replace(environment(version, 'macos'), machine='arm64')
           for version in ('3.12.1', '3.13.0')]
    intel = [environment(version, 'macos') for version in ('3.8.18', '3.9.18')]
    envs = sorted(arm + intel, key=lambda env: env.sort_key)
    assert site.where({env.id for env in arm}, envs) == 'CPython on macOS (arm64)'
    assert site.where({arm[1].id, intel[1].id}, envs) == ('CPython 3.13+ on macOS (arm64), '
                                                          'CPython 3.9+ on macOS (x86_64)')
    assert site.where({env.id for env in envs}, envs) == 'CPython'
    write_case(tmp_path, GOOD, 'queue_result')
    page = site.pages(load_catalog(tmp_path), [
        EnvironmentResults(env, [record(verdict='propagates' if env in arm else 'isolated')]) for env in envs
    ])['guides/version-changes.md']
    assert '## CPython on macOS \\(arm64\\)' in page and '## CPython on macOS \\(x86\\_64\\)' in page
    assert 'Versions seen: 3.12, 3.13.' in page and 'Versions seen: 3.8, 3.9.' in page
    assert '→' not in page  # no change within either machine's series


def test_a_cell_with_an_outcome_per_environment_groups_its_environments_once(monkeypatch):
    """Results with another error type in every environment give a cell as many outcomes as
    environments. Each outcome's "where" grouped and labelled every environment again, in time
    growing with the cube of their number: site.pages took 35 s for 100 environments, and
    about five minutes for 200."""
    envs = envs_for(*[('linux', 'cpython', f'3.{minor}.0', False) for minor in range(8, 68)])
    observed = [(env, record(verdict='error', error_type=f'E{number}')) for number, env in enumerate(envs)]
    groupings = []
    real = site.grouped
    monkeypatch.setattr(site, 'grouped', lambda envs: groupings.append(len(envs)) or real(envs))
    parts = site.cell(observed, envs)
    assert groupings == [60]
    assert [part.where for part in parts[:2]] == ['CPython 3.8', 'CPython 3.9']
    assert parts[-1].where == 'CPython 3.67+'


def test_a_value_in_a_markdown_heading_is_literal(tmp_path):
    """The schema lets _ and . into os and implementation: '## _x_ on __linux__' was emphasis."""
    markdown = pytest.importorskip('markdown')
    write_case(tmp_path, GOOD, 'queue_result')
    envs = [environment(version, os='__linux__', implementation='_x_') for version in ('3.12.1', '3.13.0')]
    verdicts = ('propagates', 'isolated')
    data = [EnvironmentResults(env, [record(verdict=verdict)]) for env, verdict in zip(envs, verdicts)]
    page = site.pages(load_catalog(tmp_path), data)['guides/version-changes.md']
    [heading] = [line for line in page.splitlines() if line.startswith('## ')]
    assert heading == '## \\_x\\_ on \\_\\_linux\\_\\_'
    assert markdown.markdown(heading) == '<h2>_x_ on __linux__</h2>'


@pytest.mark.parametrize('fence', ['```scala', '``` { .scala }', '~~~SCALA', '> ```scala'])
def test_a_code_fence_in_a_language_not_known_safe_is_shown_as_text(fence):
    """Some Pygments lexers take exponential time on short inputs: Scala's, on a quote and sixty
    backslashes, hung the site's build. Only the languages in FENCE_LANGUAGES are highlighted."""
    closing = ('> ' if fence.startswith('>') else '') + ('~~~' if '~' in fence else '```')
    quote = '> ' if fence.startswith('>') else ''
    # 20 backslashes take Scala's lexer a moment only: a regression fails, it does not hang
    text = f'Why.\n\n{fence}\n{quote}"' + '\\' * 20 + f'\n{closing}\n'
    html_text = str(site.explanation(text).before)
    code = html_text[html_text.index('<code>'):html_text.index('</code>')]
    assert '<span class=' not in code and '\\' * 20 in code
    python = str(site.explanation('Why.\n\n```python\nimport os\n```\n').before)
    assert '<span class="kn">import</span>' in python


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
    assert 'in 3 environments\n' in page


def test_one_environment_is_counted_as_one(tmp_path):
    """A site built after `tox -e py312` alone said "in 1 environments", and a guide "1 cases"."""
    write_case(tmp_path, GOOD, 'queue_result')
    records = [record(method='fork'), record(method='forkserver', verdict='isolated')]
    pages = site.pages(load_catalog(tmp_path), [EnvironmentResults(environment('3.12.1'), records)])
    assert 'in 1 environment\n(' in pages['matrix.md']
    assert '<p>1 case. Each row' in pages['guides/fork-to-forkserver.md']


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


MECHANISMS = '''It explains itself.

**Why.**

- Under **fork**, the child is a copy <script>alert(4)</script> of *the parent*.
- Under **spawn** and **forkserver**, the child [pickles](javascript:alert(5)) it.

So use a queue.
'''


@pytest.mark.parametrize('link', [
    '&#106;avascript:alert(1)', 'javascript&#58;alert(1)', '&#x6A;avascript&colon;alert(1)',
    'jav&#x09;ascript:alert(1)', '&#32;javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,x',
    'http://[oops', '//evil.example/x', '/\\evil.example/x',
])
def test_a_link_a_browser_would_read_as_unsafe_is_dropped(link):
    """The page keeps character references as they are, and the browser decodes them."""
    html = site.explanation(f'See [the docs]({link}) and ![a picture]({link}).').before
    assert html == '<p>See <a>the docs</a> and <img alt="a picture">.</p>'


def test_an_image_only_from_beside_the_page():
    """An image elsewhere would be fetched by every reader, from a site meant to be read offline."""
    html = site.explanation('![far](https://tracker.example/p.png) ![near](diagram.svg)').before
    assert html == '<p><img alt="far"> <img alt="near" src="diagram.svg"></p>'


@pytest.mark.parametrize('title', ['\U0001d465 [hover](https://e.org){: onmouseover=alert(1) }',
                                   'A title \U0001f600 "quoted" \\ and\ttab', 'é \u2028 \ufeff \ufffe'])
def test_a_title_is_front_matter_yaml_reads_back(title):
    """YAML reads no surrogate pair: a title with an emoji, written as JSON writes it, made the
    front matter unreadable, and mkdocs then showed it as the page's text, Markdown and all."""
    text = site.front_matter_string(title)
    assert text.isascii() and yaml.safe_load(text) == html_escape(title)


@pytest.mark.parametrize('fence', ['{ .python #"><script>alert(1)</script><x }',
                                   '{ .python ."><script>alert(1)</script><x }'])
def test_a_code_fence_s_attributes_cannot_open_markup(fence):
    """pymdownx writes a fence's id and classes into its HTML unescaped; the explanation's HTML
    goes through an allow-list, which keeps the code and drops the rest."""
    html = site.explanation(f'Text.\n\n```{fence}\nx = 1\n```\n').before
    assert '<script' not in html and 'alert' not in html and ' id=' not in html
    assert '<span class="n">x</span>' in html


def test_safe_links_are_kept():
    html = site.explanation('[a](https://x.org/?a=1&amp;b=2) [m](mailto:a@b.org) [r](../x.html#y)').before
    assert html == ('<p><a href="https://x.org/?a=1&amp;b=2">a</a> <a href="mailto:a@b.org">m</a> '
                    '<a href="../x.html#y">r</a></p>')


def test_issue_references_link_to_their_issues():
    """"Seen in the wild" and CPython's own references become links, built from the reference's
    names and digits alone; a reference in backticks keeps its code inside the link."""
    html = site.explanation('`Bogdanp/dramatiq#465` and python/cpython#127586 (GH-128011, gh-84559, '
                            'bpo-33613).').before
    assert html == (
        '<p><a href="https://github.com/Bogdanp/dramatiq/issues/465"><code>Bogdanp/dramatiq#465</code>'
        '</a> and <a href="https://github.com/python/cpython/issues/127586">python/cpython#127586</a> '
        '(<a href="https://github.com/python/cpython/issues/128011">GH-128011</a>, '
        '<a href="https://github.com/python/cpython/issues/84559">gh-84559</a>, '
        '<a href="https://bugs.python.org/issue33613">bpo-33613</a>).</p>')


@pytest.mark.parametrize('text', [
    'a bare #466', 'https://github.com/a/b#1', 'a path x/y/z#2', 'x/y#0', 'dagh-12 and gh-12x',
    '`not/a ref#1`', '`see a/b#1`', '[python/cpython#1](https://x.org)',
    '```text\npython/cpython#1\n```', 'a"onmouseover=alert(1)/x#1', 'a/b#12345678',
])
def test_what_is_not_one_whole_issue_reference_stays_as_it_was(text):
    """No link inside a URL, a path, a word, a code block or another link, nor from a code span
    with more in it than the reference."""
    html = site.explanation(text).before
    assert html.count('<a') == text.count('](')  # only the link the Markdown itself wrote
    assert 'href="https://github.com/' not in html and 'bugs.python.org' not in html


def test_references_in_a_start_method_s_explanation_are_linked_and_it_stays_in_its_tab():
    explained = site.explanation('- Under **fork**, see gh-1.\n- Under **spawn** and **forkserver**, '
                                 '`python/cpython#3`.\n')
    assert set(explained.mechanisms) == {'fork', 'spawn', 'forkserver'}
    assert explained.mechanisms['fork'] == [
        '<div class="mechanism">Under <strong>fork</strong>, see '
        '<a href="https://github.com/python/cpython/issues/1">gh-1</a>.</div>']
    assert 'href="https://github.com/python/cpython/issues/3"><code>' in explained.mechanisms['spawn'][0]


def test_a_docstring_nested_too_deeply_for_markdown_is_the_case_s_error(tmp_path):
    write_case(tmp_path, GOOD.replace('It explains itself.', 'It explains itself.\n\n' + '- ' * 1000 + 'x'),
               'queue_result')
    catalog = load_catalog(tmp_path)
    assert not catalog.errors
    with pytest.raises(site.SiteError, match='queue_result.py: the docstring nests too deeply'):
        site.pages(catalog, [])


def test_the_mechanism_of_each_start_method_is_taken_from_the_docstring():
    explained = site.explanation(MECHANISMS)
    assert '<p><strong>Why.</strong></p>' in explained.before
    assert 'Under' not in explained.before and 'queue' not in explained.before
    assert set(explained.mechanisms) == {'fork', 'spawn', 'forkserver'}
    [fork] = explained.mechanisms['fork']
    assert fork == ('<div class="mechanism">Under <strong>fork</strong>, the child is a copy '
                    '&lt;script&gt;alert(4)&lt;/script&gt; of <em>the parent</em>.</div>')
    assert explained.mechanisms['spawn'] == explained.mechanisms['forkserver']
    assert 'javascript:' not in explained.mechanisms['spawn'][0]
    assert explained.after == '<p>So use a queue.</p>'
    # A list that is not one item per start method stays where it is, whole.
    mixed = site.explanation('Text.\n\n- Under **fork**, copied.\n- Python 3.13 changed it.\n')
    assert mixed.mechanisms == {} and 'Python 3.13 changed it.' in mixed.before


def test_a_case_page_has_a_tab_per_start_method_that_works_without_javascript(tmp_path):
    text = GOOD.replace('It explains itself.\n', MECHANISMS)
    root = project(tmp_path, {'queue_result': text}, [hostile_environment()])
    site_dir, completed = mkdocs_build(root)
    assert completed.returncode == 0, completed.stderr
    html = page(site_dir, 'cases/queue_result')
    assert SCRIPT not in html and 'href="javascript:' not in html
    # Material's content tabs (pymdownx.tabbed's alternate style): radio buttons and labels, no script.
    for name in ('mechanism', 'evidence'):
        assert re.search(f'<input type="radio" name="{name}" id="{name}-fork" checked>'
                         f'<input type="radio" name="{name}" id="{name}-spawn">'
                         f'<input type="radio" name="{name}" id="{name}-forkserver">'
                         f'<div class="tabbed-labels"><label for="{name}-fork">fork</label>', html)
    mechanism_tabs = html[html.index('aria-label="What happens under each start method"'):]
    blocks = mechanism_tabs.split('<div class="tabbed-block">')[1:4]
    assert 'Under <strong>fork</strong>' in blocks[0] and 'Under <strong>spawn</strong>' in blocks[1]
    assert 'Under <strong>spawn</strong>' in blocks[2]  # the item names both spawn and forkserver
    # Each tab: the expectation and what was observed; the evidence tab: that method's runs.
    assert re.search(r'<strong>Expected:</strong> <span class="verdict verdict-propagates">propagates'
                     r'</span> · <strong>observed:</strong> <span class="part mismatch"', blocks[0])
    evidence = html[html.index('aria-label="Evidence per start method"'):]
    fork_runs, spawn_runs, forkserver_runs = evidence.split('<div class="tabbed-block">')[1:4]
    assert 'linux-x86_64-cpython-3.12.1: <span class="verdict verdict-error">error (Boom&lt;script&gt;' \
        in fork_runs
    assert 'verdict-propagates' in spawn_runs and 'No environment ran it under forkserver' in forkserver_runs


def test_the_expectation_names_what_overrides_expect_instead_and_where(tmp_path):
    """An environment an override covers shows another verdict than the case's expectation: the
    page says so beside the expectation, in each tab and in the verdicts table, not only in the
    overrides table further down."""
    overrides = """OVERRIDES = [
    {'before': '3.12', 'expect': {'fork': 'isolated'}, 'why': 'old.'},
    {'os': 'windows', 'expect': {'spawn': 'error (NotImplementedError)'}, 'why': 'none there.'},
    {'os': 'macos', 'expect': {'spawn': 'error (NotImplementedError)'}, 'why': 'none there either.'},
]"""
    text = GOOD.replace('It explains itself.\n', MECHANISMS).replace('OVERRIDES = []', overrides)
    write_case(tmp_path, text, 'queue_result')
    records = [results.Record(case='queue_result', start_method=method, expected='isolated',
                              verdict='isolated', outcome='passed') for method in ('fork', 'spawn')]
    pages = site.pages(load_catalog(tmp_path), [EnvironmentResults(environment('3.11.7'), records)])
    text = pages['cases/queue_result.md']
    fork = ('<span class="verdict verdict-propagates">propagates</span><span class="elsewhere">'
            '<span class="sep">; </span><span class="verdict verdict-isolated">isolated</span> '
            '<span class="where">on Python &lt; 3.12</span></span>')
    spawn = ('<span class="verdict verdict-isolated">isolated</span><span class="elsewhere">'
             '<span class="sep">; </span><span class="verdict verdict-error">error (NotImplementedError)'
             '</span> <span class="where">on windows or macos</span></span>')
    tabs, table = text.split('## Verdicts')
    assert f'<strong>Expected:</strong> {fork} · <strong>observed:</strong>' in tabs
    assert f'<strong>Expected:</strong> {spawn} · <strong>observed:</strong>' in tabs
    assert f'<th scope="row">fork</th><td>{fork}</td>' in table
    assert f'<th scope="row">spawn</th><td>{spawn}</td>' in table
    assert '<th scope="row">forkserver</th><td><span class="verdict verdict-isolated">isolated</span></td>' \
        in table
    # The observed cells match the expectation that applies there: no mismatch is marked.
    assert 'mismatch' not in table.split('Where the expectation differs')[0]
    # The list of cases names only the other verdicts; the case's page says where.
    index = pages['cases/index.md']
    row = index[index.index('<tr id="queue_result">'):].split('</tr>')[0]
    assert ('<td><span class="verdict verdict-isolated">isolated</span><span class="elsewhere">'
            '<span class="sep">; </span><span class="where">elsewhere:</span> <span class="verdict '
            'verdict-error">error (NotImplementedError)</span></span></td>') in row
    assert row.endswith('<td><span class="verdict verdict-isolated">isolated</span></td>')


def test_a_line_of_output_that_opens_a_code_fence_is_shown_as_printed(tmp_path):
    printed = (f'Parent: started\n```python\nx = 1 <b>\n```\n{site.RAW_HTML_END}\n# Not a heading\n'
               'verdict: propagates')
    root = project(tmp_path, environments=[EnvironmentResults(environment(), [record(stdout=printed)])])
    site_dir, completed = mkdocs_build(root)
    assert completed.returncode == 0, completed.stderr
    assert ('<code>Parent: started\n```python\nx = 1 &lt;b&gt;\n```\n&lt;!-- /mpmatrix: html --&gt;\n'
            '# Not a heading\nverdict: propagates</code>' in page(site_dir, 'cases/queue_result'))


def synthetic_results():
    """The 33-environment fixture (benchmarks/synthetic_results.py)."""
    spec = importlib.util.spec_from_file_location('synthetic_results',
                                                  ROOT / 'benchmarks' / 'synthetic_results.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _page_markdown():
    """The page's Markdown as mkdocs.yml configures it."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass
    Loader.add_constructor('!ENV', lambda loader, node: None)
    config = yaml.load((ROOT / 'mkdocs.yml').read_text(encoding='utf-8'), Loader=Loader)
    names, settings = [], {}
    for entry in config['markdown_extensions']:
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        names.append(name)
        settings[name] = options or {}
    return names, settings


def test_markdown_takes_the_generated_html_whole_instead_of_parsing_it():
    """Most of a 33-environment build went to Python-Markdown parsing every tag of the generated
    HTML to find where each block ends; the blocks are taken whole, unchanged."""
    import markdown
    catalog = load_catalog(ROOT / 'cases')
    synthetic = synthetic_results()
    entries = [EnvironmentResults(env, list(synthetic.records(catalog, env)))
               for env in synthetic.environments()]
    text = site.pages(catalog, entries)['cases/manager_dict.md'].split('---\n', 2)[2]
    names, settings = _page_markdown()
    assert 'mpmatrix.site:RawHtmlBlocks' in names

    def convert(extensions):
        timings = []
        for _ in range(3):
            converter = markdown.Markdown(extensions=extensions, extension_configs=settings)
            started = time.process_time()
            html = converter.convert(text)
            timings.append(time.process_time() - started)
        return html, min(timings)

    taken, fast = convert(names)
    parsed, slow = convert([name for name in names if name != 'mpmatrix.site:RawHtmlBlocks'])
    assert fast * 3 < slow
    block = text[text.index('<details class="evidence"'):]
    assert block[:block.index('</details>')] in taken  # exactly as the template wrote it
    assert len(taken) > 30_000 and abs(len(taken) - len(parsed)) < len(parsed) / 100


def test_results_are_checked_by_the_schema_compiled_once_and_named_breaches_still(tmp_path):
    """A build of the site read 33 environments' results through jsonschema, 3 s of CPU; the
    schema compiled to Python (fastjsonschema) passes them many times faster."""
    import jsonschema
    catalog = load_catalog(ROOT / 'cases')
    synthetic = synthetic_results()
    files = [{'schema_version': results.SCHEMA_VERSION,
              'environments': [EnvironmentResults(env, list(synthetic.records(catalog, env))).as_dict()]}
             for env in list(synthetic.environments())[:11]]
    checker = jsonschema.Draft202012Validator(json.loads(results.SCHEMA_PATH.read_text(encoding='utf-8')))
    started = time.process_time()
    assert all(checker.is_valid(data) for data in files)
    slow = time.process_time() - started
    started = time.process_time()
    for data in files:
        results.validate(data)
    assert (time.process_time() - started) * 4 < slow
    files[0]['environments'][0]['records'][2]['stdout'] = 'x' * 70_000
    with pytest.raises(results.ResultsError, match=r'records/2/stdout: .*\(70,014 characters\)'):
        results.validate(files[0])
    # Where the two disagree, a refusal by either counts: jsonschema's `$` lets a newline end a name.
    files[1]['environments'][0]['records'][0]['case'] += '\n'
    assert checker.is_valid(files[1])
    with pytest.raises(results.ResultsError, match=r'at environments/0/records/0/case: .*must match pattern'):
        results.validate(files[1])


def test_the_budgets_of_a_33_environment_site_hold():
    """Issue 9's budgets, as benchmarks/site_budgets.py measures them (the figures are in the README):
    the matrix page, the largest page, the search index, and the build's CPU time against the
    one-environment build's."""
    completed = subprocess.run([sys.executable, str(ROOT / 'benchmarks' / 'site_budgets.py')],
                               capture_output=True, text=True, timeout=900,
                               env={**os.environ, **QUIET})
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert 'OVER' not in completed.stdout


def test_an_explanation_keeps_its_own_classes_only():
    """The theme's classes are not the docstring's: md-consent__overlay is a full-page fixed panel."""
    explained = site.explanation('Text.\n\n!!! md-consent__overlay "This site has moved"\n'
                                 '    [Sign in](https://evil.example/login).\n\n'
                                 '!!! warning "Careful"\n    Body.\n\n'
                                 '```{.python .md-dialog}\nx = 1\n```\n')
    assert 'md-' not in explained.before
    assert '<div class="admonition">' in explained.before
    assert '<div class="admonition warning">' in explained.before
    assert '<span class="n">x</span> <span class="o">=</span>' in explained.before
