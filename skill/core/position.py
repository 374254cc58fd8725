"""Where in a script an exercise stands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Position:
    """A step, and how far into it.

    The offset means seconds heard for a pause, breaths done for a breathe step, and answers
    given for an ask step.
    """

    step: int = 0
    offset: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain data for session attributes."""
        return {"step": self.step, "offset": self.offset}

    @classmethod
    def from_dict(cls, data: Any) -> Position:
        """Read back; anything unreadable is the start."""
        if not isinstance(data, dict):
            return cls()
        try:
            return cls(max(int(data.get("step", 0)), 0), max(float(data.get("offset", 0.0)), 0.0))
        except (TypeError, ValueError):
            return cls()
