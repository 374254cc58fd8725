"""
Offline utterance matcher: turns typed words into an intent and slots, using the interaction model.

The simulator (`steady say`, `steady chat`) has no Alexa speech service, so this module stands in
for Alexa's language understanding, driven by the same interaction model JSON that is uploaded to
Amazon. Typed shorthand is first written the way Alexa's speech recognition would hear it ("im
gonna" -> "i'm going to", "dont" -> "don't"). Every sample is compiled into a regular expression
once; an utterance is matched against all of them and the best match wins:

1. a CrisisIntent match (see below);
2. a literal sample matched exactly (built-in phrases included);
3. a sample whose slots all resolved to listed values; more literal words first;
4. a sample with free (unresolved) slot text, like Alexa's custom-slot pass-through; more
   literal words first;
5. a sample that is only a slot ("{feeling}") matches only when the value resolves (free words
   alone are not a match); it then counts as (3) with no literal words, so it ranks below other
   resolved samples and above free ones ("body scan for bed" is one exercise, not a person).

Crisis statements are values of CrisisIntent's ``statement`` slot type, so that their words reach
the skill: the value id is the statement's category ("abuse", "medical"...). A CrisisIntent
sample ("{statement}", "i think {statement}") matches when its statement resolves to a listed
value, exactly or loosely (contractions written out, fillers such as "just", "really",
"honestly" left out, any number the same as any other), and then fills the slot with the words
and the id. Its words may also be new to the model, as a custom slot passes them through, as long
as the utterance holds a listed statement said as a whole clause ("um I see a lamp and I want to
die"): the slot then carries the words without an id. Failing any CrisisIntent sample, an
utterance that holds such a clause is CrisisIntent with the whole utterance as its statement. A
clause starts with a subject ("i", "my", "she", "everyone"...), so "want to die" inside "i don't
want to die" is not one, and ends the utterance or comes before a word that starts a new thought
("and", "tonight", "because"...), so "i cut myself" inside "i cut myself shaving" is not one.

Spoken controls (ControlIntent: "slower", "can we keep my eyes open"; SkipRegionIntent: "skip my
chest") match only when every slot resolves to a listed value: their lists are closed, so "skip
this part" stays AMAZON.NextIntent and "can you tell me a story" is not a control. Carrier phrases
may be shared between intents when their slot types share no spelling ("i'd like {exercise}",
"i'd like {setting}"): the listed values decide.

Anything else is AMAZON.FallbackIntent with no slots. When the skill is waiting for an answer
(``expecting``), a fallback, a bare value of another type or a weak free match becomes the
expected AnswerIntent or FeelingIntent carrying the whole utterance, the way a catch-all slot
behaves on a device. Built-in controls ("stop", "next"), spoken controls ("slower", "skip my
feet") and crisis statements still win.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from skill.content.files import data_file, read_yaml

FALLBACK_INTENT = "AMAZON.FallbackIntent"
ANSWER_INTENT = "AnswerIntent"
FEELING_INTENT = "FeelingIntent"
CRISIS_INTENT = "CrisisIntent"
CONTROL_INTENT = "ControlIntent"
SKIP_REGION_INTENT = "SkipRegionIntent"
STATEMENT_SLOT = "statement"
NUMBER_TYPE = "AMAZON.NUMBER"

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

# Words that may be dropped when a slot value is compared with the listed values.
_LEADING_FILLERS = frozenset({"a", "an", "the", "my", "some"})
_TRAILING_FILLERS = frozenset({"please", "exercise", "exercises"})

# Typed shorthand, written the way Alexa's speech recognition hears it.
_TYPED: Mapping[str, str] = {
    "im": "i'm",
    "ive": "i've",
    "dont": "don't",
    "cant": "can't",
    "cannot": "can't",
    "wont": "won't",
    "didnt": "didn't",
    "doesnt": "doesn't",
    "isnt": "isn't",
    "wasnt": "wasn't",
    "arent": "aren't",
    "werent": "weren't",
    "havent": "haven't",
    "hasnt": "hasn't",
    "hadnt": "hadn't",
    "couldnt": "couldn't",
    "wouldnt": "wouldn't",
    "shouldnt": "shouldn't",
    "whats": "what's",
    "thats": "that's",
    "theres": "there's",
    "youre": "you're",
    "theyre": "they're",
    "hes": "he's",
    "shes": "she's",
    "wanna": "want to",
    "gonna": "going to",
    "gotta": "got to",
    "kinda": "kind of",
    "sorta": "sort of",
    "dunno": "don't know",
}
_TYPED_PAIRS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bany more\b"), "anymore"),
    (re.compile(r"\b(my|your|him|her|them) (self|selves)\b"), r"\1\2"),
)


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Comparing crisis statements: contractions written out, fillers left out, numbers alike.
_NOT_CONTRACTIONS: Mapping[str, tuple[str, ...]] = {
    "can't": ("can", "not"),
    "won't": ("will", "not"),
    "shan't": ("shall", "not"),
    "ain't": ("is", "not"),
}
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("n't", "not"),
    ("'m", "am"),
    ("'re", "are"),
    ("'ve", "have"),
    ("'ll", "will"),
    ("'d", "would"),
)
_IS_BEFORE_S = _word_set(
    "it that what there here who where how he she everyone everybody someone somebody nobody "
    "everything something nothing life"
)
# "she's been", "mum's taken": has.
_AFTER_HAS = _word_set(
    "been got gone taken had done tried said told left swallowed overdosed collapsed cut hurt "
    "written given"
)
_STATEMENT_FILLERS = _word_set(
    "just really honestly actually seriously literally truly so very still even sometimes also "
    "um uh erm er hmm ah oh"
)
_NUMBER_WORDS = frozenset({"hundred", "dozen"})
# A listed crisis statement counts inside a longer utterance only as a whole clause: it starts
# with one of these subjects (written out: "i'm" is "i am") ...
_CLAUSE_SUBJECTS = _word_set(
    "i my he she they we someone somebody everyone everybody nobody no there it life the his her "
    "our their"
)
# ... and ends the utterance or comes before one of these words, which start a new thought.
_CLAUSE_BREAKS = _word_set(
    "and but because cause cos or then now tonight today tomorrow yesterday soon later last "
    "right again anymore already please though too okay help alexa i it he she my every all "
    "what lately recently constantly often much a an until till bad badly properly"
)
_MIN_CLAUSE_WORDS = 2

_UNIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEEN_WORDS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen")
_LATE_TEEN_WORDS = ("seventeen", "eighteen", "nineteen")
_TEN_WORDS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_UNITS: Mapping[str, int] = {
    word: n for n, word in enumerate(_UNIT_WORDS + _TEEN_WORDS + _LATE_TEEN_WORDS)
}
_TENS: Mapping[str, int] = {word: 10 * n for n, word in enumerate(_TEN_WORDS, start=2)}
_DIGITS = re.compile(r"[0-9]+")


def _alternation(words: Iterable[str]) -> str:
    ordered = sorted(set(words), key=lambda word: (-len(word), word))
    return "|".join(r"\s+".join(re.escape(part) for part in word.split()) for word in ordered)


_ONES = _alternation(word for word, number in _UNITS.items() if 1 <= number <= 9)
_NUMBER_PATTERN = rf"[0-9]+|(?:{_alternation(_TENS)})(?:\s+(?:{_ONES}))?|(?:{_alternation(_UNITS)})"
_SLOT_REFERENCE = re.compile(r"\{(\w+)\}")
_NOT_WORD = re.compile(r"[^\w\s']")
_STRAY_APOSTROPHE = re.compile(r"(?<!\w)'|'(?!\w)")


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces: punctuation goes, apostrophes stay."""
    text = text.lower().replace("’", "'").replace("‘", "'").replace("&", " and ")
    text = _NOT_WORD.sub(" ", text).replace("_", " ")
    text = _STRAY_APOSTROPHE.sub(" ", text)
    return " ".join(text.split())


