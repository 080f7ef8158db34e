"""The result record; results files per environment (locked, atomic writes), reading, merging.

Results files are untrusted input (the site is built from files uploaded by CI jobs):
a reader refuses anything the schema or the record's own logic rules out, including
NaN and Infinity, which Python's json would otherwise accept.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime
import functools
import itertools
import json
import os
from pathlib import Path

import fastjsonschema

from mpmatrix import atomic, untrusted
from mpmatrix.environment import Environment

# 2: stdout and stderr are capped per record (stdout_truncated, stderr_truncated).
# Version-1 files are still read (capped on the way in), so upgrading the harness
# does not set aside the results of earlier runs.
SCHEMA_VERSION = 2
READABLE_VERSIONS = (1, 2)
SCHEMA_PATH = Path(__file__).with_name('schema') / 'results.schema.json'
# Characters of stdout (and of stderr) kept per record: its head and its tail.
OUTPUT_LIMIT = 64 * 1024
# A results file read: every environment of a CI run merged is some megabytes.
MAX_FILE_BYTES = 256 * 1024 * 1024
# Breaches of the schema named at most: finding every one of a file with a breach in each of
# 100,000 entries took minutes and gigabytes, to print the first.
MAX_ERRORS = 20


class ResultsError(Exception):
    """A results file that cannot be trusted: unreadable, truncated, invalid or duplicated."""


@dataclasses.dataclass
class Record:
    """One case under one start method in one environment.

    Output longer than OUTPUT_LIMIT is cut (see ``cap``) as the record is made, and
    ``stdout_truncated`` / ``stderr_truncated`` keep the original length.
    """

    case: str
    start_method: str
    expected: str
    verdict: str
    outcome: str  # passed | failed | skipped
    error_type: str = None
    exit_code: int = None
    duration: float = 0.0
    timed_out: bool = False
    stdout: str = ''
    stderr: str = ''
    problems: list = dataclasses.field(default_factory=list)
    recorded_at: str = dataclasses.field(default_factory=lambda: now())
    stdout_truncated: int = None
    stderr_truncated: int = None

    def __post_init__(self):
        for stream in ('stdout', 'stderr'):
            text = getattr(self, stream)
            if isinstance(text, str) and len(text) > OUTPUT_LIMIT:
                setattr(self, stream, cap(text))
                setattr(self, f'{stream}_truncated', len(text))

    @property
    def key(self) -> tuple:
        return self.case, self.start_method


@dataclasses.dataclass
class EnvironmentResults:
    environment: Environment
    records: list

    def as_dict(self) -> dict:
        return {'environment': self.environment.as_dict(),
                'records': [dataclasses.asdict(record) for record in
                            sorted(self.records, key=lambda record: record.key)]}


@dataclasses.dataclass
class Update:
    """What ``update`` did, for the session's summary."""

    path: Path
    written: int  # records of this run now in the file
    total: int  # records the file holds now
    left_out: list  # why each invalid record of this run was not written
    set_aside: str = None  # what was wrong with the file already there, and where it went
    removed_temporaries: list = dataclasses.field(default_factory=list)


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')


def cap(text: str) -> str:
    """``text`` cut to OUTPUT_LIMIT characters: its head and tail around a marker line."""
    if len(text) <= OUTPUT_LIMIT:
        return text
    marker = (f'\n[... mpmatrix cut this output from {len(text):,} to {OUTPUT_LIMIT:,} characters, '
              'keeping its head and its tail ...]\n')
    head = (OUTPUT_LIMIT - len(marker)) // 2
    tail = OUTPUT_LIMIT - len(marker) - head
    return text[:head] + marker + text[len(text) - tail:]


def file_name(environment: Environment) -> str:
    return f'{environment.id}.json'


@functools.lru_cache(maxsize=None)
def _validator(definition: str = None):
    """The whole schema, or one of its definitions (``'record'``): a jsonschema validator."""
    import jsonschema  # only to explain a refusal: the pytest workers, which never do, skip its 40 ms

    schema = json.loads(SCHEMA_PATH.read_text(encoding='utf-8'))
    if definition:
        schema = {'$defs': schema['$defs'], '$ref': f'#/$defs/{definition}'}
    return jsonschema.Draft202012Validator(schema)


def _no_remote_schema(uri):
    raise ResultsError(f'the results schema refers to {uri}: only its own definitions are read')


