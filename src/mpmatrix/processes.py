"""Find and kill every process a case run started, wherever it went.

**Linux.** The runner, each pytest-xdist worker and the pytest controller make
themselves *child subreapers* (``prctl(PR_SET_CHILD_SUBREAPER)``): the kernel
then reparents to them, instead of to init, every process their descendants
orphan. A process cannot leave that subtree by its own choices: emptying its
environment, starting a new session or process group, double-forking or
exec'ing another program all leave it below the runner. So a run's processes
are the case's tree plus whatever was reparented to the runner during the run.

**Everywhere.** Each run also gets a tag in its environment. Forked children
share the parent's initial environment block and spawned ones inherit
``os.environ``, so the tag finds the fork server, the resource tracker, manager
servers, pool workers and grandchildren where there is no subreaper (macOS,
Windows) or when a process slipped out before the runner became one. A process
that both drops the tag and is reparented to init escapes there.

**Killing.** Every process found is stopped first (SIGSTOP), then the tree is
scanned again, until a scan finds nothing new; only then is everything killed.
A stopped process cannot fork, and a stopped parent cannot reap its children,
so their pids cannot be reused meanwhile: a process that re-forks every few
milliseconds cannot outrun the kill. The orphans reparented to us are then
zombies that only we can reap: we wait for exactly those pids, never for the
case's own process (``subprocess.Popen`` waits for that one). A zombie found
while stopping is reaped at once, as it needs no stopping: kept to the end, the
zombies of a process that re-forks without pause slowed every round of the kill
and could use up the machine's pids.

**Cost.** A run is watched every few milliseconds, and a machine may run hundreds of
other processes. On Linux pids are handed out in increasing order until they wrap
around at ``pid_max``, so the processes a run started are those with a pid above the
last one handed out before it began (``/proc/sys/kernel/ns_last_pid``), or, once the
pids wrapped around, below the last one handed out since: only their ``/proc`` entries
are read (``Newer``). Before saying that nothing of a run is left, every process is
listed; the runner's own descendants from before the run are then told apart by their
start time, earlier than the case's.
"""
from __future__ import annotations

import ctypes
import functools
import os
import select
import signal
import subprocess
import sys
import threading
import time
import uuid

import psutil

from mpmatrix import untrusted

TAG_VARIABLE = 'MPMATRIX_RUN_TAG'
# Set by a test session so that its end-of-session check finds its own runs only.
SESSION_VARIABLE = 'MPMATRIX_SESSION'
PR_SET_CHILD_SUBREAPER = 36
PR_GET_CHILD_SUBREAPER = 37
LINUX = sys.platform.startswith('linux')
# How long a wait for a process to end may last where it cannot wake when it does.
POLL_SECONDS = 0.01
POSIX = os.name == 'posix'


def new_session() -> str:
    """Start a session: runs started from here on get tags beginning with the returned prefix."""
    os.environ[SESSION_VARIABLE] = uuid.uuid4().hex
    return session_prefix()


def session_prefix() -> str:
    return os.environ.get(SESSION_VARIABLE, 'nosession') + '.'


def new_tag() -> str:
    return session_prefix() + uuid.uuid4().hex


def become_subreaper() -> bool:
    """Make this process the reaper of everything its descendants orphan (Linux only), and deaf
    to the ADOPTED_SIGNALS those orphans may send it.

    Returns whether it is one. Harmless to call again.
    """
    if not LINUX:
        return False
    libc = _libc()
    flag = ctypes.c_int(0)
    if not (libc.prctl(PR_GET_CHILD_SUBREAPER, ctypes.byref(flag), 0, 0, 0) == 0 and flag.value) \
            and libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        return False
    _catch(ADOPTED_SIGNALS, _ignore)  # also where the flag came with us through exec
    return True


# Signals that end a process by default, that nobody sends pytest or mpmatrix to stop them, and
# that an orphan sends its subreaper, which it takes for its parent: a case's child telling its
# parent it is done (SIGUSR1) killed the runner and left the child running. Caught, not ignored:
# a program the runner starts gets them back as they were (exec resets a caught signal only).
ADOPTED_SIGNALS = ('SIGUSR1', 'SIGUSR2', 'SIGALRM', 'SIGVTALRM', 'SIGPROF')
# What a user, a terminal or a CI runner sends to stop a process: taken as Ctrl-C is. From an
# adopted orphan, one stops the session as Ctrl-C would: every case tree killed.
STOP_SIGNALS = ('SIGTERM', 'SIGHUP')