def spoken(text: str) -> str:
    """Normalised words with typed shorthand written out as Alexa would hear it ("im" -> "i'm")."""
    text = normalise(text)
    for pattern, replacement in _TYPED_PAIRS:
        text = pattern.sub(replacement, text)
    return " ".join(_TYPED.get(word, word) for word in text.split())


def statement_key(text: str) -> tuple[str, ...]:
    """The words of a crisis statement as they are compared: contractions written out, fillers
    left out, every number alike ("I'm REALLY going to take 30 pills" and "i am going to take
    fifty pills" are the same)."""
    said = spoken(text).split()
    words: list[str] = []
    for position, word in enumerate(said):
        following = said[position + 1] if position + 1 < len(said) else ""
        words.extend(_written_out(word, following))
    return tuple(
        "#" if _is_number(word) else word for word in words if word not in _STATEMENT_FILLERS
    )


def _written_out(word: str, following: str) -> tuple[str, ...]:
    if word in _NOT_CONTRACTIONS:
        return _NOT_CONTRACTIONS[word]
    for suffix, full in _SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix):
            return (word[: -len(suffix)], full)
    if word.endswith("'s") and len(word) > 2:
        if following in _AFTER_HAS:
            return (word[:-2], "has")
        if word[:-2] in _IS_BEFORE_S or following == "not" or following.endswith("ing"):
            return (word[:-2], "is")
    return (word,)


