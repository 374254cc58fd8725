"""Reading the shape of an answer: how many things were named, or whether it means "move on".

Only the shape is read; the words are never kept or repeated (safety.md P1).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from skill.record import record


class Shape(StrEnum):
    """What an answer amounts to."""

    THINGS = "things"
    NOT_KNOWING = "not_knowing"
    MOVE_ON = "move_on"


@record
class Reading:
    """One answer, read: its shape and how many things it named."""

    shape: Shape
    count: int = 0


def _normal(text: str) -> str:
    text = text.lower().replace("\u2019", "'")
    return " ".join(re.sub(r"[^\w',]+", " ", text).split())


@record
class AnswerReader:
    """Reads answers with one language's word lists."""

    move_on: frozenset[str]
    not_knowing: frozenset[str]
    separators: re.Pattern[str]
    starters: frozenset[str]
    links: frozenset[str]
    fillers: frozenset[str]

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> AnswerReader:
        """A reader from a language's answers.yaml."""
        separators = sorted(data["separators"], key=len, reverse=True)
        return cls(
            move_on=frozenset(_normal(p) for p in data["move_on"]),
            not_knowing=frozenset(_normal(p) for p in data["not_knowing"]),
            separators=re.compile("|".join(re.escape(s) for s in separators)),
            starters=frozenset(data["starters"]),
            links=frozenset(data["links"]),
            fillers=frozenset(data["fillers"]),
        )

    def read(self, text: str) -> Reading:
        """The shape of what was said."""
        plain = _normal(text).strip(" ,")
        bare = plain.replace(",", "").strip()
        if not bare:
            return Reading(Shape.NOT_KNOWING)
        if bare in self.move_on or any(bare.startswith(f"{p} ") for p in self.move_on):
            return Reading(Shape.MOVE_ON)
        if bare in self.not_knowing:
            return Reading(Shape.NOT_KNOWING)
        parts = [p for p in self.separators.split(f" {plain} ") if set(p.split()) - self.fillers]
        return Reading(Shape.THINGS, max(sum(self._things_in(p) for p in parts), 1))

    def _things_in(self, part: str) -> int:
        """Things named without a joining word: "a lamp a cup" is two (transcripts drop commas)."""
        words = part.replace(",", " ").split()
        not_after = self.starters | self.links | self.fillers
        starts = sum(
            1
            for before, word in itertools.pairwise(words)
            if word in self.starters and before not in not_after
        )
        return (1 if words else 0) + starts
