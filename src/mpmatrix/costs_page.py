"""The site's page "What each start method costs", from the figures in ``results/bench/``.

A chart per figure (static SVG drawn at build time by matplotlib, no JavaScript),
the table of figures below it, and what explains the differences. The figures
files are untrusted: ``bench.read_all`` validates them, and every value taken
from them is HTML-escaped here (the tables are HTML inside the Markdown, so
Markdown syntax in a value stays text). matplotlib escapes the SVGs' text.
"""
from __future__ import annotations

import html
import io

from mpmatrix import START_METHODS, bench, untrusted

PAGE = 'costs.md'
CHARTS = 'costs'  # the SVGs: costs/<figure>.svg
# Okabe-Ito colours, told apart with any colour vision.
METHOD_COLOURS = {'fork': '#E69F00', 'spawn': '#0072B2', 'forkserver': '#009E73'}
OS_LABELS = {'linux': 'Linux', 'macos': 'macOS', 'windows': 'Windows'}
IMPLEMENTATION_LABELS = {'cpython': 'CPython', 'pypy': 'PyPy'}
TITLE = 'What each start method costs'

INTRO = """\
People choose a start method for correctness first; this page is the second question: what
does each one cost, here and there? Every environment of the matrix also runs
`python -m mpmatrix bench`, which times a few stdlib-only workloads under fork, spawn and
forkserver. Each bar is the median of the timed repeats (after untimed warm-up runs); its whisker
spans the middle half of them (first to third quartile).
"""

MACHINES_NOTE = """\
The machines are described [below](#the-machines): a CI runner is a shared virtual machine, so
compare methods within one environment more than environments with each other.
"""

NO_FIGURES = """\
No figures yet: nothing is in `results/bench/`. To measure this machine, from the project root:

```
python -m mpmatrix bench
```

It runs every workload under each start method this Python has (about a minute at most) and
writes `results/bench/<environment id>.json`; build the site again to see the charts. Run it with
each Python you want on the page. In CI, every leg of the matrix runs it and uploads the file
with its results.
"""

# Why the methods differ, figure by figure (Markdown, ours).
NOTES = {
    'start_first': """\
**Interpreter start-up and the fork server's one-time cost.** fork copies the parent by
copy-on-write: the child exists as soon as the page tables do. spawn starts a new interpreter,
which imports `multiprocessing`, unpickles the process object and imports the parent's `__main__`
module again before it runs the target; on POSIX the first spawn also starts the resource
tracker, another interpreter. forkserver pays for the fork server once, at the first child: a new
interpreter that imports `__main__` (and anything preloaded) and then forks each child.""",
    'start_next': """\
**After the first child.** fork stays the cheapest; forkserver now only asks the running server
to fork (plus pickling the process object and passing file descriptors over a Unix socket);
spawn pays a whole interpreter start-up for every child, every time.""",
    'pool_first_result': """\
**A pool starts its workers one by one.** `Pool(4)` starts four processes before the first
task can be handed out, so each method's start-up cost counts four times, and under spawn and
forkserver the task and its result are pickled to and from the worker as with any pool.""",
    'transfer_queue': """\
**Moving data does not depend on the start method.** Once the processes exist, a Queue pickles
the object, writes it to a pipe from a feeder thread, and the other side reads and unpickles it;
a busy machine moves these figures more than the method does.""",
    'transfer_pipe': """\
**A Pipe is a Queue without the feeder thread and its lock**: the same pickling, the same copy
through the kernel, both ways.""",
    'transfer_shared_memory': """\
**shared_memory avoids pickling**: the bytes are copied into a segment both processes map, and
only a few bytes (the size) go through a pipe. What remains is the memory copy itself.""",
    'transfer_manager': """\
**A Manager adds a process in the middle**: every call on a proxy is pickled to the manager's
server process and answered from there, so the payload crosses two connections each way.""",
    'child_memory_unique': """\
**Copy-on-write against a fresh interpreter: what the child adds.** Its unique memory (USS) is
what the machine pays for it. A forked child shares all of the parent's pages until one side
writes to them, so it adds little even though the parent holds 200 MB; a spawned or forkserver
child is a new interpreter of its own, with its own copy of the interpreter's state (some
megabytes) and none of the parent's 200 MB.""",
    'child_memory_resident': """\
**Resident memory counts shared pages too**, which is why a forked child seems to hold the
parent's 200 MB: they are the parent's pages, mapped into the child and shared by copy-on-write
until either writes to them. A tool that sums RSS over processes counts them twice; spawn and
forkserver children start without them. Under PyPy a forked child also maps whatever the parent's
heap still holds, garbage its collector has not returned to the system included.""",
    'locked_increments': """\
**The lock costs the same under every method**: a `Value`'s lock is a semaphore of the operating
system, shared by the two processes whichever way they started; the differences here are noise of
the machine (higher is better).""",
}