def _is_number(word: str) -> bool:
    return bool(_DIGITS.fullmatch(word)) or word in _UNITS or word in _TENS or word in _NUMBER_WORDS


def number_value(text: str) -> str | None:
    """Digits for a number from 0 to 99 written as digits or English words, else None."""
    words = normalise(text).split()
    if len(words) == 1 and _DIGITS.fullmatch(words[0]):
        return str(int(words[0]))
    if len(words) == 1 and words[0] in _UNITS:
        return str(_UNITS[words[0]])
    if words and words[0] in _TENS:
        tens = _TENS[words[0]]
        if len(words) == 1:
            return str(tens)
        if len(words) == 2 and 1 <= _UNITS.get(words[1], 0) <= 9:
            return str(tens + _UNITS[words[1]])
    return None


def _canonical(text: str) -> str:
    """The value with leading articles and trailing fillers dropped ("a box breathing exercise")."""
    words = text.split()
    while len(words) > 1 and words[0] in _LEADING_FILLERS:
        words.pop(0)
    while len(words) > 1 and words[-1] in _TRAILING_FILLERS:
        words.pop()
    return " ".join(words)


@dataclass(frozen=True)
class SlotMatch:
    """One filled slot, as Alexa would send it."""

    name: str
    """The slot's name in the intent ("exercise")."""
    value: str
    """The words as heard (normalised); for AMAZON.NUMBER, digits ("15")."""
    resolved_id: str | None
    """The listed value's id (its name when it has no id); None when nothing matched."""
    resolved_name: str | None
    """The listed value's name; None when nothing matched."""
    slot_type: str
    """The slot type ("EXERCISE", "AMAZON.NUMBER")."""


@dataclass(frozen=True)
class Match:
    """The intent an utterance was understood as, with the slots that were filled."""

    intent: str
    """Intent name ("StartExerciseIntent", "AMAZON.StopIntent", "AMAZON.FallbackIntent")."""
    slots: Mapping[str, SlotMatch]
    """Filled slots by slot name; slots that were not filled are absent."""


@dataclass(frozen=True)
class Invocation:
    """How an utterance addresses the skill ("open steady ground", "ask steady ground to ...")."""

    kind: Literal["launch", "intent", "none"]
    """launch: open the skill; intent: a one-shot request; none: the skill was not named."""
    rest: str
    """The request words for "intent", the whole (normalised) utterance for "none", else ""."""


class _Tier(IntEnum):
    FREE = 1
    RESOLVED = 2
    LITERAL = 3
    CRISIS = 4


@dataclass(frozen=True)
class _Value:
    id: str
    name: str


@dataclass(frozen=True)
class _SlotType:
    name: str
    exact: Mapping[str, _Value]
    loose: Mapping[str, _Value]
    pattern: str
    """Regex alternation of every listed spelling, longest first."""

    def resolve(self, text: str) -> tuple[_Value | None, int]:
        """The listed value for these words and how closely they matched (2, 1 or 0)."""
        exact = self.exact.get(text)
        if exact is not None:
            return exact, 2
        loose = self.loose.get(_canonical(text))
        if loose is not None:
            return loose, 1
        return None, 0


class _Pattern:
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


