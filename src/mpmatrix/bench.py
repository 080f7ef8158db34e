"""What each start method costs here: ``python -m mpmatrix bench`` and its figures files.

Each start method's workloads (``mpmatrix.bench_workloads``) run in a fresh
interpreter of their own, tagged like a case run (``mpmatrix.processes``): once
it ends, whatever it started and left running is killed and reported, and a
shared memory segment it left is removed and reported; either fails the bench.

The figures of one environment go to ``results/bench/<environment id>.json``,
next to its verdicts. Like results files, figures files are untrusted input:
``read`` refuses anything the schema (``schema/bench.schema.json``) or the
figures' own logic rules out, NaN and Infinity included.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jsonschema
import psutil

from mpmatrix import START_METHODS, atomic, bench_workloads, environment, leaks, processes, results, untrusted
from mpmatrix.environment import Environment
from mpmatrix.runner import clean_environment, short_temporary_root

SCHEMA_VERSION = 1
SCHEMA_PATH = Path(__file__).with_name('schema') / 'bench.schema.json'
MAX_FILE_BYTES = 16 * 1024 * 1024  # a figures file read: some kilobytes
WORKER_TIMEOUT = 600.0  # seconds for one start method's workloads: a hang, not a slow machine
GRACE_SECONDS = 3.0
# Of a bench's budget, the share the workloads get: the rest is for starting the interpreters and
# for the last run of each workload, which may end after its share.
BUDGET_FOR_WORKLOADS = 0.8  # for the fork server and the resource tracker to follow the worker out
SHM_DIR = Path('/dev/shm')


class BenchError(results.ResultsError):
    """A bench that broke its own rules, or a figures file that cannot be trusted."""


@dataclasses.dataclass(frozen=True)
class Figure:
    title: str
    unit: str  # 'ms', 'MiB' or '1/s'
    higher_is_better: bool = False


PAYLOAD = '10 MB'
BALLAST = '200 MB'
# In the order the page shows them; the names are bench_workloads' figure names.
FIGURES = {
    'start_first': Figure("A fresh interpreter's first child: start and join (the fork server's "
                          'start-up included)', 'ms'),
    'start_next': Figure('The next child: start and join', 'ms'),
    'pool_first_result': Figure('Pool(4): from creation to the first result', 'ms'),
    'transfer_queue': Figure(f'{PAYLOAD} to a child and back through a Queue', 'ms'),
    'transfer_pipe': Figure(f'{PAYLOAD} to a child and back through a Pipe', 'ms'),
    'transfer_shared_memory': Figure(f'{PAYLOAD} to a child and back through shared_memory', 'ms'),
    'transfer_manager': Figure(f"{PAYLOAD} to a child and back through a Manager's queues", 'ms'),
    'child_memory_unique': Figure(f"A child's own memory (USS) while the parent holds {BALLAST}", 'MiB'),
    'child_memory_resident': Figure(f"A child's resident memory (RSS) while the parent holds {BALLAST}",
                                    'MiB'),
    'locked_increments': Figure('Lock-protected Value increments per second, two processes', '1/s',
                                higher_is_better=True),
}


# --- Running -----------------------------------------------------------------------------------

def run(methods=None, workloads=None, warmup: int = 1, repeats: int = 5, budget: float = None,
        python: str = sys.executable, progress=None) -> dict:
    """Run the workloads under each available start method; return the figures document.

    ``budget``: seconds for the whole bench. The methods share it, and each method's workloads
    share theirs: a workload repeats less once its share is spent (it always runs once timed).
    """
    env = environment.current()
    methods = [method for method in methods or START_METHODS if method in env.available_start_methods]
    started = time.monotonic()
    load = _load_average()
    figures = []
    for index, method in enumerate(methods):
        if progress:
            progress(f'bench: {method}...')
        share = None if budget is None else max(
            0.0, (started + budget * BUDGET_FOR_WORKLOADS - time.monotonic()) / (len(methods) - index))
        samples = _run_worker(python, method, workloads, warmup, repeats, share)
        figures.extend(figure_entry(name, method, values) for name, values in samples.items())
    return {
        'schema_version': SCHEMA_VERSION,
        'environment': env.as_dict(),
        'machine': machine(load),
        'settings': {'warmup': warmup, 'repeats': repeats, 'budget': budget,
                     'payload_bytes': bench_workloads.PAYLOAD_BYTES,
                     'ballast_bytes': bench_workloads.BALLAST_BYTES},
        'duration': round(time.monotonic() - started, 3),
        'figures': sorted(figures, key=lambda entry: (list(FIGURES).index(entry['figure']),
                                                      START_METHODS.index(entry['start_method']))),
    }


def _run_worker(python, method, workloads, warmup, repeats, budget=None) -> dict:
    """One start method's workloads in a fresh interpreter; nothing it started outlives it."""
    command = [python, '-m', 'mpmatrix.bench_workloads', method, '--warmup', str(warmup),
               '--repeats', str(repeats), *(f'--workload={name}' for name in workloads or ()),
               *([f'--budget={budget:.3f}'] if budget is not None else [])]
    group = processes.Run(processes.new_tag())
    segments = f'{bench_workloads.SEGMENT_PREFIX}_'
    before, held = set(leaks.identities()), set()

    def kill() -> list:
        """Stop the worker's processes, note what they hold in /dev/shm (the semaphores of a
        spawn or forkserver Pool, which its killed resource tracker would not remove), kill them."""
        return group.kill(on_stopped=lambda pids: held.update(leaks.in_use(pids)))

    # A TMPDIR of its own, as a case's: a killed worker leaves its listeners' pymp-* directories.
    tmpdir = tempfile.mkdtemp(prefix='mpmbench-', dir=short_temporary_root())
    env = dict(clean_environment(), TMPDIR=tmpdir, **{processes.TAG_VARIABLE: group.tag})
    try:
        # Files, not pipes: a process the worker leaves behind could hold a pipe open.
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                    env=env)
            group.started(proc.pid)
            try:
                proc.wait(timeout=WORKER_TIMEOUT)
            except BaseException:  # timed out, or interrupted: leave nothing behind
                kill()
                proc.wait()
                _remove_segments(segments + str(proc.pid))
                leaks.remove_orphaned(held - before)
                raise
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read(), err.read()
        problems = _outlived(group, kill)
    finally:
        leaks.remove_tree(tmpdir)
    leftovers = sorted({*_remove_segments(segments + str(proc.pid)), *leaks.remove_orphaned(held - before)})
    if leftovers:
        problems.append(f'left in {SHM_DIR} and removed: {", ".join(leftovers)}')
    if proc.returncode != 0:
        problems.insert(0, f'exited with code {proc.returncode}: '
                           + stderr.decode('utf-8', 'replace').strip()[-2000:])
    if problems:
        raise BenchError(f'the {method} workloads: ' + '; '.join(problems))
    return json.loads(stdout)


