"""An in-memory persistence adapter, for unit tests: the same contract as the real adapters."""

from __future__ import annotations

import copy
import threading
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from skill.store import REVISION, ConflictError, StorageError
from skill.store.keys import user_key


class MemoryAdapter(AbstractPersistenceAdapter):
    """Keeps attributes in a dict, keyed like the real adapters, with a revision per account."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}
        """Stored documents, without their revision."""
        self.revisions: dict[str, int] = {}
        self._lock = threading.Lock()

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        key = user_key(request_envelope)
        with self._lock:
            document: dict[str, Any] = _copied(self.items.get(key, {}))
            document[REVISION] = self.revisions.get(key, 0) if key in self.items else 0
        return document

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        key = user_key(request_envelope)
        expected = attributes.get(REVISION)
        if REVISION in attributes and (not isinstance(expected, int) or isinstance(expected, bool)):
            raise StorageError(f"cannot write: revision {expected!r} is not a number")
        document = _copied({k: v for k, v in attributes.items() if k != REVISION})
        with self._lock:
            stored = self.revisions.get(key, 0) if key in self.items else 0
            if REVISION in attributes and expected != stored:
                raise ConflictError(
                    f"cannot write: revision {expected} was read, {stored} is stored"
                )
            self.items[key] = document
            self.revisions[key] = stored + 1

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        key = user_key(request_envelope)
        with self._lock:
            self.items.pop(key, None)
            self.revisions.pop(key, None)


def _copied(value: Any) -> Any:
    """A deep copy, made quickly for JSON-like data (what every adapter stores): dicts and lists
    are rebuilt, str, numbers and None shared; anything else goes to `copy.deepcopy`."""
    kind = type(value)
    if kind is dict:
        return {key: _copied(item) for key, item in value.items()}
    if kind is list:
        return [_copied(item) for item in value]
    if kind in _ATOMS:
        return value
    return copy.deepcopy(value)


_ATOMS = frozenset({str, int, float, bool, type(None)})
