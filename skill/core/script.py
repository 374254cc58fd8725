"""Exercise scripts as typed objects: steps, options and the library of one language."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import field
from enum import StrEnum
from pathlib import Path

from skill.record import record

_PAUSE_MARK = re.compile(r"\[pause\s+(\d+(?:\.\d+)?)\s*s?\]", re.IGNORECASE)
_STRAY_MARK = re.compile(r"\[[^\]]*\]")
_SENTENCE_BREAK = re.compile(r"[.!?]\s+\S")
"""Where one sentence ends and another begins."""
_SENTENCE_END = re.compile(r"[.!?]")
_LATE_INTRO = (
    "introduction steps come first, one after another (after the stop line, if any); "
    "this one follows a step that is not part of it"
)
_ALL_INTRO = "every step is part of the introduction; a returning listener would hear nothing"
_NO_SHORT_INTRO = (
    "missing: steps are marked intro: true, so a listener who has done this before needs "
    "one sentence instead of them"
)
_TITLE_IN_SENTENCE = (
    'reads inside a sentence ("Here\'s the Short body scan."), so no full stop, question or '
    "exclamation mark"
)


class Kind(StrEnum):
    """What sort of exercise a script is."""

    GROUNDING = "grounding"
    BREATHING = "breathing"
    EMOTION_NAMING = "emotion_naming"
    BODY_SCAN = "body_scan"
    JOURNALING = "journaling"
    MOVEMENT = "movement"


class Expect(StrEnum):
    """What an `ask` step listens for."""

    ANYTHING = "anything"
    FEELING = "feeling"


class OnSilence(StrEnum):
    """What an `ask` step does when the listener stays quiet after the reprompt."""

    CONTINUE = "continue"
    END = "end"


@record
class PauseMark:
    """A silence inside spoken text, from a `[pause 3s]` marker."""

    seconds: float


TextPart = str | PauseMark


def parse_text(text: str) -> tuple[TextPart, ...]:
    """Split text with `[pause Ns]` markers into words and silences."""
    parts: list[TextPart] = []
    pos = 0
    for mark in _PAUSE_MARK.finditer(text):
        before = text[pos : mark.start()].strip()
        if before:
            parts.append(before)
        parts.append(PauseMark(float(mark.group(1))))
        pos = mark.end()
    rest = text[pos:].strip()
    if rest:
        parts.append(rest)
    return tuple(parts)


def stray_marks(text: str) -> list[str]:
    """Bracketed marks in a text that are not pause markers ("[breathe]")."""
    return _STRAY_MARK.findall(_PAUSE_MARK.sub("", text))


@record
class StepOptions:
    """Options any step may carry."""

    region: str | None = None
    """Body region the step is about; the listener may skip it."""
    outward: str | None = None
    """The same moment with an anchor outside the body (T3)."""
    skippable: bool = True
    """False for the few steps that must always be heard."""
    eyes_open: str | None = None
    """The same moment for a listener who keeps their eyes open (T2)."""
    optional: bool = False
    """Left out when the listener asks for the shorter version (T5)."""
    intro: bool = False
    """Part of the introduction: heard the first time, replaced by the script's `short_intro`
    for a listener who has done the exercise before."""
    stop_line: bool = False
    """The first step, saying that stop or pause works at any time (T4): said once a session."""


@record
class Say:
    """Words, possibly with silences inside."""

    parts: tuple[TextPart, ...]
    line: int
    options: StepOptions = field(default_factory=StepOptions)


@record
class Pause:
    """A silence of any length."""

    seconds: float
    line: int
    options: StepOptions = field(default_factory=StepOptions)


@record
class BreathCues:
    """Words spoken at each phase of a paced breath (the language's defaults come from data)."""

    inhale: str
    hold: str
    exhale: str
    rest: str


@record
class Breathe:
    """A paced breath: in, optional hold, out, optional hold, repeated."""

    inhale: float
    hold_in: float
    exhale: float
    hold_out: float
    cycles: int
    holds_optional: bool
    cues: BreathCues
    line: int
    options: StepOptions = field(default_factory=StepOptions)

    @property
    def has_holds(self) -> bool:
        """Whether the pattern holds the breath at all."""
        return self.hold_in > 0 or self.hold_out > 0


@record
class Ask:
    """A question that waits for the listener."""

    question: str
    count: int
    expect: Expect
    acks: tuple[str, ...]
    reprompt: str | None
    on_silence: OnSilence
    line: int
    options: StepOptions = field(default_factory=StepOptions)


Step = Say | Pause | Breathe | Ask


@record
class Script:
    """One exercise, ready for the engine."""

    id: str
    title: str
    kind: Kind
    summary: str
    minutes: float
    steps: tuple[Step, ...]
    path: Path
    tags: frozenset[str] = frozenset()
    aliases: tuple[str, ...] = ()
    describes: tuple[str, ...] = ()
    """How people describe it without its name ("the one where I name things I can see")."""
    content_note: str | None = None
    spoken_title: str = ""
    """The title as it reads inside a sentence, with any article it needs ("the Short body
    scan"); by default the title itself."""
    short_intro: str | None = None
    """One sentence said instead of the introduction to a listener who has done it before."""

    def __post_init__(self) -> None:
        if not self.spoken_title:
            object.__setattr__(self, "spoken_title", self.title)

    @property
    def interactive(self) -> bool:
        """Whether the script asks the listener anything."""
        return any(isinstance(step, Ask) for step in self.steps)

    @property
    def intro_end(self) -> int:
        """The first step after the introduction (0 when no step is marked as one)."""
        end = 0
        while end < len(self.steps) and (
            self.steps[end].options.intro or self.steps[end].options.stop_line
        ):
            end += 1
        return end if any(step.options.intro for step in self.steps[:end]) else 0

    @property
    def stop_line(self) -> Say | None:
        """The first step, when it is the line saying stop or pause works at any time."""
        first = self.steps[0] if self.steps else None
        return first if isinstance(first, Say) and first.options.stop_line else None

    def opening_problems(self) -> list[tuple[int | None, str, str]]:
        """What is wrong with how the script opens, as (step index or None, field, message): the
        introduction comes first in one run, has a short intro to stand for it and something
        after it; the stop line is the first step; the short intro is one sentence and the
        spoken title reads inside one."""
        found: list[tuple[int | None, str, str]] = []
        found += [
            (i, f"steps[{i}].stop_line", "only the first step can be the stop line")
            for i, step in enumerate(self.steps)
            if step.options.stop_line and i > 0
        ]
        marked = [i for i, step in enumerate(self.steps) if step.options.intro]
        late = [i for i in marked if i >= self.intro_end]
        if late:
            found.append((late[0], f"steps[{late[0]}].intro", _LATE_INTRO))
        if marked and self.intro_end >= len(self.steps):
            found.append((None, "steps", _ALL_INTRO))
        if marked and self.short_intro is None:
            found.append((marked[0], "short_intro", _NO_SHORT_INTRO))
        if self.short_intro is not None and _SENTENCE_BREAK.search(self.short_intro):
            found.append((None, "short_intro", "one sentence only: it is said, then the exercise"))
        if _SENTENCE_END.search(self.spoken_title):
            found.append((None, "spoken_title", _TITLE_IN_SENTENCE))
        return found


@record
class ScriptLibrary:
    """All scripts of one language, by id."""

    scripts: Mapping[str, Script]

    def __iter__(self) -> Iterator[Script]:
        return iter(sorted(self.scripts.values(), key=lambda s: s.id))

    def __len__(self) -> int:
        return len(self.scripts)

    def get(self, script_id: str) -> Script | None:
        """The script with this id, if any."""
        return self.scripts.get(script_id)

    def of_kind(self, kind: Kind | str) -> list[Script]:
        """Scripts of one kind, shortest first."""
        return sorted(
            (s for s in self.scripts.values() if s.kind == kind), key=lambda s: (s.minutes, s.id)
        )

    def tagged(self, tag: str) -> list[Script]:
        """Scripts carrying a tag, shortest first."""
        return sorted(
            (s for s in self.scripts.values() if tag in s.tags), key=lambda s: (s.minutes, s.id)
        )
