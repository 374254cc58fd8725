"""The crisis check: which kind of help, if any, a person's words call for."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import yaml


class Category(StrEnum):
    """What a statement calls for, most serious first (the order is the priority)."""

    IMMINENT = "imminent"
    """Danger now: a method at hand, pills already taken, a weapon, a bridge."""
    MEDICAL = "medical"
    """Medical signs: chest pain, not breathing, stroke signs, an overdose."""
    SUICIDE = "suicide"
    """Thoughts of suicide, direct, indirect or passive."""
    SELF_HARM = "self_harm"
    """Hurting oneself."""
    ABUSE = "abuse"
    """Violence, abuse, sexual assault, fear of someone at home."""
    SOMEONE_ELSE = "someone_else"
    """Concern for another person (or the loss of one) in one of the above."""
    AMBIGUOUS = "ambiguous"
    """Could mean suicide, could mean a hard day: one gentle, direct check-in (C7)."""
    DISTRESS = "distress"
    """Not a crisis, but the exercise must change: panic, flashbacks, feeling unreal (C9)."""
    NONE = "none"
    """Nothing that changes the exercise."""

    @property
    def rank(self) -> int:
        """0 for the most serious category, larger for less serious ones."""
        return _ORDER.index(self)

    def more_serious_than(self, other: Category) -> bool:
        """Whether this category wins over `other` when both are heard."""
        return self.rank < other.rank


_ORDER: tuple[Category, ...] = tuple(Category)
PRIORITY: tuple[Category, ...] = _ORDER
"""Every category, most serious first."""

CRISIS_CATEGORIES = frozenset(
    {
        Category.IMMINENT,
        Category.MEDICAL,
        Category.SUICIDE,
        Category.SELF_HARM,
        Category.ABUSE,
        Category.SOMEONE_ELSE,
    }
)
EMERGENCY_FIRST = frozenset({Category.IMMINENT, Category.MEDICAL})


@dataclass(frozen=True)
class Assessment:
    """The outcome of the crisis check for one turn."""

    category: Category = Category.NONE
    """The most serious category heard."""
    pattern: str = ""
    """The data pattern that matched: our own words, never the person's (safe to log)."""

    @property
    def is_crisis(self) -> bool:
        """Whether the crisis reply replaces everything else (C2, C3, C5, C6)."""
        return self.category in CRISIS_CATEGORIES

    @property
    def emergency_first(self) -> bool:
        """Whether the emergency number is said before anything else (C3)."""
        return self.category in EMERGENCY_FIRST

    @property
    def needs_response(self) -> bool:
        """Whether the skill must answer this rather than carry on (crisis, C7 or C9)."""
        return self.category is not Category.NONE


