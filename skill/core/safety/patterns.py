"""The pattern language of crisis_phrases.yaml (documented at the top of that file).

A pattern is words, `...` for a few other words, `(a | b)` for alternatives, `[optional]`,
`<list>` for a named list, `^` and `$` for the start and end, and `#` for a number. Patterns are
written out with the same normaliser as what people say, then compiled to regular expressions
over normalised text (" w1 w2 ... wn ").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from skill.core.safety.normalise import Normaliser

GAP_WORDS = 4
"""`...` in a pattern stands for up to this many other words."""

_TOKEN = re.compile(r"\s*(\.\.\.|[()\[\]|$^#]|<[a-z_]+>|[a-z0-9']+)")


class PatternError(ValueError):
    """A pattern in the data file that cannot be read."""


@dataclass(frozen=True)
class Rule:
    source: str
    regex: re.Pattern[str]


class PatternCompiler:
    """Turns patterns into regular expressions over normalised text (" w1 w2 ... wn ")."""

    def __init__(self, lists: Mapping[str, Sequence[str]], normaliser: Normaliser) -> None:
        self._lists = lists
        self._normaliser = normaliser
        self._compiled_lists: dict[str, str] = {}
        self._resolving: set[str] = set()

    def rule(self, pattern: str) -> Rule:
        body = self.body(pattern)
        return Rule(pattern, re.compile(r"(?<= )" + body))

    def body(self, pattern: str) -> str:
        if not isinstance(pattern, str) or not pattern.strip():
            raise PatternError(f"empty or non-text pattern: {pattern!r}")
        tokens = self._tokens(self._normaliser.expand(pattern), pattern)
        body, position = self._alternatives(tokens, 0, pattern)
        if position != len(tokens):
            raise PatternError(f"unexpected {tokens[position]!r} in pattern {pattern!r}")
        return body

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

    def _alternatives(self, tokens: list[str], position: int, original: str) -> tuple[str, int]:
        options = []
        while True:
            sequence, position = self._sequence(tokens, position, original)
            if not sequence:
                raise PatternError(f"empty alternative in pattern {original!r}")
            options.append(sequence)
            if position < len(tokens) and tokens[position] == "|":
                position += 1
                continue
            break
        body = options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"
        return body, position

    def _sequence(self, tokens: list[str], position: int, original: str) -> tuple[str, int]:
        pieces: list[str] = []
        while position < len(tokens) and tokens[position] not in ("|", ")", "]"):
            token = tokens[position]
            if token in ("(", "["):
                closing = ")" if token == "(" else "]"
                inner, position = self._alternatives(tokens, position + 1, original)
                if position >= len(tokens) or tokens[position] != closing:
                    raise PatternError(f"missing {closing!r} in pattern {original!r}")
                pieces.append(f"(?:{inner})" + ("?" if token == "[" else ""))
            elif token == "...":
                pieces.append(f"(?:[a-z0-9]+ ){{0,{GAP_WORDS}}}")
            elif token == "$":
                pieces.append("$")
            elif token == "^":
                pieces.append("(?<=^ )")
            elif token == "#":
                pieces.append("[0-9]{2,} ")
            elif token.startswith("<"):
                pieces.append(self._list(token[1:-1], original))
            else:
                pieces.append(re.escape(token) + " ")
            position += 1
        return "".join(pieces), position

    def _list(self, name: str, original: str) -> str:
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
        body = "(?:" + "|".join(f"(?:{self.body(item)})" for item in items) + ")"
        self._resolving.discard(name)
        self._compiled_lists[name] = body
        return body