@functools.lru_cache(maxsize=None)
def _compiled_check(definition: str = None):
    """The same schema compiled to Python once (fastjsonschema): it passes a valid file, the common
    case, some 15 times faster than jsonschema, which a site build of 33 environments waited on.
    Formats are not checked (annotations in JSON Schema 2020-12, as jsonschema reads them)."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding='utf-8'))
    # Without its $id, '#/$defs/...' is this document (fastjsonschema 2.21 would fetch the $id's URL).
    del schema['$id']
    if definition:
        schema = {'$defs': schema['$defs'], '$ref': f'#/$defs/{definition}'}
    return fastjsonschema.compile(schema, use_formats=False, use_default=False,
                                  handlers={'http': _no_remote_schema, 'https': _no_remote_schema})


def _breaches(data, definition: str = None) -> list:
    """Why ``data`` breaks the schema (or one definition of it); empty if it does not. The compiled
    check decides quickly; jsonschema then names every breach. A refusal by either one counts."""
    try:
        _compiled_check(definition)(data)
    except fastjsonschema.JsonSchemaException as error:
        where = '/'.join(map(str, error.path[1:])) or '(top level)'
        return schema_errors(_validator(definition), data) or [f'at {where}: {shorten(error.message)}']
    return []


def schema_errors(validator, data) -> list:
    """One line per breach, for the first MAX_ERRORS found; a message quoting a huge value is
    shortened."""
    errors = sorted(itertools.islice(validator.iter_errors(data), MAX_ERRORS),
                    key=lambda error: list(error.absolute_path))
    return [f"at {'/'.join(map(str, error.absolute_path)) or '(top level)'}: {shorten(error.message)}"
            for error in errors]


def more_errors(count: int) -> str:
    """' (and 3 more)' after the first of ``count`` breaches found (at most MAX_ERRORS)."""
    if count <= 1:
        return ''
    return f' (and {"at least " if count >= MAX_ERRORS else ""}{count - 1} more)'


def shorten(message: str, limit=300) -> str:
    return message if len(message) <= limit else f'{message[:limit]}... ({len(message):,} characters)'


def _logic_errors(record: dict) -> list:
    """What the schema cannot say: a passed record observed what it expected."""
    verdict, _, error_type = record['expected'].partition(' (')
    observed = (record['verdict'], record['error_type'] if error_type else None)
    if record['outcome'] == 'passed' and observed != (verdict, error_type[:-1] or None):
        shown = f"{record['verdict']} ({record['error_type']})" if record['error_type'] else record['verdict']
        return [f"outcome passed but it observed {shown!r}, not the expected {record['expected']!r}"]
    return []


def record_errors(record: dict) -> list:
    """Why a record (as a dict) could not be written and read back; empty if it can."""
    errors = _breaches(record, 'record')
    if errors:
        return errors
    try:
        json.dumps(record, allow_nan=False, ensure_ascii=False).encode('utf-8')
    except (ValueError, UnicodeEncodeError) as error:
        return [f'not strict JSON in UTF-8: {error}']
    return _logic_errors(record)


def validate(data, source='results') -> None:
    """Raise ResultsError unless ``data`` follows the schema, makes sense and has no duplicates."""
    errors = _breaches(data)
    if errors:
        raise ResultsError(f'{source}: does not follow the results schema {errors[0]}'
                           f'{more_errors(len(errors))}')
    seen_environments = set()
    for number, entry in enumerate(data['environments']):
        env_id = entry['environment']['id']
        if env_id in seen_environments:
            raise ResultsError(f'{source}: environment {env_id} appears twice')
        seen_environments.add(env_id)
        available = entry['environment']['available_start_methods']
        if entry['environment']['default_start_method'] not in available:
            raise ResultsError(f'{source}: {env_id}: its default start method is not one it has')
        seen = set()
        for index, record in enumerate(entry['records']):
            errors = _logic_errors(record)
            method = record['start_method']
            if record['verdict'] == 'unavailable' and method in available:
                errors.append(f'records {method} as unavailable, but {env_id} has it')
            elif record['verdict'] != 'unavailable' and method not in available:
                errors.append(f'records a run under {method}, which {env_id} does not have')
            if errors:
                raise ResultsError(f'{source}: at environments/{number}/records/{index}: {errors[0]}')
            key = (record['case'], record['start_method'])
            if key in seen:
                raise ResultsError(f'{source}: {env_id} has two records for {key[0]}[{key[1]}]')
            seen.add(key)


def _upgrade(data):
    """Version 1 to the current shape: the truncation fields added, long output capped."""
    if not (isinstance(data, dict) and data.get('schema_version') == 1
            and isinstance(data.get('environments'), list)):
        return data
    for entry in data['environments']:
        for record in entry.get('records', []) if isinstance(entry, dict) else []:
            if isinstance(record, dict):
                for stream in ('stdout', 'stderr'):
                    text = record.get(stream)
                    record[f'{stream}_truncated'] = None
                    if isinstance(text, str) and len(text) > OUTPUT_LIMIT:
                        record[stream], record[f'{stream}_truncated'] = cap(text), len(text)
    return {**data, 'schema_version': SCHEMA_VERSION}


def read(path) -> list:
    """Read one results file (one environment or a merge of many) into EnvironmentResults."""
    path = Path(path)
    try:
        data = untrusted.read_json(path, MAX_FILE_BYTES)
    except untrusted.Unreadable as error:
        raise ResultsError(f'{path}: {error}') from None
    if isinstance(data, dict) and data.get('schema_version') not in READABLE_VERSIONS \
            and isinstance(data.get('schema_version'), int):
        raise ResultsError(f'{path}: schema_version {data["schema_version"]} is not one this mpmatrix '
                           f'reads ({", ".join(map(str, READABLE_VERSIONS))}): upgrade mpmatrix')
    data = _upgrade(data)
    validate(data, str(path))
    loaded = []
    for entry in data['environments']:
        environment = Environment.from_dict(entry['environment'])
        if environment.id != entry['environment']['id']:
            raise ResultsError(f'{path}: environment id {entry["environment"]["id"]} does not '
                               f'match its fields ({environment.id})')
        loaded.append(EnvironmentResults(environment,
                                         [Record(**record) for record in entry['records']]))
    return loaded


def _text(environments: list, source: str) -> str:
    data = {'schema_version': SCHEMA_VERSION,
            'environments': [entry.as_dict() for entry in
                             sorted(environments, key=lambda entry: entry.environment.sort_key)]}
    validate(data, source)
    try:
        text = json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + '\n'
        text.encode('utf-8')  # a lone surrogate would fail only halfway through the write
    except ValueError as error:  # UnicodeEncodeError included
        raise ResultsError(f'{source}: {error}') from None
    return text


@contextlib.contextmanager
def _locked(path):
    try:
        with atomic.locked(path):
            yield
    except TimeoutError as error:
        raise ResultsError(str(error)) from None


def write(path, environments: list) -> None:
    """Validate and write atomically: a reader sees the old file or the new one, never half."""
    text = _text(environments, str(path))
    with _locked(path):
        atomic.replace(path, text)


def update(directory, environment: Environment, records: list, known_cases=None) -> Update:
    """Write this run's records into ``directory``'s file for ``environment``; return what it did.

    Records of this run replace earlier ones for the same case and start method;
    earlier records of other cases still in the catalogue (``known_cases``; None:
    keep them all) are kept, so running a subset of the matrix loses nothing.
    An invalid record of this run is left out (and named), never the others. The
    whole update holds the file's lock, so two sessions finishing together both
    count. A file already there that cannot be read is set aside, never overwritten.
    """
    path = refuse_link(directory) / file_name(environment)
    with _locked(path):
        kept, set_aside = {}, None
        if path.exists():
            try:
                earlier = read(path)
                others = [entry.environment.id for entry in earlier if entry.environment.id != environment.id]
                if others:
                    raise ResultsError(f'{path}: holds other environments ({", ".join(others)})')
            except ResultsError as error:
                set_aside = f'{error}; moved to {atomic.set_aside(path)}'
            else:
                kept = {record.key: record for entry in earlier for record in entry.records
                        if known_cases is None or record.case in known_cases}
        new, left_out = {record.key: record for record in records}, []
        try:  # every record valid, the common case: the file is checked once, whole
            text = _text([EnvironmentResults(environment, list({**kept, **new}.values()))], str(path))
        except ResultsError:  # find the invalid ones: they are left out, never the others
            new, left_out = _valid(records)
            text = _text([EnvironmentResults(environment, list({**kept, **new}.values()))], str(path))
        removed = atomic.replace(path, text)
    return Update(path, written=len(new), total=len({**kept, **new}), left_out=left_out,
                  set_aside=set_aside, removed_temporaries=removed)


def _valid(records: list) -> tuple:
    """The valid ``records`` by key, and why each of the others is not."""
    valid, left_out = {}, []
    for record in records:
        errors = record_errors(dataclasses.asdict(record))
        if errors:
            left_out.append(shorten(f'{record.case!r}[{record.start_method!r}] {errors[0]}', 600))
        else:
            valid[record.key] = record
    return valid, left_out


def merge(paths) -> list:
    """Read many results files into one list of environments; a duplicate is an error."""
    merged, sources = [], {}
    for path in paths:
        for entry in read(path):
            env_id = entry.environment.id
            if env_id in sources:
                raise ResultsError(f'{path}: environment {env_id} is also in {sources[env_id]}')
            sources[env_id] = path
            merged.append(entry)
    return sorted(merged, key=lambda entry: entry.environment.sort_key)


def refuse_link(directory) -> Path:
    """``directory``, unless it is a link (``untrusted.is_link``), or, given as a relative path
    (``results/bench``), one of the directories it names is: results and figures are read from
    and written to a directory of their own, never through a link (one planted in a checkout
    would take the writes elsewhere, and make the site read files from anywhere). Above an
    absolute path, links are the machine's own (macOS's /tmp is one)."""
    directory = Path(directory)
    named = [directory] if directory.is_absolute() else [directory, *directory.parents][:-1]
    for path in named:
        if untrusted.is_link(path):
            raise ResultsError(f'{path}: is a symbolic link: results are read from and written to '
                               'the directory itself')
    return directory


def results_files(directory) -> list:
    """The ``*.json`` files in ``directory``. A symbolic link to a directory is refused (what it
    holds is elsewhere, and writes would land there too), and so is a directory that cannot be
    listed: it is not one without results."""
    directory = refuse_link(directory)
    try:
        names = os.listdir(directory)
    except OSError as error:
        raise ResultsError(f'{directory}: cannot be listed ({error.strerror})') from None
    return sorted(directory / name for name in names if name.endswith('.json'))
