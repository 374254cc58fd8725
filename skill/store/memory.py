"""An in-memory persistence adapter, for unit tests."""

from __future__ import annotations

import copy
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from skill.store.keys import user_key


class MemoryAdapter(AbstractPersistenceAdapter):
    """Keeps attributes in a dict, keyed like the real adapters."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        return copy.deepcopy(self.items.get(user_key(request_envelope), {}))

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        self.items[user_key(request_envelope)] = copy.deepcopy(attributes)

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        self.items.pop(user_key(request_envelope), None)
