"""mpmatrix's observer, loaded at start-up by every interpreter of a case run.

The runner puts this directory on ``PYTHONPATH`` and names the run's journal in
``MPMATRIX_JOURNAL``. Nothing here changes what a case sees or can do: it
imports no module the case would not import itself (it patches
multiprocessing's modules only when the case imports them), removes itself from
``sys.path``, and then loads the ``sitecustomize`` it hid, if any. It records:

- ``exit PID CODE SIGNALLED``: the exit code of each multiprocessing child, as
  its parent learns it; SIGNALLED is 1 when the parent itself terminated or
  killed that child (``Pool.terminate``, ``Process.kill``), or told it to shut
  down (a manager's server, at ``Manager.shutdown``). Nothing is recorded
  when the parent never learned it: a fork server child whose status another
  thread read first is given 255 (python/cpython#130895);
- ``shm DEVICE INODE``: each POSIX shared memory segment or named semaphore a
  process creates (the file in ``/dev/shm``, by device and inode).
"""
import os
import sys

_JOURNAL = os.environ.get('MPMATRIX_JOURNAL')
_HERE = os.path.dirname(os.path.abspath(__file__))


def _record(line):
    try:
        fd = os.open(_JOURNAL, os.O_WRONLY | os.O_APPEND)
        try:
            os.write(fd, (line + '\n').encode('ascii'))
        finally:
            os.close(fd)
    except OSError:
        pass  # the journal is gone: the runner will say so


def _observe_exits(popen_class, unread=None):
    """``unread``: a thread-local whose ``failed`` is set when the exit status could not be read."""
    if 'poll' in vars(popen_class):
        original_poll = popen_class.poll

        def poll(self, *args, **kwargs):
            known = getattr(self, 'returncode', None) is not None
            if unread is not None:
                unread.failed = False
            result = original_poll(self, *args, **kwargs)
            if (not known and getattr(self, 'returncode', None) is not None
                    and not getattr(unread, 'failed', False)):
                signalled = getattr(self, '_mpmatrix_signalled', 0)
                _record(f'exit {self.pid} {self.returncode} {signalled}')
            return result

        popen_class.poll = poll
    if '_send_signal' in vars(popen_class):
        original_send_signal = popen_class._send_signal

        def _send_signal(self, *args, **kwargs):
            self._mpmatrix_signalled = 1
            return original_send_signal(self, *args, **kwargs)

        popen_class._send_signal = _send_signal


def _observe_shared_memory(module):
    posixshmem = getattr(module, '_posixshmem', None)
    if posixshmem is None:  # Windows
        return
    original_shm_open = posixshmem.shm_open

    def shm_open(*args, **kwargs):
        fd = original_shm_open(*args, **kwargs)
        flags = args[1] if len(args) > 1 else kwargs.get('flags', 0)
        if flags & os.O_CREAT:
            try:
                stat = os.fstat(fd)
                _record(f'shm {stat.st_dev} {stat.st_ino}')
            except OSError:
                pass
        return fd

    posixshmem.shm_open = shm_open


def _record_file(path):
    try:
        stat = os.stat(path)
    except OSError:
        return  # unlinked at once
    _record(f'shm {stat.st_dev} {stat.st_ino}')


class _SemLockFactory:
    """Stands in for ``_multiprocessing.SemLock``: creates the same objects, and records the
    file behind a named semaphore (glibc: /dev/shm/sem.NAME)."""

    def __init__(self, semlock):
        self._semlock = semlock

    def __call__(self, *args, **kwargs):
        semlock = self._semlock(*args, **kwargs)
        name = args[3] if len(args) > 3 else kwargs.get('name')
        if isinstance(name, str) and sys.platform.startswith('linux'):
            _record_file('/dev/shm/sem.' + name.lstrip('/'))
        return semlock

    def __getattr__(self, name):  # SEM_VALUE_MAX, _rebuild
        return getattr(self._semlock, name)


def _observe_semaphores(module):
    if hasattr(module, 'SemLock'):
        module.SemLock = _SemLockFactory(module.SemLock)


def _observe_forkserver_exits(module):
    """The fork server sends each child's exit status down a pipe; when two threads poll the
    same child, the one that finds the pipe empty sets 255 (python/cpython#130895)."""
    import threading  # already imported by multiprocessing

    unread = threading.local()
    original_read_signed = module.forkserver.read_signed

    def read_signed(fd):
        try:
            return original_read_signed(fd)
        except (OSError, EOFError):
            unread.failed = True
            raise

    module.forkserver.read_signed = read_signed
    _observe_exits(module.Popen, unread)


def _observe_manager_shutdown(module):
    """A manager's server that its manager tells to shut down is ended by its parent, as a
    terminated child is: its exit status says nothing about the case (PyPy 3.9's server
    crashes with SIGSEGV while exiting, about once in 300 shutdowns)."""
    original = module.BaseManager.__dict__['_finalize_manager'].__func__

    def _finalize_manager(process, *args, **kwargs):
        popen = getattr(process, '_popen', None)
        if popen is not None and process.is_alive():  # one that died before is the case's
            popen._mpmatrix_signalled = 1
        return original(process, *args, **kwargs)

    module.BaseManager._finalize_manager = staticmethod(_finalize_manager)


_PATCHES = {
    'multiprocessing.managers': _observe_manager_shutdown,
    'multiprocessing.popen_fork': lambda module: _observe_exits(module.Popen),
    'multiprocessing.popen_forkserver': _observe_forkserver_exits,
    'multiprocessing.shared_memory': _observe_shared_memory,
    '_multiprocessing': _observe_semaphores,
}


class _Loader:
    """The module's own loader, then the patch."""

    def __init__(self, loader, name):
        self._loader, self._name = loader, name

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        try:
            _PATCHES[self._name](module)
        except Exception:
            pass  # never disturb the case

    def __getattr__(self, name):
        return getattr(self._loader, name)


class _Finder:
    """Lets the real finders find the modules above, then patches them once executed."""

    def find_spec(self, name, path=None, target=None):
        if name not in _PATCHES:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, 'find_spec'):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        if hasattr(spec.loader, 'exec_module'):
            spec.loader = _Loader(spec.loader, name)
        return spec


def _hand_over():
    """Leave sys.path as it would be without us, then load the sitecustomize we hid."""
    sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != _HERE]
    ourselves = sys.modules.pop('sitecustomize')
    try:
        import sitecustomize  # noqa: F401
    except ImportError as error:
        sys.modules['sitecustomize'] = ourselves  # the import system expects a module there
        if error.name != 'sitecustomize':
            raise


if _JOURNAL:
    sys.meta_path.insert(0, _Finder())
_hand_over()
