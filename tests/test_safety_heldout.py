"""The held-out sets stay held out: fresh wordings, never copied into the labelled set."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from skill.core.safety.categories import Category
from skill.tools.nlu import normalise

DATA = Path(__file__).parent / "data"


def phrases(name: str) -> dict[Category, list[str]]:
    data = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    return {Category(label): [str(phrase) for phrase in items] for label, items in data.items()}


def test_the_second_held_out_set_covers_every_category_and_the_everyday() -> None:
    held = phrases("safety_heldout_2.yaml")
    assert set(held) == set(Category)
    statements = sum(len(items) for label, items in held.items() if label is not Category.NONE)
    assert statements >= 120
    assert len(held[Category.NONE]) >= 60
    said = [normalise(phrase) for items in held.values() for phrase in items]
    assert len(said) == len(set(said))


def test_no_held_out_wording_is_in_the_labelled_set() -> None:
    """Patterns are written from the labelled set: a held-out wording copied into it would
    stop measuring anything. (The first set's seven shared phrases predate this rule.)"""
    labelled = {
        normalise(phrase) for items in phrases("safety_phrases.yaml").values() for phrase in items
    }
    second = phrases("safety_heldout_2.yaml")
    copied = [
        phrase for items in second.values() for phrase in items if normalise(phrase) in labelled
    ]
    assert not copied
    first = phrases("safety_heldout.yaml")
    shared = [
        phrase for items in first.values() for phrase in items if normalise(phrase) in labelled
    ]
    assert len(shared) <= 7


@pytest.mark.parametrize("name", [f"safety_heldout_{n}.yaml" for n in range(7, 21)])
def test_the_blind_sets_share_no_wording_with_the_labelled_set(name: str) -> None:
    """Training batches are merged into the labelled set: one that happened to hold a held-out
    wording would leak it. (Sets 3 to 6 each share 9 to 22 wordings with it, once normalised:
    their figures are a little flattered, and docs/safety.md says so. Set 14 has no about_skill
    statements: all four written were already in the labelled set and were removed unread.)"""
    labelled = {
        normalise(phrase) for items in phrases("safety_phrases.yaml").values() for phrase in items
    }
    held = phrases(name)
    assert set(held) >= set(Category) - {Category.ABOUT_SKILL}
    assert not [p for items in held.values() for p in items if normalise(p) in labelled]
