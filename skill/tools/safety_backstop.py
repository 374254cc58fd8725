"""Trains the crisis check's statistical backstop and writes skill/data/en/crisis_backstop.json.

    python -m skill.tools.safety_backstop            # retrain, rewrite the weights file
    python -m skill.tools.safety_backstop --check    # exit 1 if the committed file is stale
    python -m skill.tools.safety_backstop --report   # backstop, patterns, both on the dev sets

Trained on (normalised by the crisis check's own Normaliser): tests/data/safety_phrases.yaml;
every CRISIS_STATEMENT value and synonym of interaction_model/en-US.json, labelled by its id;
and as `none`, every other slot value, every other intent's samples (slots filled in), the words
of needs.yaml and the sentences of the exercise scripts. The dev sets (DEV_SETS) are left out,
so that thresholds chosen and figures measured on them are not on training data. A text
labelled both `none` and a category keeps only the category (when unsure, err towards help).
Deterministic: a fixed order and seed, weights rounded, keys sorted.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from skill.content.bundle import classifier, normaliser
from skill.content.files import data_dir, data_file, read_yaml, scripts_for
from skill.core.safety.backstop import features
from skill.core.safety.categories import PRIORITY, Category
from skill.tools.locale_models import BASE_LOCALE, model_path

ROOT = Path(__file__).resolve().parent.parent.parent
LABELLED = ROOT / "tests" / "data" / "safety_phrases.yaml"
DEV_SETS = tuple(
    ROOT / "tests" / "data" / name
    for name in ("safety_dev.yaml", "safety_heldout.yaml", "safety_heldout_2.yaml")
)
"""Held out of training; the thresholds are chosen on them (see THRESHOLDS)."""
WEIGHTS_FILE = "crisis_backstop.json"

THRESHOLDS = {"named": 0.97, "alarm": 0.995}
"""Chosen on the dev sets: the lowest on a grid at which the backstop alone refers no everyday
statement of the dev sets (docs/safety.md, "The statistical backstop"). Above 1: switched off."""

EPOCHS, RATE, L2, SEED = 12, 0.3, 1e-3, 20261129
MIN_COUNT = 2  # a feature seen in fewer training texts is left out (a typo, a name)
SCALE = 100  # weights are written as whole hundredths
KEEP = 0.02  # a feature whose largest weight is smaller is left out of the file
FILLINGS = 2  # how many ways each sample of another intent is filled in


def weights_path() -> Path:
    """Where the weights are committed."""
    return data_dir() / "en" / WEIGHTS_FILE


def _statements(path: Path) -> dict[str, list[str]]:
    data = read_yaml(path) or {}
    return {str(label): [str(text) for text in items or ()] for label, items in data.items()}


def held_out() -> frozenset[str]:
    """Every dev statement, normalised: none of them is trained on."""
    words = normaliser(BASE_LOCALE)
    return frozenset(
        words.normalise(text)
        for path in DEV_SETS
        for items in _statements(path).values()
        for text in items
    )


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


def examples() -> list[tuple[str, str]]:
    """(category, normalised text) pairs to train on, sorted, dev statements left out."""
    words = normaliser(BASE_LOCALE)
    known = {category.value for category in PRIORITY}
    labelled: dict[str, set[str]] = {}

    def add(label: str, text: str) -> None:
        written = words.normalise(text)
        if written and label in known:
            labelled.setdefault(written, set()).add(label)

    for label, items in _statements(LABELLED).items():
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
    dev = held_out()
    found: list[tuple[str, str]] = []
    for text, labels in labelled.items():
        if text in dev:
            continue
        if len(labels) > 1:
            labels.discard(Category.NONE.value)
        found.extend((label, text) for label in labels)
    return sorted(found)


def train(data: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Multinomial logistic regression by stochastic gradient descent (AdaGrad steps, a little
    L2), classes weighted so that `none` weighs as much as all the others together."""
    classes = [category.value for category in PRIORITY if any(c == category for c, _ in data)]
    index = {name: number for number, name in enumerate(classes)}
    size = len(classes)
    counts: dict[str, int] = {}
    rows: list[tuple[int, list[str]]] = []
    for label, text in data:
        found = sorted(set(features(text.split())))
        rows.append((index[label], found))
        for feature in found:
            counts[feature] = counts.get(feature, 0) + 1
    kept = {feature for feature, count in counts.items() if count >= MIN_COUNT}
    rows = [(wanted, [f for f in found if f in kept]) for wanted, found in rows]
    per_class = [0] * size
    for number, _ in rows:
        per_class[number] += 1
    none = index[Category.NONE.value]
    others = len(rows) - per_class[none]
    weight_of = [1.0] * size
    weight_of[none] = others / per_class[none]
    weights: dict[str, list[float]] = {feature: [0.0] * size for feature in sorted(kept)}
    squares: dict[str, list[float]] = {feature: [1e-8] * size for feature in sorted(kept)}
    bias = [0.0] * size
    bias_squares = [1e-8] * size
    order = list(range(len(rows)))
    shuffle = random.Random(SEED)
    for _ in range(EPOCHS):
        shuffle.shuffle(order)
        for number in order:
            wanted, found = rows[number]
            scores = list(bias)
            for feature in found:
                scores = [s + w for s, w in zip(scores, weights[feature], strict=True)]
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            total = sum(exps)
            step = weight_of[wanted]
            grads = [step * (e / total - (1.0 if c == wanted else 0.0)) for c, e in enumerate(exps)]
            for c in range(size):
                bias_squares[c] += grads[c] * grads[c]
                bias[c] -= RATE * grads[c] / math.sqrt(bias_squares[c])
            for feature in found:
                row, squared = weights[feature], squares[feature]
                for c in range(size):
                    g = grads[c] + L2 * row[c]
                    squared[c] += g * g
                    row[c] -= RATE * g / math.sqrt(squared[c])
    written = {
        feature: [round(w * SCALE) for w in row]
        for feature, row in weights.items()
        if max(abs(w) for w in row) >= KEEP
    }
    return {
        "about": "Generated by `python -m skill.tools.safety_backstop`: do not edit.",
        "classes": classes,
        "bias": [round(b * SCALE) for b in bias],
        "scale": SCALE,
        "thresholds": dict(THRESHOLDS),
        "training": {"texts": len(rows), "per_class": dict(zip(classes, per_class, strict=True))},
        "weights": written,
    }


