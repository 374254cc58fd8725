"""A list of crisis patterns, indexed by the words each cannot match without."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

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

    def silent_for(self, words: frozenset[str]) -> bool:
        """Whether `heard(words)` is surely empty (no anchor word said, no unanchored rule):
        cheaper to ask than `heard` itself."""
        return self._prefilter and not self._always and self._words.isdisjoint(words)

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
