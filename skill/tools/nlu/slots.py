"""Slot types of the interaction model: their listed values, resolving words, slot patterns."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from skill.content.files import data_file
from skill.content.snapshot import remembered, sources
from skill.core.wordlists import alternation
from skill.record import record
from skill.tools.nlu.times import TIME_TYPE, time_words
from skill.tools.nlu.words import TYPED_FILE, normalise, typed_words

NUMBER_TYPE = "AMAZON.NUMBER"


@record
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


@record
class SlotType:
    """A custom slot type: every listed spelling, exactly and loosely, by its value."""

    name: str
    exact: Mapping[str, Value]
    loose: Mapping[str, Value]
    pattern: str
    """Regex alternation of every listed spelling, longest first."""

    def to_json(self) -> dict[str, Any]:
        values = {id(v): v for v in (*self.exact.values(), *self.loose.values())}
        numbered = {key: n for n, key in enumerate(values)}
        return {
            "name": self.name,
            "values": [[v.id, v.name] for v in values.values()],
            "exact": {text: numbered[id(v)] for text, v in self.exact.items()},
            "loose": {text: numbered[id(v)] for text, v in self.loose.items()},
            "pattern": self.pattern,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SlotType:
        values = [Value(str(key), str(name)) for key, name in data["values"]]
        return cls(
            str(data["name"]),
            {text: values[n] for text, n in data["exact"].items()},
            {text: values[n] for text, n in data["loose"].items()},
            str(data["pattern"]),
        )

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


def slot_types(raw_types: Sequence[Mapping[str, Any]]) -> dict[str, SlotType]:
    """A model's slot types, by name; kept between processes (content/snapshot.py): reading
    thousands of spellings is much of what loading a model costs."""
    inputs = (
        *sources("skill.tools.nlu.slots", "skill.tools.nlu.words", "skill.tools.nlu.times"),
        json.dumps(raw_types, sort_keys=True).encode(),
        data_file(TYPED_FILE, "en").read_bytes(),
    )
    found: dict[str, Any] = remembered(
        "slot-types",
        inputs,
        lambda: {str(raw["name"]): SlotType.from_model(raw).to_json() for raw in raw_types},
    )
    return {name: SlotType.from_json(data) for name, data in found.items()}