@dataclass(frozen=True)
class _Statements:
    """The listed crisis statements: loose resolution, and finding them inside longer words."""

    type_name: str
    """CrisisIntent's statement slot type."""
    keyed: Mapping[tuple[str, ...], _Value]
    """Every listed spelling by its statement_key."""
    clauses: Mapping[str, tuple[tuple[tuple[str, ...], _Value | None], ...]]
    """Listed statements that may be found inside longer words, by their first word."""

    @classmethod
    def build(cls, slot_type: _SlotType, literal: Iterable[str]) -> _Statements:
        keyed: dict[tuple[str, ...], _Value] = {}
        clauses: dict[str, list[tuple[tuple[str, ...], _Value | None]]] = {}
        found: list[tuple[tuple[str, ...], _Value | None]] = []
        for spelling, value in slot_type.exact.items():
            key = statement_key(spelling)
            if key:
                keyed.setdefault(key, value)
                found.append((key, value))
        found.extend((statement_key(text), None) for text in literal)
        for key, listed in found:
            if len(key) >= _MIN_CLAUSE_WORDS and key[0] in _CLAUSE_SUBJECTS:
                clauses.setdefault(key[0], []).append((key, listed))
        return cls(slot_type.name, keyed, {word: tuple(items) for word, items in clauses.items()})

    def resolve(self, text: str) -> _Value | None:
        """The listed statement these words loosely are, if any."""
        key = statement_key(text)
        return self.keyed.get(key) if key else None

    def holds_clause(self, text: str) -> bool:
        """Whether the words hold a listed statement as a whole clause."""
        key = statement_key(text)
        for start, word in enumerate(key):
            for clause, _ in self.clauses.get(word, ()):
                end = start + len(clause)
                if key[start:end] == clause and (end == len(key) or key[end] in _CLAUSE_BREAKS):
                    return True
        return False


@dataclass(frozen=True)
class _SlotRef:
    group: str
    name: str
    type_name: str


@dataclass(frozen=True)
class _Sample:
    intent: str
    text: str
    pattern: _Pattern
    slots: tuple[_SlotRef, ...]
    literal_words: int

    @property
    def slot_only(self) -> bool:
        return self.literal_words == 0 and len(self.slots) == 1


@dataclass(frozen=True)
class _Candidate:
    score: tuple[int, int, int, int, int]
    sample: _Sample
    match: Match


