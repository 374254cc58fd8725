"""A list of crisis patterns, indexed by the words each cannot match without."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from skill.core.safety.categories import Category
from skill.core.safety.patterns import Rule


class RuleSet:
    """The rules of one list, in their written order. `heard(words)` gives only those a text
    with these words could match: the rest are neither compiled nor run."""

    def __init__(self, rules: Iterable[Rule], prefilter: bool = True) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        self._prefilter = prefilter
        self._always = frozenset(
            index for index, rule in enumerate(self.rules) if rule.anchor is None
        )
        by_word: dict[str, list[int]] = {}
        for index, rule in enumerate(self.rules):
            for word in rule.anchor or ():
                by_word.setdefault(word, []).append(index)
        self._by_word = by_word
        self._words = frozenset(by_word)
        self._unanchored = tuple(self.rules[index] for index in sorted(self._always))

    def __bool__(self) -> bool:
        return bool(self.rules)

    @property
    def anchors(self) -> frozenset[str] | None:
        """The words a text must hold one of for `heard` to give any rule, or None when some
        rule runs on every text (it has no anchor, or the prefilter is off)."""
        return self._words if self._prefilter and not self._always else None

    def heard(self, words: frozenset[str]) -> Sequence[Rule]:
        """The rules that could match a text made of these words, in their written order."""
        if not self._prefilter:
            return self.rules
        heard = self._words & words
        if not heard:
            return self._unanchored
        picked = set(self._always)
        for word in heard:
            picked.update(self._by_word[word])
        if len(picked) == len(self.rules):
            return self.rules
        return [self.rules[index] for index in sorted(picked)]


class CategoryIndex:
    """Which categories' lists could match a text with these words: asked once per text, in
    place of asking every list of every category."""

    def __init__(self, lists: Iterable[tuple[Category, RuleSet]]) -> None:
        always: set[Category] = set()
        by_word: dict[str, set[Category]] = {}
        for category, rules in lists:
            anchors = rules.anchors
            if anchors is None:
                always.add(category)
                continue
            for word in anchors:
                by_word.setdefault(word, set()).add(category)
        self._always = frozenset(always)
        self._by_word = {word: frozenset(found) for word, found in by_word.items()}

    def heard(self, words: Iterable[str]) -> frozenset[Category]:
        """The categories one of whose lists `heard(words)` gives a rule for."""
        found = self._always
        for word in words:
            more = self._by_word.get(word)
            if more is not None:
                found = found | more
        return found
