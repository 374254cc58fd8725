"""A locale's crisis check, loaded once per process: its patterns (from a snapshot when the data
is unchanged), its statistical backstop on first need, and the normaliser it shares with the
needs. Loaded with the first words a request carries (content/bundle.py): a launch has none.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from skill.content.files import MissingData, data_file
from skill.content.locales import LOCALES
from skill.content.reading import data_mapping
from skill.content.snapshot import remembered
from skill.core.safety.backstop import Backstop
from skill.core.safety.classifier import CrisisClassifier, parse_rules
from skill.core.safety.normalise import Normaliser


@cache
def normaliser(locale: str) -> Normaliser:
    """How a locale's words are written out before matching (the classifier's own)."""
    return words_normaliser(data_file("words.yaml", locale))


@cache
def words_normaliser(words_path: Path) -> Normaliser:
    return Normaliser.from_data(data_mapping(words_path))


@cache
def classifier(locale: str) -> CrisisClassifier:
    """The crisis classifier of a locale (a language without phrases of its own uses English's:
    a crisis check listening for the wrong language is still better than none)."""
    path = data_file("crisis_phrases.yaml", locale)
    return _classifier(path, data_file("words.yaml", locale))


def prepare_crisis_checks() -> None:
    """Load every published locale's crisis check whole now (its backstop and every pattern),
    for a process that loads before anyone waits: a server before its workers fork, a Lambda
    instance before its snapshot. A cold start that answers one request is better off lazy."""
    for locale in LOCALES:
        classifier(locale).prepare()


@cache
def _classifier(phrases_path: Path, words_path: Path) -> CrisisClassifier:
    words = words_normaliser(words_path)
    parsed = remembered(
        "crisis-rules",
        (phrases_path.read_bytes(), words_path.read_bytes()),
        lambda: parse_rules(data_mapping(phrases_path, kept=False), words),
    )
    # The statistical backstop beside the phrases (crisis_backstop.json, written by
    # `python -m skill.tools.safety_backstop`), asked only where no pattern heard anything.
    # Part of the crisis check: a language with phrases must have it (MissingData if not).
    weights = phrases_path.parent / "crisis_backstop.json"
    if not weights.is_file():
        raise MissingData(f"no data file {weights.name} beside {phrases_path}")
    return CrisisClassifier.from_parsed(parsed, words, backstop=lambda: _backstop(weights))


@cache
def _backstop(weights: Path) -> Backstop:
    return Backstop.from_data(json.loads(weights.read_text(encoding="utf-8")))
