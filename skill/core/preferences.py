"""How a listener likes exercises delivered, and the spoken controls that change it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

PACE_STEP = 1.25
""""Slower" multiplies pauses and breath lengths by this; "faster" divides by it."""
PAUSE_STEP = 1.5
""""Longer pauses" multiplies silences by this; "shorter pauses" divides by it."""
MIN_FACTOR, MAX_FACTOR = 0.5, 2.0


class Control(StrEnum):
    """Settings a listener can change by voice (ControlIntent's slot ids)."""

    SLOWER = "slower"
    FASTER = "faster"
    LONGER_PAUSES = "longer_pauses"
    SHORTER_PAUSES = "shorter_pauses"
    SHORTER_VERSION = "shorter_version"
    EYES_OPEN = "eyes_open"
    OUTWARD = "outward"
    NO_HOLDS = "no_holds"
    NORMAL = "normal"

    @classmethod
    def named(cls, value: str | None) -> Control | None:
        """The control with this id (a ControlIntent slot id), or None for any other words."""
        try:
            return cls(value) if value else None
        except ValueError:
            return None


def _clamp(value: float) -> float:
    return round(min(max(value, MIN_FACTOR), MAX_FACTOR), 3)


@dataclass(frozen=True)
class Preferences:
    """How this listener likes exercises delivered."""

    pace: float = 1.0
    """Multiplies pauses and breath lengths: 1.25 is slower, 0.8 faster."""
    pause_scale: float = 1.0
    """Multiplies silences only."""
    shorter: bool = False
    """Leave out optional steps and breathe fewer rounds."""
    eyes_open: bool = False
    """Use eyes-open wording where a step offers it (T2)."""
    outward: bool = False
    """Use anchors outside the body where a step offers one (T3)."""
    no_holds: bool = False
    """Leave out every optional breath hold (T8)."""
    skip_regions: frozenset[str] = field(default_factory=frozenset)
    """Body regions to leave out (T6)."""

    @property
    def pause_factor(self) -> float:
        """What every silence is multiplied by."""
        return self.pace * self.pause_scale

    def with_control(self, control: Control) -> Preferences:
        """These preferences after one spoken control."""
        if control is Control.SLOWER:
            return replace(self, pace=_clamp(self.pace * PACE_STEP))
        if control is Control.FASTER:
            return replace(self, pace=_clamp(self.pace / PACE_STEP))
        if control is Control.LONGER_PAUSES:
            return replace(self, pause_scale=_clamp(self.pause_scale * PAUSE_STEP))
        if control is Control.SHORTER_PAUSES:
            return replace(self, pause_scale=_clamp(self.pause_scale / PAUSE_STEP))
        if control is Control.SHORTER_VERSION:
            return replace(self, shorter=True)
        if control is Control.EYES_OPEN:
            return replace(self, eyes_open=True)
        if control is Control.OUTWARD:
            return replace(self, outward=True)
        if control is Control.NO_HOLDS:
            return replace(self, no_holds=True)
        return replace(self, pace=1.0, pause_scale=1.0, shorter=False)

    def skipping(self, region: str) -> Preferences:
        """These preferences with one more body region left out."""
        return replace(self, skip_regions=self.skip_regions | {region})

    def to_dict(self) -> dict[str, Any]:
        """Plain data for storage."""
        return {
            "pace": self.pace,
            "pause_scale": self.pause_scale,
            "shorter": self.shorter,
            "eyes_open": self.eyes_open,
            "outward": self.outward,
            "no_holds": self.no_holds,
            "skip_regions": sorted(self.skip_regions),
        }

    @classmethod
    def from_dict(cls, data: Any) -> Preferences:
        """Read back, falling back to defaults for anything unreadable."""
        if not isinstance(data, dict):
            return cls()

        def factor(key: str) -> float:
            try:
                return _clamp(float(data.get(key, 1.0)))
            except (TypeError, ValueError):
                return 1.0

        regions = data.get("skip_regions", [])
        if not isinstance(regions, list):
            regions = []
        return cls(
            pace=factor("pace"),
            pause_scale=factor("pause_scale"),
            shorter=bool(data.get("shorter", False)),
            eyes_open=bool(data.get("eyes_open", False)),
            outward=bool(data.get("outward", False)),
            no_holds=bool(data.get("no_holds", False)),
            skip_regions=frozenset(r for r in regions if isinstance(r, str)),
        )
