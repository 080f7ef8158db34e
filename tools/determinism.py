"""Run the whole matrix N times on this interpreter and report every verdict that changed.

    python tools/determinism.py --runs 10

Each run is a normal matrix run (pytest + xdist) writing to its own results
directory. A case x start method whose verdict, error type or outcome differs
between runs is a flip: a bug in the case or the harness, never noise to tolerate.
Exit status 1 if anything flipped.
"""
from __future__ import annotations

import argparse
import collections
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mpmatrix import results

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or '\n').splitlines()[0])
    parser.add_argument('--runs', type=int, default=10)
    parser.add_argument('pytest_args', nargs=argparse.REMAINDER, help='extra pytest arguments')
    args = parser.parse_args()
    seen = collections.defaultdict(collections.Counter)  # (case, method) -> outcomes
    with tempfile.TemporaryDirectory(prefix='mpmatrix-determinism-') as scratch:
        for number in range(1, args.runs + 1):
            out = Path(scratch, f'run-{number}')
            started = time.monotonic()
            subprocess.run([sys.executable, '-m', 'pytest', 'tests/test_matrix.py', '-q',
                            '-n', 'auto', '-p', 'no:cacheprovider', f'--results-dir={out}',
                            *args.pytest_args],
                           cwd=ROOT, stdout=subprocess.DEVNULL, check=False)
            files = results.results_files(out)
            if not files:
                print(f'run {number}: wrote no results', file=sys.stderr)
                return 2
            for entry in results.merge(files):
                for record in entry.records:
                    seen[record.key][(record.verdict, record.error_type, record.outcome)] += 1
            print(f'run {number}/{args.runs}: {time.monotonic() - started:.0f} s', flush=True)
    flips = {key: outcomes for key, outcomes in seen.items() if len(outcomes) > 1}
    for (case, method), outcomes in sorted(flips.items()):
        shown = ', '.join(f'{verdict}{f" ({error})" if error else ""} {outcome} x{count}'
                          for (verdict, error, outcome), count in outcomes.most_common())
        print(f'FLIP {case}[{method}]: {shown}')
    print(f'{len(flips)} flip(s) in {len(seen)} case x method pairs over {args.runs} runs')
    return 1 if flips else 0


if __name__ == '__main__':
    sys.exit(main())
