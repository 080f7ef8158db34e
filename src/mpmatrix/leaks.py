"""Shared memory, semaphores and temporary files a case run left behind.

``/dev/shm`` (Linux) is one namespace for the whole machine: under pytest-xdist
several cases run at once, and unrelated programs create segments too. "A file
appeared during this run" therefore says nothing about whose it is, and this
module never removes or blames a file on that ground. A ``/dev/shm`` file is a
run's leak only when the run's own processes show it is theirs, in one of two
ways:

- **they say they created it**: the runner injects ``mpmatrix/observer`` into
  every interpreter of the run, which records in the run's journal the device
  and inode of each POSIX shared memory segment created through
  ``_posixshmem.shm_open`` (``SharedMemory``, whatever its name) and of each
  named semaphore created through ``_multiprocessing.SemLock`` (every
  multiprocessing lock, queue and pool), even one closed at once;
- **they were seen using it**: for a file made in any other way, while the
  case runs and as long as ``/dev/shm`` holds a file that appeared since the
  run began and that no run of the session says it created, the runner lists
  every 50 ms what the run's processes map or hold open there; and when it
  kills them (a timeout, Ctrl-C, a process that outlived the case), it lists
  it once they are all stopped: a file made just before the kill, which the
  journal may not hold yet, is seen there.

And in both cases the file must not have existed before the run began, and no
live process may use it when the run is over. Files are compared by device and
inode, never by name, so a file that later reuses a name is not confused with
the run's. Such a file is then removed so it cannot disturb the next case.
What the run's processes neither created through ``_posixshmem`` or
``_multiprocessing`` nor held for 50 ms (a file made through ``os.open`` or
``ctypes`` and closed at once) is missed: a leak may go unreported, but
nothing that is not the run's is ever touched. (A case could write lies into
its journal; it could as well remove any file itself. It can also remove its
journal: what the runner saw it use, the runner remembers.)

**Temporary files.** Each run gets its own ``TMPDIR``; whatever is left in it
at the end (multiprocessing's ``pymp-*`` listener directories, above all) is
the run's, reported and removed (however deep, following no link: ``remove_tree``).

macOS offers no way to list POSIX shared memory and Windows frees it with the
last handle: there the ``/dev/shm`` checks find nothing; the ``TMPDIR`` check
works everywhere.
"""
from __future__ import annotations

import contextlib
import os
import re
import stat
from pathlib import Path

from mpmatrix import untrusted

SHM_DIR = Path('/dev/shm')
PROC_DIR = Path('/proc')
TRACKER_WARNING = re.compile(r'resource_tracker: There appear to be (\d+) leaked (\w+) objects')
SUPPORTED = SHM_DIR.is_dir() and PROC_DIR.is_dir()
SHM_PREFIX = f'{SHM_DIR}/'
SHM_MAPPED = f' {SHM_PREFIX}'.encode()  # in a line of /proc/PID/maps
JOURNAL_CEILING = 16 * 2 ** 20  # bytes of a journal read: a case's own are a few hundred
_NONBLOCK = getattr(os, 'O_NONBLOCK', 0)
_NOFOLLOW = getattr(os, 'O_NOFOLLOW', 0)
_BINARY = getattr(os, 'O_BINARY', 0)  # Windows: no text-mode translation under Python's own


