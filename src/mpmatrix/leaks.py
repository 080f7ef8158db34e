"""Shared-memory segments and POSIX semaphores a case left behind (Linux: ``/dev/shm``).

``/dev/shm`` is one namespace for the whole machine, and under pytest-xdist
several cases run at once, so "a segment appeared during this run" does not
say whose it is. While a case runs, the runner therefore samples which
``/dev/shm`` files its processes map or hold open (``in_use``). Once the run
is over, a segment counts as this run's leak only if the run's processes were
seen using it and no live process uses it any more; it is then removed, so it
cannot disturb the next case. A leak too brief to be sampled is still caught
by the end-of-session check, which claims every orphan that appeared during
the session. macOS offers no way to list POSIX shared memory, and Windows
frees it with the last handle: there these checks find nothing.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

SHM_DIR = Path('/dev/shm')
PROC_DIR = Path('/proc')
# Names multiprocessing gives its segments: SharedMemory (psm_, wnsm_) and SemLock (sem.mp-).
OURS = re.compile(r'^(psm_|wnsm_|sem\.mp-)')
TRACKER_WARNING = re.compile(r'resource_tracker: There appear to be (\d+) leaked (\w+) objects')
SUPPORTED = SHM_DIR.is_dir() and PROC_DIR.is_dir()


def snapshot() -> set:
    """Names of multiprocessing's segments now in ``/dev/shm`` (empty where there is none)."""
    try:
        return {entry.name for entry in os.scandir(SHM_DIR) if OURS.match(entry.name)}
    except OSError:
        return set()


def in_use(pids=None) -> set:
    """(device, inode) of every ``/dev/shm`` file that ``pids`` (default: all) map or hold open.

    Files are compared by device and inode, not by path: glibc creates a
    semaphore under a temporary name, maps it, and only then links it to its
    final name.
    """
    if not SUPPORTED:
        return set()
    if pids is None:
        pids = [int(entry.name) for entry in os.scandir(PROC_DIR) if entry.name.isdigit()]
    found = set()
    for pid in pids:
        proc = PROC_DIR / str(pid)
        try:
            for line in (proc / 'maps').read_text().splitlines():
                fields = line.split(maxsplit=5)
                if len(fields) == 6 and fields[5].startswith(str(SHM_DIR)):
                    major, minor = (int(part, 16) for part in fields[3].split(':'))
                    found.add((os.makedev(major, minor), int(fields[4])))
            for fd in (proc / 'fd').iterdir():
                try:
                    if os.readlink(fd).startswith(str(SHM_DIR)):
                        stat = fd.stat()
                        found.add((stat.st_dev, stat.st_ino))
                except OSError:
                    continue  # closed meanwhile
        except OSError:
            continue  # gone, or not ours to read
    return found


def identities(names: set) -> dict:
    """(device, inode) -> name, for those of ``names`` that still exist."""
    found = {}
    for name in names:
        try:
            stat = (SHM_DIR / name).stat()
        except FileNotFoundError:
            continue
        found[(stat.st_dev, stat.st_ino)] = name
    return found


def orphaned(names: set, used_by: set = None) -> set:
    """Those of ``names`` that still exist and no live process uses (optionally: that
    ``used_by``, a set of identities from ``in_use``, shows some process once used)."""
    existing = identities(names)
    if used_by is not None:
        existing = {key: name for key, name in existing.items() if key in used_by}
    if not existing:
        return set()
    live = in_use()
    return {name for key, name in existing.items() if key not in live}


def remove(names: set) -> None:
    for name in names:
        try:
            (SHM_DIR / name).unlink()
        except FileNotFoundError:
            pass


def tracker_warnings(stderr: str) -> list:
    """The resource tracker's 'leaked objects' warnings, e.g. ``['1 shared_memory']``."""
    return [f'{count} {kind}' for count, kind in TRACKER_WARNING.findall(stderr)]
