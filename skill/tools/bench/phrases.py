"""The labelled phrases of the safety bench: loading them, and an even sample of them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml

from skill.core.safety.categories import PRIORITY, Category
from skill.record import record

PHRASES_FILE = Path("tests") / "data" / "safety_phrases.yaml"
"""The labelled set: category -> phrases (in a checkout, from its top folder)."""


@record
class Labelled:
    """One phrase of the labelled set and the category it belongs to."""

    phrase: str
    label: Category


def load_labelled(path: Path = PHRASES_FILE) -> list[Labelled]:
    """Every phrase of the labelled file, in file order."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return [
        Labelled(str(phrase), Category(name))
        for name, phrases in data.items()
        for phrase in phrases
    ]


def sample(labelled: Sequence[Labelled], per_category: int | None) -> list[Labelled]:
    """Up to `per_category` phrases of each category, evenly spread over the file (repeatable)."""
    if per_category is None:
        return list(labelled)
    chosen: list[Labelled] = []
    for category in PRIORITY:
        items = [item for item in labelled if item.label is category]
        if len(items) <= per_category:
            chosen.extend(items)
        else:
            step = len(items) / per_category
            chosen.extend(items[int(index * step)] for index in range(per_category))
    return chosen
