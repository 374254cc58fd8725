"""Exercise scripts as typed objects: steps, options and the library of one language."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

_PAUSE_MARK = re.compile(r"\[pause\s+(\d+(?:\.\d+)?)\s*s?\]", re.IGNORECASE)
_STRAY_MARK = re.compile(r"\[[^\]]*\]")


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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Say:
    """Words, possibly with silences inside."""

    parts: tuple[TextPart, ...]
    line: int
    options: StepOptions = field(default_factory=StepOptions)


@dataclass(frozen=True)
class Pause:
    """A silence of any length."""

    seconds: float
    line: int
    options: StepOptions = field(default_factory=StepOptions)


@dataclass(frozen=True)
class BreathCues:
    """Words spoken at each phase of a paced breath (the language's defaults come from data)."""

    inhale: str
    hold: str
    exhale: str
    rest: str


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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
    content_note: str | None = None

    @property
    def interactive(self) -> bool:
        """Whether the script asks the listener anything."""
        return any(isinstance(step, Ask) for step in self.steps)


@dataclass(frozen=True)
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
