"""How long things take as heard: speech estimates, breath phases, steps and whole scripts.

The engine builds timelines with these functions and the validator checks `minutes` with them,
so a script's computed length and what the listener hears never disagree.
"""

from __future__ import annotations

import math
import re

from skill.core.preferences import Preferences
from skill.core.script import (
    Breathe,
    Pause,
    PauseMark,
    Say,
    Script,
    Step,
    TextPart,
    parse_text,
)

SPEECH_WORDS_PER_SECOND = 2.3
"""Speaking rate used for estimates: about 140 words a minute, a calm pace."""
SECONDS_PER_ANSWER = 8.0
"""Time allowed for each answer an `ask` step invites, in duration estimates."""
MIN_PHASE_SECONDS = 0.5
"""The shortest silence after a breath cue."""
MIN_COUNT_GAP_SECONDS = 0.1
"""The least quiet between the words of a breath phase and a count after them."""
MIN_OUTWARD_BREATH_SECONDS = 1.0
"""The shortest silence standing in for a breathing step done with an outward anchor."""

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def speech_seconds(text: str) -> float:
    """Estimated time to speak some text at a calm pace (words in any alphabet)."""
    return len(_WORD.findall(text)) / SPEECH_WORDS_PER_SECOND


def alternative(step: Step, prefs: Preferences) -> str | None:
    """The wording this listener asked for instead of the step's own, if the step has one."""
    if prefs.outward and step.options.outward:
        return step.options.outward
    if prefs.eyes_open and step.options.eyes_open:
        return step.options.eyes_open
    return None


def say_parts(step: Say, prefs: Preferences) -> tuple[TextPart, ...]:
    """The words and silences of a say step for this listener."""
    chosen = alternative(step, prefs)
    return parse_text(chosen) if chosen else step.parts


def say_step_seconds(step: Say, prefs: Preferences) -> float:
    """How long a say step will take for this listener."""
    return sum(
        p.seconds * prefs.pause_factor if isinstance(p, PauseMark) else speech_seconds(p)
        for p in say_parts(step, prefs)
    )


def breath_cycles(step: Breathe, prefs: Preferences) -> int:
    """How many breaths this listener will be guided through."""
    return max(2, math.ceil(step.cycles / 2)) if prefs.shorter else step.cycles


def breath_phases(step: Breathe, prefs: Preferences) -> list[tuple[str, float, float]]:
    """Each phase of one breath as (cue, seconds, the pattern's own count), holds left out when
    the listener asked."""
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
        kept.append((cue, seconds * prefs.pace, seconds))
    return kept


def phase_silence(cue: str, seconds: float) -> float:
    """The silence after a breath cue, so that cue and silence last the phase."""
    return max(seconds - speech_seconds(cue), MIN_PHASE_SECONDS)


def phase_sounds(cue: str, seconds: float, count: int = 0) -> list[tuple[str, float, float]]:
    """One breath phase as (words, the silence after them, words and silence together).

    Without a count: the cue, then quiet to the end of the phase. With a `count` of 2 or more,
    the numbers from two to `count` follow the cue at even spacing ("Breathe in", "2", "3",
    "4" over four seconds), each within the phase, so the phase lasts exactly as long as
    without them. A number that would crowd the words before it, or not fit its own second,
    is left out. Numbers are written as digits: every speech engine says them in its own
    language."""
    starts = [(cue, 0.0)]
    if count >= 2:
        spacing = seconds / count
        said_until = speech_seconds(cue)
        for number in range(2, count + 1):
            at, word = (number - 1) * spacing, str(number)
            fits = speech_seconds(word) + MIN_COUNT_GAP_SECONDS <= spacing
            if fits and at >= said_until + MIN_COUNT_GAP_SECONDS:
                starts.append((word, at))
                said_until = at + speech_seconds(word)
    if len(starts) == 1:
        return [(cue, phase_silence(cue, seconds), seconds)]
    sounds = []
    for (words, at), (_, then) in zip(starts, [*starts[1:], ("", seconds)], strict=True):
        sounds.append((words, round(then - at - speech_seconds(words), 3), then - at))
    # The last silence takes up what rounding the others to the millisecond left over.
    said = sum(speech_seconds(words) + quiet for words, quiet, _ in sounds[:-1])
    last, _, phase = sounds[-1]
    sounds[-1] = (last, seconds - said - speech_seconds(last), phase)
    return sounds


def breath_sounds(step: Breathe, prefs: Preferences) -> list[tuple[str, float, float]]:
    """One breath as this listener hears it: every phase's `phase_sounds`, counted out loud
    when they asked for counting."""
    return [
        sound
        for cue, seconds, nominal in breath_phases(step, prefs)
        for sound in phase_sounds(cue, seconds, round(nominal) if prefs.counting else 0)
    ]


def breath_cycle_seconds(step: Breathe, prefs: Preferences) -> float:
    """One breath as this listener will hear it."""
    return sum(speech_seconds(words) + silence for words, silence, _ in breath_sounds(step, prefs))


def silence_seconds(step: Pause | Breathe, prefs: Preferences) -> float:
    """A pause's length, or the quiet standing in for a breathing step said another way."""
    if isinstance(step, Pause):
        return step.seconds * prefs.pause_factor
    spoken = speech_seconds(alternative(step, prefs) or "")
    total = breath_cycles(step, prefs) * breath_cycle_seconds(step, prefs)
    return max(total - spoken, MIN_OUTWARD_BREATH_SECONDS)


def step_seconds(step: Step, prefs: Preferences, answers: bool = True) -> float:
    """A step's length as heard; with `answers`, the time its answers take too."""
    if isinstance(step, Say):
        return say_step_seconds(step, prefs)
    if isinstance(step, Pause):
        return silence_seconds(step, prefs)
    if isinstance(step, Breathe):
        if alternative(step, prefs) is not None:
            return speech_seconds(alternative(step, prefs) or "") + silence_seconds(step, prefs)
        return breath_cycles(step, prefs) * breath_cycle_seconds(step, prefs)
    waited = step.count * SECONDS_PER_ANSWER if answers else 0.0
    return speech_seconds(step.question) + waited


def script_seconds(script: Script, prefs: Preferences | None = None, answers: bool = True) -> float:
    """Estimated length of a whole script, every step heard."""
    chosen = prefs or Preferences()
    return sum(step_seconds(step, chosen, answers) for step in script.steps)
