"""A SQLite connection opened in the parent, reused by a child

Code that opens its database connection once and keeps it in a module
global (`get_connection()` here) is common. The parent inserts a row and
has not committed yet when it starts a child that counts the rows through
`get_connection()`. Under fork the child counts the parent's uncommitted
row; under spawn and forkserver it does not.

**Why.** A `sqlite3.Connection` lives in the process: SQLite's page cache,
its idea of which locks it holds, and a file descriptor, which `fork()`
copies.

- Under **fork**, the child is a copy of the parent, so the global still
  holds the parent's connection, with the parent's open transaction and the
  page it changed. The child reads that page from its copy of the cache,
  without touching the file.
- Under **spawn** and **forkserver**, the child starts with the global
  unset and opens a connection of its own, which sees only committed data.

**Why fork is dangerous here, not just surprising.** The child's copy
believes it holds the parent's lock on the database file, which it does
not: POSIX record locks belong to the process that took them and are not
inherited across `fork()`. A child that writes, rolls back or closes
through its copy can delete the parent's rollback journal or write pages
into its file: the parent's next `COMMIT` then fails, or the database is
corrupt. Closing it includes the garbage collector freeing it. SQLite's
documentation says it plainly: [do not carry an open connection across a
fork()](https://www.sqlite.org/howtocorrupt.html#_carrying_an_open_database_connection_across_a_fork_),
"do not even call sqlite3_close()" on it in the child. This case's child
only reads, and exits as a forked child does, without closing it. The same
goes for a connection to a database server kept in a global: after a fork,
two processes share one socket and one session.

**The fix.** Close the parent's connection before starting children
(committing alone still leaves each child a copy), and open connections in
the process that uses them: in the `target`, or in a pool's
`initializer`. A `get_connection()` that remembers the `os.getpid()` it
opened its connection in, and opens a new one when that changes, must keep
the inherited one referenced and never close it.

**Seen in the wild.**

- `tox-dev/filelock#635`: filelock's `ReadWriteLock` kept an SQLite
  connection across `fork()`, and a forked child closed it from an
  `atexit` hook as it exited; fixed in `tox-dev/filelock#657`.
- `graphnet-team/graphnet#243`: a dataset kept the SQLite connection it had
  opened while removing missing variables, so PyTorch's `DataLoader`
  worker processes, forked on Linux, shared it and failed with "database
  disk image is malformed". The fix closes it after set-up.
- `gentoo/portage#600`: Portage's SQLite cache opens one connection per
  process id, since a connection created in a parent is not safe to use.
- `OSGeo/gdal#2222`: GDAL's fix for PROJ's SQLite database handle carried
  across `fork()` into multiprocessing workers; its review points out
  SQLite's rule that the child must not even close it.
"""
import argparse
import multiprocessing
import os
import sqlite3
import tempfile

FAMILY = 'globals-and-class-state'
DIRECTION = 'parent-to-child-at-start'
EXPECTED = {'fork': 'propagates', 'spawn': 'isolated', 'forkserver': 'isolated'}
RELATED = ['open_file_argument', 'socket_argument', 'pool_initializer_global']

_connection = None  # opened on first use, then reused


def get_connection(path):
    global _connection
    if _connection is None:
        _connection = sqlite3.connect(path)
    return _connection


def count_rows(path, seen):
    # Only reads: writing, rolling back or closing an inherited connection can corrupt the
    # parent's database.
    seen.value = get_connection(path).execute('SELECT count(*) FROM jobs').fetchone()[0]
    print(f'Child counts {seen.value} row(s)')


def main():
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, 'jobs.db')
        connection = get_connection(path)
        connection.execute('CREATE TABLE jobs (name TEXT)')
        connection.commit()
        # The sqlite3 module opens a transaction before an INSERT; nothing commits it yet.
        connection.execute("INSERT INTO jobs VALUES ('resize images')")
        print('Parent inserted 1 row, not committed yet')
        seen = multiprocessing.Value('i', -1)  # the child's count
        child = multiprocessing.Process(target=count_rows, args=(path, seen))
        child.start()
        child.join()
        connection.rollback()
        connection.close()
    if child.exitcode != 0:
        print('verdict: error')
        return
    if seen.value == -1:  # exit code 0, yet no report: the target never ran
        print('verdict: error')
        return
    print('verdict:', 'propagates' if seen.value == 1 else 'isolated')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--start-method', choices=multiprocessing.get_all_start_methods())
    multiprocessing.set_start_method(parser.parse_args().start_method)
    main()
