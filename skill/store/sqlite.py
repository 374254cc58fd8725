"""The embedded default store: one SQLite file."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from skill.store import StorageError
from skill.store.keys import user_key

RETENTION_DAYS = 365
"""Stored state untouched for this long is forgotten (safety.md P3)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS user_state (
    user_key TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    updated_at REAL NOT NULL
)
"""


class SqliteAdapter(AbstractPersistenceAdapter):
    """Attributes as JSON rows in a SQLite file, one row per (hashed) user."""

    def __init__(
        self, path: Path, timeout: float = 2.0, retention_days: float = RETENTION_DAYS
    ) -> None:
        self.path = path
        self._timeout = timeout
        self._retention = retention_days * 86400
        self._ready = False
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        try:
            if not self._ready:
                with self._lock:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    with sqlite3.connect(self.path, timeout=self._timeout) as conn:
                        conn.execute("PRAGMA journal_mode=WAL")
                        conn.execute(_SCHEMA)
                    self._ready = True
            return sqlite3.connect(self.path, timeout=self._timeout)
        except (sqlite3.Error, OSError) as exc:
            raise StorageError(f"cannot open {self.path}: {exc}") from exc

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        conn = self._connect()
        try:
            row = conn.execute(
                "SELECT data, updated_at FROM user_state WHERE user_key = ?",
                (user_key(request_envelope),),
            ).fetchone()
            if row is not None and row[1] < time.time() - self._retention:
                with conn:
                    conn.execute(
                        "DELETE FROM user_state WHERE user_key = ?", (user_key(request_envelope),)
                    )
                row = None
        except sqlite3.Error as exc:
            raise StorageError(f"cannot read {self.path}: {exc}") from exc
        finally:
            conn.close()
        if row is None:
            return {}
        try:
            data = json.loads(row[0])
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        conn = self._connect()
        try:
            with conn:
                conn.execute(
                    "DELETE FROM user_state WHERE updated_at < ?", (time.time() - self._retention,)
                )
                conn.execute(
                    "INSERT INTO user_state (user_key, data, updated_at) VALUES (?, ?, ?) "
                    "ON CONFLICT(user_key) DO UPDATE SET data = excluded.data, "
                    "updated_at = excluded.updated_at",
                    (user_key(request_envelope), json.dumps(attributes), time.time()),
                )
        except sqlite3.Error as exc:
            raise StorageError(f"cannot write {self.path}: {exc}") from exc
        finally:
            conn.close()

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        conn = self._connect()
        try:
            with conn:
                conn.execute(
                    "DELETE FROM user_state WHERE user_key = ?", (user_key(request_envelope),)
                )
        except sqlite3.Error as exc:
            raise StorageError(f"cannot write {self.path}: {exc}") from exc
        finally:
            conn.close()
