"""Words the skill says outside scripts: one language's phrase table (phrases.yaml)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from skill.core.template import fill_text
from skill.record import record


@record
class Phrases:
    """One language's phrase table: each key has variants; a seed picks one, repeatably."""

    table: Mapping[str, Any]

    def say(self, key: str, seed: object = 0, **values: object) -> str:
        """One variant of a phrase, with `{fields}` filled in."""
        variants = self.table[key]
        if isinstance(variants, str):
            variants = [variants]
        digest = hashlib.sha256(f"{key}:{seed}".encode()).digest()
        chosen: str = variants[digest[0] % len(variants)]
        return fill_text(chosen, **values)

    def choose(self, items: Sequence[str], seed: object) -> str:
        """One of `items`, picked repeatably by the seed."""
        digest = hashlib.sha256(f"choose:{seed}".encode()).digest()
        return items[digest[0] % len(items)]

    def variants(self, key: str) -> list[str]:
        """Every variant of a phrase."""
        found = self.table[key]
        return [found] if isinstance(found, str) else list(found)

    def kind_name(self, kind: str) -> str:
        """How a kind of exercise is spoken ("body_scan" -> "body scans")."""
        names: Mapping[str, str] = self.table["kind_names"]
        return names.get(kind, kind.replace("_", " "))

    def number(self, n: int) -> str:
        """A small number as a word."""
        words: Sequence[str] = self.table["count_words"]
        return words[n] if 0 <= n < len(words) else str(n)

    def list_titles(self, titles: Sequence[str], word: str = "or") -> str:
        """Titles as separate short sentences, so commas inside titles stay clear:
        "Box breathing. Four seven eight. Or Longer out-breaths"."""
        if len(titles) <= 1:
            return "".join(titles)
        joiner = str(self.table[f"{word}_word"]).capitalize()
        return ". ".join([*titles[:-1], f"{joiner} {titles[-1]}"])

    def join(self, items: Sequence[str], word: str = "or") -> str:
        """ "a, b or c" with the language's own joining word."""
        joiner = self.table[f"{word}_word"]
        if len(items) <= 1:
            return "".join(items)
        return ", ".join(items[:-1]) + f" {joiner} " + items[-1]
