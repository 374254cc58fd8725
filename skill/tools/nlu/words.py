"""Typed English as Alexa would hear it: normalise, spoken, number words (tables in typed.yaml)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from skill.content.files import data_file, read_yaml
from skill.core.wordlists import alternation, word_list, word_table
from skill.record import record

TYPED_FILE = "typed.yaml"
_KEYS = frozenset(
    {
        "typed",
        "joined",
        "ampersand",
        "units",
        "tens",
        "other_numbers",
        "times",
        "leading_fillers",
        "trailing_fillers",
        "statement_fillers",
        "clause_subjects",
        "clause_breaks",
        "launch_alone",
        "launch_with",
        "request_with",
        "request_joiners",
    }
)
_DIGITS = re.compile(r"[0-9]+")
_NOT_WORD = re.compile(r"[^\w\s']")
_STRAY_APOSTROPHE = re.compile(r"(?<!\w)'|'(?!\w)")


def _value(data: Mapping[str, Any], key: str) -> Any:
    if key not in data:
        raise ValueError(f"{TYPED_FILE}: missing {key}")
    return data[key]


def _table(data: Mapping[str, Any], key: str) -> dict[str, str]:
    return word_table(data, key, TYPED_FILE)


def _numbers(data: Mapping[str, Any], key: str) -> dict[str, int]:
    value = _value(data, key)
    if not isinstance(value, Mapping) or not all(isinstance(n, int) for n in value.values()):
        raise ValueError(f"{TYPED_FILE}: {key} must map number words to numbers")
    return {str(k).lower(): int(v) for k, v in value.items()}


def _words(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    return word_list(data, key, TYPED_FILE)


@record
class TypedWords:
    """The English word tables of typed.yaml, as the matcher uses them."""

    typed: Mapping[str, str]
    """Typed shorthand -> the words Alexa hears ("im" -> "i'm")."""
    joined: tuple[tuple[re.Pattern[str], str], ...]
    """Words typed apart that are heard as one ("my self" -> "myself")."""
    ampersand: str
    units: Mapping[str, int]
    """Number words from 0 to 19."""
    tens: Mapping[str, int]
    """Number words of the tens from 20 to 90."""
    other_numbers: frozenset[str]
    """Further words that count as a number in a crisis statement ("hundred")."""
    number_pattern: str
    """Regex for a number from 0 to 99, in digits or words."""
    leading_fillers: frozenset[str]
    trailing_fillers: frozenset[str]
    statement_fillers: frozenset[str]
    clause_subjects: frozenset[str]
    clause_breaks: frozenset[str]
    launch_alone: frozenset[str]
    launch_with: tuple[str, ...]
    request_with: tuple[str, ...]
    request_joiners: tuple[str, ...]

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> TypedWords:
        """Build from typed.yaml; raises ValueError on a table it can't read."""
        unknown = set(data) - _KEYS
        if unknown:
            raise ValueError(f"{TYPED_FILE}: unknown tables {sorted(unknown)}")
        joined = tuple(
            (re.compile(rf"\b{' '.join(map(re.escape, apart.split()))}\b"), together)
            for apart, together in _table(data, "joined").items()
        )
        units = _numbers(data, "units")
        tens = _numbers(data, "tens")
        ones = alternation(word for word, number in units.items() if 1 <= number <= 9)
        number_pattern = (
            rf"[0-9]+|(?:{alternation(tens)})(?:\s+(?:{ones}))?|(?:{alternation(units)})"
        )
        return cls(
            typed=_table(data, "typed"),
            joined=joined,
            ampersand=str(_value(data, "ampersand")),
            units=units,
            tens=tens,
            other_numbers=frozenset(_words(data, "other_numbers")),
            number_pattern=number_pattern,
            leading_fillers=frozenset(_words(data, "leading_fillers")),
            trailing_fillers=frozenset(_words(data, "trailing_fillers")),
            statement_fillers=frozenset(_words(data, "statement_fillers")),
            clause_subjects=frozenset(_words(data, "clause_subjects")),
            clause_breaks=frozenset(_words(data, "clause_breaks")),
            launch_alone=frozenset(_words(data, "launch_alone")),
            launch_with=_words(data, "launch_with"),
            request_with=_words(data, "request_with"),
            request_joiners=_words(data, "request_joiners"),
        )


@cache
def typed_data() -> Mapping[str, Any]:
    """English's typed.yaml as written, read once (its ``times`` table is read by `times`)."""
    data = read_yaml(data_file(TYPED_FILE, "en"))
    if not isinstance(data, Mapping):
        raise ValueError(f"{TYPED_FILE}: expected a mapping of tables")
    return data


@cache
def typed_words() -> TypedWords:
    """English's typed.yaml, read once."""
    return TypedWords.from_data(typed_data())


APOSTROPHES = ("’", "‘", "`", "´", "ʼ", "′")
"""Marks typed or recognised for an apostrophe ("I`ve"): all are one, so no word is split."""


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces: punctuation goes, apostrophes stay."""
    ampersand = typed_words().ampersand
    for mark in APOSTROPHES:
        text = text.replace(mark, "'")
    text = text.lower().replace("&", f" {ampersand} ")
    text = _NOT_WORD.sub(" ", text).replace("_", " ")
    text = _STRAY_APOSTROPHE.sub(" ", text)
    return " ".join(text.split())


def spoken(text: str) -> str:
    """Normalised words with typed shorthand written out as Alexa would hear it ("im" -> "i'm")."""
    words = typed_words()
    text = normalise(text)
    for pattern, together in words.joined:
        text = pattern.sub(together, text)
    return " ".join(words.typed.get(word, word) for word in text.split())


def is_number(word: str) -> bool:
    """Whether one word is a number (digits, a number word, "hundred")."""
    words = typed_words()
    return (
        bool(_DIGITS.fullmatch(word))
        or word in words.units
        or word in words.tens
        or word in words.other_numbers
    )


def number_value(text: str) -> str | None:
    """Digits for a number from 0 to 99 written as digits or English words, else None."""
    table = typed_words()
    words = normalise(text).split()
    if len(words) == 1 and _DIGITS.fullmatch(words[0]):
        return str(int(words[0]))
    if len(words) == 1 and words[0] in table.units:
        return str(table.units[words[0]])
    if words and words[0] in table.tens:
        tens = table.tens[words[0]]
        if len(words) == 1:
            return str(tens)
        if len(words) == 2 and 1 <= table.units.get(words[1], 0) <= 9:
            return str(tens + table.units[words[1]])
    return None
