"""Word lists and word tables as the data files write them: reading them, and matching any."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any


def _value(data: Mapping[str, Any], key: str, source: str, required: bool) -> Any:
    if key not in data and required:
        raise ValueError(f"{source}: missing {key}")
    return data.get(key)


def word_table(
    data: Mapping[str, Any], key: str, source: str, required: bool = True
) -> dict[str, str]:
    """A mapping of words to words, lower case."""
    value = _value(data, key, source, required) or {}
    if not isinstance(value, Mapping):
        raise ValueError(f"{source}: {key} must map words to words")
    return {str(k).lower(): str(v).lower() for k, v in value.items()}


def word_list(
    data: Mapping[str, Any], key: str, source: str, required: bool = True
) -> tuple[str, ...]:
    """A list of words or phrases, or one string of words, lower case."""
    value = _value(data, key, source, required) or []
    items = value.split() if isinstance(value, str) else value
    if not isinstance(items, list):
        raise ValueError(f"{source}: {key} must be a list of words")
    return tuple(str(item).lower() for item in items)


def plain_words(text: str) -> str:
    """Words as compared, whatever their case and punctuation: lower case, letters, digits and
    apostrophes ("I'd"), single spaces."""
    kept = "".join(c for c in text.lower() if c.isalnum() or c == "'" or c.isspace())
    return " ".join(kept.split())


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of words and phrases, longest first, any spaces between their words."""
    ordered = sorted(set(words), key=lambda word: (-len(word), word))
    return "|".join(r"\s+".join(re.escape(part) for part in word.split()) for word in ordered)
