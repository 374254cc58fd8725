"""Compiling the model's samples ("start {exercise} for {person}") into regular expressions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Literal

from skill.record import record
from skill.tools.nlu.slots import SlotType, slot_pattern
from skill.tools.nlu.words import normalise

_SLOT_REFERENCE = re.compile(r"\{(\w+)\}")


class Pattern:
    """A regex compiled on first use, tried only when the utterance has all its literal words."""

    def __init__(self, source: str, words: Iterable[str]) -> None:
        self.source = source
        self.words = frozenset(words)
        self._compiled: re.Pattern[str] | None = None

    def _regex(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.source)
        return self._compiled

    def fullmatch(self, text: str, words: frozenset[str]) -> re.Match[str] | None:
        return self._regex().fullmatch(text) if self.words <= words else None


@record
class SlotRef:
    """A slot in a sample: its regex group, its name in the intent and its type."""

    group: str
    name: str
    type_name: str


@record
class Sample:
    """One compiled sample of an intent."""

    intent: str
    text: str
    pattern: Pattern
    slots: tuple[SlotRef, ...]
    literal_words: int

    @property
    def slot_only(self) -> bool:
        return self.literal_words == 0 and len(self.slots) == 1


def _sample_parts(
    intent: str, text: str, slots: Mapping[str, str]
) -> list[tuple[Literal["words", "slot"], str]]:
    parts: list[tuple[Literal["words", "slot"], str]] = []
    for position, part in enumerate(_SLOT_REFERENCE.split(text)):
        if position % 2 == 0:
            parts.extend(("words", word) for word in normalise(part).split())
        elif part not in slots:
            raise ValueError(f"{intent}: sample {text!r} uses undeclared slot {{{part}}}")
        else:
            parts.append(("slot", part))
    return parts


def compile_sample(
    intent: str, text: str, slots: Mapping[str, str], slot_types: Mapping[str, SlotType]
) -> Sample:
    """One sample of an intent whose slots (name -> type) are ``slots``."""
    parts = _sample_parts(intent, text, slots)
    several = sum(kind == "slot" for kind, _ in parts) > 1
    pieces: list[str] = []
    refs: list[SlotRef] = []
    for kind, part in parts:
        if kind == "words":
            pieces.append(re.escape(part))
        else:
            ref = SlotRef(f"s{len(refs)}", part, slots[part])
            pieces.append(f"(?P<{ref.group}>{slot_pattern(ref.type_name, slot_types, several)})")
            refs.append(ref)
    literal = [part for kind, part in parts if kind == "words"]
    pattern = Pattern(r"\s+".join(pieces), literal)
    return Sample(intent, text, pattern, tuple(refs), len(literal))
