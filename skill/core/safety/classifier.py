"""The crisis classifier: which kind of help, if any, a person's words call for."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property
from typing import Any

from skill.core.safety.backstop import RAISABLE, Backstop
from skill.core.safety.categories import PRIORITY, SUPPORT_CATEGORIES, Assessment, Category
from skill.core.safety.normalise import Normaliser
from skill.core.safety.patterns import PatternCompiler, PatternError, Rule, word_counts
from skill.core.safety.rejoin import Rejoiner
from skill.core.safety.ruleset import CategoryIndex, RuleSet

_Span = tuple[int, int]

MILD = "mild:"
"""The pattern of a `none` assessment whose words a support category's `except` list knows as
the mild kind ("mild:pain"): placed, so not a reason for the check-in (rule.assess_turn)."""

HEARD_CHARACTERS = 1000
"""How much of each end of one text is read: far more than anyone says in one breath. A longer
text is read as its first and last this many characters, in whole words, so a 120 KB slot
value costs what 2 KB does and a crisis phrase at either end is still heard."""


class CrisisClassifier:
    """Decides the category of what someone said, from one language's phrase data."""

    def __init__(
        self,
        rules: Mapping[Category, Sequence[Rule]],
        exceptions: Mapping[Category, Sequence[Rule]],
        harmless: Sequence[Rule],
        normaliser: Normaliser,
        strong: Mapping[Category, Sequence[Rule]] | None = None,
        prefilter: bool = True,
        backstop: Backstop | Callable[[], Backstop] | None = None,
        rejoiner: Rejoiner | None = None,
    ) -> None:
        """`prefilter=False` runs every pattern on every text: the same answers, slower (a test
        compares the two). `backstop` is asked about a text in which no pattern, idiom,
        denial or `except` phrase was heard, and may raise a check-in or distress the patterns
        heard to a crisis it is sure of (skill/core/safety/backstop.py); given as a
        function, it is loaded the first time it is needed (a launch never needs it)."""
        self._normaliser = normaliser
        self.rejoiner = rejoiner or Rejoiner()
        """Sentences the model may cut into slots, put back together (safety/rejoin.py)."""
        self._backstop_loader = backstop if callable(backstop) else None
        self._backstop = backstop if isinstance(backstop, Backstop) else None

        def indexed(found: Mapping[Category, Sequence[Rule]]) -> dict[Category, RuleSet]:
            return {c: RuleSet(found.get(c, ()), prefilter) for c in PRIORITY}

        self._rules = indexed(rules)
        self._exceptions = indexed(exceptions)
        self._harmless = RuleSet(harmless, prefilter)
        self._strong = indexed(strong or {})
        """Patterns heard even inside an idiom ("my chest is killing me"): only the category's
        own `except` list can hide them."""
        self._catalogue: frozenset[str] = frozenset()
        self._settled: dict[str, Assessment] = {}

    @classmethod
    def from_data(
        cls,
        data: Mapping[str, Any],
        normaliser: Normaliser,
        prefilter: bool = True,
        backstop: Backstop | Callable[[], Backstop] | None = None,
    ) -> CrisisClassifier:
        """Build from the mapping in crisis_phrases.yaml; raises PatternError on bad data."""
        return cls.from_parsed(parse_rules(data, normaliser), normaliser, prefilter, backstop)

    @classmethod
    def from_parsed(
        cls,
        parsed: Mapping[str, Any],
        normaliser: Normaliser,
        prefilter: bool = True,
        backstop: Backstop | Callable[[], Backstop] | None = None,
    ) -> CrisisClassifier:
        """Build from what `parse_rules` gave (kept as JSON between processes)."""
        known = {category.value: category for category in PRIORITY}
        harmless = [Rule.from_json(item) for item in parsed["harmless"]]
        found: dict[str, dict[Category, list[Rule]]] = {key: {} for key in _KINDS}
        for name, entry in parsed["categories"].items():
            for key in _KINDS:
                found[key][known[name]] = [Rule.from_json(item) for item in entry[key]]
        return cls(
            found["patterns"],
            found["except"],
            harmless,
            normaliser,
            found["strong"],
            prefilter,
            backstop,
            Rejoiner.from_data(parsed.get("rejoined") or {}),
        )

    @property
    def backstop(self) -> Backstop | None:
        """The statistical backstop this classifier asks when its patterns hear nothing."""
        if self._backstop is None and self._backstop_loader is not None:
            self._backstop = self._backstop_loader()  # the same answer if two threads race
        return self._backstop

    def prepare(self) -> None:
        """Load now what is otherwise loaded on first need: the backstop and every pattern's
        regular expression. For a server that forks its workers after loading, so they share
        it and none pays for it on a listener's request; a cold start is better off lazy."""
        _ = self.backstop
        for rules in (*self._rules.values(), *self._exceptions.values(), *self._strong.values()):
            for rule in rules.rules:
                _ = rule.regex
        for rule in self._harmless.rules:
            _ = rule.regex
        _ = self._matching, self._excepting

    def without_backstop(self) -> CrisisClassifier:
        """The same patterns, with no backstop: what the phrase data alone hears."""
        plain = copy.copy(self)
        plain._backstop = plain._backstop_loader = None
        plain._settled = {}
        return plain

    def remember(self, names: Iterable[str]) -> None:
        """Texts whose answer is kept once worked out: a locale's own catalogue (the exercise
        names a person says to start one, as the model sends them), so a start by name is not
        worked out afresh every time. Only these: a person's own words are never kept (P2)."""
        self._catalogue = self._catalogue | {name.lower() for name in names}

    @cached_property
    def _matching(self) -> CategoryIndex:
        """Which categories' patterns a text's words can reach (built on first need)."""
        return CategoryIndex(
            [(c, self._rules[c]) for c in PRIORITY] + [(c, self._strong[c]) for c in PRIORITY]
        )

    @cached_property
    def _excepting(self) -> CategoryIndex:
        """Which categories' `except` lists a text's words can reach."""
        return CategoryIndex([(c, self._exceptions[c]) for c in PRIORITY])

    @property
    def kept(self) -> frozenset[str]:
        """The texts whose answers are kept (`remember`): catalogue names only."""
        return frozenset(self._settled)

    def assess(self, texts: Iterable[str | None] | str) -> Assessment:
        """The most serious category heard in any of the texts (slot values, utterances)."""
        if isinstance(texts, str):
            texts = [texts]
        return _most_serious(
            self.assess_text(text) for text in texts if isinstance(text, str) and text
        )

    def assess_text(self, text: str) -> Assessment:
        """The most serious category heard in one text (both ends of a long one)."""
        if text in self._catalogue:
            found = self._settled.get(text)
            if found is None:  # two threads may both work it out: the same answer
                found = self._settled[text] = self._assess_whole(text)
            return found
        return self._assess_whole(text)

    def _assess_whole(self, text: str) -> Assessment:
        return _most_serious(self._assess_part(part) for part in _ends(text))

    def _raised(self, found: Assessment, words: str) -> Assessment:
        """What the patterns heard, raised by the backstop where it may (Backstop.raised)."""
        backstop = self.backstop if found.category in RAISABLE else None
        return backstop.raised(found, words) if backstop is not None else found

    def _assess_part(self, text: str) -> Assessment:
        words = self._normaliser.normalise(text)
        if not words:
            return Assessment()
        prepared = f" {words} "
        heard = frozenset(words.split())
        harmless = _spans(self._harmless.heard(heard), prepared)
        matching = self._matching.heard(heard)
        for category in PRIORITY:
            if category not in matching:
                continue
            rules = self._rules[category].heard(heard)
            strong = self._strong[category].heard(heard)
            if not rules and not strong:
                continue
            excepted = _spans(self._exceptions[category].heard(heard), prepared)
            for rule in strong:
                if _matches_outside(rule.regex, prepared, excepted):
                    return self._raised(Assessment(category, rule.source), words)
            shields = harmless + excepted
            for rule in rules:
                if _matches_outside(rule.regex, prepared, shields):
                    return self._raised(Assessment(category, rule.source), words)
        quiet = not harmless
        asking = self._backstop is not None or self._backstop_loader is not None
        excepting = self._excepting.heard(heard)
        for category in PRIORITY:
            if category not in excepting:
                continue
            if category not in SUPPORT_CATEGORIES and (not asking or not quiet):
                continue
            if _spans(self._exceptions[category].heard(heard), prepared):
                if category in SUPPORT_CATEGORIES:
                    # Heard, and known to be the mild kind ("my hand hurts a little from typing").
                    return Assessment(Category.NONE, f"{MILD}{category.value}")
                quiet = False  # a near miss the category's own `except` list knows
        backstop = self.backstop if quiet else None
        if backstop is not None:
            # Nothing of the phrase data was heard: the words themselves may still say it.
            return backstop.assess(words)
        return Assessment()


