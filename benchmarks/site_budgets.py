"""Build the site from 33 synthetic environments and from one; check the size and time budgets.

    python benchmarks/site_budgets.py [--cases CASES_DIR]

Budgets (issue 9): the matrix page at most 500 KB of HTML, no page over 300 KB, the search
index at most 1 MB, and the full build at most twice the build with one environment (CPU time
of the build, which a busy machine changes less than wall-clock time). Exits 1 if one is over.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic_results  # noqa: E402 (beside this script)

ROOT = Path(__file__).resolve().parent.parent
KB = 1000
BUDGETS = {'matrix page': 500 * KB, 'largest page': 300 * KB, 'search index': 1000 * KB,
           'build time ratio': 2.0}


def build(cases, results_dir, site_dir) -> tuple:
    """Build the site; return (wall-clock seconds, CPU seconds of the build)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name('mkdocs')), 'build', '--strict', '-q',
                    '-d', str(site_dir)], cwd=ROOT, check=True,
                   env={**os.environ, 'MPMATRIX_CASES': str(cases), 'MPMATRIX_RESULTS': str(results_dir),
                        'DISABLE_MKDOCS_2_WARNING': 'true', 'NO_MKDOCS_2_WARNING': '1'})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return time.perf_counter() - started, cpu


def main(cases=ROOT / 'cases') -> int:
    with tempfile.TemporaryDirectory(prefix='mpmatrix-budgets-') as scratch:
        scratch = Path(scratch)
        paths = synthetic_results.write(scratch / 'all', cases)
        one = scratch / 'one'
        one.mkdir()
        linux_312 = next(path for path in paths if path.name == 'linux-x86_64-cpython-3.12.1.json')
        (one / linux_312.name).write_bytes(linux_312.read_bytes())
        one_wall, one_cpu = build(cases, one, scratch / 'site-one')
        all_wall, all_cpu = build(cases, scratch / 'all', scratch / 'site')
        site = scratch / 'site'
        pages = {path: path.stat().st_size for path in site.rglob('*.html')}
        largest = max(pages, key=pages.get)
        figures = {
            'matrix page': (site / 'matrix.html').stat().st_size,
            'largest page': pages[largest],
            'search index': (site / 'search' / 'search_index.json').stat().st_size,
            'build time ratio': all_cpu / one_cpu,
        }
    print(f'{len(paths)} environments, {len(pages)} pages')
    print(f'build: {all_cpu:.1f} s CPU ({all_wall:.1f} s wall) vs one environment '
          f'{one_cpu:.1f} s CPU ({one_wall:.1f} s wall)')
    over = []
    for name, value in figures.items():
        budget = BUDGETS[name]
        shown = f'{value:.2f} x' if name == 'build time ratio' else f'{value / KB:.0f} KB'
        limit = f'{budget:.1f} x' if name == 'build time ratio' else f'{budget / KB:.0f} KB'
        extra = f' ({largest.relative_to(site)})' if name == 'largest page' else ''
        status = 'ok' if value <= budget else 'OVER'
        print(f'{name:17} {shown:>10}  budget {limit:>8}  {status}{extra}')
        if value > budget:
            over.append(name)
    return 1 if over else 0


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=(__doc__ or '\n').splitlines()[0])
    parser.add_argument('--cases', type=Path, default=ROOT / 'cases', metavar='CASES_DIR',
                        help='the case directory (default: the catalogue, cases/)')
    sys.exit(main(parser.parse_args().cases))
