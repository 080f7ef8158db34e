"""Find and kill every process a case run started, wherever it was reparented.

Each run gets a tag in its environment. Forked children share the parent's
initial environment block and spawned ones inherit ``os.environ``, so the tag
finds the fork server, the resource tracker, manager servers, pool workers and
grandchildren even after they were reparented to init. Walking the process
tree from the case's pid catches the rest (a child started with an emptied
environment).
"""
from __future__ import annotations

import os
import time
import uuid

import psutil

TAG_VARIABLE = 'MPMATRIX_RUN_TAG'
# Set by a test session so that its end-of-session check finds its own runs only.
SESSION_VARIABLE = 'MPMATRIX_SESSION'


def new_session() -> str:
    """Start a session: runs started from here on get tags beginning with the returned prefix."""
    os.environ[SESSION_VARIABLE] = uuid.uuid4().hex
    return session_prefix()


def session_prefix() -> str:
    return os.environ.get(SESSION_VARIABLE, 'nosession') + '.'


def new_tag() -> str:
    return session_prefix() + uuid.uuid4().hex


def tagged(prefix: str) -> list:
    """Live processes whose tag starts with ``prefix`` (a run's tag, or a session's prefix)."""
    found = []
    for process in psutil.process_iter():
        if process.pid == os.getpid():
            continue
        try:
            value = process.environ().get(TAG_VARIABLE, '')
            if value.startswith(prefix) and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process)
        except (psutil.Error, OSError):
            continue  # gone, or not ours to read
    return found


def descendants(pid: int) -> list:
    """``pid`` and everything below it in the process tree, if still alive."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def run_processes(tag: str, pid: int) -> list:
    """Every live process belonging to one run, the root first: by tree from ``pid``, and by tag."""
    unique = {process.pid: process for process in descendants(pid) + tagged(tag)}
    return list(unique.values())


def kill(processes: list, timeout: float = 1.0) -> list:
    """SIGKILL (TerminateProcess on Windows) all of ``processes``; return those still alive.

    A killed process counts as dead once it is a zombie: reaping it is its parent's job.
    """
    for process in processes:
        try:
            process.kill()
        except psutil.Error:
            pass
    deadline = time.monotonic() + timeout
    while True:
        alive = [process for process in processes if _alive(process)]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.02)


def _alive(process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def reap(tag: str, pid: int, grace: float) -> list:
    """Wait up to ``grace`` s for a run's processes to exit by themselves; kill and name the rest."""
    remaining = run_processes(tag, pid)
    if not remaining:
        return []
    deadline = time.monotonic() + grace
    alive = [process for process in remaining if _alive(process)]
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = [process for process in alive if _alive(process)]
    names = [describe(process) for process in alive]
    kill(alive)
    return names


def describe(process) -> str:
    try:
        return f'pid {process.pid} ({" ".join(process.cmdline())[:120]})'
    except psutil.Error:
        return f'pid {process.pid}'
