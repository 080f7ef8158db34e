"""What the harness itself costs: the matrix against a bare loop over the same case runs.

In alternating turns it runs

- the matrix: ``python -m pytest tests/test_matrix.py -n 2 --dist worksteal`` (results into a
  temporary directory), as tox and ``python -m mpmatrix matrix`` run it,
- the bare loop: every case under every available start method, ``python cases/X.py
  --start-method M``, two at a time, output captured and nothing else,

and reports the ratio of their median wall-clock times and of their CPU times (the children's
rusage: every process they started and waited for). The script is a subreaper, as the harness
is, so the daemons a case leaves to end on their own (resource tracker, fork server) are
reaped by it on both sides and their CPU time counts on both. The harness should cost at most 10 % more
wall time than the bare loop; the script exits 1 when the ratio is above ``--limit``.

    python benchmarks/overhead.py [--turns 3] [--python PYTHON] [--limit 1.10]

Both sides share the machine with whatever else runs on it: on a busy machine run more turns.
Both run with Python's bytecode cache, as an installed package has it: ``PYTHONDONTWRITEBYTECODE``
is dropped from their environment (with it, every interpreter of the matrix would compile pytest,
its plugins and the harness's observer anew, which says nothing about the harness).

Ctrl-C or SIGTERM stops it: pytest is given time to stop its cases as it does on Ctrl-C, the bare
loop starts no more runs and lets those under way end, and whatever is still running below the
script is then killed.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from mpmatrix import processes
from mpmatrix.catalog import load_catalog

try:
    import resource
except ImportError:  # Windows: wall time only
    resource = None

ROOT = Path(__file__).resolve().parent.parent
WIDTH = 2
# How long pytest may take to stop its cases once interrupted.
STOP_SECONDS = 30
STOPPING = threading.Event()  # set when interrupted: the bare loop starts no more runs


def children_cpu() -> float:
    """CPU seconds (user + system) of every descendant waited for so far."""
    if resource is None:
        return float('nan')
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured(function) -> tuple:
    wall, cpu = time.perf_counter(), children_cpu()
    function()
    return time.perf_counter() - wall, children_cpu() - cpu


def matrix(python: str) -> None:
    with tempfile.TemporaryDirectory(prefix='mpm-overhead-') as results:
        pytest = subprocess.Popen([python, '-m', 'pytest', 'tests/test_matrix.py', '-n', str(WIDTH),
                                   '--dist', 'worksteal', '-q', '-p', 'no:cacheprovider',
                                   '--results-dir', results],
                                  cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.wait_letting_it_stop(pytest, STOP_SECONDS)


def bare_loop(python: str, runs: list) -> None:
    def run(case_and_method):
        if STOPPING.is_set():
            return
        case, method = case_and_method
        with tempfile.TemporaryDirectory(prefix='mpm-overhead-') as workdir:
            try:
                subprocess.run([python, str(case.path), '--start-method', method], cwd=workdir,
                               stdin=subprocess.DEVNULL, capture_output=True, timeout=case.timeout,
                               check=False)
            except subprocess.TimeoutExpired:
                pass  # counted like the matrix, which kills it at the same timeout

    with concurrent.futures.ThreadPoolExecutor(WIDTH) as pool:
        try:
            list(pool.map(run, runs))
        except KeyboardInterrupt:
            # The runs not started yet return at once; those under way end on their own (killed,
            # their multiprocessing objects would be left in /dev/shm), within their timeout.
            STOPPING.set()
            raise
    reap_orphans()


def stop_everything() -> None:
    processes.kill(lambda: set(processes.descendants(os.getpid())))


def reap_orphans(timeout: float = 10.0) -> None:
    """Wait for whatever the bare loop's cases left to end on its own, now our children."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return  # none left
        if pid == 0:
            time.sleep(0.01)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or '').split('\n\n')[0])
    parser.add_argument('--turns', type=int, default=3, help='runs of each side (default 3)')
    parser.add_argument('--python', default=sys.executable,
                        help='the interpreter (with pytest and pytest-xdist; default this one)')
    parser.add_argument('--limit', type=float, default=1.10, help='highest wall ratio that passes')
    args = parser.parse_args(argv)
    processes.clear_inherited_signal_state()  # for both sides, as the harness does for its cases
    processes.become_subreaper()
    processes.interrupt_on_termination()
    os.environ.pop('PYTHONDONTWRITEBYTECODE', None)  # for both sides (see above)
    catalog = load_catalog(ROOT / 'cases')
    methods = subprocess.run([args.python, '-c', 'import multiprocessing as m; '
                              'print(*m.get_all_start_methods())'], capture_output=True, text=True,
                             check=True).stdout.split()
    runs = [(case, method) for case in catalog.cases for method in methods]
    sides = {'matrix': lambda: matrix(args.python), 'bare loop': lambda: bare_loop(args.python, runs)}
    times = {name: [] for name in sides}
    print(f'{len(runs)} case runs, {WIDTH} at a time, {args.turns} turns each, on {args.python} '
          f'({os.cpu_count()} CPUs, load average {_load()})', flush=True)
    try:
        for turn in range(args.turns):
            # Alternate which side goes first, so that neither always follows the other.
            for name in (list(sides) if turn % 2 == 0 else list(sides)[::-1]):
                wall, cpu = measured(sides[name])
                times[name].append((wall, cpu))
                print(f'turn {turn + 1}: {name:9} {wall:7.2f} s wall {cpu:7.2f} s CPU', flush=True)
    except KeyboardInterrupt:
        stop_everything()
        print('interrupted: no ratio', file=sys.stderr)
        return 130
    wall_ratio, cpu_ratio = (statistics.median(sample[index] for sample in times['matrix'])
                             / statistics.median(sample[index] for sample in times['bare loop'])
                             for index in (0, 1))
    # Each turn's own ratio shows how much of the figure is the machine's noise.
    turn_ratios = [ours[0] / bare[0] for ours, bare in zip(times['matrix'], times['bare loop'])]
    print(f'matrix / bare loop (medians): {wall_ratio:.3f} wall, {cpu_ratio:.3f} CPU; single turns '
          f'{min(turn_ratios):.3f}-{max(turn_ratios):.3f} wall (load average now {_load()})')
    if wall_ratio > args.limit:
        print(f'the harness costs more than {args.limit:.2f} x the bare loop in wall time', file=sys.stderr)
        return 1
    return 0


def _load() -> str:
    try:
        return ', '.join(f'{value:.1f}' for value in os.getloadavg())
    except (AttributeError, OSError):
        return 'n/a'


if __name__ == '__main__':
    sys.exit(main())