def clear_inherited_signal_state() -> None:
    """Undo what a launcher did to the signals every case inherits through ``exec``: a blocked
    signal stays blocked there and an ignored one ignored. Blocked, SIGCHLD hangs every fork
    server's child; ignored, the kernel reaps children at once, and their exit codes (the cases'
    and ours) are lost. So: no signal blocked, and SIGCHLD back to its default. Call it from the
    main thread before any other thread or process starts: a new thread or process inherits the
    mask of the thread that creates it. An ignored SIGINT or SIGQUIT (a background job of a shell
    has them) is left: that is the launcher's choice, and the one case that reads SIGINT sets it."""
    if threading.current_thread() is not threading.main_thread():
        return
    if hasattr(signal, 'pthread_sigmask'):
        signal.pthread_sigmask(signal.SIG_SETMASK, ())
    if hasattr(signal, 'SIGCHLD'):
        seen = signal.getsignal(signal.SIGCHLD)
        # PyPy reports an inherited SIG_IGN as SIG_DFL. CPython's SIG_DFL may hide a handler an
        # extension installed in C (libev): it is left alone.
        if seen == signal.SIG_IGN or (seen == signal.SIG_DFL and sys.implementation.name == 'pypy'):
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)


def _catch(names, handler) -> None:
    """Install ``handler`` for the signals named that this platform has, where the default holds
    (never over a handler someone installed); only the main thread can."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in filter(None, (getattr(signal, name, None) for name in names)):
        if signal.getsignal(signum) == signal.SIG_DFL:
            signal.signal(signum, handler)


def _ignore(signum, frame):
    pass


@functools.lru_cache(maxsize=None)
def interrupt_on_termination(before=None) -> None:
    """Where SIGTERM or SIGHUP would end the process at once (their default), make them a
    KeyboardInterrupt, so that what is under way stops as on Ctrl-C: the case running is killed
    with its tree.

    Once one is taken, both are caught and ignored: a second one (the whole process group
    signalled, and a signal passed on as well, or a hang-up and then a SIGTERM) would interrupt
    the stopping; SIGKILL remains for a process that does not stop. ``before(signum)`` runs
    first (the pytest controller passes it on to its xdist workers). TERMINATED tells apart an
    interruption that came by one of them.
    """
    _catch(STOP_SIGNALS, functools.partial(_interrupt, before))


TERMINATED = threading.Event()


def _interrupt(before, signum, frame):
    # Any of them, not only this one: a hang-up reaches every process of the terminal, and then a
    # parent passes on its SIGTERM too (SIGHUP, then SIGTERM: a second interruption mid-stop).
    # Caught by a handler that does nothing, not ignored: one that arrived with this one, its
    # handler not run yet, would raise OSError ("ignored due to race condition") once ignored.
    for other in filter(None, (getattr(signal, name, None) for name in STOP_SIGNALS)):
        if getattr(signal.getsignal(other), 'func', None) is _interrupt:
            signal.signal(other, _ignore)
    TERMINATED.set()
    if before is not None:
        before(signum)
    raise KeyboardInterrupt(f'signal {signum}')


def wait_letting_it_stop(child, stop_seconds: float) -> int:
    """Wait for ``child`` (a ``subprocess.Popen`` of a pytest session). Interrupted, give it
    ``stop_seconds`` to stop its cases and write its results, as it does on Ctrl-C, then kill it.
    Ctrl-C from a terminal reaches it as well (our process group); SIGTERM, which reached only
    us, is passed on."""
    try:
        return child.wait()
    except KeyboardInterrupt:
        if TERMINATED.is_set():
            child.send_signal(signal.SIGTERM)
        try:
            child.wait(stop_seconds)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        raise


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def tagged(prefix: str, table: dict = None) -> list:
    """Pids of live processes whose tag starts with ``prefix`` (a run's tag, or a session's
    prefix), among those of ``table`` (a ``_table()``; default: every process)."""
    found = []
    if table is None:
        listed = psutil.process_iter()
    else:
        listed = filter(None, (_process(pid) for pid, info in table.items() if not info.zombie))
    for process in listed:
        if process.pid == os.getpid():
            continue
        try:
            value = process.environ().get(TAG_VARIABLE, '')
            if value.startswith(prefix) and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process.pid)
        except (psutil.Error, OSError):
            continue  # gone, or not ours to read
    return found


class _Info:
    __slots__ = ('ppid', 'zombie', 'group', 'session', 'start')

    def __init__(self, ppid, zombie, group=None, session=None, start=None):
        self.ppid, self.zombie, self.group, self.session = ppid, zombie, group, session
        self.start = start  # clock ticks after boot (Linux)


def _table(only=None) -> dict:
    """pid -> _Info for every process (``only``: of those pids), read as fast as possible:
    the kill below races against processes that fork."""
    table = {}
    if not LINUX:
        listed = psutil.process_iter() if only is None else (_process(pid) for pid in only)
        for process in filter(None, listed):
            try:
                table[process.pid] = _Info(process.ppid(), process.status() == psutil.STATUS_ZOMBIE)
            except psutil.Error:
                continue  # gone
        return table
    for pid in _listed() if only is None else only:
        try:
            with open(f'/proc/{pid}/stat', 'rb') as stat:
                fields = stat.read().rsplit(b')', 1)[1].split()
        except OSError:
            continue  # gone
        # fields 3 (state), 4 (ppid), 5 (group), 6 (session), 20 (threads) and 22 (start time) of
        # proc(5). A leader whose own thread ended (pthread_exit, SYS_exit) shows Z while its other
        # threads run on: that process is alive, and cannot be reaped yet.
        zombie = fields[0] == b'Z' and int(fields[17]) <= 1
        table[pid] = _Info(int(fields[1]), zombie, int(fields[2]), int(fields[3]), int(fields[19]))
    return table


def _listed() -> list:
    return [int(name) for name in os.listdir('/proc') if name.isdigit()]


def _process(pid: int):
    try:
        return psutil.Process(pid)
    except psutil.Error:
        return None  # gone


def _last_pid():
    """The pid last handed out in our pid namespace (Linux), or None where it cannot be read."""
    try:
        with open('/proc/sys/kernel/ns_last_pid', 'rb') as file:
            return int(file.read())
    except (OSError, ValueError):
        return None


class Newer:
    """Lists the processes created since it was made, reading only their /proc entries
    (Linux). Pids are handed out in increasing order, wrapping around at pid_max: a process
    created since then has a pid above the last one handed out before (the floor) and at
    most the last one handed out when /proc was listed; once the counter wrapped around
    (it drops), also one at most that last pid. Only when it passes the floor again (it
    went all the way round) is every process listed, from then on; elsewhere, always.
    A wrap is seen as a drop because the counter is read often enough (``watch``: the
    runner reads it at every wait, at most 50 ms apart) that it cannot go all the way round
    between two reads: that takes pid_max new processes or threads (32768 or more); a case
    that only starts threads for three seconds does it.
    """

    def __init__(self):
        self.floor = self.last = _last_pid() if LINUX else None
        self.wrapped = False

    def watch(self) -> None:
        """Read the counter, and note whether it wrapped around, or went all the way round."""
        if self.floor is None:
            return
        last = _last_pid()
        lapped = False
        if last is not None and last < self.last:  # the counter dropped: it wrapped around
            lapped, self.wrapped = self.wrapped, True
        if last is None or lapped or (self.wrapped and last > self.floor):
            self.floor = None  # all the way round: any pid may be a new one now
        else:
            self.last = last

    def table(self) -> dict:
        if self.floor is None:
            return _table()
        listed = _listed()
        self.watch()  # after listing: every pid listed is at most the counter read
        if self.floor is None:
            return _table(listed)
        if self.wrapped:  # a fast forker crosses pid_max in seconds: no listing of everything
            return _table([pid for pid in listed if pid > self.floor or pid <= self.last])
        return _table([pid for pid in listed if self.floor < pid <= self.last])


def wait_for_any(pids, timeout: float) -> None:
    """Sleep until one of ``pids`` ends, at most ``timeout`` seconds. Through pidfds (Linux
    5.3+, Python 3.9+) the wait is over the moment one ends; elsewhere it lasts at most
    POLL_SECONDS, and the caller notices an exit by looking again."""
    notices = []
    try:
        for pid in pids:
            notices.append(os.pidfd_open(pid))
        select.select(notices, [], [], max(0.0, timeout))
    except ProcessLookupError:
        return  # one of them has ended already
    except (AttributeError, OSError):  # no pidfds here
        time.sleep(max(0.0, min(timeout, POLL_SECONDS)))
    finally:
        for notice in notices:
            os.close(notice)


def descendants(pid: int, table: dict = None) -> list:
    """Pids of everything below ``pid`` in the process tree (zombies included)."""
    table = _table() if table is None else table
    children = {}
    for child, info in table.items():
        children.setdefault(info.ppid, []).append(child)
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            found.append(child)
            todo.append(child)
    return found


class Run:
    """The processes of one case run: the case's tree, what was reparented to us since the
    run began (subreaper), and whatever carries the run's tag."""

    def __init__(self, tag: str):
        self.tag = tag
        self.root = None  # the case's pid (our child, and the leader of its process group)
        self.began = None  # the case's start time, in clock ticks after boot (Linux)
        self.reaper = become_subreaper()
        self.newer = Newer()
        # Our descendants from before the run are not the run's. On Linux their start time
        # tells them apart (``began``); elsewhere they are listed now.
        self.before = set() if LINUX else set(descendants(os.getpid()))

    def watch(self) -> None:
        """Keep track of the pid counter between looks at the run's processes (see Newer)."""
        self.newer.watch()

    def started(self, pid: int) -> None:
        """The case's process has started as ``pid``: the run began when it did."""
        self.root = pid
        info = _table(only=[pid]).get(pid)
        self.began = info.start if info else None

    def pids(self, with_tagged: bool = True, table: dict = None) -> set:
        """Pids of the run's processes, live ones and zombies (``with_tagged``: also those
        found by tag, a slower scan). Only what is below us or tagged: once reaped, the
        case's pid may be another program's."""
        table = self.newer.table() if table is None else table
        found = set(descendants(os.getpid(), table)) - self.before
        if self.began is not None:  # a process started in the same clock tick just before it counts
            found = {pid for pid in found if table[pid].start >= self.began}
        if with_tagged:
            found |= self._tagged(table)
        found.discard(os.getpid())
        return found

    def _tagged(self, table: dict) -> set:
        """Those of ``table`` that carry the run's tag, and what is below them (a process that
        carries the tag was created during the run)."""
        found = set()
        for pid in tagged(self.tag, table):
            found |= {pid, *descendants(pid, table)}
        found.discard(os.getpid())
        return found

    def alive(self) -> set:
        """Pids of the run's processes that are alive, or have ended since the last call.

        A listing of /proc is not one instant: a process that re-forks may show only as
        zombies in it, so a zombie that was the run's counts as a sign of life (once: then
        it is reaped). Where we are the subreaper, the tag is looked for only once the run's
        processes below us seem gone (a tagged process elsewhere would be a surprise there).
        """
        table = self.newer.table()
        found = self.pids(with_tagged=not self.reaper, table=table)
        if not found and self.reaper:
            found = self._tagged(table)
        ended = reap_orphans(found, keep=self.root)
        return ended | {pid for pid in found if pid in table and not table[pid].zombie}

    def kill(self, on_stopped=None) -> list:
        """Stop, then kill, every process of the run; describe those that were alive."""
        return kill(lambda: self.pids(with_tagged=False), lambda: self.pids(table=_table()),
                    keep=self.root, on_stopped=on_stopped)  # at the last, every process


