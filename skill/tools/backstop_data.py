"""What the crisis check's statistical backstop is trained on, and what is kept out of it
(skill/tools/safety_backstop.py trains it): the labelled set, the interaction model's crisis
statements, and everyday negatives; never the dev sets the thresholds are chosen on."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from skill.content.crisis_check import normaliser
from skill.content.files import data_file, read_yaml, scripts_for
from skill.core.safety.categories import PRIORITY, Category
from skill.tools.locale_models import BASE_LOCALE, model_path

ROOT = Path(__file__).resolve().parent.parent.parent
LABELLED = ROOT / "tests" / "data" / "safety_phrases.yaml"
DEV_SETS = tuple(
    ROOT / "tests" / "data" / name
    for name in (
        "safety_dev.yaml",
        "safety_dev_2.yaml",
        "safety_heldout.yaml",
        "safety_heldout_2.yaml",
    )
)
"""Held out of training; the thresholds are chosen on them (safety_backstop.THRESHOLDS)."""
DEV_REQUESTS = tuple(
    ROOT / "tests" / "data" / name
    for name in ("understanding_dev.yaml", "understanding_dev_2.yaml")
)
"""Everyday requests (those with a `fit`), held out of training too: no threshold may refer
any of them."""
SLICE = 5
"""`--slice` holds out every SLICE-th `none` statement of the labelled set from training, to
see how the backstop does on everyday sentence shapes it has not seen."""
FILLINGS = 2  # how many ways each sample of another intent is filled in


def statements_of(path: Path) -> dict[str, list[str]]:
    """A safety set: category -> statements."""
    data = read_yaml(path) or {}
    return {str(label): [str(text) for text in items or ()] for label, items in data.items()}


def requests_of(path: Path) -> list[str]:
    """The everyday requests (with a `fit`) of an understanding dev set, and what is said
    before them."""
    found: list[str] = []
    for item in read_yaml(path) or ():
        if isinstance(item, dict) and item.get("fit") is not None:
            found.extend(str(text) for text in (*(item.get("after") or ()), item["said"]))
    return found


def held_out() -> frozenset[str]:
    """Every dev statement and dev everyday request, normalised: none of them is trained on."""
    words = normaliser(BASE_LOCALE)
    texts = [text for path in DEV_SETS for items in statements_of(path).values() for text in items]
    texts.extend(text for path in DEV_REQUESTS for text in requests_of(path))
    return frozenset(words.normalise(text) for text in texts)


def everyday_slice() -> list[str]:
    """Every SLICE-th `none` statement of the labelled set (for `--slice`)."""
    return statements_of(LABELLED).get(Category.NONE.value, [])[SLICE - 1 :: SLICE]


def _spellings(slot_type: Mapping[str, Any]) -> Iterable[tuple[str | None, str]]:
    for value in slot_type["values"]:
        name = value["name"]
        for spelling in (name["value"], *name.get("synonyms", [])):
            yield value.get("id"), str(spelling)


_BUILT_IN = {"AMAZON.NUMBER": ["five", "ten"], "AMAZON.TIME": ["seven pm", "eight thirty"]}


def _filled_samples(model: Mapping[str, Any]) -> Iterable[str]:
    """Every sample of every intent but CrisisIntent, its slots filled with their types' values."""
    types = {t["name"]: [text for _, text in _spellings(t)] for t in model["types"]}
    for intent in model["intents"]:
        if intent["name"] == "CrisisIntent":
            continue
        slots = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for number, sample in enumerate(intent.get("samples", [])):
            for filling in range(FILLINGS):
                text = str(sample)
                for place, (name, kind) in enumerate(sorted(slots.items())):
                    values = types.get(kind) or _BUILT_IN.get(kind) or ["something"]
                    chosen = values[(number * 7 + filling * 13 + place * 3) % len(values)]
                    text = text.replace("{" + name + "}", chosen)
                yield text


_SPOKEN = ("say", "ask", "reprompt", "summary", "content_note", "short_intro", "acks", "aliases")
_PAUSE = re.compile(r"\[[^\]]*\]")
_SENTENCE = re.compile(r"(?<=[.?!])\s+")


def _script_sentences() -> Iterable[str]:
    """Every sentence the exercise scripts say: everyday words about breath, the body, sounds
    and feelings, none of them a crisis."""
    stack: list[Any] = [read_yaml(path) for path in sorted(scripts_for(BASE_LOCALE).glob("*.yaml"))]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in _SPOKEN:
                    for text in value if isinstance(value, list) else [value]:
                        if isinstance(text, str):
                            yield from _SENTENCE.split(_PAUSE.sub(" ", text))
                else:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)


def examples(leave_out: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """(category, normalised text) pairs to train on, sorted, dev statements (and any text of
    `leave_out`) left out."""
    words = normaliser(BASE_LOCALE)
    known = {category.value for category in PRIORITY}
    labelled: dict[str, set[str]] = {}

    def add(label: str, text: str) -> None:
        written = words.normalise(text)
        if written and label in known:
            labelled.setdefault(written, set()).add(label)

    for label, items in statements_of(LABELLED).items():
        for text in items:
            add(label, text)
    model = json.loads(model_path(BASE_LOCALE).read_text(encoding="utf-8"))
    model = model["interactionModel"]["languageModel"]
    for slot_type in model["types"]:
        crisis = slot_type["name"] == "CRISIS_STATEMENT"
        for value_id, text in _spellings(slot_type):
            add(str(value_id) if crisis else Category.NONE.value, text)
    for text in _filled_samples(model):
        add(Category.NONE.value, text)
    needs = read_yaml(data_file("needs.yaml", BASE_LOCALE)) or {}
    for entry in (needs.get("needs") or {}).values():
        for text in entry.get("words") or ():
            add(Category.NONE.value, str(text))
    for text in _script_sentences():
        add(Category.NONE.value, text)
    dev = held_out() | leave_out
    found: list[tuple[str, str]] = []
    for text, labels in labelled.items():
        if text in dev:
            continue
        if len(labels) > 1:
            labels.discard(Category.NONE.value)
        found.extend((label, text) for label in labels)
    return sorted(found)
