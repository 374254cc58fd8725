"""The session engine: from a script, a position and preferences to what is said next.

Pure: no I/O, no Alexa types. Handlers ask it for the next segment and keep the positions it
returns in the session.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from skill.phrases import Phrases
from skill.scripts import Ask, Breathe, Pause, Say, Script, Silence, Step, speech_seconds
from skill.ssml import SEGMENT_BUDGET_CHARS, SEGMENT_BUDGET_SECONDS, SpeechBuilder

MIN_PAUSE_PIECE_SECONDS = 5.0
"""A pause split across responses never leaves a piece shorter than this."""
MIN_PHASE_SECONDS = 0.5
"""The shortest silence after a breath cue."""


@dataclass(frozen=True)
class Position:
    """Where in a script we are: a step, and how far into it.

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


@dataclass(frozen=True)
class Preferences:
    """How this listener likes exercises delivered."""

    pace: float = 1.0
    """Multiplies pauses and breath lengths: 1.5 is slower, 0.75 faster."""
    no_holds: bool = False
    """Leave out every breath hold."""
    outward: bool = False
    """Use anchors outside the body where a step offers one."""
    skip_regions: frozenset[str] = field(default_factory=frozenset)
    """Body regions to leave out."""

    def to_dict(self) -> dict[str, Any]:
        """Plain data for storage."""
        return {
            "pace": self.pace,
            "no_holds": self.no_holds,
            "outward": self.outward,
            "skip_regions": sorted(self.skip_regions),
        }

    @classmethod
    def from_dict(cls, data: Any) -> Preferences:
        """Read back, falling back to defaults for anything unreadable."""
        if not isinstance(data, dict):
            return cls()
        try:
            pace = min(max(float(data.get("pace", 1.0)), 0.5), 2.0)
        except (TypeError, ValueError):
            pace = 1.0
        regions = data.get("skip_regions", [])
        return cls(
            pace=pace,
            no_holds=bool(data.get("no_holds", False)),
            outward=bool(data.get("outward", False)),
            skip_regions=frozenset(r for r in regions if isinstance(r, str))
            if isinstance(regions, list)
            else frozenset(),
        )


@dataclass(frozen=True)
class Segment:
    """What one response says of an exercise, and where the exercise stands after it."""

    speech: SpeechBuilder
    start: Position
    end: Position
    waiting: Ask | None
    """The question the listener was just asked, if the segment ends with one."""
    finished: bool
    """Whether the script has nothing more to say."""


def _skipped(step: Step, prefs: Preferences) -> bool:
    region = step.options.region
    return step.options.skippable and region is not None and region in prefs.skip_regions


def _say_step(builder: SpeechBuilder, step: Say, prefs: Preferences) -> None:
    if prefs.outward and step.options.outward:
        builder.say(step.options.outward)
        return
    for part in step.parts:
        if isinstance(part, Silence):
            builder.pause(part.seconds * prefs.pace)
        else:
            builder.say(part)


def say_step_seconds(step: Say, prefs: Preferences) -> float:
    """How long a say step will take for this listener."""
    if prefs.outward and step.options.outward:
        return speech_seconds(step.options.outward)
    return sum(
        p.seconds * prefs.pace if isinstance(p, Silence) else speech_seconds(p) for p in step.parts
    )


def _phases(step: Breathe, prefs: Preferences) -> list[tuple[str, float]]:
    phases = [
        (step.cues.inhale, step.inhale),
        (step.cues.hold, step.hold_in),
        (step.cues.exhale, step.exhale),
        (step.cues.rest, step.hold_out),
    ]
    kept = []
    for index, (cue, seconds) in enumerate(phases):
        is_hold = index % 2 == 1
        if seconds <= 0 or (is_hold and prefs.no_holds and step.holds_optional):
            continue
        kept.append((cue, seconds * prefs.pace))
    return kept


