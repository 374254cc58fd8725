"""The pattern language of crisis_phrases.yaml (documented at the top of that file).

A pattern is words, `...` for a few other words, `(a | b)` for alternatives, `[optional]`,
`<list>` for a named list, `^` and `$` for the start and end, and `#` for a number. Patterns are
written out with the same normaliser as what people say, then compiled to regular expressions
over normalised text (" w1 w2 ... wn ").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

from skill.core.safety.normalise import Normaliser
from skill.record import record

GAP_WORDS = 4
"""`...` in a pattern stands for up to this many other words."""

_TOKEN = re.compile(r"\s*(\.\.\.|[()\[\]|$^#]|<[a-z_]+>|[a-z0-9']+)")


class PatternError(ValueError):
    """A pattern in the data file that cannot be read."""


Anchor = frozenset[str] | None
"""Words of which a text must hold at least one for a pattern to match it; None when a pattern
can match without any particular word (all of it optional, or only a number)."""


@record
class Rule:
    """One pattern. Its regular expression is compiled the first time a text holds one of its
    anchor words, so a process never pays for patterns whose words it never hears."""

    source: str
    body: str
    anchor: Anchor = None

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(r"(?<= )" + self.body)

    def to_json(self) -> list[Any]:
        return [self.source, self.body, sorted(self.anchor) if self.anchor is not None else None]

    @classmethod
    def from_json(cls, item: Sequence[Any]) -> Rule:
        source, body, anchor = item
        return cls(str(source), str(body), frozenset(anchor) if anchor is not None else None)


class PatternCompiler:
    """Turns patterns into regular expressions over normalised text (" w1 w2 ... wn ")."""

    def __init__(
        self,
        lists: Mapping[str, Sequence[str]],
        normaliser: Normaliser,
        weights: Mapping[str, int] | None = None,
    ) -> None:
        self._lists = lists
        self._normaliser = normaliser
        self._weights = weights or {}
        """How common each word is: of the words a pattern needs, the rarest anchor it."""
        self._compiled_lists: dict[str, tuple[str, Anchor]] = {}
        self._resolving: set[str] = set()

    def rule(self, pattern: str) -> Rule:
        body, anchor = self.parse(pattern)
        return Rule(pattern, body, anchor)

    def parse(self, pattern: str) -> tuple[str, Anchor]:
        """A pattern's regular expression, and the words it cannot match without."""
        if not isinstance(pattern, str) or not pattern.strip():
            raise PatternError(f"empty or non-text pattern: {pattern!r}")
        tokens = self._tokens(self._normaliser.expand(pattern), pattern)
        body, anchor, position = self._alternatives(tokens, 0, pattern)
        if position != len(tokens):
            raise PatternError(f"unexpected {tokens[position]!r} in pattern {pattern!r}")
        return body, anchor

    @staticmethod
    def _tokens(text: str, original: str) -> list[str]:
        tokens: list[str] = []
        position = 0
        text = text.rstrip()
        while position < len(text):
            found = _TOKEN.match(text, position)
            if not found:
                raise PatternError(f"cannot read {text[position:]!r} in pattern {original!r}")
            tokens.append(found.group(1).replace("'", ""))
            position = found.end()
        return [token for token in tokens if token]

    def _alternatives(
        self, tokens: list[str], position: int, original: str
    ) -> tuple[str, Anchor, int]:
        options: list[str] = []
        anchors: list[Anchor] = []
        while True:
            sequence, anchor, position = self._sequence(tokens, position, original)
            if not sequence:
                raise PatternError(f"empty alternative in pattern {original!r}")
            options.append(sequence)
            anchors.append(anchor)
            if position < len(tokens) and tokens[position] == "|":
                position += 1
                continue
            break
        body = options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"
        return body, _any_of(anchors), position

    def _sequence(self, tokens: list[str], position: int, original: str) -> tuple[str, Anchor, int]:
        pieces: list[str] = []
        needed: list[frozenset[str]] = []
        while position < len(tokens) and tokens[position] not in ("|", ")", "]"):
            token = tokens[position]
            if token in ("(", "["):
                closing = ")" if token == "(" else "]"
                inner, anchor, position = self._alternatives(tokens, position + 1, original)
                if position >= len(tokens) or tokens[position] != closing:
                    raise PatternError(f"missing {closing!r} in pattern {original!r}")
                pieces.append(f"(?:{inner})" + ("?" if token == "[" else ""))
                if token == "(" and anchor is not None:
                    needed.append(anchor)
            elif token == "...":
                pieces.append(f"(?:[a-z0-9]+ ){{0,{GAP_WORDS}}}")
            elif token == "$":
                pieces.append("$")
            elif token == "^":
                pieces.append("(?<=^ )")
            elif token == "#":
                pieces.append("[0-9]{2,} ")
            elif token.startswith("<"):
                inner, anchor = self._list(token[1:-1], original)
                pieces.append(inner)
                if anchor is not None:
                    needed.append(anchor)
            else:
                pieces.append(re.escape(token) + " ")
                needed.append(frozenset((token,)))
            position += 1
        return "".join(pieces), self._rarest(needed), position

    def _rarest(self, needed: Sequence[frozenset[str]]) -> Anchor:
        """Of the word sets a sequence needs one of each of, the one least often heard."""
        if not needed:
            return None
        return min(
            needed, key=lambda words: (sum(self._weights.get(w, 0) for w in words), len(words))
        )

    def _list(self, name: str, original: str) -> tuple[str, Anchor]:
        if name in self._compiled_lists:
            return self._compiled_lists[name]
        if name not in self._lists:
            raise PatternError(f"unknown list <{name}> in pattern {original!r}")
        if name in self._resolving:
            raise PatternError(f"list <{name}> refers to itself")
        self._resolving.add(name)
        items = self._lists[name]
        if isinstance(items, str) or not items:
            raise PatternError(f"list <{name}> must be a list of words or phrases")
        parsed = [self.parse(item) for item in items]
        body = "(?:" + "|".join(f"(?:{inner})" for inner, _ in parsed) + ")"
        self._resolving.discard(name)
        self._compiled_lists[name] = body, _any_of([anchor for _, anchor in parsed])
        return self._compiled_lists[name]


def _any_of(anchors: Sequence[Anchor]) -> Anchor:
    """The anchor of alternatives: any word of any of them; None when one needs no word."""
    if any(anchor is None for anchor in anchors):
        return None
    return frozenset().union(*anchors)  # type: ignore[arg-type]


def word_counts(data: Any) -> dict[str, int]:
    """How often each word is written anywhere in the phrase data: a word many patterns use
    ("i", "my") is a poor anchor, a rare one ("overdose") a good one."""
    counts: dict[str, int] = {}
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            for word in _WORD_IN_DATA.findall(item.lower()):
                counts[word] = counts.get(word, 0) + 1
        elif isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return counts


_WORD_IN_DATA = re.compile(r"[a-z0-9]+")
