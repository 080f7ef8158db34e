"""Files written whole or not at all, by one writer at a time, across processes.

A writer holds ``.NAME.lock`` beside the file (filelock: ``flock`` on POSIX,
``msvcrt.locking`` on Windows; the OS drops the lock when its holder dies, even
by ``kill -9``), writes ``.NAME.<random>.tmp`` and renames it over ``NAME``.
Since every writer holds the lock while its temporary exists, a temporary that
the lock's holder finds was left by a writer that died mid-write: it is removed.
"""
from __future__ import annotations

import contextlib
import datetime
import glob
import os
import secrets
import stat
from pathlib import Path

LOCK_TIMEOUT = 300  # seconds; the lock is held for one read and one write of a results file


@contextlib.contextmanager
def locked(path):
    """Hold ``path``'s lock for the ``with`` block; TimeoutError after LOCK_TIMEOUT seconds."""
    import filelock  # only where a file is written: the pytest workers skip its 35 ms import

    path = Path(path)
    lock_path = path.with_name(f'.{path.name}.lock')
    # os.replace would put a file where a directory, a device (/dev/null) or a link was; filelock
    # before 3.20.1 (the newest on Python 3.8 is 3.16.1) opens the lock with O_TRUNC and then
    # chmods it, following a link: the file it points to would be emptied (CVE-2025-68146).
    for target, refusal in ((path, 'not replaced'), (lock_path, 'not used as a lock')):
        if os.path.lexists(target) and not stat.S_ISREG(os.lstat(target).st_mode):
            raise FileExistsError(f'{target} exists and is not a regular file: {refusal}')
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(str(lock_path), timeout=LOCK_TIMEOUT)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise TimeoutError(f'{path}: another process has held its lock for {LOCK_TIMEOUT} s') from None
    try:
        yield
    finally:
        lock.release()


def replace(path, text: str) -> list:
    """Write ``text`` to ``path`` atomically; the caller holds ``locked(path)``.

    Returns the names of the stale temporaries it removed first. The file gets the
    usual mode (0666 less the umask), not mkstemp's 0600.
    """
    path = Path(path)
    removed = _remove_stale_temporaries(path)
    temporary = path.with_name(f'.{path.name}.{secrets.token_hex(8)}.tmp')
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_BINARY', 0)
    handle = os.open(temporary, flags, 0o666)
    try:
        with os.fdopen(handle, 'w', encoding='utf-8', newline='\n') as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return removed


def set_aside(path) -> Path:
    """Rename ``path`` to ``NAME.bad-<UTC time>`` (never over another file); the caller holds the lock."""
    path = Path(path)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime('%Y%m%dT%H%M%SZ')
    target = path.with_name(f'{path.name}.bad-{stamp}')
    number = 1
    while target.exists():
        number += 1
        target = path.with_name(f'{path.name}.bad-{stamp}-{number}')
    os.rename(path, target)
    return target


def _remove_stale_temporaries(path: Path) -> list:
    """Remove what a killed writer left; a directory so named is not one of ours, and is let be."""
    removed = []
    for name in sorted(glob.glob(glob.escape(str(path.with_name(f'.{path.name}.'))) + '*.tmp')):
        if os.path.isdir(name) and not os.path.islink(name):
            continue
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)
            removed.append(Path(name).name)
    return removed
