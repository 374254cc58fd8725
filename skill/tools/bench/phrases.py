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
    """Every phrase of the labelled file, in file order. A category may be left empty (a
    batch whose repeats were removed); anything else that is not a list of phrases under a
    known category is refused as `path: category: message`."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: not a mapping of categories to phrases")
    labelled: list[Labelled] = []
    for name, phrases in data.items():
        try:
            category = Category(name)
        except ValueError:
            raise ValueError(f"{path}: {name}: not a category") from None
        if not isinstance(phrases, list | None):
            raise ValueError(f"{path}: {name}: not a list of phrases")
        labelled.extend(Labelled(str(phrase), category) for phrase in phrases or [])
    return labelled


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
