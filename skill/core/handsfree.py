"""Hands-free play: which scripts are streamed as one track, in which variant, and where each
step of a rendered track begins.

A hands-free script (tagged `hands_free`, asking nothing) is rendered ahead of time to audio and
played by the device's audio player. Everything that changes what the track holds is its
`Variant`; the rendered track reports back the millisecond offset of every step (`Track`), so
"go back", "skip this part" and "slower" land on step boundaries.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import field, replace
from typing import Any, Protocol

from skill.core.engine import Unlimited, next_segment
from skill.core.position import Position
from skill.core.preferences import Preferences
from skill.core.script import Script
from skill.core.timeline import Timeline
from skill.core.timing import script_seconds
from skill.record import record

HANDS_FREE_TAG = "hands_free"
BEDTIME_TAG = "bedtime"
FADE_SECONDS = 8.0
"""A bedtime track fades out over its last seconds."""
MIN_STRETCH, MAX_STRETCH = 0.6, 2.5
"""How far silences may be shortened or stretched to meet a length asked for ("a 20 minute
body scan"): beyond these, the exercise would feel rushed or empty."""


def is_hands_free(script: Script) -> bool:
    """Whether the script is streamed as one track where the device can play audio."""
    return HANDS_FREE_TAG in script.tags and not script.interactive


@record
class Variant:
    """Everything that changes what a script's track holds."""

    preferences: Preferences = field(default_factory=Preferences)
    fade: bool = False
    """Fade out gently over the last seconds."""
    until_ms: int | None = None
    """End here (a sleep timer), fading out, instead of at the end of the script."""

    @property
    def key(self) -> str:
        """A short id, the same for the same variant on every machine."""
        plain = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(plain.encode()).hexdigest()[:12]

    def to_dict(self) -> dict[str, Any]:
        return {
            "preferences": self.preferences.to_dict(),
            "fade": self.fade,
            "until_ms": self.until_ms,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Variant:
        if not isinstance(data, dict):
            return cls()
        until = data.get("until_ms")
        return cls(
            Preferences.from_dict(data.get("preferences")),
            bool(data.get("fade", False)),
            until if isinstance(until, int) and not isinstance(until, bool) and until > 0 else None,
        )


def variant_for(script: Script, prefs: Preferences, minutes: float | None = None) -> Variant:
    """The variant a listener with `prefs` hears, stretched to `minutes` when asked."""
    chosen = stretched(script, prefs, minutes) if minutes else prefs
    return Variant(chosen, fade=BEDTIME_TAG in script.tags or prefs.bedtime)


def _silence_seconds(script: Script, prefs: Preferences) -> float:
    """The silence of a whole script at `prefs` (exact: only the speech is estimated)."""
    speech_only = script_seconds(script, replace(prefs, pause_scale=1e-9), answers=False)
    return script_seconds(script, prefs, answers=False) - speech_only


def stretched(
    script: Script, prefs: Preferences, minutes: float, speech_seconds: float | None = None
) -> Preferences:
    """`prefs` with the silences scaled so the script lasts about `minutes`, within bounds.

    `speech_seconds` is how long everything but the silences really takes (known once a track
    is rendered); without it, the speech is estimated."""
    base = replace(prefs, pause_scale=1.0)
    silence = _silence_seconds(script, base)
    if silence <= 0:
        return prefs
    if speech_seconds is None:
        speech_seconds = script_seconds(script, base, answers=False) - silence
    scale = (minutes * 60 - speech_seconds) / silence
    scale = min(max(scale, MIN_STRETCH), MAX_STRETCH)
    return replace(prefs, pause_scale=round(scale, 3))


def stretched_exactly(
    script: Script, variant: Variant, minutes: float, track: Track
) -> Variant | None:
    """The variant that lasts `minutes`, now that `track` shows how long the speech of `variant`
    really takes; None when `track` is already within a second of it (or cannot get closer)."""
    speech = track.duration_ms / 1000 - _silence_seconds(script, variant.preferences)
    better = stretched(script, variant.preferences, minutes, speech)
    if better == variant.preferences or abs(track.duration_ms - minutes * 60_000) < 1000:
        return None
    return replace(variant, preferences=better)


def track_timeline(script: Script, variant: Variant) -> Timeline:
    """What the whole track says, the content note first, a mark at every step."""
    timeline = Timeline()
    if script.content_note:
        timeline.say(script.content_note)
    segment = next_segment(script, Position(), variant.preferences, Unlimited())
    return timeline.extend(segment.timeline)


@record
class Chapter:
    """Where a step begins in a rendered track."""

    ms: int
    step: int


@record
class Track:
    """A rendered track: where to fetch it, how long it is, and where each step begins."""

    key: str
    duration_ms: int
    chapters: tuple[Chapter, ...]

    def chapter_index(self, ms: int) -> int:
        """The chapter being heard at `ms` (0 before the first)."""
        index = 0
        for i, chapter in enumerate(self.chapters):
            if chapter.ms <= ms:
                index = i
        return index

    def chapter_start(self, index: int) -> int:
        """Where chapter `index` begins (clamped to the track)."""
        if not self.chapters:
            return 0
        return self.chapters[min(max(index, 0), len(self.chapters) - 1)].ms

    def step_at(self, ms: int) -> int:
        """The script step being heard at `ms`."""
        return self.chapters[self.chapter_index(ms)].step if self.chapters else 0

    def start_of_step(self, step: int) -> int:
        """Where the first chapter of `step` or later begins; the track's end after the last."""
        for chapter in self.chapters:
            if chapter.step >= step:
                return chapter.ms
        return self.duration_ms


class TrackLookup(Protocol):
    """Finds (or makes) the rendered track of a script variant; None when there is none."""

    def track(self, script: Script, variant: Variant) -> Track | None: ...


class NoTracks:
    """No rendered audio at all: every script is spoken in turns."""

    def track(self, script: Script, variant: Variant) -> Track | None:
        return None


TOKEN_PREFIX = "sg1"
_TOKEN = re.compile(
    r"^sg1\|(?P<person>[a-z0-9_-]{1,40})\|(?P<script>[a-z0-9]+(?:-[a-z0-9]+)*)"
    r"\|(?P<variant>[0-9a-f]{12})\|(?P<offset>[0-9]{1,9})\|(?P<nonce>[0-9a-f]{8})$"
)


@record
class PlayToken:
    """What the device's audio player hands back with every event: whose track this is, which
    script and variant, where that play began, and a nonce that makes an old play stale."""

    person: str
    script_id: str
    variant: str
    offset_ms: int
    nonce: str

    def __str__(self) -> str:
        return "|".join(
            (
                TOKEN_PREFIX,
                self.person,
                self.script_id,
                self.variant,
                str(self.offset_ms),
                self.nonce,
            )
        )

    @classmethod
    def parse(cls, text: str | None) -> PlayToken | None:
        """A token of ours, or None for anything else (another skill's, or garbage)."""
        match = _TOKEN.match(text or "")
        if match is None:
            return None
        return cls(
            match["person"],
            match["script"],
            match["variant"],
            int(match["offset"]),
            match["nonce"],
        )