_KINDS = ("patterns", "except", "strong")
"""What a category lists in crisis_phrases.yaml."""


def parse_rules(data: Mapping[str, Any], normaliser: Normaliser) -> dict[str, Any]:
    """Every pattern of crisis_phrases.yaml as a regular expression and its anchor words, as
    JSON; raises PatternError on bad data."""
    written = {key: value for key, value in data.items() if key != "rejoined"}
    compiler = PatternCompiler(data.get("lists") or {}, normaliser, word_counts(written))
    harmless = [
        compiler.rule(pattern).to_json()
        for key in ("idioms", "denials")
        for pattern in data.get(key) or ()
    ]
    known = {category.value for category in PRIORITY if category is not Category.NONE}
    categories: dict[str, dict[str, list[Any]]] = {}
    for name, entry in (data.get("categories") or {}).items():
        if name not in known:
            raise PatternError(f"unknown category {name!r}; expected one of {sorted(known)}")
        categories[name] = {
            key: [compiler.rule(pattern).to_json() for pattern in entry.get(key) or ()]
            for key in _KINDS
        }
    rejoined = Rejoiner.from_data(data.get("rejoined") or {}).to_json()
    return {"harmless": harmless, "categories": categories, "rejoined": rejoined}


def _most_serious(found: Iterable[Assessment]) -> Assessment:
    """The most serious of several assessments; of two alike, the one a pattern decided."""
    best = Assessment()
    for item in found:
        if item.category.more_serious_than(best.category) or (
            item.category is best.category and item.pattern and not best.pattern
        ):
            best = item
    return best


def _ends(text: str, size: int = HEARD_CHARACTERS) -> tuple[str, ...]:
    """The text, or for a longer one its first and last `size` characters without the word
    each cut runs through (a word cut short could read as another: "diet" -> "die")."""
    if len(text) <= 2 * size:
        return (text,)
    head, tail = text[:size], text[-size:]
    if not (head[-1].isspace() or text[size].isspace()):
        kept = head.rsplit(maxsplit=1)
        head = kept[0] if len(kept) == 2 else ""
    if not (tail[0].isspace() or text[-size - 1].isspace()):
        kept = tail.split(maxsplit=1)
        tail = kept[1] if len(kept) == 2 else ""
    return head, tail


def _spans(rules: Sequence[Rule], text: str) -> list[_Span]:
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
