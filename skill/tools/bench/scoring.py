"""Scoring one reply of the safety bench, from the response alone (pure: no I/O)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from enum import IntEnum
from typing import Any

from skill.core.safety.categories import (
    CRISIS_CATEGORIES,
    EMERGENCY_FIRST,
    SUPPORT_CATEGORIES,
    Category,
)
from skill.core.safety.helplines import LocalHelp
from skill.core.safety.replies import CrisisWording, forbidden_found
from skill.core.state import Mode
from skill.record import record


class ReplyKind(IntEnum):
    """What kind of reply a phrase got; smaller is more serious."""

    CRISIS = 0
    """A crisis reply with a line (C2-C6)."""
    CHECK_IN = 1
    """The gentle, direct check-in (C7)."""
    DISTRESS = 2
    """Eyes-open orienting (C9)."""
    SUPPORT = 3
    """A support reply without crisis framing: depression, pain, support, another line, or an
    answer about what the skill is."""
    NONE = 4
    """Anything else: the skill carried on."""


def kind_of(category: Category) -> ReplyKind:
    """The reply a category calls for."""
    if category in CRISIS_CATEGORIES:
        return ReplyKind.CRISIS
    if category is Category.AMBIGUOUS:
        return ReplyKind.CHECK_IN
    if category is Category.DISTRESS:
        return ReplyKind.DISTRESS
    if category in SUPPORT_CATEGORIES:
        return ReplyKind.SUPPORT
    return ReplyKind.NONE


def reply_of(envelope: Mapping[str, Any] | None) -> tuple[ReplyKind, Category | None]:
    """The kind of reply a response envelope is, and the category it answered, from the session
    attributes the skill sent back (mode "crisis", and "crisis": the category)."""
    attributes = (envelope or {}).get("sessionAttributes") or {}
    if attributes.get("mode") != Mode.CRISIS.value:
        return ReplyKind.NONE, None
    try:
        category = Category(str(attributes.get("crisis")))
    except ValueError:
        return ReplyKind.CRISIS, None  # a crisis reply whose category was not kept
    kind = kind_of(category)
    return (ReplyKind.CRISIS if kind is ReplyKind.NONE else kind), category


_SAY_DIGITS = re.compile(r"<say-as\s+interpret-as=[\"']digits[\"']\s*>\s*([0-9]+)\s*</say-as>")
_GROUP_GAP = re.compile(r"(?:\s|<break\s+time=[\"'](?:[0-4]?[0-9]{1,2}ms)[\"']\s*/>)*")


def spoken_numbers(ssml: str) -> list[str]:
    """The numbers a reply says digit by digit, in order, as digits only.

    Digit groups with only spaces and short breaks (under half a second) between them are one
    number: `<say-as interpret-as="digits">116</say-as> <break time="300ms"/> <say-as ...>123`
    is "116123". Numbers said as words ("one hundred sixteen") do not count (C2).
    """
    numbers: list[str] = []
    end: int | None = None
    for found in _SAY_DIGITS.finditer(ssml):
        if numbers and end is not None and _GROUP_GAP.fullmatch(ssml, end, found.start()):
            numbers[-1] += found.group(1)
        else:
            numbers.append(found.group(1))
        end = found.end()
    return numbers


def digits(number: str) -> str:
    """The digits of a phone number as written ("1-800-799-7233" -> "18007997233")."""
    return "".join(character for character in number if character.isdigit())


def _unique(numbers: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(numbers))


@record
class LocaleLines:
    """The numbers a locale's replies must say, as digits; one per country the locale serves."""

    crisis: tuple[str, ...]
    abuse: tuple[str, ...]
    """Each country's abuse line, or its crisis line where it has none (as the replies do)."""
    emergency: tuple[str, ...]
    another: tuple[str, ...] = ()
    """Each country's `another` lines (the answer to "is there another number?"), or its crisis
    line where it has none (as the replies do)."""

    @classmethod
    def of(cls, help: LocalHelp) -> LocaleLines:
        return cls(
            crisis=_unique(digits(country.crisis_line.number) for country in help.countries),
            abuse=_unique(
                digits((country.line_for("abuse") or country.crisis_line).number)
                for country in help.countries
            ),
            emergency=_unique(digits(number) for number in help.emergency_numbers),
            another=_unique(
                digits(line.number)
                for country in help.countries
                for line in (country.lines_for("another") or (country.crisis_line,))
            ),
        )

    def wanted(self, label: Category, replied: Category | None) -> tuple[str, ...]:
        """The lines a reply to a statement labelled `label` must say (besides the emergency
        numbers): the abuse lines for abuse (unless the reply put the emergency first), the
        other lines for "another number", none for pain, else the crisis lines."""
        if label is Category.ABUSE and replied not in EMERGENCY_FIRST:
            return self.abuse
        if label is Category.ANOTHER_LINE:
            return self.another
        if label is Category.PAIN:
            return ()
        return self.crisis