def identities() -> dict:
    """(device, inode) -> name of every file now in ``/dev/shm`` (empty where there is none)."""
    found = {}
    try:
        entries = list(os.scandir(SHM_DIR))
    except OSError:
        return found
    for entry in entries:
        try:
            stat = entry.stat(follow_symlinks=False)
        except OSError:
            continue  # removed meanwhile
        found[(stat.st_dev, stat.st_ino)] = entry.name
    return found


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
        try:
            with open(f'{PROC_DIR}/{pid}/maps', 'rb') as file:
                maps = file.read()
            fds = os.listdir(f'{PROC_DIR}/{pid}/fd')
        except OSError:
            continue  # gone, or not ours to read
        if SHM_MAPPED in maps:
            for line in maps.splitlines():
                fields = line.split(maxsplit=5)
                if len(fields) == 6 and fields[5].startswith(SHM_MAPPED[1:]):
                    major, minor = (int(part, 16) for part in fields[3].split(b':'))
                    found.add((os.makedev(major, minor), int(fields[4])))
        for fd in fds:
            path = f'{PROC_DIR}/{pid}/fd/{fd}'
            try:
                if os.readlink(path).startswith(SHM_PREFIX):
                    stat = os.stat(path)
                    found.add((stat.st_dev, stat.st_ino))
            except OSError:
                continue  # closed meanwhile
    return found


def remove_orphaned(claimed: set) -> list:
    """Remove those ``claimed`` (device, inode) pairs that still exist and that no live process
    uses; their names, sorted."""
    existing = {key: name for key, name in identities().items() if key in claimed}
    if existing:
        live = in_use()
        existing = {key: name for key, name in existing.items() if key not in live}
    remove(existing.values())
    return sorted(existing.values())


def remove(names) -> None:
    for name in names:
        try:
            (SHM_DIR / name).unlink()
        except FileNotFoundError:
            pass


def start_journal(journal: Path) -> set:
    """Start a run's journal with what ``/dev/shm`` holds before the run: never the run's.
    Returns those files' (device, inode)."""
    journal.touch()
    before = set(identities())
    _append(journal, 'before', before)
    return before


def record_used(journal: Path, used: set) -> None:
    """Note in the journal what the run's processes were seen using (for the runs beside it:
    the runner keeps its own note, so a journal the case removed costs nothing here)."""
    with contextlib.suppress(OSError):
        _append(journal, 'used', used)


def _append(journal: Path, kind: str, keys) -> None:
    if keys:
        handle = _open_journal(journal, os.O_WRONLY | os.O_APPEND)
        with open(handle, 'a', encoding='ascii') as file:
            file.writelines(f'{kind} {device} {inode}\n' for device, inode in sorted(keys))


def read_journal(journal: Path) -> list:
    """The lines of a run's journal (at most JOURNAL_CEILING bytes of it); OSError if it is gone
    or is no longer a plain file."""
    with open(_open_journal(journal, os.O_RDONLY), 'rb') as file:
        return file.read(JOURNAL_CEILING).decode('ascii', errors='replace').splitlines()


def _open_journal(journal: Path, flags: int) -> int:
    """A descriptor of the journal, which the case can reach: never blocking (a FIFO put in its
    place hung the runner), following no link, and only for a plain file."""
    handle = os.open(journal, flags | _NONBLOCK | _NOFOLLOW | _BINARY)
    if not stat.S_ISREG(os.fstat(handle).st_mode):
        os.close(handle)
        raise OSError(f'{journal} is not a plain file')
    return handle


def journal_claims(journal: Path) -> set:
    """The (device, inode) pairs a run's journal says its processes created (``shm``, written
    by the observer) or were seen using (``used``), less those that existed before the run."""
    kinds = {'shm': set(), 'used': set(), 'before': set()}
    try:
        lines = read_journal(journal)
    except OSError:
        return set()
    for line in lines:
        fields = line.split()
        if len(fields) == 3 and fields[0] in kinds and fields[1].isdigit() and fields[2].isdigit():
            kinds[fields[0]].add((int(fields[1]), int(fields[2])))
    return (kinds['shm'] | kinds['used']) - kinds['before']


def claims_of(journals) -> set:
    """What any of these journals claims (``journal_claims``)."""
    found = set()
    for journal in journals:
        found |= journal_claims(journal)
    return found


def temporary_leftovers(directory: Path) -> list:
    """Remove everything left in a run's TMPDIR; return the names (e.g. ``pymp-abc123``). A link
    the case put in the directory's place is not followed: what it points to is not the run's."""
    if untrusted.is_link(directory):
        return []
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    for name in names:
        remove_tree(directory / name)
    return names


