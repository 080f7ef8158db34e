"""Reading a file that anyone may have put there (a contributed case, an uploaded results file):
a regular file only, opened without following a link and without blocking, read up to a limit.

A FIFO would block the reader forever, and a link to ``/dev/zero`` would fill its memory.
"""
from __future__ import annotations

import os
import stat


class Refused(ValueError):
    """Not a regular file, or too large; ``kind`` is ``'link'``, ``'special'`` or ``'large'``."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


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
