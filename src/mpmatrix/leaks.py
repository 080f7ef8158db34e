"""Shared-memory segments and POSIX semaphores a case left behind (Linux: ``/dev/shm``).

Several cases run at once under pytest-xdist, so a segment that appears during
one run may belong to another run that is still using it. A segment counts as
leaked only if no live process has it mapped or open; it is then removed, so
it cannot disturb the next case. macOS offers no way to list POSIX shared
memory, and Windows frees it with the last handle: there the check is a no-op.
"""
from __future__ import annotations

import os
import re
import time
from pathlib import Path

SHM_DIR = Path('/dev/shm')
# Names multiprocessing gives its segments: SharedMemory (psm_, wnsm_) and SemLock (sem.mp-).
OURS = re.compile(r'^(psm_|wnsm_|sem\.mp-)')
TRACKER_WARNING = re.compile(r'resource_tracker: There appear to be (\d+) leaked (\w+) objects')


def snapshot() -> set:
    """Names of multiprocessing's segments now in ``/dev/shm`` (empty where there is none)."""
    try:
        return {entry.name for entry in os.scandir(SHM_DIR) if OURS.match(entry.name)}
    except OSError:
        return set()


def leaked_since(before: set) -> set:
    """Segments that appeared since the snapshot ``before`` and that nobody uses any more.

    Looked at twice, a moment apart, so that a segment another run has just
    created but not yet mapped is not mistaken for a leak.
    """
    suspects = orphaned(snapshot() - before)
    if suspects:
        time.sleep(0.2)
        suspects = orphaned(suspects)
    return suspects


def orphaned(names: set) -> set:
    """Those of ``names`` that still exist and that no live process maps or holds open.

    Files are compared by device and inode, not by path: glibc creates a semaphore under a
    temporary name, maps it, and only then links it to its final name.
    """
    inodes = {}
    for name in names:
        try:
            stat = (SHM_DIR / name).stat()
            inodes[(stat.st_dev, stat.st_ino)] = name
        except FileNotFoundError:
            continue
    if not inodes:
        return set()
    in_use = set()
    for proc in Path('/proc').iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for line in (proc / 'maps').read_text().splitlines():
                fields = line.split(maxsplit=5)
                if len(fields) == 6 and fields[5].startswith(str(SHM_DIR)):
                    major, minor = (int(part, 16) for part in fields[3].split(':'))
                    in_use.add((os.makedev(major, minor), int(fields[4])))
            for fd in (proc / 'fd').iterdir():
                stat = fd.stat()
                in_use.add((stat.st_dev, stat.st_ino))
        except OSError:
            continue
    return {name for inode, name in inodes.items() if inode not in in_use}


def remove(names: set) -> None:
    for name in names:
        try:
            (SHM_DIR / name).unlink()
        except FileNotFoundError:
            pass


def tracker_warnings(stderr: str) -> list:
    """The resource tracker's 'leaked objects' warnings, e.g. ``['1 shared_memory']``."""
    return [f'{count} {kind}' for count, kind in TRACKER_WARNING.findall(stderr)]
