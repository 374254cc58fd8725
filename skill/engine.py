"""The session engine: from a script, a position and preferences to what is said next.

Pure: no I/O, no Alexa types. Handlers ask it for the next segment and keep the positions it
returns in the session.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from skill.phrases import Phrases
from skill.preferences import Preferences
from skill.scripts import (
    Ask,
    Breathe,
    Pause,
    Say,
    Script,
    Silence,
    Step,
    TextPart,
    parse_text,
    speech_seconds,
)
from skill.ssml import (
    LAST_WORDS_BUDGET_SECONDS,
    SEGMENT_BUDGET_CHARS,
    SEGMENT_BUDGET_SECONDS,
    SpeechBuilder,
)

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
class Segment:
    """What one response says of an exercise, and where the exercise stands after it."""

    speech: SpeechBuilder
    start: Position
    end: Position
    waiting: Ask | None
    """The question the listener was just asked, if the segment ends with one."""
    finished: bool
    """Whether the script has nothing more to say."""
    marks: tuple[tuple[float, Position], ...] = ()
    """Seconds into the segment at which each step begins, and the segment's end."""


REWIND_SECONDS = 3.0
"""After an interruption, go back this far so the listener re-hears the start of a sentence."""


def position_heard(segment: Segment, elapsed: float) -> Position:
    """The step the listener had reached `elapsed` seconds into a segment, for picking up
    after an interruption ("slower", "pause", "stop") at the step they were hearing."""
    target = max(elapsed - REWIND_SECONDS, 0.0)
    reached = segment.start
    for seconds, position in segment.marks:
        if seconds <= target:
            reached = position
    return reached


def _skipped(script: Script, index: int, prefs: Preferences) -> bool:
    """Whether a step is left out: optional in the shorter version, or in a skipped region.

    A silence right after a skipped region step belongs to it and is left out too.
    """
    step = script.steps[index]
    options = step.options
    if prefs.shorter and options.optional:
        return True
    if options.region is None and isinstance(step, Pause) and index > 0:
        before = script.steps[index - 1]
        return _in_skipped_region(before, prefs) or (
            isinstance(before, Pause) and _skipped(script, index - 1, prefs)
        )
    return _in_skipped_region(step, prefs)


def _in_skipped_region(step: Step, prefs: Preferences) -> bool:
    options = step.options
    return options.skippable and options.region is not None and options.region in prefs.skip_regions


def _alternative(step: Step, prefs: Preferences) -> str | None:
    """The wording this listener asked for instead of the step's own, if the step has one."""
    if prefs.outward and step.options.outward:
        return step.options.outward
    if prefs.eyes_open and step.options.eyes_open:
        return step.options.eyes_open
    return None


def breath_cycles(step: Breathe, prefs: Preferences) -> int:
    """How many breaths this listener will be guided through."""
    return max(2, math.ceil(step.cycles / 2)) if prefs.shorter else step.cycles


def answers_wanted(step: Ask, prefs: Preferences) -> int:
    """How many answers a question invites. The shorter version keeps the count: scripts
    like 5-4-3-2-1 promise it; they mark whole questions optional instead."""
    return step.count


def _say_step(builder: SpeechBuilder, step: Say, prefs: Preferences) -> None:
    for part in _parts(step, prefs):
        if isinstance(part, Silence):
            builder.pause(part.seconds * prefs.pause_factor)
        else:
            builder.say(part)


def _parts(step: Say, prefs: Preferences) -> tuple[TextPart, ...]:
    alternative = _alternative(step, prefs)
    return parse_text(alternative) if alternative else step.parts


