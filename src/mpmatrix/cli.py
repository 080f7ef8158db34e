"""Command line for contributors: ``python -m mpmatrix run|list|new|matrix|merge|summary|bench``."""
from __future__ import annotations

import argparse
import importlib.metadata
import json
import string
import subprocess
import sys
from pathlib import Path

from mpmatrix import (
    START_METHODS,
    bench,
    bench_workloads,
    casefile,
    catalog,
    environment,
    processes,
    results,
    runner,
    summary,
    untrusted,
)

TEMPLATE = Path(__file__).with_name('templates') / 'case.py.tmpl'
# How long an interrupted matrix may take to stop its cases and write its results.
STOP_SECONDS = 60
# What the figures schema takes for the bench's settings.
MAX_RUNS = 1000
MAX_BUDGET = 1e6
LIST_WIDTH = 100


def main(argv=None) -> int:
    # --help shows plain text: the docstring's reStructuredText backticks would be printed as is.
    parser = argparse.ArgumentParser(prog='python -m mpmatrix', description=(__doc__ or '').replace('``', ''))
    parser.add_argument('--version', action='version', version=f'mpmatrix {_version()}')
    commands = parser.add_subparsers(dest='command', required=True)

    run = commands.add_parser('run', help='run one case under every start method')
    run.add_argument('case', type=Path, help='path of the case script, e.g. cases/queue_result.py, '
                                             'or the name of a case in cases/ (queue_result)')
    run.add_argument('--start-method', choices=START_METHODS, action='append',
                     help='only this method (repeatable); default: all')
    run.add_argument('--timeout', type=catalog.timeout_seconds,
                     help="seconds before the case is killed (default: the case's TIMEOUT)")
    run.add_argument('--verbose', '-v', action='store_true', help='show what each run printed')
    run.set_defaults(handler=cmd_run)

    listing = commands.add_parser(
        'list', help='validate the catalogue and list its cases',
        description='Validate every case in the case directory and list them by family, with '
                    'what each start method is expected to do. Exits 1 if a case breaks the contract.')
    listing.add_argument('--cases', type=Path, default=Path('cases'), help='case directory')
    listing.add_argument('--format', choices=('text', 'json'), default='text',
                         help='text for people (fits in 100 columns), json for tools')
    listing.set_defaults(handler=cmd_list)

    new = commands.add_parser(
        'new', help='write a new case from the template',
        description='Write cases/NAME.py from the template. Replace its placeholder prose and '
                    'its example pattern: the catalogue rejects the case until the prose is yours.')
    new.add_argument('name', help=f'file name without .py, e.g. pipe_duplex ({casefile.NAME_RULE})')
    new.add_argument('--family', required=True, choices=catalog.FAMILIES, metavar='FAMILY',
                     help=f'one of: {", ".join(catalog.FAMILIES)}')
    new.add_argument('--direction', required=True, choices=catalog.DIRECTIONS, metavar='DIRECTION',
                     help=f'one of: {", ".join(catalog.DIRECTIONS)}')
    new.add_argument('--title', help='first line of the docstring')
    new.add_argument('--cases', type=Path, default=Path('cases'), help='case directory')
    new.set_defaults(handler=cmd_new)

    matrix = commands.add_parser('matrix', help='run the whole matrix on this interpreter '
                                                '(pytest tests/test_matrix.py -n auto --dist worksteal)')
    matrix.add_argument('--if-missing', action='store_true',
                        help='do nothing if results/ already holds a results file')
    matrix.add_argument('pytest_args', nargs=argparse.REMAINDER,
                        help='more pytest arguments, e.g. -k queue')
    matrix.set_defaults(handler=cmd_matrix)

    merge = commands.add_parser('merge', help='merge results files into one')
    merge.add_argument('inputs', nargs='+', type=Path, help='results files or directories')
    merge.add_argument('--output', '-o', type=Path, required=True)
    merge.set_defaults(handler=cmd_merge)

    report = commands.add_parser('summary', help='a Markdown report of results files: the case x '
                                                 'method table and every mismatch (for CI job '
                                                 'summaries)')
    report.add_argument('inputs', nargs='+', type=Path, help='results files or directories')
    report.add_argument('--append', type=Path, metavar='FILE',
                        help='append to FILE (e.g. "$GITHUB_STEP_SUMMARY") instead of printing')
    report.set_defaults(handler=cmd_summary)

    costs = commands.add_parser(
        'bench', help='measure what each start method costs here; write results/bench/ENV.json',
        description='Time starting children, a Pool, moving 10 MB through a Queue, a Pipe, '
                    'shared_memory and a Manager, a child\'s memory beside a 200 MB parent, and '
                    'lock-protected increments, under each start method; write the figures '
                    '(median and spread of the repeats) for the site\'s costs page.')
    costs.add_argument('--start-method', choices=START_METHODS, action='append',
                       help='only this method (repeatable); default: every one available')
    costs.add_argument('--workload', choices=bench_workloads.WORKLOADS, action='append',
                       help='only this workload (repeatable); default: all')
    costs.add_argument('--repeats', type=_at_least(1, MAX_RUNS), default=5,
                       help=f'timed runs per figure, at most {MAX_RUNS} (default 5)')
    costs.add_argument('--warmup', type=_at_least(0, MAX_RUNS), default=1,
                       help='untimed runs before them (default 1)')
    costs.add_argument('--quick', action='store_true',
                       help='no warm-up runs and at most 3 timed ones (for a slow or busy machine)')
    costs.add_argument('--budget', type=catalog.seconds_option(MAX_BUDGET, 'the budget'), default=60.0,
                       help='seconds for the whole bench (default 60): on a slow machine the workloads '
                            'repeat less, each at least once')
    costs.add_argument('--output-dir', type=Path, default=Path('results', 'bench'),
                       help='where ENVIRONMENT-ID.json goes (default results/bench)')
    costs.set_defaults(handler=cmd_bench)

    args = parser.parse_args(argv)
    processes.interrupt_on_termination()  # `kill` stops a run as Ctrl-C does: its case tree is killed
    try:
        processes.clear_inherited_signal_state()  # a signal pending behind the mask arrives here
        return args.handler(args)
    except KeyboardInterrupt:
        print('interrupted: what was running was stopped', file=sys.stderr)
        return 130
    except (catalog.CaseError, results.ResultsError, OSError) as error:
        print(f'error: {untrusted.printable_line(str(error))}', file=sys.stderr)
        return 2