def kill(find, find_thoroughly=None, keep: int = None, on_stopped=None) -> list:
    """Stop everything ``find()`` returns until it returns nothing new, then kill it all.

    ``find`` returns a set of pids, fast; it is called again after each round of stopping,
    so a process forked meanwhile is found and stopped too. ``find_thoroughly`` (slower) is
    asked once ``find`` has nothing new. Once the killed are dead, both are asked again: a
    fork under way when its parent was stopped shows its child only when it completes (the
    child then starts stopped, by the signal sent to its group). ``on_stopped(pids)`` is called
    with each round's stopped processes before they are killed (POSIX): they can change
    nothing meanwhile, so what they hold can be read. Returns a description of each process
    that was alive. Then reaps those that are our children (not ``keep``: a Popen's own).
    """
    stopped, killed, names = set(), set(), []
    while True:
        new = set(find()) - stopped
        if not new and find_thoroughly is not None:
            new = set(find_thoroughly()) - stopped
        if not new:
            if stopped == killed:
                break
            if on_stopped is not None and POSIX:
                on_stopped(stopped - killed)
            names += _kill_stopped(stopped - killed)
            killed |= stopped
            continue
        # A zombie needs no stopping; reaped now, it does not slow the next round, and a
        # process that re-forks without pause does not use up the machine's pids meanwhile.
        new -= reap_orphans(new, keep=keep)
        if not POSIX:  # nothing to stop there, the kill comes at once: describe first
            names += [describe(pid) for pid in sorted(new)]
        _stop(new, keep)
        stopped |= new
    reap_orphans(stopped, keep=keep)
    return names


