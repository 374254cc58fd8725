"""Persistence adapters for state that outlives a session (ask-sdk's adapter interface).

Every adapter (memory, SQLite, DynamoDB) keeps one document per account, filed under the hashed
user id (`keys.user_key`), and offers the same guarantees:

- `get_attributes` returns the stored document with its revision under `REVISION` (0 when
  nothing is stored); `save_attributes` given a document carrying `REVISION` writes it only if
  the stored revision is still that one, storing the next revision, and raises `ConflictError`
  otherwise, so two processes writing the same account never lose an update silently. A
  document without `REVISION` is written unconditionally.
- `delete_attributes` removes everything stored for the account, every person included.
- Documents untouched for the retention period (365 days by default, safety.md P3) are
  forgotten.
- Every fault (locked or corrupt file, disk full, throttling, timeouts, no connection) is a
  `StorageError` with a reason and never a stack trace to the listener.
"""

from __future__ import annotations

REVISION = "_rev"
"""The key of a document's revision, an integer that grows by one with every write."""


class StorageError(Exception):
    """The state store could not be read or written."""


class ConflictError(StorageError):
    """Another writer saved the account since it was read: re-read, merge and save again."""
