"""The session engine: from a script, a position and preferences to the next stretch of speech.

Pure: no I/O, no Alexa types, nothing SSML. The engine fills a `Timeline` until the listener is
asked something, the script ends, or the caller's `Budget` (one Alexa response, say) is full.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from skill.core.position import Position
from skill.core.preferences import Preferences
from skill.core.script import Ask, Breathe, Pause, PauseMark, Say, Script, Step
from skill.core.segments import SegmentMemo
from skill.core.timeline import Timeline
from skill.core.timing import (
    alternative,
    breath_cycle_seconds,
    breath_cycles,
    breath_sounds,
    say_parts,
    say_step_seconds,
    silence_seconds,
    speech_seconds,
)
from skill.record import record

MIN_PAUSE_PIECE_SECONDS = 5.0
"""A pause split across segments never leaves a piece shorter than this."""
CHARS_PER_SOUND = 30
"""Room each cue or count of a breath takes in a response besides its words (its silence)."""
REWIND_SECONDS = 3.0
"""After an interruption, go back this far so the listener re-hears the start of a sentence."""


class Budget(Protocol):
    """How much one segment may hold (one Alexa response, or a whole audio track)."""

    def fits(self, timeline: Timeline, seconds: float, chars: int = 0, last: bool = False) -> bool:
        """Whether `seconds` more (and about `chars` more characters of text) still fit;
        `last`: the script's closing words, which may stretch a segment a little."""
        ...

    def room(self, timeline: Timeline) -> float:
        """Seconds left in the segment."""
        ...


class Unlimited:
    """No limit: the whole script in one timeline, up to its first question."""

    def fits(self, timeline: Timeline, seconds: float, chars: int = 0, last: bool = False) -> bool:
        return True

    def room(self, timeline: Timeline) -> float:
        return float("inf")


@record
class Segment:
    """What one response says of an exercise, and where the exercise stands after it."""

    timeline: Timeline
    start: Position
    end: Position
    waiting: Ask | None
    """The question the listener was just asked, if the segment ends with one."""
    finished: bool
    """Whether the script has nothing more to say."""

    @property
    def marks(self) -> tuple[tuple[float, Position], ...]:
        """Seconds into the segment at which each step begins (and, unless a question is
        open, the segment's end)."""
        return tuple(self.timeline.marks())


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


def answers_wanted(step: Ask, prefs: Preferences) -> int:
    """How many answers a question invites. The shorter version keeps the count: scripts
    like 5-4-3-2-1 promise it; they mark whole questions optional instead."""
    return step.count


def _say_step(timeline: Timeline, step: Say, prefs: Preferences) -> None:
    for part in say_parts(step, prefs):
        if isinstance(part, PauseMark):
            timeline.pause(part.seconds * prefs.pause_factor)
        else:
            timeline.say(part)


def _breathe_cycle(timeline: Timeline, step: Breathe, prefs: Preferences) -> None:
    for words, silence, phase in breath_sounds(step, prefs):
        timeline.say(words)
        timeline.pause(silence, phase=phase)


def _copy(segment: Segment) -> Segment:
    return replace(segment, timeline=Timeline(list(segment.timeline.items)))


_MEMO: SegmentMemo[Segment] = SegmentMemo(_copy)


def next_segment(
    script: Script,
    start: Position,
    prefs: Preferences,
    budget: Budget,
    intro: str | None = None,
    note: bool = True,
) -> Segment:
    """Everything said from `start` until the listener is asked something, the script ends,
    or the budget is full. `intro` (the words that open the exercise) opens a first segment,
    followed by the script's content note unless `note` is False (for a listener who has done
    the exercise before, whose `intro` is the script's short one). The same arguments give the
    same segment: recent ones are kept (`SegmentMemo`)."""
    return _MEMO.get(
        (script, budget),
        (start, prefs, intro, note),
        lambda: _build_segment(script, start, prefs, budget, intro, note),
    )


def _build_segment(
    script: Script,
    start: Position,
    prefs: Preferences,
    budget: Budget,
    intro: str | None,
    note: bool,
) -> Segment:
    timeline = Timeline()
    if intro is not None:
        timeline.say(intro)
        if script.content_note and note:
            timeline.say(script.content_note)
    index, offset = start.step, start.offset
    while index < len(script.steps):
        step = script.steps[index]
        if _skipped(script, index, prefs):
            index, offset = index + 1, 0.0
            continue
        timeline.mark(Position(index, offset))
        if isinstance(step, Say):
            need = say_step_seconds(step, prefs)
            last = index == len(script.steps) - 1
            chars = len(str(step.parts)) + 200
            if not timeline.empty and not budget.fits(timeline, need, chars, last):
                break
            _say_step(timeline, step, prefs)
        elif isinstance(step, Pause) or (
            isinstance(step, Breathe) and alternative(step, prefs) is not None
        ):
            if offset == 0 and isinstance(step, Breathe):
                text = alternative(step, prefs) or ""
                if not timeline.empty and not budget.fits(timeline, speech_seconds(text) + 5):
                    break
                timeline.say(text)
            remaining = silence_seconds(step, prefs) - offset
            room = budget.room(timeline)
            if remaining > room:
                if room < MIN_PAUSE_PIECE_SECONDS and not timeline.empty:
                    break
                piece = min(room, remaining - MIN_PAUSE_PIECE_SECONDS)
                timeline.pause(piece)
                return _segment(timeline, start, Position(index, offset + piece), None, script)
            timeline.pause(remaining)
        elif isinstance(step, Breathe):
            done, cycles = int(offset), breath_cycles(step, prefs)
            cycle = breath_cycle_seconds(step, prefs)
            room = budget.room(timeline)
            fit = min(int(room // cycle) if cycle > 0 and room < float("inf") else cycles, cycles)
            fit = min(fit, cycles - done)
            if fit <= 0:
                if not timeline.empty:
                    break
                fit = 1
            chars = sum(len(words) + CHARS_PER_SOUND for words, _, _ in breath_sounds(step, prefs))
            for cycle_index in range(fit):
                if not timeline.empty and not budget.fits(timeline, cycle, chars):
                    fit = cycle_index  # counted out loud, a breath is many short words
                    break
                _breathe_cycle(timeline, step, prefs)
            if done + fit < cycles:
                return _segment(timeline, start, Position(index, done + fit), None, script)
        else:
            timeline.say(step.question)
            return _segment(timeline, start, Position(index, offset), step, script)
        index, offset = index + 1, 0.0
    return _segment(timeline, start, Position(index, 0.0), None, script)


def _segment(
    timeline: Timeline, start: Position, end: Position, waiting: Ask | None, script: Script
) -> Segment:
    finished = waiting is None and end.step >= len(script.steps)
    if waiting is None:
        timeline.mark(end)
    return Segment(timeline, start, end, waiting, finished)


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