def pages(directory) -> dict:
    """The page and its charts: path (relative to the docs dir) -> text."""
    documents = bench.read_all(directory)
    present = [name for name in bench.FIGURES if any(entry['figure'] == name for document in documents
                                                     for entry in document['figures'])]
    generated = {PAGE: page(documents, present)}
    generated.update({chart_path(name): chart(name, documents) for name in present})
    return generated


def in_navigation(nav: list) -> list:
    """The site's nav with this page after the matrix."""
    at = nav.index('matrix.md') + 1 if 'matrix.md' in nav else len(nav)
    return [*nav[:at], PAGE, *nav[at:]]


def chart_path(name: str) -> str:
    return f'{CHARTS}/{name}.svg'


def page(documents: list, present: list) -> str:
    lines = ['---', f'title: {TITLE}', '---', '', f'# {TITLE}', '', INTRO]
    if not documents:
        return '\n'.join([*lines, NO_FIGURES])
    lines.append(MACHINES_NOTE)
    for name in present:
        figure = bench.FIGURES[name]
        better = 'higher is better' if figure.higher_is_better else 'lower is better'
        lines += [f'## {figure.title} {{#{name}}}', '',
                  f'![{figure.title}, in {_unit_words(figure.unit)} ({better}), by start method and '
                  f'environment]({chart_path(name)})', '',
                  f'Median in {_unit_words(figure.unit)}; in brackets, the middle half of the timed '
                  'runs, then all of them, then how many there were.', '',
                  figures_table(name, documents), '', NOTES[name], '']
    lines += ['## The machines {#the-machines}', '', machines_table(documents), '',
              'To add a machine: `python -m mpmatrix bench` writes '
              '`results/bench/<environment id>.json`.', '']
    return '\n'.join(lines)


def environment_label(env: dict) -> str:
    os_label = OS_LABELS.get(env['os'], env['os'])
    implementation = IMPLEMENTATION_LABELS.get(env['implementation'], env['implementation'])
    build = ' free-threaded' if env['free_threaded'] else ''
    return f'{os_label} {env["machine"]} {implementation} {env["python_version"]}{build}'


def _text(value) -> str:
    return html.escape(untrusted.CONTROLS.sub('\ufffd', str(value)))


def _number(value: float) -> str:
    return f'{value:,.0f}' if abs(value) >= 1000 else f'{value:.3g}'


def _runs(count: int) -> str:
    return f'{count} run' if count == 1 else f'{count} runs'


def _unit_words(unit: str) -> str:
    return {'ms': 'milliseconds', 'MiB': 'MiB', '1/s': 'per second'}[unit]


def _table(header: list, rows: list) -> str:
    """An HTML table; every cell is escaped here."""
    head = ''.join(f'<th>{_text(cell)}</th>' for cell in header)
    body = ''.join('<tr>' + ''.join(f'<td>{_text(cell)}</td>' for cell in row) + '</tr>' for row in rows)
    return f'<table>\n<thead><tr>{head}</tr></thead>\n<tbody>{body}</tbody>\n</table>'


def figures_table(name: str, documents: list) -> str:
    """Per environment, each method's median, its quartiles and its extremes."""
    rows = []
    for document in documents:
        entries = {entry['start_method']: entry for entry in document['figures'] if entry['figure'] == name}
        if not entries:
            continue
        cells = []
        for method in START_METHODS:
            entry = entries.get(method)
            cells.append(f'{_number(entry["median"])} ({_number(entry["q1"])}–{_number(entry["q3"])}; '
                         f'{_number(entry["min"])}–{_number(entry["max"])}; {_runs(len(entry["samples"]))})'
                         if entry else
                         'unavailable' if method not in document['environment']['available_start_methods']
                         else 'not measured')
        rows.append([environment_label(document['environment']), *cells])
    return _table(['environment', *START_METHODS], rows)


