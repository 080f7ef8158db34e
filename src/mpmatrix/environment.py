"""Where the cases run: OS, machine, implementation, version, start methods."""
from __future__ import annotations

import dataclasses
import multiprocessing
import platform
import sys
import sysconfig

OS_NAMES = {'linux': 'linux', 'darwin': 'macos', 'win32': 'windows'}


@dataclasses.dataclass(frozen=True)
class Environment:
    os: str
    os_release: str
    machine: str
    implementation: str
    implementation_version: str
    python_version: str
    free_threaded: bool
    default_start_method: str
    available_start_methods: tuple

    @property
    def id(self) -> str:
        """A stable name such as ``linux-x86_64-cpython-3.12.1`` (``3.13.0t`` if free-threaded)."""
        suffix = 't' if self.free_threaded else ''
        return (f'{self.os}-{self.machine}-{self.implementation}-'
                f'{self.python_version}{suffix}')

    @property
    def version_tuple(self) -> tuple:
        return parse_version(self.python_version)

    @property
    def sort_key(self) -> tuple:
        """Group by platform and implementation, then order by version (3.8 before 3.10)."""
        return self.os, self.machine, self.implementation, self.version_tuple, self.free_threaded

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


def current() -> Environment:
    """Describe the interpreter this process runs on."""
    impl = sys.implementation
    impl_version = '.'.join(str(part) for part in impl.version[:3])
    return Environment(
        os=OS_NAMES.get(sys.platform, sys.platform),
        os_release=platform.release(),
        machine=platform.machine().lower() or 'unknown',
        implementation=impl.name,
        implementation_version=impl_version,
        python_version='.'.join(str(part) for part in sys.version_info[:3]),
        free_threaded=bool(sysconfig.get_config_var('Py_GIL_DISABLED')),
        default_start_method=multiprocessing.get_context().get_start_method(),
        available_start_methods=tuple(multiprocessing.get_all_start_methods()),
    )
