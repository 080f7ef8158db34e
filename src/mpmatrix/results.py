"""The result record; results files per environment (atomic writes), reading, merging."""
from __future__ import annotations

import dataclasses
import datetime
import functools
import json
import os
import tempfile
from pathlib import Path

import jsonschema

from mpmatrix.environment import Environment

SCHEMA_VERSION = 1
SCHEMA_PATH = Path(__file__).with_name('schema') / 'results.schema.json'


class ResultsError(Exception):
    """A results file that cannot be trusted: unreadable, truncated, invalid or duplicated."""


@dataclasses.dataclass
class Record:
    """One case under one start method in one environment."""

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


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')


def file_name(environment: Environment) -> str:
    return f'{environment.id}.json'


@functools.lru_cache(maxsize=None)
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding='utf-8')))


def validate(data, source='results') -> None:
    """Raise ResultsError unless ``data`` follows the schema and has no duplicates."""
    errors = sorted(_validator().iter_errors(data),
                    key=lambda error: list(error.absolute_path))
    if errors:
        error = errors[0]
        where = '/'.join(str(part) for part in error.absolute_path) or '(top level)'
        more = f' (and {len(errors) - 1} more)' if len(errors) > 1 else ''
        raise ResultsError(f'{source}: does not follow the results schema at {where}: '
                           f'{error.message}{more}')
    seen_environments = set()
    for entry in data['environments']:
        env_id = entry['environment']['id']
        if env_id in seen_environments:
            raise ResultsError(f'{source}: environment {env_id} appears twice')
        seen_environments.add(env_id)
        seen = set()
        for record in entry['records']:
            key = (record['case'], record['start_method'])
            if key in seen:
                raise ResultsError(f'{source}: {env_id} has two records for {key[0]}[{key[1]}]')
            seen.add(key)


def read(path) -> list:
    """Read one results file (one environment or a merge of many) into EnvironmentResults."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding='utf-8'))
    except json.JSONDecodeError as error:
        raise ResultsError(f'{path}: not valid JSON (truncated?): {error}') from None
    except (OSError, UnicodeDecodeError) as error:
        raise ResultsError(f'{path}: cannot read: {error}') from None
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


def write(path, environments: list) -> None:
    """Validate and write atomically: a reader sees the old file or the new one, never half."""
    path = Path(path)
    data = {'schema_version': SCHEMA_VERSION,
            'environments': [entry.as_dict() for entry in
                             sorted(environments, key=lambda entry: entry.environment.sort_key)]}
    validate(data, str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f'.{path.name}.', suffix='.tmp')
    try:
        with os.fdopen(handle, 'w', encoding='utf-8') as stream:
            json.dump(data, stream, indent=1, ensure_ascii=False)
            stream.write('\n')
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def update(directory, environment: Environment, records: list, known_cases) -> Path:
    """Write this run's records into ``directory``'s file for ``environment``.

    Records of this run replace earlier ones for the same case and start method;
    earlier records of other cases still in the catalogue are kept, so running a
    subset of the matrix loses nothing. Records of cases no longer in the
    catalogue are dropped.
    """
    path = Path(directory) / file_name(environment)
    kept = {}
    if path.exists():
        for entry in read(path):
            if entry.environment.id == environment.id:
                kept = {record.key: record for record in entry.records
                        if record.case in known_cases}
    kept.update({record.key: record for record in records})
    write(path, [EnvironmentResults(environment, list(kept.values()))])
    return path


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


def results_files(directory) -> list:
    return sorted(Path(directory).glob('*.json'))
