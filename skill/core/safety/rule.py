"""The crisis check of one turn (C1): the classifier over every word, and the CrisisIntent rule."""

from __future__ import annotations

from collections.abc import Sequence

from skill.core.safety.categories import Assessment, Category
from skill.core.safety.classifier import MILD, CrisisClassifier


def category_named(value: str | None) -> Category | None:
    """The category an id names ("abuse"), or None for anything else."""
    try:
        return Category(value) if value else None
    except ValueError:
        return None


def assess_turn(
    classifier: CrisisClassifier,
    words: Sequence[str],
    crisis_intent: bool = False,
    resolved: Category | None = None,
) -> Assessment:
    """The crisis check for one request.

    `words` are every slot value of the request: the person's own words, wherever they were
    said. For CrisisIntent, `resolved` is the category the model resolved the statement to; the
    more serious of it and the classifier's reading wins. A CrisisIntent whose words match
    nothing we know gets the gentle check-in (C7); one with no words at all, whose words the
    model heard but did not pass on, gets the full reply (C2). Words the classifier knows as the
    mild kind of a support statement ("my hand hurts a little from typing", `MILD`) are placed,
    and get nothing, whatever the model resolved ("my heart's beating fast because i just ran
    up the stairs" holds a listed distress statement): a crisis reply would be a false alarm (C8).
    """
    found = classifier.assess(words)
    if not crisis_intent:
        return found
    if found.category is Category.NONE and found.pattern.startswith(MILD):
        return found  # the words say it is mild ("... because i just ran up the stairs")
    if resolved is not None and resolved.more_serious_than(found.category):
        found = Assessment(resolved, pattern=f"model:{resolved.value}")
    if found.category is Category.NONE:
        if words:
            return Assessment(Category.AMBIGUOUS, pattern="model:carrier")
        return Assessment(Category.SUICIDE, pattern="model:unplaced")
    return found
