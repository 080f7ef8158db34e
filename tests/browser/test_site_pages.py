"""Every page of the built site: accessible (axe-core), no broken links, no console errors."""
from __future__ import annotations

import functools
import html.parser
import http.server
import io
import os
import threading
import urllib.parse
from pathlib import Path

import pytest

from .conftest import DESKTOP, PHONE

SUB_PATH = '/mpmatrix/'  # the site's path under site_url (https://mpmatrix.github.io/mpmatrix/)
# Home, the matrix, two guides, an environment page, two case pages (one with an override) and
# the list of cases.
AUDITED = ['index.html', 'matrix.html', 'guides/fork-to-forkserver.html', 'guides/seen-in-the-wild.html',
           'environments/linux-x86_64-cpython-3.13.0.html', 'cases/manager_dict.html',
           'cases/thread_lock_held_at_fork.html', 'cases/index.html']


@pytest.mark.parametrize('viewport', [DESKTOP, PHONE], ids=['desktop', 'phone'])
@pytest.mark.parametrize('path', AUDITED)
def test_no_serious_or_critical_accessibility_violations(site_page, path, viewport):
    axe = pytest.importorskip('axe_playwright_python.sync_playwright', reason='needs the browser extra')
    page = site_page(viewport).open(path)
    # No stylesheet preloading: axe would fetch them by XHR, which file:// pages may not do.
    violations = axe.Axe().run(page, options={'preload': False}).response['violations']
    serious = [f"{violation['id']} ({violation['impact']}): {violation['help']} — "
               + '; '.join(node['target'][0] if isinstance(node['target'][0], str) else str(node['target'])
                           for node in violation['nodes'][:3])
               for violation in violations if violation['impact'] in ('serious', 'critical')]
    assert serious == []


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get('id'):
            self.ids.add(attrs['id'])
        for name in ('href', 'src'):
            if attrs.get(name) and not (tag == 'link' and attrs.get('rel') == 'preconnect'):
                self.links.append(attrs[name])


def _parse(path):
    parser = _Links()
    parser.feed(path.read_text(encoding='utf-8'))
    return parser


def test_no_broken_links(built_site):
    """Every link works from disk; the 404 page's links (absolute, as it is served from any
    depth) work under the site's sub-path."""
    parsed = {path: _parse(path) for path in built_site.rglob('*.html')}
    broken = []
    for path, parser in parsed.items():
        for link in parser.links:
            target = urllib.parse.urlsplit(link)
            if target.scheme or target.netloc or link.startswith(('mailto:', 'javascript:')):
                continue
            if target.path.startswith(SUB_PATH):
                resolved = built_site / urllib.parse.unquote(target.path[len(SUB_PATH):])
            elif target.path:
                resolved = (path.parent / urllib.parse.unquote(target.path)).resolve()
            else:
                resolved = path
            if resolved.is_dir():
                resolved = resolved / 'index.html'
            if not resolved.exists():
                broken.append(f'{path.relative_to(built_site)}: {link}')
            elif target.fragment and resolved.suffix == '.html' and target.fragment not in \
                    parsed.get(resolved, _parse(resolved)).ids:
                broken.append(f'{path.relative_to(built_site)}: {link} (no such anchor)')
    assert broken == []


def test_pages_load_without_console_errors(site_page, built_site):
    tab = site_page()
    for path in AUDITED + ['environments/index.html', 'contributing.html']:
        tab.open(path)
    # site_page asserts that no page logged an error


class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """The site served under /mpmatrix/ as GitHub Pages does: a missing page gets 404.html."""

    def send_head(self):
        if not self.path.startswith(SUB_PATH):
            self.send_error(404)
            return None
        self.path = '/' + self.path[len(SUB_PATH):]
        if not os.path.exists(self.translate_path(self.path)):
            body = Path(self.directory, '404.html').read_bytes()
            self.send_response(404)
            self.send_header('Content-Type', 'text/html; charset=utf-8')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            return io.BytesIO(body)
        return super().send_head()

    def log_message(self, *args):
        pass


def test_the_404_page_works_deep_under_the_sub_path(site_page, built_site):
    handler = functools.partial(_SubPathHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        tab = site_page()
        page = tab.page
        url = f'http://127.0.0.1:{server.server_port}{SUB_PATH}no/such/page.html'
        response = page.goto(url)
        assert response.status == 404
        # The browser logs the page's own 404 status; nothing else may fail.
        assert tab.errors == ['Failed to load resource: the server responded with a status of 404 '
                              '(Not Found)']
        tab.errors.clear()
        assert '404' in page.locator('article').inner_text()
        # The theme's stylesheet loaded (absolute links under the sub-path): the header is styled.
        assert page.locator('header.md-header').evaluate(
            'element => getComputedStyle(element).position') == 'sticky'
        page.click('a.md-header__button.md-logo')
        assert page.url.endswith(f'{SUB_PATH}index.html')
        # The home page's stylesheets, scripts and search index arrive before the server stops.
        page.wait_for_load_state('networkidle')
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_search_finds_a_case_but_not_captured_output(built_site):
    import json
    index = json.loads((built_site / 'search' / 'search_index.json').read_text(encoding='utf-8'))
    text = ' '.join(doc['text'] for doc in index['docs'])
    assert 'Manager().dict()' in ' '.join(doc['title'] for doc in index['docs'])
    assert 'Child: changed the value' not in text  # every synthetic stdout says this
