"""How a listener likes exercises delivered, and the spoken controls that change it."""

from __future__ import annotations

import math
from dataclasses import field, replace
from enum import StrEnum
from typing import Any

from skill.record import record

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
    COUNTING = "counting"
    NO_COUNTING = "no_counting"
    BEDTIME = "bedtime"
    NOT_BEDTIME = "not_bedtime"
    WOMAN_VOICE = "woman_voice"
    MAN_VOICE = "man_voice"
    USUAL_VOICE = "usual_voice"
    NORMAL = "normal"

    @classmethod
    def named(cls, value: str | None) -> Control | None:
        """The control with this id (a ControlIntent slot id), or None for any other words."""
        try:
            return cls(value) if value else None
        except ValueError:
            return None


VOICES = ("woman", "man")
"""The kinds of voice a person may choose instead of the usual one (data/voices.yaml names a
voice of each kind per locale and per speech engine, where one exists)."""
_VOICE_CONTROLS = {"woman_voice": "woman", "man_voice": "man", "usual_voice": None}


def _clamp(value: float) -> float:
    if not math.isfinite(value):
        return 1.0
    return round(min(max(value, MIN_FACTOR), MAX_FACTOR), 3)


@record
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
    bedtime: bool = False
    """End quietly, with no questions afterwards, and let tracks fade out: for someone who
    does their exercises in bed."""
    voice: str | None = None
    """A kind of voice from `VOICES` instead of the usual one; None for the usual."""
    counting: bool = False
    """Count each breath phase out loud: "Breathe in, two, three, four"."""

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
        if control in (Control.COUNTING, Control.NO_COUNTING):
            return replace(self, counting=control is Control.COUNTING)
        if control in (Control.BEDTIME, Control.NOT_BEDTIME):
            return replace(self, bedtime=control is Control.BEDTIME)
        if control.value in _VOICE_CONTROLS:
            return replace(self, voice=_VOICE_CONTROLS[control.value])
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
            "bedtime": self.bedtime,
            "voice": self.voice,
            "counting": self.counting,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Preferences:
        """Read back, falling back to defaults for anything unreadable."""
        if not isinstance(data, dict):
            return cls()

        def factor(key: str) -> float:
            try:
                return _clamp(float(data.get(key, 1.0)))
            except (TypeError, ValueError, OverflowError):
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
            bedtime=bool(data.get("bedtime", False)),
            voice=data.get("voice") if data.get("voice") in VOICES else None,
            counting=bool(data.get("counting", False)),
        )