def breath_cycle_seconds(step: Breathe, prefs: Preferences) -> float:
    """One breath as this listener will hear it."""
    return sum(
        max(seconds, speech_seconds(cue) + MIN_PHASE_SECONDS)
        for cue, seconds in _phases(step, prefs)
    )


def _breathe_cycle(builder: SpeechBuilder, step: Breathe, prefs: Preferences) -> None:
    for cue, seconds in _phases(step, prefs):
        builder.say(cue)
        builder.pause(max(seconds - speech_seconds(cue), MIN_PHASE_SECONDS))


def _fits(builder: SpeechBuilder, seconds: float, chars: int = 0) -> bool:
    return (
        builder.seconds + seconds <= SEGMENT_BUDGET_SECONDS
        and builder.chars + chars <= SEGMENT_BUDGET_CHARS
    )


def next_segment(
    script: Script, start: Position, prefs: Preferences, phrases: Phrases, intro: bool = False
) -> Segment:
    """Everything said from `start` until the listener is asked something, the script ends,
    or one response is full."""
    builder = SpeechBuilder()
    if intro:
        builder.say(phrases.say("start", script.id, title=script.title))
        if script.content_note:
            builder.say(script.content_note)
    index, offset = start.step, start.offset
    while index < len(script.steps):
        step = script.steps[index]
        if _skipped(step, prefs):
            index, offset = index + 1, 0.0
            continue
        if isinstance(step, Say):
            need = say_step_seconds(step, prefs)
            if not builder.empty and not _fits(builder, need, len(str(step.parts)) + 200):
                break
            _say_step(builder, step, prefs)
        elif isinstance(step, Pause):
            remaining = step.seconds * prefs.pace - offset
            room = SEGMENT_BUDGET_SECONDS - builder.seconds
            if remaining > room:
                if room < MIN_PAUSE_PIECE_SECONDS and not builder.empty:
                    break
                piece = min(room, remaining - MIN_PAUSE_PIECE_SECONDS)
                builder.pause(piece)
                return _segment(builder, start, Position(index, offset + piece), None, script)
            builder.pause(remaining)
        elif isinstance(step, Breathe):
            done = int(offset)
            cycle = breath_cycle_seconds(step, prefs)
            room = SEGMENT_BUDGET_SECONDS - builder.seconds
            fit = min(int(room // cycle) if cycle > 0 else step.cycles, step.cycles - done)
            if fit <= 0:
                if not builder.empty:
                    break
                fit = 1
            for _ in range(fit):
                _breathe_cycle(builder, step, prefs)
            if done + fit < step.cycles:
                return _segment(builder, start, Position(index, done + fit), None, script)
        else:
            builder.say(step.question)
            return _segment(builder, start, Position(index, offset), step, script)
        index, offset = index + 1, 0.0
    return _segment(builder, start, Position(index, 0.0), None, script)


def _segment(
    builder: SpeechBuilder, start: Position, end: Position, waiting: Ask | None, script: Script
) -> Segment:
    finished = waiting is None and end.step >= len(script.steps)
    return Segment(builder, start, end, waiting, finished)


def after_answer(script: Script, at: Position) -> tuple[Position, bool]:
    """Where an exercise goes after one answer, and whether the question wants more answers."""
    step = script.steps[at.step] if at.step < len(script.steps) else None
    if isinstance(step, Ask) and at.offset + 1 < step.count:
        return replace(at, offset=at.offset + 1), True
    return Position(at.step + 1), False


def skip_question(at: Position) -> Position:
    """Move past the question being asked."""
    return Position(at.step + 1)


def step_back(script: Script, segment_start: Position) -> Position:
    """The start of the step before the one the last response began with.

    Silences are passed over, so "go back" always lands on words.
    """
    if segment_start.offset > 0:
        return Position(segment_start.step)
    index = min(segment_start.step, len(script.steps)) - 1
    while index > 0 and isinstance(script.steps[index], Pause):
        index -= 1
    return Position(max(index, 0))
