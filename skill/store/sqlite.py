"""The embedded default store: one SQLite file, safe to share between several server processes.

The file runs in WAL mode, so readers never wait for a writer; every connection waits up to
`timeout` seconds for a lock (`PRAGMA busy_timeout`) before giving up with a `StorageError`.
Each save is one `BEGIN IMMEDIATE` transaction that reads the stored revision, compares it with
the one the caller read (see `skill.store`), and writes the next one, so two processes writing
the same account never lose an update silently.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
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


class SqliteAdapter(AbstractPersistenceAdapter):
    """Attributes as JSON rows in a SQLite file, one row per (hashed) user, with a revision."""

    def __init__(
        self,
        path: Path,
        timeout: float = BUSY_TIMEOUT,
        retention_days: float = RETENTION_DAYS,
    ) -> None:
        self.path = path
        self._timeout = timeout
        self._retention = retention_days * 86400
        self._ready = False
        self._lock = threading.Lock()

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        key = user_key(request_envelope)
        conn = self._connect()
        try:
            row = conn.execute(
                "SELECT data, updated_at, rev FROM user_state WHERE user_key = ?", (key,)
            ).fetchone()
            if row is not None and row[1] < self._cutoff():
                row = self._forget_expired(conn, key)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot read {self.path}: {_reason(exc)}") from exc
        finally:
            conn.close()
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
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute("DELETE FROM user_state WHERE updated_at < ?", (self._cutoff(),))
                row = conn.execute(
                    "SELECT rev FROM user_state WHERE user_key = ?", (key,)
                ).fetchone()
                stored = self._revision(row[0]) if row is not None else 0
                if REVISION in attributes and expected != stored:
                    raise ConflictError(
                        f"cannot write {self.path}: revision {expected} was read, "
                        f"{stored} is stored"
                    )
                conn.execute(
                    "INSERT INTO user_state (user_key, data, updated_at, rev) "
                    "VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(user_key) DO UPDATE SET data = excluded.data, "
                    "updated_at = excluded.updated_at, rev = excluded.rev",
                    (key, data, time.time(), stored + 1),
                )
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise
        except sqlite3.Error as exc:
            raise StorageError(f"cannot write {self.path}: {_reason(exc)}") from exc
        finally:
            conn.close()

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        conn = self._connect()
        try:
            conn.execute("DELETE FROM user_state WHERE user_key = ?", (user_key(request_envelope),))
        except sqlite3.Error as exc:
            raise StorageError(f"cannot write {self.path}: {_reason(exc)}") from exc
        finally:
            conn.close()

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
            conn.execute(
                "DELETE FROM user_state WHERE user_key = ? AND updated_at < ?",
                (key, self._cutoff()),
            )
            row: tuple[Any, ...] | None = conn.execute(
                "SELECT data, updated_at, rev FROM user_state WHERE user_key = ?", (key,)
            ).fetchone()
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise
        return row

    def _connect(self) -> sqlite3.Connection:
        """A connection in autocommit mode (transactions are explicit), waiting for locks up
        to the timeout; the first one also makes or migrates the schema."""
        try:
            if not self._ready:
                with self._lock:
                    if not self._ready:
                        self.path.parent.mkdir(parents=True, exist_ok=True)
                        self._prepare()
                        self._ready = True
            return self._open()
        except (sqlite3.Error, OSError) as exc:
            raise StorageError(f"cannot open {self.path}: {_reason(exc)}") from exc

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

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self._timeout, isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout = {max(0, int(self._timeout * 1000))}")
            conn.execute("PRAGMA synchronous = NORMAL")
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
