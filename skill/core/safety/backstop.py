"""A statistical backstop for the crisis check: words the patterns heard nothing in.

The patterns of crisis_phrases.yaml hear what someone thought of writing down; a wording nobody
wrote ("i have been giving my things away to people") matches none of them. The backstop is a
multinomial logistic regression over the normalised words of a text and their pairs, trained
on the labelled statements, the interaction models' crisis statements and everyday words
(`python -m skill.tools.safety_backstop` writes skill/data/en/crisis_backstop.json). It
generalises from words it has seen in crisis statements to sentences it has not.

`CrisisClassifier` asks it when no pattern, idiom, denial or `except` phrase was heard, and
when the patterns heard only a check-in or distress (`raised`): it can never hide or lower what
the patterns found, only turn `none` into help or a check-in into the crisis it is sure of. Its
thresholds were chosen so that everyday statements stay `none` (docs/safety.md, "The
statistical backstop").
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

from skill.core.safety.categories import CRISIS_CATEGORIES, Assessment, Category
from skill.record import record

PREFIX = "backstop:"
"""The start of an Assessment.pattern the backstop decided ("backstop:suicide")."""

ALARMING = CRISIS_CATEGORIES | {Category.AMBIGUOUS}
"""The categories whose probabilities add up to "something is wrong" (the C7 check-in)."""

EMERGENCY = (Category.IMMINENT, Category.MEDICAL)

RAISABLE = frozenset({Category.AMBIGUOUS, Category.DISTRESS})
"""What the patterns heard that the backstop may raise (`Backstop.raised`): the check-in and the
orienting reply, the two replies that name no crisis."""


def features(words: Sequence[str]) -> list[str]:
    """What the backstop reads of a normalised text: each word, and each pair of words, once
    each, as it was trained (a word said 500 times must not weigh 500 times: "a a a a ...")."""
    found = list(words)
    found.extend(f"{first} {second}" for first, second in pairwise(words))
    return list(dict.fromkeys(found))


@record
class Thresholds:
    """When the backstop speaks up."""

    named: float
    """The probability one category needs to be answered as that category."""
    alarm: float
    """The summed probability of the alarming categories that gets the C7 check-in when no one
    category reaches `named`."""


@record
class Backstop:
    """Weights of a multinomial logistic regression, and when to trust it."""

    classes: tuple[Category, ...]
    bias: tuple[int, ...]
    weights: Mapping[str, tuple[int, ...]]
    """Per feature, one weight per class, as whole numbers of 1/`scale` (JSON reads whole
    numbers several times faster than decimals)."""
    scale: int
    thresholds: Thresholds

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Backstop:
        """Build from the mapping in crisis_backstop.json; raises ValueError on bad data."""
        try:
            classes = tuple(Category(name) for name in data["classes"])
            size = len(classes)
            bias = tuple(int(value) for value in data["bias"])
            weights = {str(feature): tuple(row) for feature, row in data["weights"].items()}
            scale = int(data["scale"])
            limits = data["thresholds"]
            thresholds = Thresholds(float(limits["named"]), float(limits["alarm"]))
        except (KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"crisis backstop: malformed data ({error!r})") from error
        if Category.NONE not in classes or len(bias) != size:
            raise ValueError("crisis backstop: classes must include none, one bias each")
        if scale <= 0 or any(len(row) != size for row in weights.values()):
            raise ValueError("crisis backstop: every weight row needs one value per class")
        return cls(classes, bias, weights, scale, thresholds)

    def probabilities(self, words: str) -> dict[Category, float]:
        """How likely each category is for a normalised text ("i am not okay")."""
        weights = self.weights
        rows = [row for feature in features(words.split()) if (row := weights.get(feature))]
        scores = [sum(column) for column in zip(self.bias, *rows, strict=True)]
        top = max(scores)
        exps = [math.exp((score - top) / self.scale) for score in scores]
        total = sum(exps)
        return {category: value / total for category, value in zip(self.classes, exps, strict=True)}

    def assess(self, words: str) -> Assessment:
        """The category the backstop is sure enough of for a normalised text, or `none`."""
        if not words:
            return Assessment()
        found = self.probabilities(words)
        best = max(self.classes, key=lambda category: found[category])
        if best is not Category.NONE and found[best] >= self.thresholds.named:
            return Assessment(best, f"{PREFIX}{best.value}")
        emergency = sum(found.get(category, 0.0) for category in EMERGENCY)
        if emergency >= self.thresholds.named:
            chosen = max(EMERGENCY, key=lambda category: found.get(category, 0.0))
            return Assessment(chosen, f"{PREFIX}{chosen.value}")
        if sum(found.get(category, 0.0) for category in ALARMING) >= self.thresholds.alarm:
            return Assessment(Category.AMBIGUOUS, f"{PREFIX}{Category.AMBIGUOUS.value}")
        return Assessment()

    def raised(self, found: Assessment, words: str) -> Assessment:
        """What the patterns heard (`found`, a RAISABLE category) or, when the backstop is sure
        of a more serious crisis in the same normalised words ("... and i keep thinking everyone
        would be better off without me"), that crisis: when unsure, err towards help. It never
        lowers what was heard."""
        if found.category not in RAISABLE:
            return found
        sure = self.assess(words)
        if sure.category in CRISIS_CATEGORIES and sure.category.more_serious_than(found.category):
            return sure
        return found
