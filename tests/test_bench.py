"""The bench's correctness (its figures, files, cleanup and page), not its speed."""
import contextlib
import copy
import html
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from mpmatrix import bench, bench_workloads, cli, costs_page

from .conftest import ROOT
from .test_catalog import GOOD, write_case

METHOD = 'fork' if 'fork' in multiprocessing.get_all_start_methods() else 'spawn'
POSIX = os.name == 'posix'


def segments_left(workers: list) -> list:
    """The segments of these bench workers still in /dev/shm (a bench running beside this one,
    in another CI job on the same machine, has segments of its own)."""
    shm = Path('/dev/shm')
    return sorted(path.name for pid in workers
                  for path in shm.glob(f'{bench_workloads.SEGMENT_PREFIX}_{pid}_*')) \
        if shm.is_dir() else []


@contextlib.contextmanager
def recording_workers():
    """The pids of the bench workers started meanwhile (their segments are named after them)."""
    pids = []

    class Recording(subprocess.Popen):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            pids.append(self.pid)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bench.subprocess, 'Popen', Recording)
        yield pids


def test_a_worker_does_not_get_the_shell_settings_a_case_does_not_get(monkeypatch):
    """-OO, warning filters, dev mode and the like would change what is measured, as they would a
    case's answer: the workers get the runner's environment."""
    given = []

    class Recording(subprocess.Popen):
        def __init__(self, *args, **kwargs):
            given.append(kwargs['env'])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(bench.subprocess, 'Popen', Recording)
    monkeypatch.setenv('PYTHONDEVMODE', '1')
    monkeypatch.setenv('PYTHONWARNINGS', 'error')
    bench._run_worker(sys.executable, METHOD, ['start_next'], 0, 1)
    assert given and not {'PYTHONDEVMODE', 'PYTHONWARNINGS'} & set(given[0])


@pytest.fixture(scope='module')
def document(tmp_path_factory):
    """One tiny real run through the command line: one repeat of two workloads, one method."""
    directory = tmp_path_factory.mktemp('bench')
    with recording_workers() as workers:
        code = cli.main(['bench', '--quick', '--start-method', METHOD, '--workload', 'start_next',
                         '--workload', 'transfer_shared_memory', '--repeats', '1',
                         '--output-dir', str(directory)])
    assert code == 0 and workers
    [path] = directory.glob('*.json')
    return path, bench.read(path), workers


def test_a_run_writes_one_valid_file_per_environment(document):
    path, data, workers = document
    assert path.name == f'{data["environment"]["id"]}.json'
    assert [(entry['figure'], entry['start_method']) for entry in data['figures']] == \
        [('start_next', METHOD), ('transfer_shared_memory', METHOD)]
    for entry in data['figures']:
        assert len(entry['samples']) == 1 and entry['samples'][0] > 0
        assert entry['median'] == entry['min'] == entry['max'] == entry['samples'][0]
    assert data['settings'] == {'warmup': 0, 'repeats': 1, 'budget': 60.0,
                                'payload_bytes': 10_000_000, 'ballast_bytes': 200_000_000}
    assert data['machine']['cpu_count'] >= 1
    assert segments_left(workers) == []


def test_figures_are_median_quartiles_and_extremes():
    entry = bench.figure_entry('start_next', 'spawn', [5.0, 1.0, 4.0, 2.0, 3.0])
    assert (entry['min'], entry['q1'], entry['median'], entry['q3'], entry['max']) == (1, 2, 3, 4, 5)
    assert entry['samples'] == [5.0, 1.0, 4.0, 2.0, 3.0]  # in the order they were taken
    assert entry['unit'] == 'ms'


def test_a_workload_gives_its_figures_samples():
    samples = bench_workloads.WORKLOADS['child_memory'](METHOD, bench_workloads.Plan(0, 1))
    assert set(samples) == {'child_memory_unique', 'child_memory_resident'}
    assert 0 < samples['child_memory_unique'][0] <= samples['child_memory_resident'][0]


def test_the_increment_rate_counts_both_processes():
    [rate] = bench_workloads.locked_increments(METHOD, bench_workloads.Plan(0, 1))
    assert rate > 100