def _kill_stopped(pids: set) -> list:
    """SIGKILL the stopped ``pids``; describe those that were alive; wait until they are dead."""
    names = []
    if POSIX:
        table = _table(only=pids)
        names = [describe(pid) for pid in sorted(pids) if pid in table and not table[pid].zombie]
        for pid in pids:
            _signal(pid, signal.SIGKILL)
    _wait_dead(pids)
    return names


def _stop(pids: set, root: int = None) -> None:
    """SIGSTOP ``pids``; a whole process group at once (the kernel lets no fork slip past a
    signal sent to a group) when the group is surely the run's: the case's own (``root``),
    or any group of a session other than ours (the run's processes began in our session,
    and a session cannot be joined, only created: so a run process in another session is
    in one a run process created, and everything in that session is the run's)."""
    if not POSIX:
        for pid in pids:
            _signal(pid, None)
        return
    table = _table(only=pids) if LINUX else {}
    session, groups = os.getsid(0), set()
    for pid in pids:
        info = table.get(pid)
        if info is not None and info.group not in groups and (
                info.group == root or info.session != session):
            groups.add(info.group)
            try:
                os.killpg(info.group, signal.SIGSTOP)
            except OSError:
                pass
        _signal(pid, signal.SIGSTOP)


def _signal(pid: int, signum) -> None:
    try:
        if signum is None:  # Windows: there is no stopping; TerminateProcess
            psutil.Process(pid).kill()
        else:
            os.kill(pid, signum)
    except (OSError, psutil.Error):
        pass  # gone


