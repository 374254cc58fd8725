"""The SQLite file behind the embedded store: its schema, and one kept connection per thread.

A connection is kept while its file is unchanged and made again once it changed (a checkpoint,
or someone else's hand); a forked worker never uses its parent's, and a connection whose file
was replaced is never closed (its last close would checkpoint into the new file).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
import weakref
from pathlib import Path

from skill.store import StorageError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS user_state (
    user_key TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    updated_at REAL NOT NULL,
    rev INTEGER NOT NULL DEFAULT 0
)
"""

_ADD_REV = "ALTER TABLE user_state ADD COLUMN rev INTEGER NOT NULL DEFAULT 0"
"""Files written before revisions existed lack the column; their rows start at revision 0."""

Key = tuple[int, threading.Thread]  # a process and a thread: a fork never uses its parent's
Stamp = tuple[int, int, int, int] | None  # a file's device, inode, size and time of change


class Connections:
    """The connections of one process's threads to one SQLite file (WAL mode, `synchronous =
    NORMAL`, waiting up to `timeout` seconds for another's lock)."""

    def __init__(self, path: Path, timeout: float) -> None:
        self.path = path
        self._timeout = timeout
        self._ready = False
        self._lock = threading.Lock()
        self._kept: dict[Key, tuple[sqlite3.Connection, Stamp]] = {}
        weakref.finalize(self, _close_all, self._kept)

    def connect(self) -> sqlite3.Connection:
        """This thread's connection, kept while its file is unchanged. Once the file changed
        (a checkpoint, or someone else's hand), a new one must read it as a database before it
        replaces the kept one, as each call's own connection would have. The process's first
        connection also makes or migrates the schema."""
        me: Key = (os.getpid(), threading.current_thread())
        kept = self._kept.get(me)
        stamp = _stamp(self.path)
        if kept is not None and stamp == kept[1]:
            return kept[0]
        try:
            if not self._ready:
                with self._lock:
                    if not self._ready:
                        self.path.parent.mkdir(parents=True, exist_ok=True)
                        self._prepare()
                        self._ready = True
                stamp = _stamp(self.path)
            conn = self._open(check=kept is not None)
        except (sqlite3.Error, OSError) as exc:
            raise StorageError(f"cannot open {self.path}: {reason(exc)}") from exc
        with self._lock:
            if kept is not None:  # closing it where its file was replaced would checkpoint there
                same = stamp is not None and kept[1] is not None and stamp[:2] == kept[1][:2]
                _let_go(self._kept.pop(me)[0], close=same)
            for pid, thread in [k for k in self._kept if k[0] == me[0] and not k[1].is_alive()]:
                _let_go(self._kept.pop((pid, thread))[0])
            self._kept[me] = (conn, stamp)
        return conn

    def discard(self, conn: sqlite3.Connection) -> None:
        """Closes a connection after a fault: this thread opens a new one next time."""
        with self._lock:
            self._kept.pop((os.getpid(), threading.current_thread()), None)
        _let_go(conn)

    def _prepare(self) -> None:
        """Makes or migrates the file. SQLite reports some lock clashes here at once instead of
        waiting (two processes switching a new file to WAL), so those are tried again, until
        the timeout."""
        deadline = time.monotonic() + self._timeout
        while True:
            conn = self._open()
            try:
                _prepare(conn)
                return
            except sqlite3.OperationalError as exc:
                if not _busy(exc) or time.monotonic() >= deadline:
                    raise
            finally:
                conn.close()
            time.sleep(0.01)

    def _open(self, check: bool = False) -> sqlite3.Connection:
        """A new connection (any thread may close it: each is used by one at a time); `check`:
        it must read the file as a database now."""
        conn = sqlite3.connect(
            self.path, timeout=self._timeout, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {max(0, int(self._timeout * 1000))}")
            conn.execute("PRAGMA synchronous = NORMAL")
            if check:
                conn.execute("PRAGMA schema_version").fetchall()
        except BaseException:
            conn.close()
            raise
        return conn


def _prepare(conn: sqlite3.Connection) -> None:
    """WAL mode, and the table with its `rev` column: made, or added to a file written before
    revisions existed. Only writes (under a write lock) when something is missing."""
    if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    if "rev" in _columns(conn):
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(_SCHEMA)
        if "rev" not in _columns(conn):
            conn.execute(_ADD_REV)
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise


_ABANDONED: list[sqlite3.Connection] = []


def _stamp(path: Path) -> Stamp:
    """Read without opening the file: closing any descriptor of it would drop SQLite's locks."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns


def _let_go(conn: sqlite3.Connection, close: bool = True) -> None:
    """Closes a connection, or keeps it open for good where closing could harm the file: a
    forked parent's, or one whose file was replaced (its last close would checkpoint there)."""
    if not close:
        _ABANDONED.append(conn)
        return
    with contextlib.suppress(sqlite3.Error):
        conn.close()


def _close_all(kept: dict[Key, tuple[sqlite3.Connection, Stamp]]) -> None:
    while kept:
        key, (conn, _) = kept.popitem()
        _let_go(conn, close=key[0] == os.getpid())


def _busy(exc: sqlite3.Error) -> bool:
    """Whether the fault is another connection's lock (SQLITE_BUSY or SQLITE_LOCKED)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _columns(conn: sqlite3.Connection) -> set[str]:
    return {str(row[1]) for row in conn.execute("PRAGMA table_info(user_state)").fetchall()}


def rollback(conn: sqlite3.Connection) -> None:
    """Ends an open transaction after a fault; the fault being reported matters more."""
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def reason(exc: BaseException) -> str:
    """The fault in words, with SQLite's error name when it gives one (SQLITE_BUSY, ...)."""
    name = getattr(exc, "sqlite_errorname", None)
    return f"{exc} ({name})" if name else str(exc) or type(exc).__name__
