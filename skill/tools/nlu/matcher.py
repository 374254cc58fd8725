"""The Matcher: one utterance against every compiled sample, the best match by tier and score."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from enum import IntEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any

from skill.content.files import data_file, read_yaml
from skill.record import record
from skill.tools.nlu.invocation import without_wake_word
from skill.tools.nlu.model import compile_model, read_builtin_phrases
from skill.tools.nlu.results import (
    ANSWER_INTENT,
    CONTROL_INTENT,
    CRISIS_INTENT,
    FALLBACK_INTENT,
    FEELING_INTENT,
    REQUEST_INTENT,
    REQUEST_SLOT,
    SKIP_REGION_INTENT,
    STATEMENT_SLOT,
    Match,
    SlotMatch,
)
from skill.tools.nlu.samples import Sample
from skill.tools.nlu.slots import NUMBER_TYPE, SlotType
from skill.tools.nlu.statements import Statements
from skill.tools.nlu.times import TIME_TYPE, time_value
from skill.tools.nlu.words import normalise, number_value, spoken

# expecting -> (intent, slot) that carries the whole utterance
_EXPECTED_SLOT: Mapping[str, tuple[str, str]] = {
    "answer": (ANSWER_INTENT, "answer"),
    "feeling": (FEELING_INTENT, "feeling"),
}
# expecting -> intents whose bare-value samples are accepted as they are
_ACCEPTED_BARE: Mapping[str, frozenset[str]] = {
    "answer": frozenset({ANSWER_INTENT, FEELING_INTENT}),
    "feeling": frozenset({FEELING_INTENT}),
}
# expecting -> tie-break preference between samples with the same number of literal words
_PREFERENCE: Mapping[str | None, Mapping[str, int]] = {
    None: {},
    "answer": {ANSWER_INTENT: 2, FEELING_INTENT: 1},
    "feeling": {FEELING_INTENT: 2, ANSWER_INTENT: 1},
}

# Spoken controls: closed lists (a match needs every slot resolved), and they win over an awaited
# answer the way built-in controls do.
_CONTROL_INTENTS = frozenset({CONTROL_INTENT, SKIP_REGION_INTENT})


class _Tier(IntEnum):
    FREE = 1
    RESOLVED = 2
    LITERAL = 3
    CRISIS = 4


@record
class _Candidate:
    score: tuple[int, int, int, int, int]
    sample: Sample
    match: Match


class Matcher:
    """Matches typed utterances against one locale's interaction model."""

    def __init__(
        self,
        invocation_name: str,
        samples: Sequence[Sample],
        slot_types: Mapping[str, SlotType],
        intent_slots: Mapping[str, Mapping[str, str]],
        statements: Statements | None,
    ) -> None:
        self.invocation_name = invocation_name
        self.intent_names = frozenset(intent_slots)
        self._samples = tuple(samples)
        self._slot_types = slot_types
        self._intent_slots = intent_slots
        self._statements = statements

    @classmethod
    def load(cls, model_path: Path) -> Matcher:
        """Reads a model file, plus the packaged skill/data/builtin_intents.yaml phrases."""
        model = json.loads(model_path.read_text(encoding="utf-8"))
        builtin = read_yaml(data_file("builtin_intents.yaml"))
        return cls.from_model(model, read_builtin_phrases(builtin))

    @classmethod
    def from_model(
        cls,
        model: Mapping[str, Any],
        builtin_phrases: Mapping[str, Sequence[str]] | None = None,
    ) -> Matcher:
        """Compiles a parsed interaction model. Built-in phrases count only for intents it has."""
        try:
            compiled = compile_model(
                model["interactionModel"]["languageModel"], builtin_phrases or {}
            )
        except (KeyError, TypeError) as error:
            raise ValueError(f"not an ASK interaction model: bad or missing {error}") from error
        return cls(
            compiled.invocation_name,
            compiled.samples,
            compiled.slot_types,
            compiled.intent_slots,
            compiled.statements,
        )

    def match(self, utterance: str, expecting: str | None = None) -> Match:
        """The intent and slots for one utterance.

        ``expecting`` is None, "answer" or "feeling": what the skill has just asked for.
        """
        if expecting is not None and expecting not in _EXPECTED_SLOT:
            raise ValueError(f"expecting must be None, 'answer' or 'feeling', not {expecting!r}")
        text = without_wake_word(spoken(utterance))
        if not text:
            return Match(FALLBACK_INTENT, MappingProxyType({}))
        words = frozenset(text.split())
        holds_statement = self._statements is not None and self._statements.holds_clause(text)
        best: _Candidate | None = None
        for index, sample in enumerate(self._samples):
            found = sample.pattern.fullmatch(text, words)
            if found is None:
                continue
            candidate = self._candidate(sample, found, index, expecting, holds_statement)
            if candidate is not None and (best is None or candidate.score > best.score):
                best = candidate
        if (best is None or best.score[0] < _Tier.CRISIS) and holds_statement:
            return self._whole_statement(text)
        if expecting is not None and _is_weak(best, expecting):
            return self._expected(text, expecting)
        if best is None:
            return self._catch_all(text)
        return best.match

    def _candidate(
        self,
        sample: Sample,
        found: re.Match[str],
        index: int,
        expecting: str | None,
        holds_statement: bool,
    ) -> _Candidate | None:
        slots: dict[str, SlotMatch] = {}
        qualities: list[int] = []
        for ref in sample.slots:
            slot, quality = self._fill(ref.name, ref.type_name, found.group(ref.group))
            if ref.type_name == TIME_TYPE and not quality:
                return None  # shaped like a time, but none ("twenty five o'clock"): not this sample
            slots[ref.name] = slot
            qualities.append(quality)
        resolved = all(qualities)
        match = Match(sample.intent, MappingProxyType(slots))
        if sample.intent == CRISIS_INTENT:
            # Resolved, or new words around a statement the model knows; resolved first, then
            # the sample that leaves the most words in the slot.
            if not resolved and not holds_statement:
                return None
            score = (int(_Tier.CRISIS), sum(qualities), -sample.literal_words, 0, -index)
            return _Candidate(score, sample, match)
        if not resolved and (sample.slot_only or sample.intent in _CONTROL_INTENTS):
            return None
        tier = _Tier.RESOLVED if resolved else _Tier.FREE
        if not sample.slots:
            tier = _Tier.LITERAL
        preference = _PREFERENCE[expecting].get(sample.intent, 0)
        score = (int(tier), sample.literal_words, preference, sum(qualities), -index)
        return _Candidate(score, sample, match)

    def _fill(self, name: str, type_name: str, raw: str) -> tuple[SlotMatch, int]:
        """The slot as Alexa would fill it, and how well it resolved (2 exact, 1 loose, 0 not)."""
        text = normalise(raw)
        if type_name == NUMBER_TYPE:
            number = number_value(text)
            return SlotMatch(name, number or text, None, None, type_name), 2 if number else 0
        if type_name == TIME_TYPE:
            time = time_value(text)
            return SlotMatch(name, time or text, None, None, type_name), 2 if time else 0
        slot_type = self._slot_types.get(type_name)
        if slot_type is None:  # AMAZON.SearchQuery, AMAZON.FirstName, ...: any words
            return SlotMatch(name, text, None, None, type_name), 0
        value, quality = slot_type.resolve(text)
        statements = self._statements
        if value is None and statements is not None and type_name == statements.type_name:
            value, quality = statements.resolve(text), 1
        if value is None:
            return SlotMatch(name, text, None, None, type_name), 0
        return SlotMatch(name, text, value.id, value.name, type_name), quality

    def _whole_statement(self, text: str) -> Match:
        """CrisisIntent carrying every word: a listed statement was heard inside them."""
        type_name = self._intent_slots.get(CRISIS_INTENT, {}).get(STATEMENT_SLOT)
        if type_name is None:
            return Match(CRISIS_INTENT, MappingProxyType({}))
        slot, _ = self._fill(STATEMENT_SLOT, type_name, text)
        return Match(CRISIS_INTENT, MappingProxyType({STATEMENT_SLOT: slot}))

    def _catch_all(self, text: str) -> Match:
        """Words no sample takes: RequestIntent carrying them all, as its bare "{request}"
        sample catches speech on a device, when the model has one; else the fallback."""
        type_name = self._intent_slots.get(REQUEST_INTENT, {}).get(REQUEST_SLOT)
        if type_name is None:
            return Match(FALLBACK_INTENT, MappingProxyType({}))
        slot, _ = self._fill(REQUEST_SLOT, type_name, text)
        return Match(REQUEST_INTENT, MappingProxyType({REQUEST_SLOT: slot}))

    def _expected(self, text: str, expecting: str) -> Match:
        intent, slot_name = _EXPECTED_SLOT[expecting]
        type_name = self._intent_slots.get(intent, {}).get(slot_name)
        if type_name is None:
            return Match(FALLBACK_INTENT, MappingProxyType({}))
        slot, _ = self._fill(slot_name, type_name, text)
        return Match(intent, MappingProxyType({slot_name: slot}))


def _is_weak(best: _Candidate | None, expecting: str) -> bool:
    """Whether an awaited answer should take the place of this match."""
    if best is None:
        return True
    tier = best.score[0]
    if tier >= _Tier.LITERAL or best.sample.intent in _CONTROL_INTENTS:
        return False
    if best.sample.slot_only:
        return best.sample.intent not in _ACCEPTED_BARE[expecting]
    return tier == _Tier.FREE and best.sample.intent not in (ANSWER_INTENT, FEELING_INTENT)
