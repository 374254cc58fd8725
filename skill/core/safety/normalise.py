"""Writing words out before they are matched: one normaliser, its word tables from data.

The crisis check reads what people say, and the patterns it looks for, through the same
normaliser, and the simulator's matcher compares crisis statements with it too, so a contraction
or a bit of slang is read the same way everywhere. The tables are a language's `words.yaml`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from skill.core.wordlists import alternation, word_list, word_table
from skill.record import record

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_DASH_BETWEEN_WORDS = re.compile(r"(?<=[a-z0-9])[-\u2010\u2011\u2012\u2013\u2014](?=[a-z0-9])")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_KEYS = frozenset(
    {
        "whole_words",
        "endings",
        "has_before",
        "is_after",
        "is_before",
        "s_without_apostrophe",
        "slang",
        "joined",
        "fillers",
    }
)


SOURCE = "words.yaml"


def _table(data: Mapping[str, Any], key: str) -> dict[str, str]:
    return word_table(data, key, SOURCE, required=False)


def _needs(ending: str) -> str:
    """The apostrophe an ending like "n't" cannot match without, or "" when it has none."""
    return "'" if "'" in ending else ""


def _words(data: Mapping[str, Any], key: str) -> frozenset[str]:
    return frozenset(word_list(data, key, SOURCE, required=False))


@record
class Normaliser:
    """Writes one language's contractions, slang and split words out in full."""

    replacements: tuple[tuple[re.Pattern[str], Any, str], ...]
    """Applied in order to lower-case text with plain apostrophes; a step whose third part is
    a character is left out for text without it."""
    fillers: frozenset[str] = frozenset()
    """Sounds that are not words ("um", "erm"), left out of what is said: "i um took all my
    um pills" is "i took all my pills"."""

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Normaliser:
        """Build from a language's words.yaml; raises ValueError on a table it can't read."""
        unknown = set(data) - _KEYS
        if unknown:
            raise ValueError(f"words: unknown tables {sorted(unknown)}; expected {sorted(_KEYS)}")
        whole = _table(data, "whole_words")
        endings = _table(data, "endings")
        has_before = _words(data, "has_before")
        is_after = _words(data, "is_after")
        is_before = _words(data, "is_before")
        s_words = _words(data, "s_without_apostrophe")
        slang = _table(data, "slang")
        joined = _table(data, "joined")
        fillers = _words(data, "fillers")

        def whole_word(found: re.Match[str]) -> str:
            return whole[found.group(0)]

        def s_ending(found: re.Match[str]) -> str:
            word, following = found.group(1), found.group(2)
            if following in has_before:
                return f"{word} has"
            if word in is_after or following in is_before or following.endswith("ing"):
                return f"{word} is"
            return word  # a possessive: "my husband's gun" -> "my husband gun"

        steps: list[tuple[re.Pattern[str], Any, str]] = []
        """Each step with a character it cannot match without ("'" for most contractions),
        so text without it skips the step; "" for a step that always runs."""
        if whole:
            steps.append(
                (re.compile(rf"(?<![\w'])(?:{alternation(whole)})(?![\w'])"), whole_word, "")
            )
        if s_words and has_before:
            pronoun = f"(?:{alternation(s_words)})"
            steps.append(
                (
                    re.compile(rf"\b({pronoun})s (?=(?:{alternation(has_before)})\b)"),
                    r"\1 has ",
                    "",
                )
            )
        if s_words:
            steps.append((re.compile(rf"\b({alternation(s_words)})s\b"), r"\1 is", ""))
        for ending, written in endings.items():
            steps.append(
                (re.compile(rf"(?<=[a-z]){re.escape(ending)}\b"), f" {written}", _needs(ending))
            )
        steps.append((re.compile(r"\b([a-z]+)'s\b(?=\s*([a-z]*))"), s_ending, "'"))
        if slang:
            steps.append(
                (
                    re.compile(rf"\b({alternation(slang)})\b"),
                    lambda found: slang[found.group(1)],
                    "",
                )
            )
        if joined:
            together = {" ".join(apart.split()): word for apart, word in joined.items()}
            steps.append(
                (
                    re.compile(rf"\b(?:{alternation(together)})\b"),
                    lambda found: together[" ".join(found.group(0).split())],
                    "",
                )
            )
        return cls(tuple(steps), fillers)

    def expand(self, text: str) -> str:
        """Lower case, plain apostrophes, contractions and spoken slang written out in full.

        Leaves other characters alone, so it also serves for patterns written in data files.
        """
        text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()
        text = _DASH_BETWEEN_WORDS.sub(" ", text)
        for pattern, replacement, needed in self.replacements:
            if needed and needed not in text:
                continue
            text = pattern.sub(replacement, text)
        return text

    def normalise(self, text: str) -> str:
        """Words only, in full, separated by single spaces ("I'm NOT ok!" -> "i am not okay")."""
        words = _NOT_WORD.sub(" ", self.expand(text).replace("'", "")).split()
        if self.fillers:
            words = [word for word in words if word not in self.fillers]
        return " ".join(words)
