"""Which exercises the skill offers at particular moments (offers.yaml)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from skill.record import record


@record
class Offers:
    """Script ids offered at particular moments."""

    after_feeling: tuple[str, ...]
    """After someone names a feeling outside an exercise."""
    orienting: str
    """After distress (C9), "yes, keep looking around with me": eyes-open orienting."""

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Offers:
        """Build from the mapping in offers.yaml."""
        return cls(tuple(str(i) for i in data["after_feeling"]), str(data["orienting"]))
