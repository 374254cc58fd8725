"""Persistence adapters for state that outlives a session (ask-sdk's adapter interface)."""

from __future__ import annotations


class StorageError(Exception):
    """The state store could not be read or written."""
