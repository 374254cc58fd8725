"""The phrases each content-lint rule looks for, in one language (lint_rules.yaml)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import fields
from functools import cache
from typing import Any

from skill.content.files import data_file, read_yaml
from skill.record import record


@record
class PhraseList:
    """Words or phrases matched as whole words, ignoring case and the kind of apostrophe."""

    phrases: tuple[str, ...]
    pattern: re.Pattern[str]

    @classmethod
    def of(cls, phrases: Iterable[str]) -> PhraseList:
        """A list ready for matching; longer phrases win over their own first words."""
        kept = tuple(" ".join(plain(p).lower().split()) for p in phrases)
        words = sorted(kept, key=len, reverse=True)
        alternatives = "|".join(r"\s+".join(map(re.escape, p.split())) for p in words)
        return cls(kept, re.compile(rf"\b(?:{alternatives})\b" if words else r"(?!)", re.I))

    def found(self, text: str) -> list[str]:
        """Each phrase in the text, once, in order of appearance."""
        seen: dict[str, None] = {}
        for match in self.pattern.finditer(plain(text)):
            seen[" ".join(match.group(0).lower().split())] = None
        return list(seen)

    def remove(self, text: str) -> str:
        """The text with every phrase blanked out."""
        return self.pattern.sub(" ", plain(text))


@record
class LintRules:
    """The phrases each rule looks for, in one language."""

    orders: PhraseList
    """T1: orders instead of invitations ("you must")."""
    not_orders: PhraseList
    """T1: gentle phrases containing an order word ("nothing you need to do")."""
    treatment_claims: PhraseList
    """T10: treatment claims ("cures", "therapy")."""
    eyes_choice: PhraseList
    """T2: words offering the choice of eyes open or closed."""
    close_eyes: PhraseList
    """T2: words inviting the listener to close their eyes."""
    stop_words: PhraseList
    """T4: "stop", "pause"."""
    any_time_words: PhraseList
    """T4: "any time", "at any point"."""
    breathe_normally: PhraseList
    """T8: words saying breathing normally is fine."""
    lingering_words: PhraseList
    """T6: body parts with no step region that are not to be lingered on ("pelvis")."""

    @classmethod
    def from_dict(cls, data: Any, source: str = "lint rules") -> LintRules:
        """Rules from plain data: every field a list of words or phrases."""
        names = [f.name for f in fields(cls)]
        if not isinstance(data, dict) or sorted(data) != sorted(names):
            raise ValueError(f"{source}: expected exactly the lists {', '.join(names)}")
        lists: dict[str, PhraseList] = {}
        for name in names:
            value = data[name]
            if not isinstance(value, list) or not all(isinstance(p, str) and p for p in value):
                raise ValueError(f"{source}: {name} must be a list of words or phrases")
            lists[name] = PhraseList.of(value)
        return cls(**lists)


@cache
def lint_rules(locale: str = "en") -> LintRules:
    """The rules of a locale's language, read once from its lint_rules.yaml."""
    path = data_file("lint_rules.yaml", locale)
    return LintRules.from_dict(read_yaml(path), str(path))


def plain(text: str) -> str:
    """Text with curly apostrophes made plain."""
    return text.replace("\u2019", "'").replace("\u2018", "'")
