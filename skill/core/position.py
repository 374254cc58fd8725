"""Where in a script an exercise stands."""

from __future__ import annotations

import math
from typing import Any

from skill.record import record

MAX_OFFSET = 86_400.0
"""No step lasts a day: an offset past this was not written by the skill."""


@record
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
        try:
            return cls.read(data)
        except ValueError:
            return cls()

    @classmethod
    def read(cls, data: Any) -> Position:
        """Read back exactly what `to_dict` wrote: a whole step number from 0 and an offset from
        0 to `MAX_OFFSET` (either may be missing: 0). Raises ValueError for anything else."""
        if not isinstance(data, dict):
            raise ValueError("a position is an object")
        step, offset = data.get("step", 0), data.get("offset", 0.0)
        if not _number(step) or (isinstance(step, float) and not step.is_integer()) or step < 0:
            raise ValueError("a position's step is a whole number from 0")
        if not _number(offset) or not 0 <= offset <= MAX_OFFSET:
            raise ValueError(f"a position's offset is a number from 0 to {MAX_OFFSET:.0f}")
        return cls(int(step), float(offset))


def _number(value: object) -> bool:
    """Whether `value` is a finite JSON number (True and False are not numbers here)."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))