def render(data: Mapping[str, Any]) -> str:
    """The file as committed: one feature per line, keys sorted."""
    head = {key: value for key, value in data.items() if key != "weights"}
    lines = [json.dumps(head, sort_keys=True, separators=(",", ":"))[:-1] + ',"weights":{']
    items = sorted(data["weights"].items())
    for number, (feature, row) in enumerate(items):
        comma = "," if number < len(items) - 1 else ""
        lines.append(f"{json.dumps(feature)}:{json.dumps(row, separators=(',', ':'))}{comma}")
    lines.append("}}")
    return "\n".join(lines) + "\n"


def report() -> str:
    """The committed backstop alone, the patterns alone, and both, on each dev set (classifier
    level: a statement counts when it gets its category or a more serious one)."""
    words = normaliser(BASE_LOCALE)
    both = classifier(BASE_LOCALE)
    backstop = both.backstop
    if backstop is None:
        return "no backstop is loaded"
    patterns = both.without_backstop()
    lines = []
    for path in DEV_SETS:
        lines.append(f"== {path.name}: n, backstop alone, patterns, patterns + backstop")
        for label, items in _statements(path).items():
            alone = sum(
                _referred(label, backstop.assess(words.normalise(t)).category) for t in items
            )
            before = sum(_referred(label, patterns.assess(t).category) for t in items)
            after = sum(_referred(label, both.assess(t).category) for t in items)
            lines.append(f"{label:14} {len(items):4} {alone:5} {before:5} {after:5}")
    return "\n".join(lines)


def _referred(label: str, found: Category) -> int:
    """1 when `found` is the reply `label` calls for or stronger (for `none`: any reply)."""
    wanted = Category(label)
    if wanted is Category.NONE:
        return int(found is not Category.NONE)
    if wanted.rank >= Category.DEPRESSION.rank:
        return int(found is wanted)
    return int(found is wanted or found.more_serious_than(wanted))


def main(argv: Sequence[str] | None = None) -> int:
    """Writes (or with --check, checks) the weights file."""
    parser = argparse.ArgumentParser(prog="python -m skill.tools.safety_backstop")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    parser.add_argument("--report", action="store_true", help="dev figures of the committed file")
    options = parser.parse_args(argv)
    path = weights_path()
    if options.report:
        print(report())
        return 0
    text = render(train(examples()))
    if options.check:
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            print(f"{path} is out of date: run python -m skill.tools.safety_backstop")
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
