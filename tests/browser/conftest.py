"""The browser suite: a site built from 33 synthetic environments, driven by Playwright.

Chromium comes from MPMATRIX_CHROMIUM (here Debian's /usr/bin/chromium), else Playwright's own
browser if one is installed; never downloaded by the tests.
"""
from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

sync_api = pytest.importorskip('playwright.sync_api', reason='needs the browser extra (playwright)')
pytest.importorskip('mpmatrix.site', reason='needs the docs extra (mkdocs, Jinja2)')

ROOT = Path(__file__).resolve().parent.parent.parent
MKDOCS = os.path.join(os.path.dirname(sys.executable), 'mkdocs')
DESKTOP = {'width': 1280, 'height': 900}
PHONE = {'width': 390, 'height': 844}
# Outside requests (the theme asks GitHub for the repository's stars) get an empty answer:
# the suite runs offline and a failed fetch would show as a console error.
EXTERNAL = re.compile(r'^https?://(?!127\.0\.0\.1[:/])')


def synthetic_results():
    spec = importlib.util.spec_from_file_location('synthetic_results',
                                                  ROOT / 'benchmarks' / 'synthetic_results.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='session')
def built_site(tmp_path_factory):
    """The site from the real catalogue and 33 synthetic environments, as files on disk."""
    cases = Path(os.environ.get('MPMATRIX_CASES', ROOT / 'cases'))
    results_dir = tmp_path_factory.mktemp('results')
    synthetic_results().write(results_dir, cases)
    site_dir = tmp_path_factory.mktemp('site')
    completed = subprocess.run(
        [MKDOCS, 'build', '--strict', '-q', '-d', str(site_dir)], cwd=ROOT, capture_output=True,
        text=True, timeout=600,
        env={**os.environ, 'MPMATRIX_CASES': str(cases), 'MPMATRIX_RESULTS': str(results_dir),
             'DISABLE_MKDOCS_2_WARNING': 'true', 'NO_MKDOCS_2_WARNING': '1'})
    assert completed.returncode == 0, completed.stderr
    return site_dir


def _descendants():
    return {child.pid for child in psutil.Process().children(recursive=True)}


@pytest.fixture(scope='session')
def _browser_processes():
    """The one browser is shared by the session: its processes are not a test's leftovers."""
    return set()


@pytest.fixture(autouse=True)
def no_dangling_processes(_browser_processes):
    """The harness's check (every test leaves no process behind), sparing the shared browser."""
    yield
    left = []
    for pid in _descendants() - _browser_processes:
        try:
            process = psutil.Process(pid)
            if not any(parent.pid in _browser_processes for parent in process.parents()):
                process.kill()  # not a helper the shared browser started during the test
                left.append(pid)
        except psutil.NoSuchProcess:
            continue
    if left:
        pytest.fail(f'the test left process(es) {left} behind (now killed)', pytrace=False)


@pytest.fixture(scope='session')
def browser(_browser_processes):
    executable = os.environ.get('MPMATRIX_CHROMIUM')
    with sync_api.sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(
                executable_path=executable or None,
                args=['--no-sandbox'] if executable else [])
        except sync_api.Error as error:
            pytest.skip(f'no Chromium (set MPMATRIX_CHROMIUM): {str(error).splitlines()[0]}')
        _browser_processes.update(_descendants())
        yield launched
        launched.close()


class Page:
    """A browser tab on the built site that records console errors."""

    def __init__(self, browser, site_dir, viewport, javascript=True):
        self.site_dir = site_dir
        self.context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
        self.page = self.context.new_page()
        self.errors = []
        self.page.on('console', lambda message: message.type == 'error'
                     and self.errors.append(message.text))
        self.page.on('pageerror', lambda error: self.errors.append(str(error)))
        # A request cut short by the next navigation (ERR_ABORTED) is not a failure of the page.
        self.page.on('requestfailed', lambda request: 'ERR_ABORTED' not in request.failure
                     and self.errors.append(f'{request.url}: {request.failure}'))
        self.page.route(EXTERNAL, lambda route: route.fulfill(status=200, body='{}',
                                                               content_type='application/json'))

    def open(self, path):
        """Open ``path`` (which may end in ?query or #anchor) from disk, as a reader would."""
        file_part, query_and_anchor = re.match(r'([^?#]*)(.*)', path).groups()
        self.page.goto((self.site_dir / file_part).as_uri() + query_and_anchor)
        self.page.wait_for_load_state('load')
        return self.page


@pytest.fixture
def site_page(browser, built_site):
    opened = []

    def open_page(viewport=DESKTOP, javascript=True):
        tab = Page(browser, built_site, viewport, javascript)
        opened.append(tab)
        return tab

    yield open_page
    for tab in opened:
        tab.context.close()
    for tab in opened:
        assert tab.errors == [], f'console errors: {tab.errors}'