# Removal through directory descriptors (POSIX): no link is followed, and no path grows long.
_BY_DESCRIPTOR = (os.open in os.supports_dir_fd and os.unlink in os.supports_dir_fd
                  and os.rmdir in os.supports_dir_fd and os.scandir in os.supports_fd
                  and hasattr(os, 'O_NOFOLLOW') and hasattr(os, 'O_DIRECTORY'))
_OPEN_DIRECTORY = os.O_RDONLY | getattr(os, 'O_DIRECTORY', 0) | getattr(os, 'O_NOFOLLOW', 0)


def remove_tree(path) -> None:
    """Remove ``path`` and everything below it, as far as it can: a link is removed, never what
    it points to, and a tree of any depth is removed without recursion (a case that made 1,500
    nested directories crashed ``shutil.rmtree`` with RecursionError, and left them)."""
    try:
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            os.unlink(path)
            return
        if not _BY_DESCRIPTOR:  # Windows
            _remove_tree_by_path(path)
            return
        handle = os.open(path, _OPEN_DIRECTORY)
    except (OSError, RecursionError):
        return
    entered = []  # the directories gone down into, with the identity of the one above each
    try:
        pending = [_emptied(handle)]  # the subdirectories left to remove, at each depth
        while pending:
            if pending[-1]:
                name = pending[-1].pop()
                try:
                    below = os.open(name, _OPEN_DIRECTORY, dir_fd=handle)
                except OSError:
                    continue  # gone, replaced by a link, or not ours to open: left as it is
                try:  # one that can be listed but not entered (r--) leaves no way back up
                    os.close(os.open('..', _OPEN_DIRECTORY, dir_fd=below))
                except OSError:
                    os.close(below)
                    continue
                entered.append((name, _identity(handle)))
                os.close(handle)
                handle = below
                pending.append(_emptied(handle))
                continue
            pending.pop()
            if entered:  # up again, to the directory we came from (not one moved in its place)
                name, identity = entered.pop()
                above = os.open('..', _OPEN_DIRECTORY, dir_fd=handle)
                os.close(handle)
                handle = above
                if _identity(handle) != identity:
                    return
                with contextlib.suppress(OSError):
                    os.rmdir(name, dir_fd=handle)
    except OSError:
        return
    finally:
        os.close(handle)
    with contextlib.suppress(OSError):
        os.rmdir(path)


def _remove_tree_by_path(top) -> None:
    """``remove_tree`` where there are no directory descriptors (Windows): the same walk, by
    path; a link or junction is removed itself."""
    directories, pending = [], [os.fspath(top)]
    while pending:
        directory = pending.pop()
        directories.append(directory)
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False) and not untrusted.is_link(entry.path):
                        pending.append(entry.path)
                        continue
                    with contextlib.suppress(OSError):
                        try:
                            os.unlink(entry.path)
                        except OSError:  # a link to a directory (Windows), or a junction
                            os.rmdir(entry.path)
        except OSError:
            continue
    for directory in reversed(directories):  # the deepest first
        with contextlib.suppress(OSError):
            os.rmdir(directory)


def _identity(handle: int) -> tuple:
    status = os.fstat(handle)
    return status.st_dev, status.st_ino


def _emptied(handle: int) -> list:
    """Remove the files and links of the directory open as ``handle``; return its subdirectories."""
    directories = []
    with os.scandir(handle) as entries:
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    directories.append(entry.name)
                else:
                    os.unlink(entry.name, dir_fd=handle)
            except OSError:
                continue
    return directories


def tracker_warnings(stderr: str) -> list:
    """The resource tracker's 'leaked objects' warnings, e.g. ``['1 shared_memory']``."""
    return [f'{count} {kind}' for count, kind in TRACKER_WARNING.findall(stderr)]
