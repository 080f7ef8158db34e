"""Untrusted input: files anyone may have put there (a contributed case, a results file a CI job
uploaded), read safely, and text from them shown without its control characters.

A file is read only if it is a regular file, opened without following a link and without
blocking, up to a limit: a FIFO would block the reader forever, a link to ``/dev/zero`` fill its
memory. JSON is read strictly: no NaN or Infinity, no key twice, no lone surrogate.
"""
from __future__ import annotations

import json
import math
import os
import re
import stat

# Shown to readers never: C0 and C1 controls (an escape sequence can also start with U+009B) but
# tab and newline, the bidirectional controls that show text in another order than it has
# (CVE-2021-42574; the marks U+200E, U+200F and U+061C too), and tag characters, which spell
# ASCII text no reader sees.
CONTROLS = re.compile('[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069'
                      '\U000e0000-\U000e007f]')
# What JSON's and Python's \ud800-\udfff escapes decode to: not text, and no UTF-8 writer takes one.
LONE_SURROGATE = re.compile('[\ud800-\udfff]')
_TERMINAL_UNSAFE = re.compile(f'{CONTROLS.pattern}|{LONE_SURROGATE.pattern}')
# A name is one line: in a log, a newline in a file's name would start a line of the name's
# choosing (a GitHub Actions command, ::error::, is a line starting with ::).
_NAME_UNSAFE = re.compile(f'[\t\n]|{_TERMINAL_UNSAFE.pattern}')


class Refused(ValueError):
    """Not a regular file, or too large; ``kind`` is ``'link'``, ``'special'`` or ``'large'``."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


class Unreadable(ValueError):
    """A file that is no strict JSON; the message says why (a Refused is one too)."""


def read_regular(path, limit: int) -> bytes:
    """The bytes of ``path``: Refused unless it is a regular file of at most ``limit`` bytes;
    OSError if it cannot be read."""
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise Refused('is a symbolic link', 'link')
    if not stat.S_ISREG(info.st_mode):
        raise Refused('is not a regular file', 'special')
    # O_NONBLOCK: should the file be swapped for a FIFO after lstat, opening it must not block.
    flags = os.O_RDONLY | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_NONBLOCK', 0) \
        | getattr(os, 'O_BINARY', 0)
    with os.fdopen(os.open(path, flags), 'rb') as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise Refused('is not a regular file', 'special')
        data = file.read(limit + 1)
    if len(data) > limit:
        raise Refused(f'is larger than {limit} bytes', 'large')
    return data


def read_json(path, limit: int):
    """The JSON document in ``path``, read strictly; Unreadable says why it is not one."""
    try:
        data = json.loads(read_regular(path, limit).decode('utf-8'), parse_float=_finite,
                          parse_constant=_refuse_constant, object_pairs_hook=_refuse_duplicate_keys)
    except Refused as error:
        raise Unreadable(str(error)) from None
    except UnicodeDecodeError as error:
        raise Unreadable(f'not UTF-8: {error}') from None
    except json.JSONDecodeError as error:
        raise Unreadable(f'not valid JSON (truncated?): {error}') from None
    except ValueError as error:  # NaN, Infinity, a key twice
        raise Unreadable(f'not valid JSON: {error}') from None
    except RecursionError:
        raise Unreadable('nested too deeply to be read') from None
    except OSError as error:
        raise Unreadable(f'cannot read: {error}') from None
    where = lone_surrogate_at(data)
    if where:
        raise Unreadable(f'at {where}: a lone surrogate (an escape from \\ud800 to \\udfff) is not text')
    return data


def lone_surrogate_at(data):
    """Where in ``data`` (parsed JSON) a string or a key holds a lone surrogate, else None."""
    pending = [(data, '')]
    while pending:
        value, where = pending.pop()
        if isinstance(value, str) and LONE_SURROGATE.search(value):
            return where or '(top level)'
        if isinstance(value, dict):
            for key, item in value.items():
                if LONE_SURROGATE.search(key):
                    return f'{where}/{ascii(key)}'.lstrip('/')
                pending.append((item, f'{where}/{key}'.lstrip('/')))
        elif isinstance(value, list):
            pending.extend((item, f'{where}/{index}'.lstrip('/')) for index, item in enumerate(value))
    return None


def is_link(path) -> bool:
    """A symbolic link, or on Windows any reparse point (a junction is no symbolic link to
    ``os.path.islink``, and needs no privilege to make)."""
    try:
        status = os.lstat(path)
    except OSError:
        return False
    reparse_point = getattr(stat, 'FILE_ATTRIBUTE_REPARSE_POINT', 0)  # Windows only
    return stat.S_ISLNK(status.st_mode) or bool(getattr(status, 'st_file_attributes', 0) & reparse_point)


def links_under(directory) -> list:
    """``directory`` itself if it is a link (``is_link``), else every link below it (none
    followed), sorted; nothing if it does not exist."""
    if is_link(directory):
        return [str(directory)]
    found = []
    for parent, directories, files in os.walk(directory):
        found += [os.path.join(parent, name) for name in directories + files
                  if is_link(os.path.join(parent, name))]
    return sorted(found)


def printable(text: str) -> str:
    """Untrusted text for a terminal: control and bidirectional characters and lone surrogates (a
    file's name may hold them) written as Python escapes, ``\\x1b``."""
    return _escaped(_TERMINAL_UNSAFE, text)


def printable_line(name) -> str:
    """A file's name or path, or a message naming one, on one line: as ``printable``, with tabs
    and newlines escaped too."""
    return _escaped(_NAME_UNSAFE, str(name))


def _escaped(unsafe, text: str) -> str:
    return unsafe.sub(lambda found: found.group().encode('unicode_escape').decode('ascii'), text)


def _refuse_constant(name):
    raise ValueError(f'{name} is not a JSON number')


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f'{text} is too large for a number')
    return number


def _refuse_duplicate_keys(pairs):
    data = dict(pairs)
    if len(data) != len(pairs):
        keys = [key for key, _ in pairs]
        raise ValueError(f'key {next(key for key in keys if keys.count(key) > 1)!r} appears twice')
    return data