@pytest.mark.skipif(not POSIX, reason='a shell script stands in for the interpreter')
def test_what_a_worker_leaves_is_killed_removed_and_reported(tmp_path):
    """A worker that leaves a process running and a segment in /dev/shm fails the bench."""
    marker = tmp_path / 'pid'
    fake = tmp_path / 'python'
    fake.write_text('#!/bin/sh\nsleep 300 < /dev/null > /dev/null 2>&1 &\necho $! > "$MARKER"\n'
                    '[ -d /dev/shm ] && : > "/dev/shm/mpmbench_$$_0"\necho "{}"\n')
    fake.chmod(0o755)
    os.environ['MARKER'] = str(marker)
    try:
        with recording_workers() as workers, \
                pytest.raises(bench.BenchError, match='outlived it and were killed') as raised:
            bench._run_worker(str(fake), 'spawn', None, 0, 1)
    finally:
        del os.environ['MARKER']
    left = int(marker.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(left, 0)
    if Path('/dev/shm').is_dir():
        assert f'left in /dev/shm and removed: mpmbench_{workers[0]}_0' in str(raised.value)
    assert segments_left(workers) == []


@pytest.mark.skipif(not Path('/dev/shm').is_dir(), reason='named semaphores listed in /dev/shm')
def test_an_interrupted_bench_leaves_no_semaphore_nor_listener_directory(tmp_path, monkeypatch):
    """`kill PID` of `mpmatrix bench` left a spawn Pool's six named semaphores in /dev/shm (the
    worker's resource tracker, which would have removed them, is killed with it) and the
    fork server's pymp-* directory in /tmp."""
    names = tmp_path / 'names'
    fake = tmp_path / 'python'
    fake.write_text(f'#!/bin/sh\nexec "{sys.executable}" -c "$SCRIPT"\n')
    fake.chmod(0o755)
    monkeypatch.setenv('SCRIPT', 'import multiprocessing, multiprocessing.util, os, time\n'
                       'queue = multiprocessing.get_context("spawn").Queue()\n'
                       'held = [queue._rlock, queue._wlock, queue._sem]\n'
                       f'with open({str(names)!r} + ".part", "w") as file:\n'
                       '    file.write(" ".join(lock._semlock.name for lock in held))\n'
                       '    file.write("\\n" + multiprocessing.util.get_temp_dir())\n'
                       f'os.rename({str(names)!r} + ".part", {str(names)!r})\n'
                       'time.sleep(60)\n')

    class Interrupted(subprocess.Popen):
        def wait(self, timeout=None):
            if timeout is None:  # the bench's wait after the kill
                return super().wait()
            while not names.exists():  # Ctrl-C once the worker holds its semaphores
                assert super().poll() is None, 'the fake worker ended'
                time.sleep(0.01)
            raise KeyboardInterrupt

    monkeypatch.setattr(bench.subprocess, 'Popen', Interrupted)
    with pytest.raises(KeyboardInterrupt):
        bench._run_worker(str(fake), 'spawn', None, 0, 1)
    held, directory = names.read_text().splitlines()
    semaphores = [Path('/dev/shm/sem.' + name.lstrip('/')) for name in held.split()]
    assert len(semaphores) == 3
    assert not [path for path in semaphores if path.exists()]
    assert Path(directory).name.startswith('pymp-') and not Path(directory).exists()


def test_a_worker_that_fails_fails_the_bench(tmp_path):
    with pytest.raises(bench.BenchError, match='(?s)exited with code 2: .*invalid choice'):
        bench._run_worker(sys.executable, 'spawn', ['no_such_workload'], 0, 1)


# --- Files are untrusted -----------------------------------------------------------------------

def write_raw(tmp_path, data, text=None) -> Path:
    path = tmp_path / 'figures.json'
    path.write_text(text if text is not None else json.dumps(data), encoding='utf-8')
    return path


def spoiled(data, change):
    data = copy.deepcopy(data)
    change(data)
    return data


@pytest.mark.parametrize('change, message', [
    (lambda data: data['figures'][0].update(median=-1), 'does not follow the bench schema'),
    (lambda data: data['figures'][0].update(figure='rm -rf'), 'does not follow the bench schema'),
    (lambda data: data['figures'][0].update(extra=1), 'does not follow the bench schema'),
    (lambda data: data['figures'][0].update(unit='MiB'), 'is measured in ms'),
    (lambda data: data['figures'][0].update(min=1e9), 'not min <= q1 <= median <= q3 <= max'),
    (lambda data: data['figures'].append(data['figures'][0]), 'appears twice'),
    (lambda data: data['environment'].update(python_version='9.9.9'), 'does not match its fields'),
    (lambda data: data['environment'].update(os='<b>x</b>'), 'does not follow the bench schema'),
    (lambda data: data['environment'].update(recorded_at='<b>yesterday</b>'),
     'does not follow the bench schema'),
    (lambda data: data['environment'].update(available_start_methods=['spawn'],
                                             default_start_method='spawn')
     if METHOD == 'fork' else data['environment'].update(available_start_methods=['fork']),
     'is not available'),
    (lambda data: data.update(schema_version=2), 'upgrade mpmatrix'),
    # Finite, but the chart's axis would overflow drawing them; an integer too large for a float.
    (lambda data: data['figures'][0].update(max=1.7e308, q3=1.5e308, median=1e308),
     'does not follow the bench schema'),
    (lambda data: data.update(duration=10 ** 400), 'does not follow the bench schema'),
    (lambda data: data['environment'].update(python_version='3.12.' + '7' * 5000),
     'does not follow the bench schema'),
])
def test_reading_refuses_what_makes_no_sense(tmp_path, document, change, message):
    with pytest.raises(bench.BenchError, match=message):
        bench.read(write_raw(tmp_path, spoiled(document[1], change)))


def test_figures_breaking_the_schema_everywhere_are_refused_at_their_first_breaches(tmp_path, document):
    """As results files: 1,000 figures, each breaking the schema twice, are not all looked through."""
    data = spoiled(document[1], lambda data: data.update(figures=[{'unit': 'ms', 'min': -1}] * 1000))
    with pytest.raises(bench.BenchError, match=r'does not follow the bench schema at figures/0: .*'
                                               r'\(and at least 19 more\)$'):
        bench.read(write_raw(tmp_path, data))


@pytest.mark.parametrize('text, message', [
    ('{"schema_version": 1, "schema_version": 1}', 'appears twice'),
    ('{"duration": NaN}', 'not a JSON number'),
    ('{"duration": 1e999}', 'too large'),
    ('{"figures": [', 'not valid JSON'),
    ('[' * 100_000 + ']' * 100_000, 'nested too deeply'),
    ('{"schema_version": 1, "machine": {"cpu": "x\\udcff"}}', 'at machine/cpu: a lone surrogate'),
])
def test_reading_refuses_what_is_not_strict_json(tmp_path, text, message):
    with pytest.raises(bench.BenchError, match=message):
        bench.read(write_raw(tmp_path, None, text))


@pytest.mark.skipif(not hasattr(os, 'mkfifo'), reason='no FIFOs here')
def test_reading_refuses_anything_but_a_regular_file(tmp_path, monkeypatch):
    fifo = tmp_path / 'fifo.json'
    os.mkfifo(fifo)
    with pytest.raises(bench.BenchError, match='fifo.json: is not a regular file'):
        bench.read(fifo)
    (tmp_path / 'zero.json').symlink_to('/dev/zero')
    with pytest.raises(bench.BenchError, match='zero.json: is a symbolic link'):
        bench.read(tmp_path / 'zero.json')
    monkeypatch.setattr(bench, 'MAX_FILE_BYTES', 10)
    (tmp_path / 'big.json').write_text('{}' + ' ' * 10)
    with pytest.raises(bench.BenchError, match='big.json: is larger than 10 bytes'):
        bench.read(tmp_path / 'big.json')


def test_a_refusal_quoting_a_huge_value_stays_short(tmp_path, document):
    data = spoiled(document[1], lambda data: data['figures'][0].update(figure='x' * 100_000))
    with pytest.raises(bench.BenchError) as raised:
        bench.read(write_raw(tmp_path, data))
    assert len(str(raised.value)) < 1000


def test_writing_refuses_an_invalid_document(tmp_path, document):
    with pytest.raises(bench.BenchError):
        bench.write(tmp_path, spoiled(document[1], lambda data: data.update(duration=-1)))
    assert list(tmp_path.iterdir()) == []


def test_two_files_for_one_environment_are_refused(tmp_path, document):
    for name in ('a.json', 'b.json'):
        (tmp_path / name).write_text(document[0].read_text(encoding='utf-8'), encoding='utf-8')
    with pytest.raises(bench.BenchError, match='two figures files'):
        bench.read_all(tmp_path)


def test_a_figures_directory_that_is_a_link_is_refused(tmp_path, document):
    """A results/bench planted as a link would make the site read files from anywhere (and the
    build log quote the first one that is not figures)."""
    elsewhere = tmp_path / 'elsewhere'
    elsewhere.mkdir()
    (elsewhere / 'a.json').write_text(document[0].read_text(encoding='utf-8'), encoding='utf-8')
    (tmp_path / 'bench').symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(bench.BenchError, match='bench: is a symbolic link'):
        bench.read_all(tmp_path / 'bench')
    data = json.loads(document[0].read_text(encoding='utf-8'))
    with pytest.raises(bench.BenchError, match='bench: is a symbolic link'):
        bench.write(tmp_path / 'bench', data)
    assert [path.name for path in elsewhere.iterdir()] == ['a.json']


# --- The page ----------------------------------------------------------------------------------

def test_without_figures_the_page_says_how_to_make_them(tmp_path):
    generated = costs_page.pages(tmp_path / 'missing')
    assert list(generated) == ['costs.md']
    assert 'python -m mpmatrix bench' in generated['costs.md']
    assert '#the-machines' not in generated['costs.md']  # that section comes with figures only


def test_every_link_within_the_page_has_its_anchor(tmp_path, document):
    pytest.importorskip('matplotlib')
    bench.write(tmp_path, document[1])
    text = costs_page.pages(tmp_path)['costs.md']
    anchors = set(re.findall(r'\{#([\w-]+)\}', text))
    assert set(re.findall(r'\]\(#([\w-]+)\)', text)) <= anchors and 'the-machines' in anchors


def test_the_page_escapes_what_the_files_say(tmp_path, document):
    hostile = '<script>alert(1)</script> **bold** [link](javascript:x) {: onclick=x}'
    data = spoiled(document[1], lambda data: (data['machine'].update(cpu_model=hostile, os_image=hostile),
                                             data['environment'].update(runner=hostile)))
    bench.write(tmp_path, data)
    text = costs_page.page(bench.read_all(tmp_path), [entry['figure'] for entry in data['figures']])
    assert '<script>' not in text
    # As mkdocs renders it: the values stay text in their cells.
    markdown = pytest.importorskip('markdown')
    rendered = markdown.markdown(text, extensions=['attr_list', 'md_in_html', 'tables', 'toc'])
    assert '<script>' not in rendered and 'href="javascript' not in rendered
    assert 'onclick' not in rendered.replace('{: onclick=x}', '') and '<strong>bold' not in rendered
    assert rendered.count(html.escape(hostile, quote=False)) == 3  # CPU, OS image, runner


def test_the_charts_are_static_reproducible_svg(tmp_path, document):
    pytest.importorskip('matplotlib')
    bench.write(tmp_path, document[1])
    first, second = costs_page.pages(tmp_path), costs_page.pages(tmp_path)
    assert first == second
    assert set(first) == {'costs.md', 'costs/start_next.svg', 'costs/transfer_shared_memory.svg'}
    svg = first['costs/start_next.svg']
    root = ElementTree.fromstring(svg)
    assert root.tag == '{http://www.w3.org/2000/svg}svg'
    assert '<script' not in svg and 'href="http' not in svg  # nothing runs, nothing is fetched
    assert METHOD in svg  # the legend names the method measured
    assert '](costs/start_next.svg)' in first['costs.md']


def test_the_page_follows_the_matrix_in_the_navigation():
    assert costs_page.in_navigation(['index.md', 'matrix.md', 'contributing.md']) == \
        ['index.md', 'matrix.md', 'costs.md', 'contributing.md']


def test_a_spent_budget_leaves_one_timed_run_after_the_warmup():
    assert list(bench_workloads.Plan(2, 5, deadline=0).runs()) == [False, False, True]
    assert list(bench_workloads.Plan(1, 3).runs()) == [False, True, True, True]


def test_the_site_build_draws_the_charts_and_links_the_page(tmp_path, document):
    """mkdocs with the real configuration and generator, from a results/bench/ directory."""
    pytest.importorskip('matplotlib')
    mkdocs = shutil.which('mkdocs', path=os.path.dirname(sys.executable))
    if mkdocs is None:
        pytest.skip('the site needs the docs extra (mkdocs)')
    root = tmp_path / 'project'
    shutil.copytree(ROOT / 'docs', root / 'docs')
    shutil.copy(ROOT / 'mkdocs.yml', root / 'mkdocs.yml')
    (root / 'src' / 'mpmatrix').mkdir(parents=True)
    (root / 'cases').mkdir()
    write_case(root / 'cases', GOOD, 'queue_result')
    bench.write(root / 'results' / 'bench', document[1])
    completed = subprocess.run(
        [mkdocs, 'build', '-q', '-d', str(root / 'site')], cwd=root, capture_output=True, text=True,
        timeout=300, env={**os.environ, 'MPMATRIX_RESULTS': str(root / 'results'),
                          'DISABLE_MKDOCS_2_WARNING': 'true', 'NO_MKDOCS_2_WARNING': '1'})
    assert completed.returncode == 0, completed.stderr
    costs = (root / 'site' / 'costs.html').read_text(encoding='utf-8')
    assert '<img alt="The next child: start and join' in costs and 'src="costs/start_next.svg"' in costs
    assert (root / 'site' / 'costs' / 'start_next.svg').read_text(encoding='utf-8').startswith('<?xml')
    assert 'href="costs.html"' in (root / 'site' / 'index.html').read_text(encoding='utf-8')
