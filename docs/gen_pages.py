"""mkdocs-gen-files script: write the generated pages from cases/ and results/ at build time."""
import os
from pathlib import Path

import mkdocs_gen_files

from mpmatrix import results, site
from mpmatrix.catalog import load_catalog

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(os.environ.get('MPMATRIX_RESULTS', ROOT / 'results'))

catalog = load_catalog(ROOT / 'cases')
if catalog.errors:
    raise SystemExit('the catalogue has errors:\n' + '\n'.join(map(str, catalog.errors)))
environments = results.merge(results.results_files(RESULTS)) if RESULTS.is_dir() else []
for path, text in site.pages(catalog, environments).items():
    with mkdocs_gen_files.open(path, 'w') as stream:
        stream.write(text)
for case in catalog.cases:
    mkdocs_gen_files.set_edit_path(f'cases/{case.name}.md', f'../cases/{case.path.name}')