def machines_table(documents: list) -> str:
    rows = []
    for document in documents:
        env, machine, settings = document['environment'], document['machine'], document['settings']
        load = machine['load_average']
        rows.append([environment_label(env), env.get('runner') or 'unknown',
                     machine['os_image'] or 'unknown', machine['cpu_model'] or 'unknown',
                     machine['cpu_count'],
                     f'{machine["memory_mib"]:,} MiB' if machine['memory_mib'] is not None else 'unknown',
                     ', '.join(f'{value:.2f}' for value in load) if load else 'n/a',
                     f'{settings["warmup"]} + up to {settings["repeats"]}',
                     f'{document["duration"]:.1f} s' + (f' of {settings["budget"]:.0f} s'
                                                         if settings['budget'] is not None else ''),
                     env.get('recorded_at') or 'unknown'])
    return _table(['environment', 'runner', 'OS image', 'CPU', 'cores', 'memory',
                   'load average (1, 5, 15 min) at the start', 'warm-up + timed runs',
                   'bench took (of its budget)', 'measured at'], rows)


def chart(name: str, documents: list) -> str:
    """A horizontal bar chart as SVG text: per environment, the methods side by side."""
    import matplotlib  # the docs extra: only the site build draws charts
    from matplotlib.figure import Figure as Canvas

    figure = bench.FIGURES[name]
    rows = [document for document in documents
            if any(entry['figure'] == name for entry in document['figures'])]
    style = {'svg.fonttype': 'none', 'svg.hashsalt': 'mpmatrix', 'font.size': 10,
             'font.family': 'sans-serif'}
    if 'text.parse_math' in matplotlib.rcParams:
        style['text.parse_math'] = False
    with matplotlib.rc_context(style):
        canvas = Canvas(figsize=(8, 1.2 + 0.8 * len(rows)), facecolor='white')
        axes = canvas.add_subplot()
        height = 0.8 / len(START_METHODS)
        labelled = set()
        for offset, method in enumerate(START_METHODS):
            for row, document in enumerate(rows):
                position = row + (offset - 1) * height
                entry = next((entry for entry in document['figures']
                              if entry['figure'] == name and entry['start_method'] == method), None)
                if entry is None:
                    axes.text(0, position, ' unavailable' if method not in
                              document['environment']['available_start_methods'] else ' not measured',
                              va='center', fontsize=8, color='#555555')
                    continue
                axes.barh(position, entry['median'], height=height * 0.9, color=METHOD_COLOURS[method],
                          xerr=[[entry['median'] - entry['q1']], [entry['q3'] - entry['median']]],
                          error_kw={'ecolor': '#333333', 'capsize': 2, 'linewidth': 1},
                          label=None if method in labelled else method)
                labelled.add(method)
                axes.text(entry['q3'], position, f' {_number(entry["median"])}', va='center', fontsize=8)
        axes.set_yticks(range(len(rows)))
        axes.set_yticklabels([environment_label(document['environment']) for document in rows])
        axes.invert_yaxis()
        axes.set_xlabel(f'{figure.unit}, median and middle half of the runs '
                        f'({"higher" if figure.higher_is_better else "lower"} is better)')
        axes.margins(x=0.15)
        axes.set_xlim(left=0)
        axes.spines[['top', 'right']].set_visible(False)
        axes.grid(axis='x', color='#dddddd', linewidth=0.5)
        axes.set_axisbelow(True)
        handles, labels = axes.get_legend_handles_labels()
        if handles:
            axes.legend(handles, labels, loc='lower center', bbox_to_anchor=(0.5, 1.0), ncol=3,
                        frameon=False)
        output = io.StringIO()
        canvas.savefig(output, format='svg', bbox_inches='tight', metadata={'Date': None})
    return output.getvalue()