def _outlived(group: processes.Run, kill) -> list:
    """The worker's other processes get GRACE_SECONDS to end; the rest are killed, and named."""
    deadline = time.monotonic() + GRACE_SECONDS
    while group.alive():
        if time.monotonic() >= deadline:
            return ['process(es) outlived it and were killed: ' + '; '.join(kill())]
        time.sleep(0.05)
    return []


def _remove_segments(prefix: str) -> list:
    names = sorted(path.name for path in SHM_DIR.glob(f'{prefix}_*')) if SHM_DIR.is_dir() else []
    for name in names:
        (SHM_DIR / name).unlink()
    return names


def figure_entry(name: str, method: str, samples: list) -> dict:
    """A figure's samples with their median and spread (quartiles, extremes)."""
    ordered = sorted(samples)
    quartiles = statistics.quantiles(ordered, n=4, method='inclusive') if len(ordered) > 1 \
        else ordered * 3
    return {'figure': name, 'start_method': method, 'unit': FIGURES[name].unit,
            'samples': [_rounded(value) for value in samples],
            'median': _rounded(statistics.median(ordered)), 'q1': _rounded(quartiles[0]),
            'q3': _rounded(quartiles[2]), 'min': _rounded(ordered[0]), 'max': _rounded(ordered[-1])}


def _rounded(value: float) -> float:
    return float(f'{value:.4g}')


def _load_average():
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except (AttributeError, OSError):  # Windows
        return None


def machine(load_average=None) -> dict:
    """What the figures were measured on: the cores, the CPU, the OS image, the memory."""
    return {'cpu_count': os.cpu_count() or 1, 'cpu_model': cpu_model(), 'os_image': os_image(),
            'memory_mib': psutil.virtual_memory().total // (1024 * 1024),
            'load_average': load_average}


