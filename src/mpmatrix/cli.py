"""Command line for contributors: ``python -m mpmatrix run|list|new|merge``."""
from __future__ import annotations

import argparse
import string
import subprocess
import sys
from pathlib import Path

from mpmatrix import START_METHODS, catalog, environment, results, runner

TEMPLATE = Path(__file__).with_name('templates') / 'case.py.tmpl'


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog='python -m mpmatrix', description=__doc__)
    commands = parser.add_subparsers(dest='command', required=True)

    run = commands.add_parser('run', help='run one case under every start method')
    run.add_argument('case', type=Path, help='path of the case script, e.g. cases/queue_result.py')
    run.add_argument('--start-method', choices=START_METHODS, action='append',
                     help='only this method (repeatable); default: all')
    run.add_argument('--timeout', type=float, help="seconds before the case is killed "
                                                   "(default: the case's TIMEOUT)")
    run.add_argument('--verbose', '-v', action='store_true', help='show what each run printed')
    run.set_defaults(handler=cmd_run)

    listing = commands.add_parser('list', help='validate the catalogue and list its cases')
    listing.add_argument('--cases', type=Path, default=Path('cases'), help='case directory')
    listing.set_defaults(handler=cmd_list)

    new = commands.add_parser('new', help='write a new case from the template')
    new.add_argument('name', help='file name without .py, e.g. pipe_duplex')
    new.add_argument('--family', required=True, choices=catalog.FAMILIES)
    new.add_argument('--direction', required=True, choices=catalog.DIRECTIONS)
    new.add_argument('--title', help='first line of the docstring')
    new.add_argument('--cases', type=Path, default=Path('cases'), help='case directory')
    new.set_defaults(handler=cmd_new)

    matrix = commands.add_parser('matrix', help='run the whole matrix on this interpreter '
                                                '(pytest tests/test_matrix.py -n auto)')
    matrix.add_argument('--if-missing', action='store_true',
                        help='do nothing if results/ already holds a results file')
    matrix.add_argument('pytest_args', nargs=argparse.REMAINDER,
                        help='more pytest arguments, e.g. -k queue')
    matrix.set_defaults(handler=cmd_matrix)

    merge = commands.add_parser('merge', help='merge results files into one')
    merge.add_argument('inputs', nargs='+', type=Path, help='results files or directories')
    merge.add_argument('--output', '-o', type=Path, required=True)
    merge.set_defaults(handler=cmd_merge)

    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (catalog.CaseError, results.ResultsError, FileNotFoundError, FileExistsError) as error:
        print(f'error: {error}', file=sys.stderr)
        return 2


def cmd_run(args) -> int:
    case = catalog.load_case(args.case)
    env = environment.current()
    rows, failed = [], False
    for method in args.start_method or START_METHODS:
        expected, override = case.expectation(method, env)
        if method not in env.available_start_methods:
            rows.append((method, 'unavailable', expected, '', 'skipped'))
            continue
        print(f'running {case.name} under {method}...', file=sys.stderr, flush=True)
        run = runner.run_case(case, method, timeout=args.timeout)
        ok = run.verdict == expected and not run.problems
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
    rows = [(case.name, case.family, case.direction,
             *(case.expected[method] for method in START_METHODS),
             f'+{len(case.overrides)}' if case.overrides else '', case.title)
            for case in sorted(loaded.cases, key=lambda case: (case.family, case.name))]
    _print_table(('case', 'family', 'direction', *START_METHODS, 'overrides', 'title'), rows)
    families = {case.family for case in loaded.cases}
    directions = {case.direction for case in loaded.cases}
    print(f'\n{len(loaded.cases)} cases, {len(families)} families, {len(directions)} directions')
    for error in loaded.errors:
        print(f'error: {error}', file=sys.stderr)
    return 1 if loaded.errors else 0


def cmd_new(args) -> int:
    if not args.name.isidentifier():
        raise FileExistsError(f'{args.name!r} is not a valid case name (use snake_case)')
    path = args.cases / f'{args.name}.py'
    if path.exists():
        raise FileExistsError(f'{path} already exists')
    title = args.title or args.name.replace('_', ' ').capitalize()
    text = string.Template(TEMPLATE.read_text(encoding='utf-8')).substitute(
        title=title, family=args.family, direction=args.direction)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding='utf-8')
    print(f'wrote {path}: edit it, then `python -m mpmatrix run {path}`')
    return 0


def cmd_matrix(args) -> int:
    if args.if_missing and results.results_files(Path('results')):
        print('results/ already holds results: not running the matrix')
        return 0
    if not Path('tests', 'test_matrix.py').exists():
        raise FileNotFoundError('run this from the project root (no tests/test_matrix.py here)')
    command = [sys.executable, '-m', 'pytest', 'tests/test_matrix.py', '-n', 'auto',
               *args.pytest_args]
    print('+ ' + ' '.join(command), flush=True)
    return subprocess.call(command)


def cmd_merge(args) -> int:
    paths = []
    for item in args.inputs:
        paths.extend(results.results_files(item) if item.is_dir() else [item])
    if not paths:
        raise FileNotFoundError(f'no results files in {", ".join(map(str, args.inputs))}')
    merged = results.merge(paths)
    results.write(args.output, merged)
    print(f'merged {len(merged)} environment(s) from {len(paths)} file(s) into {args.output}')
    return 0


def _print_run(run) -> None:
    print(f'--- {run.case}[{run.start_method}] exit code {run.exit_code}')
    for problem in run.problems:
        print(f'problem: {problem}')
    for name, text in (('stdout', run.stdout), ('stderr', run.stderr)):
        if text.strip():
            print(f'{name}:\n' + text.rstrip())


def _print_table(header, rows) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    for row in (header, *rows):
        print('  '.join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())
