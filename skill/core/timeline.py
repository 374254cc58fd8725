"""A neutral timeline of what is said: plain-text speech, exact silences, numbers and step marks.

The engine and the conversation build timelines; `skill.speech` renders them as SSML within
Alexa's limits or as plain text, and an audio renderer can turn the same items into sound.
Nothing here knows about SSML: text stays plain and is escaped only where it is rendered.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import field

from skill.core.position import Position
from skill.core.timing import speech_seconds
from skill.record import mutable_record, record

NUMBER_GROUP_SECONDS = 0.3
"""The short pause between the groups of a number said digit by digit ("116 <pause> 123")."""

_GROUPS = re.compile(r"[\s\-\u2010-\u2014.]+")
_RUNS = re.compile(r"[0-9]+|[^0-9]+")


@record
class Speech:
    """Words to say, as plain text."""

    text: str

    @property
    def seconds(self) -> float:
        return speech_seconds(self.text)


@record
class Silence:
    """An exact silence.

    `phase_ms`, when set, is the length of a whole breath phase: the words just before this
    silence and the silence together. Spoken replies use `ms` (the words' length estimated);
    a rendered track knows how long the words really took and fills the phase exactly.
    """

    ms: int
    phase_ms: int | None = None

    @property
    def seconds(self) -> float:
        return self.ms / 1000


@record
class Number:
    """A phone number said digit by digit, group by group ("116 123", "1-800-799-7233")."""

    written: str

    @property
    def groups(self) -> list[list[str]]:
        """Each group of the number, split into runs of digits and of other characters."""
        return [_RUNS.findall(group) for group in _GROUPS.split(self.written.strip()) if group]

    @property
    def seconds(self) -> float:
        groups = self.groups
        words = " ".join(run for runs in groups for run in runs)
        return speech_seconds(words) + NUMBER_GROUP_SECONDS * max(len(groups) - 1, 0)


@record
class Mark:
    """A step of the exercise begins here (a chapter, for picking up after an interruption)."""

    position: Position

    @property
    def seconds(self) -> float:
        return 0.0


@record
class Name:
    """The first name of a speaker Alexa recognised by voice, said by Alexa itself: the skill
    never learns the name (`<alexa:name>`). Rendered tracks leave it out."""

    person_id: str

    @property
    def seconds(self) -> float:
        return speech_seconds("name")


Item = Speech | Silence | Number | Mark | Name


@mutable_record
class Timeline:
    """What one reply, or one stretch of an exercise, says, in order."""

    items: list[Item] = field(default_factory=list)
    _timed: int = field(default=0, init=False, compare=False, repr=False)
    _seconds: float = field(default=0.0, init=False, compare=False, repr=False)

    def say(self, text: str) -> Timeline:
        """Add words (plain text; runs of white space become one space)."""
        text = " ".join(text.split())
        if text:
            self.items.append(Speech(text))
        return self

    def pause(self, seconds: float, phase: float | None = None) -> Timeline:
        """Add a silence of any length, to the millisecond; `phase` is the length of the words
        before it and the silence together, for breath phases."""
        ms = round(seconds * 1000)
        if ms > 0:
            self.items.append(Silence(ms, round(phase * 1000) if phase is not None else None))
        return self

    def number(self, written: str) -> Timeline:
        """Add a number to be said digit by digit."""
        self.items.append(Number(written))
        return self

    def name(self, person_id: str) -> Timeline:
        """Add the recognised speaker's first name."""
        self.items.append(Name(person_id))
        return self

    def mark(self, position: Position) -> Timeline:
        """Note that a step begins here."""
        self.items.append(Mark(position))
        return self

    def extend(self, other: Timeline) -> Timeline:
        """Add everything of another timeline."""
        self.items.extend(other.items)
        return self

    @property
    def seconds(self) -> float:
        """How long it all takes, speech estimated, silences exact. Items are only ever added,
        so what was counted before is kept (a segment asks after every step it adds)."""
        if len(self.items) < self._timed:
            self._timed, self._seconds = 0, 0.0
        for item in self.items[self._timed :]:
            self._seconds += item.seconds
        self._timed = len(self.items)
        return self._seconds

    @property
    def empty(self) -> bool:
        """Whether nothing is said or left silent (marks alone are nothing)."""
        return not any(not isinstance(item, Mark) for item in self.items)

    @property
    def first_words(self) -> str:
        """The words the timeline opens with, or "" when it opens with a silence."""
        for item in self.items:
            if isinstance(item, Speech):
                return item.text
            if not isinstance(item, Mark):
                return ""
        return ""

    def marks(self) -> Iterator[tuple[float, Position]]:
        """Each step mark with the seconds at which it is reached."""
        seconds = 0.0
        for item in self.items:
            if isinstance(item, Mark):
                yield seconds, item.position
            seconds += item.seconds