def _version() -> str:
    try:
        return importlib.metadata.version('mpmatrix')
    except importlib.metadata.PackageNotFoundError:  # run from a source tree that is not installed
        return '(not installed)'


def _case_path(given: Path) -> Path:
    """``given``, or cases/NAME.py for a bare NAME that is no file here (as the site names cases)."""
    if given.is_file() or len(given.parts) != 1 or given.suffix:
        return given
    named = Path('cases', f'{given}.py')
    if not named.is_file():
        raise catalog.CaseError(given, [f'no such file, and no {named} here (the project\'s root)'])
    return named


def cmd_run(args) -> int:
    case = catalog.load_case(_case_path(args.case))
    shadowing = catalog.shadowing_files(case.path.parent)
    if shadowing:  # the catalogue refuses these in cases/; a case run from elsewhere meets them here
        raise catalog.CaseError(case.path, [
            f'{path.name} beside it would be imported in place of the standard library\'s '
            f'{path.name.split(".", 1)[0]} inside the case (a script\'s own directory comes first '
            'on sys.path): run the case from a directory without it' for path in shadowing])
    env = environment.current()
    rows, failed = [], False
    for method in args.start_method or START_METHODS:
        expectation = case.expectation(method, env)
        expected, override = str(expectation), expectation.override
        if method not in env.available_start_methods:
            rows.append((method, 'unavailable', expected, '', 'skipped'))
            continue
        print(f'running {case.name} under {method}...', file=sys.stderr, flush=True)
        run = runner.run_case(case, method, timeout=args.timeout)
        ok = expectation.matches(run.verdict, run.error_type) and not run.problems
        failed = failed or not ok
        verdict = f'{run.verdict} ({run.error_type})' if run.error_type else str(run.verdict)
        rows.append((method, verdict, expected + (' *' if override else ''),
                     f'{run.duration:.2f} s', 'ok' if ok else 'FAILED'))
        if args.verbose or not ok:
            _print_run(run)
    print(f'{case.title}\n{env.id}\n')
    _print_table(('method', 'verdict', 'expected', 'time', ''), rows)
    if any(row[2].endswith('*') for row in rows):
        print('\n* an override applies here; see the case\'s OVERRIDES')
    return 1 if failed else 0


def cmd_list(args) -> int:
    loaded = catalog.load_catalog(args.cases)
    if args.format == 'json':
        print(json.dumps({'cases': [case.as_dict() for case in loaded.cases],
                          'errors': [{'path': str(error.path), 'problems': error.problems}
                                     for error in loaded.errors]}, indent=2))
        return 1 if loaded.errors else 0
    for family in catalog.FAMILIES:
        members = sorted((case for case in loaded.cases if case.family == family),
                         key=lambda case: case.name)
        if members:
            print(f'{family} ({len(members)})')
            print('\n'.join(line for case in members for line in _case_lines(case)) + '\n')
    print(f'{len(loaded.cases)} cases')
    for vocabulary, key in ((catalog.FAMILIES, 'family'), (catalog.DIRECTIONS, 'direction')):
        counts = [f'{word}: {sum(getattr(case, key) == word for case in loaded.cases)}'
                  for word in vocabulary]
        print(f'by {key}:\n' + '\n'.join(_packed(counts, ', ', indent=2)))
    for error in loaded.errors:
        print(f'error: {untrusted.printable_line(str(error))}', file=sys.stderr)
    return 1 if loaded.errors else 0


def _case_lines(case) -> list:
    """A case in at most 100 columns: name and direction, title, expectations."""
    overrides = f', {len(case.overrides)} override(s)' if case.overrides else ''
    return [*_packed([case.name, f'{case.direction}{overrides}'], '  ', indent=2),
            _fit(' ' * 6 + case.title),
            *_packed([f'{method}: {case.expected[method]}' for method in START_METHODS], ' | ',
                     indent=6)]