def say_step_seconds(step: Say, prefs: Preferences) -> float:
    """How long a say step will take for this listener."""
    return sum(
        p.seconds * prefs.pause_factor if isinstance(p, Silence) else speech_seconds(p)
        for p in _parts(step, prefs)
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


def _silence_seconds(step: Pause | Breathe, prefs: Preferences) -> float:
    """A pause's length, or the time a breathing step would take, for this listener."""
    if isinstance(step, Pause):
        return step.seconds * prefs.pause_factor
    spoken = speech_seconds(_alternative(step, prefs) or "")
    return max(breath_cycles(step, prefs) * breath_cycle_seconds(step, prefs) - spoken, 1.0)


def _breathe_cycle(builder: SpeechBuilder, step: Breathe, prefs: Preferences) -> None:
    for cue, seconds in _phases(step, prefs):
        builder.say(cue)
        builder.pause(max(seconds - speech_seconds(cue), MIN_PHASE_SECONDS))


def _fits(builder: SpeechBuilder, seconds: float, chars: int = 0, last: bool = False) -> bool:
    budget = LAST_WORDS_BUDGET_SECONDS if last else SEGMENT_BUDGET_SECONDS
    return builder.seconds + seconds <= budget and builder.chars + chars <= SEGMENT_BUDGET_CHARS


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
    marks: list[tuple[float, Position]] = []
    while index < len(script.steps):
        step = script.steps[index]
        if _skipped(script, index, prefs):
            index, offset = index + 1, 0.0
            continue
        marks.append((builder.seconds, Position(index, offset)))
        if isinstance(step, Say):
            need = say_step_seconds(step, prefs)
            last = index == len(script.steps) - 1
            if not builder.empty and not _fits(builder, need, len(str(step.parts)) + 200, last):
                break
            _say_step(builder, step, prefs)
        elif isinstance(step, Pause) or (
            isinstance(step, Breathe) and _alternative(step, prefs) is not None
        ):
            if offset == 0 and isinstance(step, Breathe):
                text = _alternative(step, prefs) or ""
                if not builder.empty and not _fits(builder, speech_seconds(text) + 5):
                    break
                builder.say(text)
            remaining = _silence_seconds(step, prefs) - offset
            room = SEGMENT_BUDGET_SECONDS - builder.seconds
            if remaining > room:
                if room < MIN_PAUSE_PIECE_SECONDS and not builder.empty:
                    break
                piece = min(room, remaining - MIN_PAUSE_PIECE_SECONDS)
                builder.pause(piece)
                return _segment(
                    builder, start, Position(index, offset + piece), None, script, marks
                )
            builder.pause(remaining)
        elif isinstance(step, Breathe):
            done, cycles = int(offset), breath_cycles(step, prefs)
            cycle = breath_cycle_seconds(step, prefs)
            room = SEGMENT_BUDGET_SECONDS - builder.seconds
            fit = min(int(room // cycle) if cycle > 0 else cycles, cycles - done)
            if fit <= 0:
                if not builder.empty:
                    break
                fit = 1
            for _ in range(fit):
                _breathe_cycle(builder, step, prefs)
            if done + fit < cycles:
                return _segment(builder, start, Position(index, done + fit), None, script, marks)
        else:
            builder.say(step.question)
            return _segment(builder, start, Position(index, offset), step, script, marks)
        index, offset = index + 1, 0.0
    return _segment(builder, start, Position(index, 0.0), None, script, marks)


def _segment(
    builder: SpeechBuilder,
    start: Position,
    end: Position,
    waiting: Ask | None,
    script: Script,
    marks: list[tuple[float, Position]],
) -> Segment:
    finished = waiting is None and end.step >= len(script.steps)
    kept = list(marks)
    if waiting is None:
        kept.append((builder.seconds, end))
    return Segment(builder, start, end, waiting, finished, tuple(kept))


def after_answer(
    script: Script, at: Position, prefs: Preferences, answers: int = 1
) -> tuple[Position, bool]:
    """Where an exercise goes after an answer naming `answers` things, and whether the
    question wants more."""
    step = script.steps[at.step] if at.step < len(script.steps) else None
    given = at.offset + max(answers, 1)
    if isinstance(step, Ask) and given < answers_wanted(step, prefs):
        return replace(at, offset=given), True
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
