"""The embedded default store: one SQLite file, safe to share between several server processes.

The file runs in WAL mode, so readers never wait for a writer; every connection waits up to
`timeout` seconds for a lock (`PRAGMA busy_timeout`) before giving up with a `StorageError`.
Each save is one statement, its own transaction, that writes the next revision only if the one
the caller read is still stored (see `skill.store`), so two processes writing the same account
never lose an update silently. Each thread keeps its connection (`skill.store.sqlite_file`), and
expired rows are swept by a process's first save and then hourly (`SWEEP_INTERVAL`), in that
save's transaction, not by every save.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from skill.store import REVISION, ConflictError, StorageError
from skill.store.keys import user_key
from skill.store.sqlite_file import Connections, reason, rollback

RETENTION_DAYS = 365
"""Stored state untouched for this long is forgotten (safety.md P3)."""

BUSY_TIMEOUT = 5.0
"""Seconds a connection waits for another process's lock before the store reports a fault."""

SWEEP_INTERVAL = 3600.0
"""Seconds between two sweeps of expired rows by one process (its first save makes one: a
sweep needs the write lock, and a read never waits for it)."""

_READ = "SELECT data, updated_at, rev FROM user_state WHERE user_key = ?"
_PUT = (
    "INSERT INTO user_state (user_key, data, updated_at, rev) VALUES (?1, ?2, ?3, 1) "
    "ON CONFLICT(user_key) DO UPDATE SET data = excluded.data, "
    "updated_at = excluded.updated_at, rev = user_state.rev + 1"
)
"""A save without a revision: written whatever is stored, as the next revision."""
_PUT_FIRST = _PUT + " WHERE user_state.rev = 0"
"""A save of revision 0 (nothing was stored, or a row from before revisions): written only if
no other revision is stored meanwhile."""
_PUT_NEXT = (
    "UPDATE user_state SET data = ?2, updated_at = ?3, rev = rev + 1 "
    "WHERE user_key = ?1 AND rev = ?4"
)
"""A save of revision r > 0: written only if r is still stored."""
_REVISION = "SELECT rev FROM user_state WHERE user_key = ?"
_FORGET = "DELETE FROM user_state WHERE user_key = ? AND updated_at < ?"
_SWEEP = "DELETE FROM user_state WHERE updated_at < ?"


class SqliteAdapter(AbstractPersistenceAdapter):
    """Attributes as JSON rows in a SQLite file, one row per (hashed) user, with a revision."""

    def __init__(
        self, path: Path, timeout: float = BUSY_TIMEOUT, retention_days: float = RETENTION_DAYS
    ) -> None:
        self.path = path
        self._retention = retention_days * 86400
        self._sweep_due = 0.0  # time.monotonic() when a save next sweeps expired rows
        self._connections = Connections(path, timeout)

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        key = user_key(request_envelope)
        conn = self._connections.connect()
        try:
            row = conn.execute(_READ, (key,)).fetchone()
            if row is not None and row[1] < self._cutoff():
                row = self._forget_expired(conn, key)
        except sqlite3.Error as exc:
            self._connections.discard(conn)
            raise StorageError(f"cannot read {self.path}: {reason(exc)}") from exc
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
        conn = self._connections.connect()
        sweep = time.monotonic() >= self._sweep_due
        try:
            if sweep:
                self._save_and_sweep(conn, key, data, attributes)
            else:  # one statement, its own transaction: compared and written at once
                self._put(conn, key, data, attributes)
        except sqlite3.Error as exc:
            self._connections.discard(conn)
            raise StorageError(f"cannot write {self.path}: {reason(exc)}") from exc
        if sweep:
            self._sweep_due = time.monotonic() + SWEEP_INTERVAL

    def _save_and_sweep(
        self, conn: sqlite3.Connection, key: str, data: str, attributes: dict[str, Any]
    ) -> None:
        """A save that first deletes every expired row, in one transaction."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(_SWEEP, (self._cutoff(),))
            self._put(conn, key, data, attributes)
            conn.execute("COMMIT")
        except BaseException:
            rollback(conn)
            raise

    def _put(
        self, conn: sqlite3.Connection, key: str, data: str, attributes: dict[str, Any]
    ) -> None:
        """Writes `data` as the next revision, or raises ConflictError (naming the revision
        stored) when the one the attributes were read at is no longer stored."""
        if conn.execute(*_statement(key, data, attributes)).rowcount == 1:
            return
        row = conn.execute(_REVISION, (key,)).fetchone()
        stored = self._revision(row[0]) if row is not None else 0
        raise ConflictError(
            f"cannot write {self.path}: revision {attributes.get(REVISION)} was read, "
            f"{stored} is stored"
        )

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        conn = self._connections.connect()
        try:
            conn.execute("DELETE FROM user_state WHERE user_key = ?", (user_key(request_envelope),))
        except sqlite3.Error as exc:
            self._connections.discard(conn)
            raise StorageError(f"cannot write {self.path}: {reason(exc)}") from exc

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
            rollback(conn)
            raise
        return row


def _statement(key: str, data: str, attributes: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
    """The statement that saves `data` as the next revision, if the revision read is still
    stored (when the attributes carry one)."""
    if REVISION not in attributes:
        return _PUT, (key, data, time.time())
    expected = attributes[REVISION]
    if expected == 0:
        return _PUT_FIRST, (key, data, time.time())
    return _PUT_NEXT, (key, data, time.time(), expected)
