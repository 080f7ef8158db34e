"""Where the cases run: OS, machine, implementation, version, start methods, and provenance."""
from __future__ import annotations

import dataclasses
import datetime
import multiprocessing
import os
import platform
import re
import subprocess
import sys
import sysconfig

OS_NAMES = {'linux': 'linux', 'darwin': 'macos', 'win32': 'windows'}
# sys.version_info.releaselevel -> the suffix CPython itself prints (3.16.0a2, 3.15.0rc1).
PRERELEASE_SUFFIXES = {'alpha': 'a', 'beta': 'b', 'candidate': 'rc'}
PYTHON_VERSION = re.compile(r'^(\d+)\.(\d+)\.(\d+)(?:(a|b|rc)(\d+))?$')
RELEASE_ORDER = {'a': 0, 'b': 1, 'rc': 2, None: 3}
COMMIT = re.compile(r'^[0-9a-f]{40}(?:[0-9a-f]{24})?$')  # SHA-1, or SHA-256 repositories
# GitHub-hosted runners name their image in ImageOS (ubuntu24, macos15, win25); runs-on labels
# spell it ubuntu-24.04, macos-15, windows-2025.
IMAGE_LABELS = ((re.compile(r'^ubuntu(\d+)$'), r'ubuntu-\1.04'),
                (re.compile(r'^macos(\d+)$'), r'macos-\1'),
                (re.compile(r'^win(\d\d)$'), r'windows-20\1'))


@dataclasses.dataclass(frozen=True)
class Environment:
    os: str
    os_release: str
    machine: str
    implementation: str
    implementation_version: str
    python_version: str  # 3.12.1, or 3.16.0a2 for a pre-release
    free_threaded: bool
    default_start_method: str
    available_start_methods: tuple
    # Provenance: None in files written before it was recorded.
    runner: str = None  # 'GitHub Actions ubuntu-24.04 20261110.1', 'local', ...
    commit: str = None  # the git commit the harness and cases came from
    recorded_at: str = None  # ISO 8601 UTC, when this environment's results were written

    @property
    def id(self) -> str:
        """A stable name such as ``linux-x86_64-cpython-3.12.1``.

        A pre-release keeps its suffix (``3.16.0a2``); a free-threaded build ends in ``t``
        (``3.14.0t``, ``3.16.0a2t``).
        """
        suffix = 't' if self.free_threaded else ''
        return (f'{self.os}-{self.machine}-{self.implementation}-'
                f'{self.python_version}{suffix}')

    @property
    def version_tuple(self) -> tuple:
        """The release this Python is or leads to, for override bounds: 3.16.0a2 -> (3, 16, 0).

        A pre-release counts as its release: a behaviour change made for 3.16 is already in
        3.16's alphas, so ``since: '3.16'`` applies to 3.16.0a2 and ``before: '3.16'`` does not.
        """
        return _parse_python_version(self.python_version)[:3]

    @property
    def sort_key(self) -> tuple:
        """Group by platform and implementation, then order by version (3.8 before 3.10,
        3.16.0a2 before 3.16.0b1 before 3.16.0)."""
        major, minor, micro, level, serial = _parse_python_version(self.python_version)
        return (self.os, self.machine, self.implementation, (major, minor, micro),
                RELEASE_ORDER[level], serial, self.free_threaded)

    def as_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data['available_start_methods'] = list(self.available_start_methods)
        return {'id': self.id, **data}

    @classmethod
    def from_dict(cls, data: dict) -> Environment:
        fields = {f.name for f in dataclasses.fields(cls)}
        values = {key: value for key, value in data.items() if key in fields}
        values['available_start_methods'] = tuple(values['available_start_methods'])
        return cls(**values)


def parse_version(text: str) -> tuple:
    """``'3.13'`` -> ``(3, 13, 0)``; raises ValueError on anything else."""
    parts = text.split('.')
    if not 1 <= len(parts) <= 3 or not all(part.isdigit() for part in parts):
        raise ValueError(f'not a version like 3.13 or 3.13.1: {text!r}')
    return tuple(int(part) for part in parts) + (0,) * (3 - len(parts))


def _parse_python_version(text: str) -> tuple:
    """``'3.16.0a2'`` -> ``(3, 16, 0, 'a', 2)``; ``'3.12.1'`` -> ``(3, 12, 1, None, 0)``."""
    match = PYTHON_VERSION.match(text)
    if not match:
        raise ValueError(f'not a Python version like 3.12.1 or 3.16.0a2: {text!r}')
    major, minor, micro, level, serial = match.groups()
    return int(major), int(minor), int(micro), level, int(serial or 0)


def python_version(version_info=None) -> str:
    """``3.12.1``, or ``3.16.0a2`` / ``3.15.0rc1`` for a pre-release (as CPython prints it)."""
    info = version_info or sys.version_info
    text = f'{info[0]}.{info[1]}.{info[2]}'
    if info[3] != 'final':
        text += f'{PRERELEASE_SUFFIXES[info[3]]}{info[4]}'
    return text


# The longest runner description a results file takes (results.schema.json).
RUNNER_LIMIT = 200


def describe_runner(environ=None) -> str:
    """Where this runs: a GitHub-hosted runner's image and its version, or ``'local'``."""
    environ = os.environ if environ is None else environ
    if environ.get('ACT'):  # nektos/act rehearsing a workflow here: its ImageOS is a guess
        return 'act'
    if environ.get('GITHUB_ACTIONS') != 'true':
        return 'local'
    image = environ.get('ImageOS')
    if not image:
        described = f'GitHub Actions self-hosted {environ.get("RUNNER_OS", "")}'
    else:
        for pattern, label in IMAGE_LABELS:
            image = pattern.sub(label, image)
        described = f'GitHub Actions {image} {environ.get("ImageVersion", "")}'
    # As the results schema takes it: one runner's odd variable must not cost the session its results.
    printable = ''.join(char if char.isprintable() else '?' for char in described)
    return printable[:RUNNER_LIMIT].rstrip()


def current_commit(environ=None):
    """The commit under test: GITHUB_SHA in GitHub Actions, else ``git rev-parse HEAD``, else None."""
    environ = os.environ if environ is None else environ
    sha = environ.get('GITHUB_SHA', '')
    if not sha:
        try:
            sha = subprocess.run(['git', 'rev-parse', 'HEAD'], capture_output=True, text=True,
                                 timeout=30, check=False).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None
    return sha if COMMIT.match(sha) else None


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')


def current() -> Environment:
    """Describe the interpreter this process runs on, and where and when it runs."""
    impl = sys.implementation
    impl_version = '.'.join(str(part) for part in impl.version[:3])
    return Environment(
        os=OS_NAMES.get(sys.platform, sys.platform),
        os_release=platform.release(),
        machine=platform.machine().lower() or 'unknown',
        implementation=impl.name,
        implementation_version=impl_version,
        python_version=python_version(),
        free_threaded=bool(sysconfig.get_config_var('Py_GIL_DISABLED')),
        default_start_method=multiprocessing.get_context().get_start_method(),
        available_start_methods=tuple(multiprocessing.get_all_start_methods()),
        runner=describe_runner(),
        commit=current_commit(),
        recorded_at=now(),
    )