def _wait_dead(pids: set, timeout: float = 5.0) -> None:
    """Until each of ``pids`` is a zombie or gone (SIGKILL is not instantaneous on a busy machine)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        table = _table(only=pids)
        if not any(not info.zombie for info in table.values()):
            return
        time.sleep(0.01)


def reap_orphans(pids, keep: int = None) -> set:
    """Collect the exit status of those of ``pids`` that are our own zombie children, except
    ``keep`` (a subprocess.Popen waits for its own child); return their pids."""
    reaped = set()
    if not POSIX or not pids:
        return reaped
    me = os.getpid()
    for pid, info in _table(only=pids).items():
        if pid != keep and info.ppid == me and info.zombie:
            try:
                if os.waitpid(pid, os.WNOHANG)[0] == pid:
                    reaped.add(pid)
            except ChildProcessError:
                pass
    return reaped


def describe(pid: int, attempts: int = 20) -> str:
    """``pid 12 (sleep 60)``. A process in the middle of execve shows an empty command line (a
    SIGSTOP takes effect only once the call returns), so an empty one is read again, briefly."""
    try:
        process = psutil.Process(pid)
        for _ in range(attempts):
            command = process.cmdline()
            if command:
                return f'pid {pid} ({untrusted.printable_line(" ".join(command)[:120])})'
            time.sleep(0.005)
    except psutil.Error:
        pass
    return f'pid {pid}'
