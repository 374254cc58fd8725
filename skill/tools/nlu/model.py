"""Reading an interaction model: its slot types, compiled samples and listed crisis statements."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from skill.record import record
from skill.tools.nlu.results import CRISIS_INTENT, STATEMENT_SLOT
from skill.tools.nlu.samples import Sample, compile_sample
from skill.tools.nlu.slots import EMPTY_TYPE, SlotType
from skill.tools.nlu.slots import slot_types as read_slot_types
from skill.tools.nlu.statements import Statements


@record
class Model:
    """One locale's language model, compiled."""

    invocation_name: str
    samples: tuple[Sample, ...]
    slot_types: Mapping[str, SlotType]
    intent_slots: Mapping[str, Mapping[str, str]]
    """Every intent's slots: slot name -> slot type."""
    statements: Statements | None


def compile_model(
    language_model: Mapping[str, Any], builtin_phrases: Mapping[str, Sequence[str]]
) -> Model:
    """The model's ``languageModel``; built-in phrases count only for intents it has."""
    invocation_name = str(language_model["invocationName"])
    raw_intents = list(language_model["intents"])
    raw_types = list(language_model.get("types", []))
    slot_types = read_slot_types(raw_types)
    intent_slots: dict[str, dict[str, str]] = {}
    samples: list[Sample] = []
    crisis_literal: list[str] = []
    for raw in raw_intents:
        intent = str(raw["name"])
        slots = {str(slot["name"]): str(slot["type"]) for slot in raw.get("slots", [])}
        intent_slots[intent] = slots
        texts = [str(text) for text in raw.get("samples", [])]
        if intent.startswith("AMAZON."):
            texts.extend(builtin_phrases.get(intent, ()))
        seen: set[str] = set()
        for text in texts:
            sample = compile_sample(intent, text, slots, slot_types)
            if not sample.pattern.source or sample.pattern.source in seen:
                continue
            seen.add(sample.pattern.source)
            samples.append(sample)
            if intent == CRISIS_INTENT and not sample.slots:
                crisis_literal.append(text)
    statement_type = slot_types.get(intent_slots.get(CRISIS_INTENT, {}).get(STATEMENT_SLOT, ""))
    statements = None
    if statement_type is not None or crisis_literal:
        statements = Statements.build(statement_type or EMPTY_TYPE, crisis_literal)
    return Model(invocation_name, tuple(samples), slot_types, intent_slots, statements)


def read_builtin_phrases(data: object) -> dict[str, list[str]]:
    """The phrases of skill/data/builtin_intents.yaml, by built-in intent."""
    if not isinstance(data, Mapping):
        raise ValueError("builtin_intents.yaml: expected a mapping of intent name -> phrases")
    phrases: dict[str, list[str]] = {}
    for intent, items in data.items():
        if not isinstance(intent, str) or not isinstance(items, list):
            raise ValueError(f"builtin_intents.yaml: {intent!r}: expected a list of phrases")
        if not all(isinstance(item, str) for item in items):
            raise ValueError(f"builtin_intents.yaml: {intent}: every phrase must be a string")
        phrases[intent] = list(items)
    return phrases
