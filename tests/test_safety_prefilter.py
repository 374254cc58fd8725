"""The crisis check runs only the patterns whose words a text holds (RuleSet). These tests hold
it to the answers of running every pattern on every text: a pattern skipped wrongly would be a
crisis statement missed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.content.bundle import bundle
from skill.content.crisis_check import classifier, normaliser
from skill.content.files import data_file
from skill.content.reading import data_mapping
from skill.core.safety.categories import Category
from skill.core.safety.classifier import CrisisClassifier

ROOT = Path(__file__).resolve().parent.parent


def _texts(item: Any) -> Iterator[str]:
    if isinstance(item, str):
        yield item
    elif isinstance(item, dict):
        for value in item.values():
            yield from _texts(value)
    elif isinstance(item, list):
        for value in item:
            yield from _texts(value)


def _written() -> list[str]:
    """Every string in the labelled and held-out sets and in the skill's own English data."""
    paths = sorted((ROOT / "tests" / "data").glob("*.yaml"))
    paths += sorted((ROOT / "skill" / "data" / "en").glob("*.yaml"))
    return sorted({text for path in paths for text in _texts(yaml.safe_load(path.read_text()))})


WRITTEN = _written()
WORDS = sorted({word for text in WRITTEN for word in text.split()})


_DATA = data_mapping(data_file("crisis_phrases.yaml", "en-US"))
FAST = CrisisClassifier.from_data(_DATA, normaliser("en-US"))
FULL = CrisisClassifier.from_data(_DATA, normaliser("en-US"), prefilter=False)
_BACKSTOP = classifier("en-US").backstop
FAST_ASKING = CrisisClassifier.from_data(_DATA, normaliser("en-US"), backstop=_BACKSTOP)
FULL_ASKING = CrisisClassifier.from_data(
    _DATA, normaliser("en-US"), prefilter=False, backstop=_BACKSTOP
)


def test_every_written_statement_gets_the_same_answer_as_running_every_pattern() -> None:
    fast, full = FAST, FULL
    assert len(WRITTEN) > 4000
    differ = [text for text in WRITTEN if fast.assess(text) != full.assess(text)]
    assert differ == []


def test_with_the_backstop_every_written_statement_gets_the_same_answer_too() -> None:
    """With a backstop, which `except` phrases were heard also decides whether it is asked."""
    fast, full = FAST_ASKING, FULL_ASKING
    differ = [text for text in WRITTEN if fast.assess(text) != full.assess(text)]
    assert differ == []


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=14))
def test_made_up_sentences_get_the_same_answer_as_running_every_pattern(
    words: list[str],
) -> None:
    text = " ".join(words)
    assert FAST.assess(text) == FULL.assess(text)
    assert FAST_ASKING.assess(text) == FULL_ASKING.assess(text)


def test_a_start_by_name_gets_the_answer_worked_out_afresh_and_only_names_are_kept() -> None:
    """The locale's exercise names are answered once and kept (a start by name is the most
    common turn); anything else a person says is worked out every time and never kept (P2)."""
    content = bundle("en-US")
    check = content.classifier
    names = [name.lower() for script in content.library for name in (script.title, *script.aliases)]
    for name in names:
        assert check.assess(name) == FULL_ASKING.assess(name)
        assert check.assess(name) == FULL_ASKING.assess(name)  # the kept answer
    said = ["i want to die", "box breathing please", "i feel a bit heavy"]
    assert [check.assess(text) for text in said] == [FULL_ASKING.assess(text) for text in said]
    assert check.assess("i want to die").category is Category.SUICIDE
    assert check.kept <= set(names)
    assert "box breathing" in check.kept
    assert not check.kept & set(said)
