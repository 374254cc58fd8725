"""Trains the crisis check's statistical backstop and writes skill/data/en/crisis_backstop.json.

    python -m skill.tools.safety_backstop            # retrain, rewrite the weights file
    python -m skill.tools.safety_backstop --check    # exit 1 if the committed file is stale
    python -m skill.tools.safety_backstop --report   # backstop, patterns, both on the dev sets
    python -m skill.tools.safety_backstop --search   # thresholds: dev referrals on a grid
    python -m skill.tools.safety_backstop --search --slice  # the same, every fifth everyday
                                                    # statement of the labelled set held out

Trained on (normalised by the crisis check's own Normaliser): tests/data/safety_phrases.yaml;
every CRISIS_STATEMENT value and synonym of interaction_model/en-US.json, labelled by its id;
and as `none`, every other slot value, every other intent's samples (slots filled in), the words
of needs.yaml and the sentences of the exercise scripts. The dev sets (DEV_SETS) are left out,
so that thresholds chosen and figures measured on them are not on training data; so are the
everyday requests of the understanding dev sets (DEV_REQUESTS). A text
labelled both `none` and a category keeps only the category (when unsure, err towards help).
Deterministic: a fixed order and seed, weights rounded, keys sorted.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from skill.content.crisis_check import classifier, normaliser
from skill.content.files import data_dir, data_file, read_yaml
from skill.core.safety.backstop import Backstop, Thresholds, features
from skill.core.safety.categories import PRIORITY, Category
from skill.core.safety.classifier import CrisisClassifier
from skill.tools.backstop_data import (
    DEV_REQUESTS,
    DEV_SETS,
    everyday_slice,
    examples,
    requests_of,
    statements_of,
)
from skill.tools.locale_models import BASE_LOCALE

WEIGHTS_FILE = "crisis_backstop.json"

THRESHOLDS = {"named": 0.85, "alarm": 0.85}
"""Chosen on the dev sets: the lowest on a grid at which the backstop alone refers no everyday
statement of the dev sets (docs/safety.md, "The statistical backstop"). Above 1: switched off."""

EPOCHS, RATE, L2, SEED = 12, 0.3, 1e-3, 20261129
MIN_COUNT = 2  # a feature seen in fewer training texts is left out (a typo, a name)
SCALE = 100  # weights are written as whole hundredths
KEEP = 0.02  # a feature whose largest weight is smaller is left out of the file


def weights_path() -> Path:
    """Where the weights are committed."""
    return data_dir() / "en" / WEIGHTS_FILE


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
        for label, items in statements_of(path).items():
            alone = sum(
                _referred(label, backstop.assess(words.normalise(t)).category) for t in items
            )
            before = sum(_referred(label, patterns.assess(t).category) for t in items)
            after = sum(_referred(label, both.assess(t).category) for t in items)
            lines.append(f"{label:14} {len(items):4} {alone:5} {before:5} {after:5}")
    return "\n".join(lines)


GRID = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.95, 0.96, 0.97, 0.98, 0.99, 0.995)
"""The thresholds `--search` tries; `alarm` is never below `named`."""
ALARMING_LABELS = frozenset(c.value for c in PRIORITY if c.rank <= Category.DISTRESS.rank)


def search(unseen: Sequence[str] = ()) -> str:
    """Trains afresh (without the everyday statements `unseen`) and, for each pair of thresholds
    on GRID, counts the dev crisis, C7 and C9 statements the backstop alone refers, the everyday
    dev statements and dev everyday requests it refers, and the `unseen` statements that patterns
    and backstop together refer; then names the lowest pair (lowest `named`, then lowest `alarm`)
    that refers no everyday dev statement or request."""
    words = normaliser(BASE_LOCALE)
    leave_out = frozenset(words.normalise(text) for text in unseen)
    trained = Backstop.from_data(train(examples(leave_out)))
    phrases = read_yaml(data_file("crisis_phrases.yaml", BASE_LOCALE))
    crisis: list[tuple[str, str]] = []
    everyday: list[str] = []
    for path in DEV_SETS:
        for label, items in statements_of(path).items():
            if label == Category.NONE.value:
                everyday.extend(words.normalise(text) for text in items)
            elif label in ALARMING_LABELS:
                crisis.extend((label, words.normalise(text)) for text in items)
    requests = [words.normalise(text) for path in DEV_REQUESTS for text in requests_of(path)]
    lines = [
        f"crisis/C7/C9 {len(crisis)}, everyday {len(everyday)}, requests {len(requests)},"
        f" held-out slice {len(unseen)}",
        "named  alarm  crisis referred   everyday  requests  slice",
    ]
    chosen: tuple[float, float] | None = None
    for named in GRID:
        for alarm in (value for value in GRID if value >= named):
            backstop = replace(trained, thresholds=Thresholds(named, alarm))

            def helped(texts: Sequence[str], model: Backstop = backstop) -> list[str]:
                return [t for t in texts if model.assess(t).category is not Category.NONE]

            caught = sum(_referred(label, backstop.assess(text).category) for label, text in crisis)
            alarms, asked = helped(everyday), helped(requests)
            both = CrisisClassifier.from_data(phrases, words, backstop=backstop)
            sliced = [text for text in unseen if both.assess(text).needs_response]
            lines.append(
                f"{named:5} {alarm:6} {caught:4} ({caught / len(crisis):6.1%})"
                f" {len(alarms):9} {len(asked):9} {len(sliced):6}"
            )
            if chosen is None and not alarms and not asked:
                chosen = (named, alarm)
            if named == alarm and (alarms or asked or sliced) and named >= 0.8:
                lines.extend(f"      {text!r}" for text in [*alarms, *asked, *sliced])
    lines.append(f"lowest with no everyday dev referral: {chosen}")
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
    parser.add_argument("--search", action="store_true", help="dev referrals per threshold")
    parser.add_argument("--slice", action="store_true", help="with --search: hold out a slice")
    options = parser.parse_args(argv)
    path = weights_path()
    if options.report:
        print(report())
        return 0
    if options.search:
        print(search(everyday_slice() if options.slice else ()))
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