def cpu_model():
    """The CPU's marketing name where the OS tells it, else None."""
    if sys.platform.startswith('linux'):
        try:
            with open('/proc/cpuinfo', encoding='utf-8', errors='replace') as info:
                for line in info:
                    key, _, value = line.partition(':')
                    if key.strip() in ('model name', 'Model', 'cpu model') and value.strip():
                        return value.strip()
        except OSError:
            return None
    elif sys.platform == 'darwin':
        try:
            return subprocess.run(['sysctl', '-n', 'machdep.cpu.brand_string'], capture_output=True,
                                  text=True, timeout=10, check=True).stdout.strip() or None
        except (OSError, subprocess.SubprocessError):
            return None
    return platform.processor() or None


def os_image() -> str:
    """``Ubuntu 24.04.1 LTS``, ``macOS 15.1``, ``Windows 10.0.26100``, else platform()."""
    if sys.platform.startswith('linux'):
        for path in ('/etc/os-release', '/usr/lib/os-release'):
            try:
                with open(path, encoding='utf-8', errors='replace') as release:
                    for line in release:
                        if line.startswith('PRETTY_NAME='):
                            return line.split('=', 1)[1].strip().strip('"\'')
            except OSError:
                continue
    elif sys.platform == 'darwin' and platform.mac_ver()[0]:
        return f'macOS {platform.mac_ver()[0]}'
    elif sys.platform == 'win32':
        return f'Windows {platform.version()}'
    return platform.platform()


# --- Files -------------------------------------------------------------------------------------

def file_name(document: dict) -> str:
    return f'{document["environment"]["id"]}.json'


@functools.lru_cache(maxsize=None)
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding='utf-8')))


def validate(data, source='figures') -> None:
    """Raise BenchError unless ``data`` follows the schema and makes sense."""
    errors = results.schema_errors(_validator(), data)
    if errors:
        raise BenchError(f'{source}: does not follow the bench schema {errors[0]}'
                         f'{results.more_errors(len(errors))}')
    env_id = Environment.from_dict(data['environment']).id
    if env_id != data['environment']['id']:
        raise BenchError(f'{source}: environment id {data["environment"]["id"]} does not match its '
                         f'fields ({env_id})')
    seen = set()
    for index, entry in enumerate(data['figures']):
        where = f'{source}: at figures/{index}'
        key = entry['figure'], entry['start_method']
        if key in seen:
            raise BenchError(f'{where}: {key[0]}[{key[1]}] appears twice')
        seen.add(key)
        if entry['unit'] != FIGURES[entry['figure']].unit:
            raise BenchError(f'{where}: {entry["figure"]} is measured in {FIGURES[entry["figure"]].unit}')
        if not entry['min'] <= entry['q1'] <= entry['median'] <= entry['q3'] <= entry['max']:
            raise BenchError(f'{where}: not min <= q1 <= median <= q3 <= max')
        if entry['start_method'] not in data['environment']['available_start_methods']:
            raise BenchError(f'{where}: {entry["start_method"]} is not available in {env_id}')


def write(directory, document: dict) -> Path:
    """Validate, then write ``directory/<environment id>.json`` atomically; return its path."""
    try:
        path = results.refuse_link(directory) / file_name(document)
    except results.ResultsError as error:
        raise BenchError(str(error)) from None
    validate(document, str(path))
    text = json.dumps(document, indent=1, ensure_ascii=False, allow_nan=False) + '\n'
    with atomic.locked(path):
        atomic.replace(path, text)
    return path


def read(path) -> dict:
    """One figures file, validated."""
    path = Path(path)
    try:
        data = untrusted.read_json(path, MAX_FILE_BYTES)
    except untrusted.Unreadable as error:
        raise BenchError(f'{path}: {error}') from None
    if isinstance(data, dict) and isinstance(data.get('schema_version'), int) \
            and data['schema_version'] != SCHEMA_VERSION:
        raise BenchError(f'{path}: schema_version {data["schema_version"]} is not one this mpmatrix '
                         f'reads ({SCHEMA_VERSION}): upgrade mpmatrix')
    validate(data, str(path))
    return data


def read_all(directory) -> list:
    """Every figures file in ``directory`` (none if there is no such directory), one per
    environment, ordered like the results."""
    directory = Path(directory)
    if not directory.is_dir() and not untrusted.is_link(directory):
        return []
    try:
        paths = results.results_files(directory)
    except results.ResultsError as error:  # a link, or not listable
        raise BenchError(str(error)) from None
    documents = [read(path) for path in paths]
    seen = {}
    for document in documents:
        env_id = document['environment']['id']
        if env_id in seen:
            raise BenchError(f'{directory}: two figures files for {env_id}')
        seen[env_id] = document
    return sorted(documents, key=lambda document: Environment.from_dict(document['environment']).sort_key)
