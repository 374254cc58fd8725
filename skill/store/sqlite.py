"""The embedded default store: one SQLite file, safe to share between several server processes.

The file runs in WAL mode, so readers never wait for a writer; every connection waits up to
`timeout` seconds for a lock (`PRAGMA busy_timeout`) before giving up with a `StorageError`.
Each save is one `BEGIN IMMEDIATE` transaction that reads the stored revision, compares it with
the one the caller read (see `skill.store`), and writes the next one, so two processes writing
the same account never lose an update silently. Each thread keeps its connection, and expired
rows are swept by a process's first save and then hourly (`SWEEP_INTERVAL`), not by every save.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
import weakref
from pathlib import Path
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from skill.store import REVISION, ConflictError, StorageError
from skill.store.keys import user_key

RETENTION_DAYS = 365
"""Stored state untouched for this long is forgotten (safety.md P3)."""

BUSY_TIMEOUT = 5.0
"""Seconds a connection waits for another process's lock before the store reports a fault."""

SWEEP_INTERVAL = 3600.0
"""Seconds between two sweeps of expired rows by one process (its first save makes one: a
sweep needs the write lock, and a read never waits for it)."""

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
_READ = "SELECT data, updated_at, rev FROM user_state WHERE user_key = ?"
_WRITE = (
    "INSERT INTO user_state (user_key, data, updated_at, rev) VALUES (?, ?, ?, ?) "
    "ON CONFLICT(user_key) DO UPDATE SET data = excluded.data, "
    "updated_at = excluded.updated_at, rev = excluded.rev"
)
_REVISION = "SELECT rev FROM user_state WHERE user_key = ?"
_FORGET = "DELETE FROM user_state WHERE user_key = ? AND updated_at < ?"
_SWEEP = "DELETE FROM user_state WHERE updated_at < ?"

Key = tuple[int, threading.Thread]  # a process and a thread: a fork never uses its parent's
Stamp = tuple[int, int, int, int] | None  # a file's device, inode, size and time of change


class SqliteAdapter(AbstractPersistenceAdapter):
    """Attributes as JSON rows in a SQLite file, one row per (hashed) user, with a revision."""

    def __init__(
        self, path: Path, timeout: float = BUSY_TIMEOUT, retention_days: float = RETENTION_DAYS
    ) -> None:
        self.path = path
        self._timeout = timeout
        self._retention = retention_days * 86400
        self._ready = False
        self._lock = threading.Lock()
        self._sweep_due = 0.0  # time.monotonic() when a save next sweeps expired rows
        self._kept: dict[Key, tuple[sqlite3.Connection, Stamp]] = {}
        weakref.finalize(self, _close_all, self._kept)

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        key = user_key(request_envelope)
        conn = self._connect()
        try:
            row = conn.execute(_READ, (key,)).fetchone()
            if row is not None and row[1] < self._cutoff():
                row = self._forget_expired(conn, key)
        except sqlite3.Error as exc:
            self._discard(conn)
            raise StorageError(f"cannot read {self.path}: {_reason(exc)}") from exc
        if row is None:
            return {REVISION: 0}
        try:
            data = json.loads(row[0])
        except (TypeError, ValueError):
            data = {}
        document = dict(data) if isinstance(data, dict) else {}
        document[REVISION] = self._revision(row[2])
        return document

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        key = user_key(request_envelope)
        expected = attributes.get(REVISION)
        if REVISION in attributes and (not isinstance(expected, int) or isinstance(expected, bool)):
            raise StorageError(f"cannot write {self.path}: revision {expected!r} is not a number")
        try:
            data = json.dumps({k: v for k, v in attributes.items() if k != REVISION})
        except (TypeError, ValueError) as exc:
            raise StorageError(f"cannot write {self.path}: not storable: {exc}") from exc
        conn = self._connect()
        sweep = time.monotonic() >= self._sweep_due
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                if sweep:
                    conn.execute(_SWEEP, (self._cutoff(),))
                row = conn.execute(_REVISION, (key,)).fetchone()
                stored = self._revision(row[0]) if row is not None else 0
                if REVISION in attributes and expected != stored:
                    raise ConflictError(
                        f"cannot write {self.path}: revision {expected} was read, "
                        f"{stored} is stored"
                    )
                conn.execute(_WRITE, (key, data, time.time(), stored + 1))
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise
        except sqlite3.Error as exc:
            self._discard(conn)
            raise StorageError(f"cannot write {self.path}: {_reason(exc)}") from exc
        if sweep:
            self._sweep_due = time.monotonic() + SWEEP_INTERVAL

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        conn = self._connect()
        try:
            conn.execute("DELETE FROM user_state WHERE user_key = ?", (user_key(request_envelope),))
        except sqlite3.Error as exc:
            self._discard(conn)
            raise StorageError(f"cannot write {self.path}: {_reason(exc)}") from exc

    def _revision(self, value: Any) -> int:
        if not isinstance(value, int):
            raise StorageError(f"cannot read {self.path}: stored revision {value!r} is broken")
        return value

    def _cutoff(self) -> float:
        return time.time() - self._retention

    def _forget_expired(self, conn: sqlite3.Connection, key: str) -> tuple[Any, ...] | None:
        """Deletes the account's row if it is still expired (another process may have just
        written it) and returns what is stored afterwards."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(_FORGET, (key, self._cutoff()))
            row: tuple[Any, ...] | None = conn.execute(_READ, (key,)).fetchone()
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise
        return row

    def _connect(self) -> sqlite3.Connection:
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
            raise StorageError(f"cannot open {self.path}: {_reason(exc)}") from exc
        with self._lock:
            if kept is not None:  # closing it where its file was replaced would checkpoint there
                same = stamp is not None and kept[1] is not None and stamp[:2] == kept[1][:2]
                _let_go(self._kept.pop(me)[0], close=same)
            for pid, thread in [k for k in self._kept if k[0] == me[0] and not k[1].is_alive()]:
                _let_go(self._kept.pop((pid, thread))[0])
            self._kept[me] = (conn, stamp)
        return conn

    def _discard(self, conn: sqlite3.Connection) -> None:
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
        _rollback(conn)
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


def _rollback(conn: sqlite3.Connection) -> None:
    """Ends an open transaction after a fault; the fault being reported matters more."""
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def _reason(exc: BaseException) -> str:
    """The fault in words, with SQLite's error name when it gives one (SQLITE_BUSY, ...)."""
    name = getattr(exc, "sqlite_errorname", None)
    return f"{exc} ({name})" if name else str(exc) or type(exc).__name__
