"""Slot types of the interaction model: their listed values, resolving words, slot patterns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from skill.core.wordlists import alternation
from skill.tools.nlu.times import TIME_TYPE, time_words
from skill.tools.nlu.words import normalise, typed_words

NUMBER_TYPE = "AMAZON.NUMBER"


@dataclass(frozen=True)
class Value:
    """One listed value of a slot type."""

    id: str
    name: str


def canonical(text: str) -> str:
    """The value with leading articles and trailing fillers dropped ("a box breathing exercise")."""
    table = typed_words()
    words = text.split()
    while len(words) > 1 and words[0] in table.leading_fillers:
        words.pop(0)
    while len(words) > 1 and words[-1] in table.trailing_fillers:
        words.pop()
    return " ".join(words)


@dataclass(frozen=True)
class SlotType:
    """A custom slot type: every listed spelling, exactly and loosely, by its value."""

    name: str
    exact: Mapping[str, Value]
    loose: Mapping[str, Value]
    pattern: str
    """Regex alternation of every listed spelling, longest first."""

    @classmethod
    def from_model(cls, raw: Mapping[str, Any]) -> SlotType:
        """A slot type as the interaction model lists it ({"name": ..., "values": [...]})."""
        exact: dict[str, Value] = {}
        loose: dict[str, Value] = {}
        for item in raw.get("values", []):
            name = str(item["name"]["value"])
            value = Value(str(item.get("id") or name), name)
            for spelling in [name, *item["name"].get("synonyms", [])]:
                text = normalise(str(spelling))
                exact.setdefault(text, value)
                loose.setdefault(canonical(text), value)
        return cls(str(raw["name"]), exact, loose, alternation(exact))

    def resolve(self, text: str) -> tuple[Value | None, int]:
        """The listed value for these words and how closely they matched (2, 1 or 0)."""
        exact = self.exact.get(text)
        if exact is not None:
            return exact, 2
        loose = self.loose.get(canonical(text))
        if loose is not None:
            return loose, 1
        return None, 0


EMPTY_TYPE = SlotType("", {}, {}, "")


def slot_pattern(type_name: str, slot_types: Mapping[str, SlotType], several: bool) -> str:
    """The regex a slot of this type matches inside a sample."""
    if type_name == NUMBER_TYPE:
        return typed_words().number_pattern
    if type_name == TIME_TYPE:
        return time_words().pattern
    slot_type = slot_types.get(type_name)
    if several and slot_type is not None and slot_type.pattern:
        # Listed values first, so that "{exercise} for {person}" splits where the values are.
        fillers = "|".join(sorted(typed_words().leading_fillers))
        return rf"(?:(?:{fillers})\s+)*(?:{slot_type.pattern})|.+?"
    return r".+?"
