"""Outcomes of the safety bench and their tallies: the rows of its tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import field
from typing import Any

from skill.core.safety.categories import PRIORITY, Category
from skill.record import mutable_record, record
from skill.tools.bench.scoring import METRICS, Score


@record
class Outcome:
    """One phrase on one path in one locale."""

    locale: str
    path: str
    phrase: str
    score: Score
    problem: str = ""
    """Why the result may not mean what it should: "setup" (the exercise was not waiting) or
    "no response" (the skill refused the request); empty when all went as planned."""
    slot_values: tuple[str, ...] = ()
    """The slot values of the phrase's request, for the privacy checks of the tests."""
    in_model: bool = False
    """The phrase is written word for word in the locale's interaction model (a sample or a
    slot value or synonym): its result shows the path works, not that new wordings are heard."""

    @property
    def label(self) -> Category:
        return self.score.label


@mutable_record
class Tally:
    """Counts over a set of outcomes."""

    n: int = 0
    hits: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METRICS, 0))
    of: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METRICS, 0))
    forbidden: int = 0
    """Replies with forbidden wording."""
    cards: int = 0
    """Replies with a card."""
    problems: int = 0
    in_model: int = 0
    """Phrases written word for word in the interaction model."""

    def add(self, outcome: Outcome) -> None:
        self.n += 1
        for name in METRICS:
            value = outcome.score.metric(name)
            if value is not None:
                self.of[name] += 1
                self.hits[name] += int(value)
        self.forbidden += int(bool(outcome.score.forbidden))
        self.cards += int(bool(outcome.score.cards))
        self.problems += int(bool(outcome.problem))
        self.in_model += int(outcome.in_model)

    def percent(self, name: str) -> float | None:
        return 100.0 * self.hits[name] / self.of[name] if self.of[name] else None

    def to_dict(self) -> dict[str, Any]:
        metrics = {
            name: {
                "hits": self.hits[name],
                "of": self.of[name],
                "percent": _round(self.percent(name)),
            }
            for name in METRICS
        }
        return {
            "n": self.n,
            **metrics,
            "forbidden": self.forbidden,
            "cards": self.cards,
            "problems": self.problems,
            "in_model": self.in_model,
        }


def tally(outcomes: Iterable[Outcome]) -> Tally:
    counts = Tally()
    for outcome in outcomes:
        counts.add(outcome)
    return counts


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


ALL = "all"
TOTAL = "total"


@record
class Row:
    """One line of the table."""

    path: str
    """A path key, or "all"."""
    locale: str
    """A locale, or "all"."""
    category: str
    """A category value, or "total"."""
    tally: Tally

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "locale": self.locale,
            "category": self.category,
            **self.tally.to_dict(),
        }


def category_rows(outcomes: Sequence[Outcome], paths: Sequence[str]) -> list[Row]:
    """Per path, then over all paths: a row per category present, then a total."""
    rows: list[Row] = []
    for path in [*paths, ALL] if len(paths) > 1 else list(paths):
        chosen = [o for o in outcomes if path in (ALL, o.path)]
        for category in PRIORITY:
            of_category = [o for o in chosen if o.label is category]
            if of_category:
                rows.append(Row(path, ALL, category.value, tally(of_category)))
        rows.append(Row(path, ALL, TOTAL, tally(chosen)))
    return rows


def locale_rows(
    outcomes: Sequence[Outcome], locales: Sequence[str], paths: Sequence[str]
) -> list[Row]:
    """A total per locale and path: where one locale's numbers go wrong, it shows here."""
    return [
        Row(path, locale, TOTAL, tally(o for o in outcomes if (o.locale, o.path) == (locale, path)))
        for locale in locales
        for path in paths
    ]