# ---------------------------------------------------------------------------------------------
# Normalising words: the same steps for what people say and for the patterns in the data file.

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_DASH_BETWEEN_WORDS = re.compile(r"(?<=[a-z0-9])[-\u2010\u2011\u2012\u2013\u2014](?=[a-z0-9])")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NOT_WITHOUT_APOSTROPHE = _words(
    "dont doesnt didnt isnt wasnt arent werent havent hasnt hadnt couldnt wouldnt shouldnt mustnt"
)
_AFTER_HAS = _words(
    "been got gotten taken had done said told tried gone made started stopped written given left "
    "swallowed overdosed threatened attacked decided bought tied cut hit hurt beaten raped abused "
    "collapsed fainted"
)
_CONTRACTIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\bcan'?t\b|\bcannot\b", "can not"),
        (r"\bwon'?t\b", "will not"),
        (r"\bshan'?t\b", "shall not"),
        (r"\bain'?t\b", "is not"),
        (r"\b([a-z]+)n't\b", r"\1 not"),
        (rf"\b({'|'.join(sorted(word[:-2] for word in _NOT_WITHOUT_APOSTROPHE))})nt\b", r"\1 not"),
        (r"\b(what|that|there|who|where|it)s\b", r"\1 is"),
        (rf"\b(he|she)s (?=(?:{'|'.join(sorted(_AFTER_HAS))})\b)", r"\1 has "),
        (r"\b(he|she)s\b", r"\1 is"),
        (r"\bi'?m\b", "i am"),
        (r"\bi'?ve\b", "i have"),
        (r"\bi'll\b", "i will"),
        (r"\bi'd\b", "i would"),
        (r"\b(you|they)'?re\b", r"\1 are"),
        (r"\blet's\b", "let us"),
        (r"'re\b", " are"),
        (r"'ve\b", " have"),
        (r"'ll\b", " will"),
        (r"'d\b", " would"),
        (r"'m\b", " am"),
    )
)
_POSSESSIVE_OR_IS = re.compile(r"\b([a-z]+)'s\b(?=\s*([a-z]*))")
_PRONOUNS = _words(
    "he she it that there what who where here how everyone everybody someone somebody nobody "
    "noone everything something nothing life"
)
_AFTER_IS = _words("not going so very really always never just a an the still")
_SLANG: dict[str, str] = {
    "wanna": "want to",
    "gonna": "going to",
    "gotta": "got to",
    "tryna": "trying to",
    "imma": "i am going to",
    "ima": "i am going to",
    "kinda": "kind of",
    "sorta": "sort of",
    "dunno": "do not know",
    "lemme": "let me",
    "gimme": "give me",
    "cuz": "because",
    "cos": "because",
    "coz": "because",
    "u": "you",
    "ur": "your",
    "ok": "okay",
    "alright": "okay",
    "kms": "kill myself",
    "unalive": "kill",
    "unaliving": "killing",
    "unalived": "killed",
    "bf": "boyfriend",
    "gf": "girlfriend",
    "tonite": "tonight",
    "selfharm": "self harm",
    "selfharming": "self harming",
}
_SLANG_WORDS = re.compile(r"\b(" + "|".join(map(re.escape, _SLANG)) + r")\b")
_JOINED: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bany more\b"), "anymore"),
    (re.compile(r"\b(my|your|him|her|them|it|our) ?(self|selves)\b"), r"\1\2"),
    (re.compile(r"\bthem ?selfs\b"), "themselves"),
)
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def _expand_s(found: re.Match[str]) -> str:
    word, following = found.group(1), found.group(2)
    if following in _AFTER_HAS:
        return f"{word} has"
    if word in _PRONOUNS or following in _AFTER_IS or following.endswith("ing"):
        return f"{word} is"
    return word  # a possessive: "my husband's gun" -> "my husband gun"


def expand(text: str) -> str:
    """Lower case, plain apostrophes, contractions and spoken slang written out in full.

    Leaves other characters alone, so it also serves for the patterns in the data file.
    """
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()
    text = _DASH_BETWEEN_WORDS.sub(" ", text)
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    text = _POSSESSIVE_OR_IS.sub(_expand_s, text)
    text = _SLANG_WORDS.sub(lambda found: _SLANG[found.group(1)], text)
    for pattern, replacement in _JOINED:
        text = pattern.sub(replacement, text)
    return text


def normalise(text: str) -> str:
    """Words only, in full, separated by single spaces ("I'm NOT ok!" -> "i am not okay")."""
    return " ".join(_NOT_WORD.sub(" ", expand(text).replace("'", "")).split())


# ---------------------------------------------------------------------------------------------
# The pattern language of crisis_phrases.yaml (documented at the top of that file).

GAP_WORDS = 4
"""`...` in a pattern stands for up to this many other words."""

_TOKEN = re.compile(r"\s*(\.\.\.|[()\[\]|$^#]|<[a-z_]+>|[a-z0-9']+)")


class PatternError(ValueError):
    """A pattern in the data file that cannot be read."""


@dataclass(frozen=True)
class _Rule:
    source: str
    regex: re.Pattern[str]


class _PatternCompiler:
    """Turns patterns into regular expressions over normalised text (" w1 w2 ... wn ")."""

    def __init__(self, lists: Mapping[str, Sequence[str]]) -> None:
        self._lists = lists
        self._compiled_lists: dict[str, str] = {}
        self._resolving: set[str] = set()

    def rule(self, pattern: str) -> _Rule:
        body = self.body(pattern)
        return _Rule(pattern, re.compile(r"(?<= )" + body))

    def body(self, pattern: str) -> str:
        if not isinstance(pattern, str) or not pattern.strip():
            raise PatternError(f"empty or non-text pattern: {pattern!r}")
        tokens = self._tokens(expand(pattern), pattern)
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


