"""mkdocs-gen-files script: write the generated pages from cases/ and results/ at build time.

Bad input stops the build with one line naming the file, not a traceback.
"""
import os
import re
import sys
from pathlib import Path

import mkdocs_gen_files

from mpmatrix import costs_page, results, site, untrusted
from mpmatrix.catalog import CaseError, load_catalog

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(os.environ.get('MPMATRIX_CASES', ROOT / 'cases'))
RESULTS = Path(os.environ.get('MPMATRIX_RESULTS', ROOT / 'results'))
TEMPLATES = '../src/mpmatrix/templates/site/'
EDITED_AS = {'matrix.md': 'matrix.md.j2', 'cases/index.md': 'cases_index.md.j2',
             'environments/index.md': 'environments_index.md.j2',
             'guides/fork-to-forkserver.md': 'guide_methods.md.j2',
             'guides/linux-vs-macos-and-windows.md': 'guide_methods.md.j2',
             'guides/works-everywhere.md': 'guide_everywhere.md.j2',
             'guides/version-changes.md': 'guide_versions.md.j2',
             'guides/seen-in-the-wild.md': 'guide_wild.md.j2'}


# The site's address lands in every page (the canonical link) and in sitemap.xml as it is: the
# theme does not escape it, and mkdocs checks only that it has a scheme and a host.
SITE_URL = re.compile(r'https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~%/-]*)?\Z')


def fail(message):
    print(f'mpmatrix site: {untrusted.printable(message)}', file=sys.stderr)
    sys.exit(1)


site_url = mkdocs_gen_files.config.get('site_url') or ''
if site_url and not SITE_URL.match(site_url):
    fail(f'the site address (site_url, SITE_URL) {site_url!r} is not a plain http(s) address: '
         'letters, digits and . - _ ~ % / only')
if 'MPMATRIX_RESULTS' in os.environ and not RESULTS.is_dir():
    fail(f'MPMATRIX_RESULTS is {RESULTS}, which is not a directory of results files')

try:
    catalog = load_catalog(CASES)
    if catalog.errors:
        fail('the catalogue has errors: ' + ' | '.join(map(str, catalog.errors)))
    environments = results.merge(results.results_files(RESULTS)) if RESULTS.is_dir() else []
    generated = site.pages(catalog, environments)
    # What each start method costs: page and charts from the bench figures (a BenchError is a ResultsError).
    generated.update(costs_page.pages(RESULTS / 'bench'))
    # The nav lists the generated pages too; mkdocs reads it after this script has run.
    mkdocs_gen_files.config['nav'] = costs_page.in_navigation(site.navigation(catalog, environments))
except (results.ResultsError, CaseError, site.SiteError, OSError) as error:
    fail(' '.join(str(error).split()))

for path, text in generated.items():
    with mkdocs_gen_files.open(path, 'w', encoding='utf-8') as stream:
        stream.write(text)
for path, template in EDITED_AS.items():
    mkdocs_gen_files.set_edit_path(path, TEMPLATES + template)
for case in catalog.cases:
    mkdocs_gen_files.set_edit_path(f'cases/{case.name}.md', f'../cases/{case.path.name}')