class Matcher:
    """Matches typed utterances against one locale's interaction model."""

    def __init__(
        self,
        invocation_name: str,
        samples: Sequence[_Sample],
        slot_types: Mapping[str, _SlotType],
        intent_slots: Mapping[str, Mapping[str, str]],
        statements: _Statements | None,
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
        return cls.from_model(model, _builtin_phrases(builtin))

    @classmethod
    def from_model(
        cls,
        model: Mapping[str, Any],
        builtin_phrases: Mapping[str, Sequence[str]] | None = None,
    ) -> Matcher:
        """Compiles a parsed interaction model. Built-in phrases count only for intents it has."""
        try:
            return cls._compile(model["interactionModel"]["languageModel"], builtin_phrases or {})
        except (KeyError, TypeError) as error:
            raise ValueError(f"not an ASK interaction model: bad or missing {error}") from error

    @classmethod
    def _compile(
        cls, language_model: Mapping[str, Any], builtin_phrases: Mapping[str, Sequence[str]]
    ) -> Matcher:
        invocation_name = str(language_model["invocationName"])
        raw_intents = list(language_model["intents"])
        raw_types = list(language_model.get("types", []))
        slot_types = {str(raw["name"]): _slot_type(raw) for raw in raw_types}
        intent_slots: dict[str, dict[str, str]] = {}
        samples: list[_Sample] = []
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
                sample = _compile_sample(intent, text, slots, slot_types)
                if not sample.pattern.source or sample.pattern.source in seen:
                    continue
                seen.add(sample.pattern.source)
                samples.append(sample)
                if intent == CRISIS_INTENT and not sample.slots:
                    crisis_literal.append(text)
        statement_type = slot_types.get(intent_slots.get(CRISIS_INTENT, {}).get(STATEMENT_SLOT, ""))
        statements = None
        if statement_type is not None or crisis_literal:
            empty = _SlotType("", {}, {}, "")
            statements = _Statements.build(statement_type or empty, crisis_literal)
        return cls(invocation_name, samples, slot_types, intent_slots, statements)

    def match(self, utterance: str, expecting: str | None = None) -> Match:
        """The intent and slots for one utterance.

        ``expecting`` is None, "answer" or "feeling": what the skill has just asked for.
        """
        if expecting is not None and expecting not in _EXPECTED_SLOT:
            raise ValueError(f"expecting must be None, 'answer' or 'feeling', not {expecting!r}")
        text = _without_wake_word(spoken(utterance))
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
            return Match(FALLBACK_INTENT, MappingProxyType({}))
        return best.match

    def _candidate(
        self,
        sample: _Sample,
        found: re.Match[str],
        index: int,
        expecting: str | None,
        holds_statement: bool,
    ) -> _Candidate | None:
        slots: dict[str, SlotMatch] = {}
        qualities: list[int] = []
        for ref in sample.slots:
            slot, quality = self._fill(ref.name, ref.type_name, found.group(ref.group))
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

    def _expected(self, text: str, expecting: str) -> Match:
        intent, slot_name = _EXPECTED_SLOT[expecting]
        type_name = self._intent_slots.get(intent, {}).get(slot_name)
        if type_name is None:
            return Match(FALLBACK_INTENT, MappingProxyType({}))
        slot, _ = self._fill(slot_name, type_name, text)
        return Match(intent, MappingProxyType({slot_name: slot}))


def parse_invocation(utterance: str, invocation_name: str) -> Invocation:
    """Whether the words open the skill, make a one-shot request to it, or do neither."""
    text = _without_wake_word(normalise(utterance))
    name = r"\s+".join(re.escape(word) for word in normalise(invocation_name).split())
    if text in {"launch", "open"} or re.fullmatch(
        rf"(?:open|launch|start|begin|load|run|use|play|talk to|speak to|ask|tell)\s+{name}", text
    ):
        return Invocation("launch", "")
    one_shot = re.fullmatch(
        rf"(?:ask|tell)\s+{name}\s+(?:(?:to|for|that|about|if|whether)\s+)?(?P<rest>.+)", text
    )
    if one_shot is not None:
        return Invocation("intent", one_shot.group("rest"))
    return Invocation("none", text)


def _without_wake_word(text: str) -> str:
    """Typed words may start with "alexa"; Alexa never passes the wake word to a skill."""
    return text[len("alexa") :].lstrip() if text.split(" ", 1)[0] == "alexa" else text


def _builtin_phrases(data: object) -> dict[str, list[str]]:
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


def _slot_type(raw: Mapping[str, Any]) -> _SlotType:
    exact: dict[str, _Value] = {}
    loose: dict[str, _Value] = {}
    for item in raw.get("values", []):
        name = str(item["name"]["value"])
        value = _Value(str(item.get("id") or name), name)
        for spelling in [name, *item["name"].get("synonyms", [])]:
            text = normalise(str(spelling))
            exact.setdefault(text, value)
            loose.setdefault(_canonical(text), value)
    return _SlotType(str(raw["name"]), exact, loose, _alternation(exact))


def _slot_pattern(type_name: str, slot_types: Mapping[str, _SlotType], several: bool) -> str:
    if type_name == NUMBER_TYPE:
        return _NUMBER_PATTERN
    slot_type = slot_types.get(type_name)
    if several and slot_type is not None and slot_type.pattern:
        # Listed values first, so that "{exercise} for {person}" splits where the values are.
        fillers = "|".join(sorted(_LEADING_FILLERS))
        return rf"(?:(?:{fillers})\s+)*(?:{slot_type.pattern})|.+?"
    return r".+?"


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


def _compile_sample(
    intent: str, text: str, slots: Mapping[str, str], slot_types: Mapping[str, _SlotType]
) -> _Sample:
    parts = _sample_parts(intent, text, slots)
    several = sum(kind == "slot" for kind, _ in parts) > 1
    pieces: list[str] = []
    refs: list[_SlotRef] = []
    for kind, part in parts:
        if kind == "words":
            pieces.append(re.escape(part))
        else:
            ref = _SlotRef(f"s{len(refs)}", part, slots[part])
            pieces.append(f"(?P<{ref.group}>{_slot_pattern(ref.type_name, slot_types, several)})")
            refs.append(ref)
    literal = [part for kind, part in parts if kind == "words"]
    pattern = _Pattern(r"\s+".join(pieces), literal)
    return _Sample(intent, text, pattern, tuple(refs), len(literal))


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