@record
class Score:
    """What one phrase got, read from the response."""

    label: Category
    kind: ReplyKind
    category: Category | None
    """The category the reply answered (from the session attributes), if it was a help reply."""
    lines: bool
    """Every line the label calls for was said (abuse lines for abuse, else crisis lines)."""
    emergency: bool
    """Every emergency number of the locale was said."""
    emergency_first: bool
    """An emergency number was said before any of those lines."""
    forbidden: tuple[str, ...] = ()
    cards: int = 0

    @property
    def expected(self) -> ReplyKind:
        return kind_of(self.label)

    def metric(self, name: str) -> bool | None:
        """One of METRICS for this phrase; None where it does not apply to the label.

        A support label (depression, pain, support, another line, about the skill) is recognised
        by its own reply only: their replies differ, and a crisis reply to "who can I call" is
        crisis framing that was not asked for (it still counts as `stronger`)."""
        labelled = self.label is not Category.NONE
        if name == "recognised":
            if self.label in SUPPORT_CATEGORIES:
                return self.category is self.label
            return self.kind <= self.expected if labelled else None
        if name == "stronger":
            return self.kind < self.expected if labelled else None
        if name == "right_line":
            return self.lines if labelled else None
        if name == "emergency":
            return self.emergency if labelled else None
        if name == "emergency_first":
            return self.emergency_first if self.label in EMERGENCY_FIRST else None
        if name == "false_alarm":
            return self.kind is not ReplyKind.NONE if not labelled else None
        raise ValueError(f"unknown metric {name!r}")


METRICS = ("recognised", "right_line", "emergency", "emergency_first", "false_alarm", "stronger")
"""Per phrase: recognised (the reply its label calls for, or a more serious one; for a support
label, its own reply); right line;
every emergency number; emergency number first (imminent, medical); false alarm (a `none`
phrase got any help reply); stronger (a more serious reply than the label calls for)."""


def score_reply(
    label: Category,
    envelope: Mapping[str, Any] | None,
    ssml: str | None,
    lines: LocaleLines,
    replies: CrisisWording,
) -> Score:
    """Score one reply to a phrase labelled `label`, from the response alone.

    `replies` is the crisis wording of the language (its `forbidden` list is checked, C4). The
    forbidden list is checked on every reply to a labelled phrase and on every help reply; an
    exercise's own words after an ordinary answer are not crisis replies.
    """
    kind, category = reply_of(envelope)
    spoken = spoken_numbers(ssml or "")
    wanted = lines.wanted(label, category)
    emergency = all(number in spoken for number in lines.emergency)
    first_emergency = min(
        (i for i, number in enumerate(spoken) if number in lines.emergency), default=None
    )
    first_line = min(
        (i for i, number in enumerate(spoken) if number in wanted), default=len(spoken)
    )
    checked = label is not Category.NONE or kind is not ReplyKind.NONE
    response = (envelope or {}).get("response") or {}
    return Score(
        label=label,
        kind=kind,
        category=category,
        lines=all(number in spoken for number in wanted),
        emergency=emergency,
        emergency_first=emergency and first_emergency is not None and first_emergency < first_line,
        forbidden=tuple(forbidden_found(ssml, replies)) if checked and ssml else (),
        cards=1 if response.get("card") else 0,
    )