def _packed(items, separator, indent, width=LIST_WIDTH) -> list:
    """``items`` joined by ``separator`` into lines of at most ``width`` columns, none split."""
    lines, line = [], ''
    for item in items:
        if line and len(line) + len(separator) + len(item) > width:
            lines.append(line)
            line = ''
        line = line + separator + item if line else ' ' * indent + item
    return [_fit(line) for line in [*lines, line]]


def _fit(line: str, width=LIST_WIDTH) -> str:
    return line if len(line) <= width else line[:width - 3] + '...'


def cmd_new(args) -> int:
    path = args.cases / f'{args.name}.py'
    problems = casefile.name_problems(args.name)
    title = args.title or args.name.replace('_', ' ').capitalize()
    if not title.strip() or not title.isprintable() or '"""' in title or '\\' in title \
            or casefile.SNIPPET_MARKER in title:
        problems.append('the title is one line of printable text, without """, backslashes or '
                        f'{casefile.SNIPPET_MARKER}')
    if problems:
        raise catalog.CaseError(path, problems)
    text = string.Template(TEMPLATE.read_text(encoding='utf-8')).substitute(
        title=title.strip(), family=args.family, direction=args.direction)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, 'x', encoding='utf-8') as file:  # never overwrite, never follow a link
            file.write(text)
    except FileExistsError:
        raise FileExistsError(f'{path} already exists') from None
    print(f'wrote {path}: replace the placeholder prose and the example pattern, '
          f'then `python -m mpmatrix run {path}`')
    return 0


def cmd_matrix(args) -> int:
    if args.if_missing and Path('results').is_dir() and results.results_files(Path('results')):
        print('results/ already holds results: not running the matrix')
        return 0
    if not Path('tests', 'test_matrix.py').exists():
        raise FileNotFoundError('run this from the project root (no tests/test_matrix.py here)')
    command = [sys.executable, '-m', 'pytest', 'tests/test_matrix.py', '-n', 'auto', '--dist', 'worksteal',
               *args.pytest_args]
    print('+ ' + ' '.join(command), flush=True)
    return processes.wait_letting_it_stop(subprocess.Popen(command), STOP_SECONDS)


def cmd_merge(args) -> int:
    paths = _results_paths(args.inputs)
    merged = results.merge(paths)
    results.write(args.output, merged)
    print(f'merged {len(merged)} environment(s) from {len(paths)} file(s) into {args.output}')
    return 0


def cmd_bench(args) -> int:
    warmup, repeats = (0, min(args.repeats, 3)) if args.quick else (args.warmup, args.repeats)
    document = bench.run(args.start_method, args.workload, warmup=warmup, repeats=repeats,
                         budget=args.budget, progress=lambda line: print(line, file=sys.stderr, flush=True))
    path = bench.write(args.output_dir, document)
    rows = [(entry['figure'], entry['start_method'], f"{entry['median']:.4g} {entry['unit']}",
             f"{entry['min']:.4g}-{entry['max']:.4g}") for entry in document['figures']]
    print(f"{document['environment']['id']}: {document['duration']:.1f} s\n")
    _print_table(('figure', 'method', 'median', 'min-max'), rows)
    print(f'\nwrote {path}')
    return 0


def _at_least(minimum: int, maximum: int = None):
    def whole_number(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f'not a whole number: {text!r}') from None
        if number < minimum:
            raise argparse.ArgumentTypeError(f'{text} is less than {minimum}')
        if maximum is not None and number > maximum:
            raise argparse.ArgumentTypeError(f'{text} is more than {maximum}')
        return number
    return whole_number


def cmd_summary(args) -> int:
    markdown = summary.report(results.merge(_results_paths(args.inputs)))
    if args.append:
        with open(args.append, 'a', encoding='utf-8') as stream:
            stream.write(markdown)
    else:  # UTF-8 whatever the console's encoding (Windows): it goes to a file or a page
        sys.stdout.buffer.write(markdown.encode('utf-8'))
        sys.stdout.flush()
    return 0


def _results_paths(inputs) -> list:
    """Results files named, and those in directories named; none at all is an error."""
    paths = []
    for item in inputs:
        paths.extend(results.results_files(item) if item.is_dir() else [item])
    if not paths:
        raise FileNotFoundError(f'no results files in {", ".join(map(str, inputs))}')
    return paths


def _print_run(run) -> None:
    print(f'--- {run.case}[{run.start_method}] exit code {run.exit_code}')
    for problem in run.problems:
        print(f'problem: {untrusted.printable(problem)}')
    for name, text in (('stdout', run.stdout), ('stderr', run.stderr)):
        if text.strip():  # what the case printed, its escape sequences shown, not sent to the terminal
            print(f'{name}:\n' + untrusted.printable(text.replace('\r\n', '\n').rstrip()))


def _print_table(header, rows) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    for row in (header, *rows):
        print('  '.join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())