# ---------------------------------------------------------------------------------------------
# The classifier.

_Span = tuple[int, int]


class CrisisClassifier:
    """Decides the category of what someone said, from one language's phrase data."""

    def __init__(
        self,
        rules: Mapping[Category, Sequence[_Rule]],
        exceptions: Mapping[Category, Sequence[_Rule]],
        harmless: Sequence[_Rule],
    ) -> None:
        self._rules = {category: tuple(rules.get(category, ())) for category in PRIORITY}
        self._exceptions = {category: tuple(exceptions.get(category, ())) for category in PRIORITY}
        self._harmless = tuple(harmless)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> CrisisClassifier:
        """Build from the mapping in crisis_phrases.yaml; raises PatternError on bad data."""
        compiler = _PatternCompiler(data.get("lists") or {})
        harmless = [
            compiler.rule(pattern)
            for key in ("idioms", "denials")
            for pattern in data.get(key) or ()
        ]
        categories = data.get("categories") or {}
        known = {category.value: category for category in PRIORITY if category is not Category.NONE}
        rules: dict[Category, list[_Rule]] = {}
        exceptions: dict[Category, list[_Rule]] = {}
        for name, entry in categories.items():
            if name not in known:
                raise PatternError(f"unknown category {name!r}; expected one of {sorted(known)}")
            rules[known[name]] = [compiler.rule(pattern) for pattern in entry.get("patterns") or ()]
            exceptions[known[name]] = [
                compiler.rule(pattern) for pattern in entry.get("except") or ()
            ]
        return cls(rules, exceptions, harmless)

    def assess(self, texts: Iterable[str | None] | str) -> Assessment:
        """The most serious category heard in any of the texts (slot values, utterances)."""
        if isinstance(texts, str):
            texts = [texts]
        best = Assessment()
        for text in texts:
            if not isinstance(text, str) or not text:
                continue
            found = self.assess_text(text)
            if found.category.more_serious_than(best.category):
                best = found
        return best

    def assess_text(self, text: str) -> Assessment:
        """The most serious category heard in one text."""
        words = normalise(text)
        if not words:
            return Assessment()
        prepared = f" {words} "
        harmless = _spans(self._harmless, prepared)
        for category in PRIORITY:
            rules = self._rules[category]
            if not rules:
                continue
            shields = harmless + _spans(self._exceptions[category], prepared)
            for rule in rules:
                if _matches_outside(rule.regex, prepared, shields):
                    return Assessment(category, rule.source)
        return Assessment()


def _spans(rules: Sequence[_Rule], text: str) -> list[_Span]:
    return [found.span() for rule in rules for found in rule.regex.finditer(text)]


def _matches_outside(regex: re.Pattern[str], text: str, shields: Sequence[_Span]) -> bool:
    """Whether the pattern matches somewhere that does not end inside a harmless phrase.

    "i am choked up" ends inside the idiom "choked up" and is ignored; "i am dead tired of
    living" reaches beyond the idiom "dead tired" and still counts.
    """
    position = 0
    while (found := regex.search(text, position)) is not None:
        start, end = found.span()
        if not any(low < end <= high for low, high in shields):
            return True
        position = start + 1
    return False


DATA_DIR = Path(__file__).parent / "data"


@cache
def classifier_for(language: str) -> CrisisClassifier:
    """The classifier of a language ("en", or a locale such as "en-GB"), loaded once.

    A language without its own phrase file is checked with the English one: a crisis check
    that listens for the wrong language is still better than none.
    """
    language = language.split("-")[0].lower()
    path = DATA_DIR / language / "crisis_phrases.yaml"
    if not path.exists():
        path = DATA_DIR / "en" / "crisis_phrases.yaml"
    with path.open(encoding="utf-8") as handle:
        return CrisisClassifier.from_data(yaml.safe_load(handle))


def assess(texts: Iterable[str | None] | str, language: str = "en") -> Assessment:
    """Shortcut: the crisis check of `texts` with a language's classifier."""
    return classifier_for(language).assess(texts)
