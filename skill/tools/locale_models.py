"""The interaction models of every English locale, built from en-US and locale_models.yaml.

interaction_model/en-US.json is edited by hand. Every other locale's model is en-US with the
locale's differences applied, which are kept as data in skill/data/locale_models.yaml (local words
for people, feelings and things, spellings such as "colour", extra sample phrasings). Generated
models are committed, since they are what is uploaded to Amazon; tests check that each one is
exactly what `build` makes, so they never drift from the base.

    python -m skill.tools.locale_models            # rewrite interaction_model/<locale>.json
    python -m skill.tools.locale_models --check    # exit 1 if a committed model is out of date
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from skill.content.files import data_file, models_dir, read_yaml
from skill.content.locales import DEFAULT_LOCALE, LOCALES
from skill.tools.nlu import normalise

BASE_LOCALE = DEFAULT_LOCALE
LOCALES_FILE = "locale_models.yaml"
_SLOT = re.compile(r"\{\w+\}")
_KEYS = frozenset({"words", "remove", "values", "samples"})


class LocaleDataError(ValueError):
    """locale_models.yaml does not fit the base model."""


@cache
def locale_data() -> Mapping[str, Mapping[str, Any]]:
    """The parsed locale_models.yaml: locale -> its differences from en-US."""
    data = read_yaml(data_file(LOCALES_FILE)) or {}
    if not isinstance(data, dict):
        raise LocaleDataError(f"{LOCALES_FILE}: expected a mapping of locale -> differences")
    for locale, entry in data.items():
        if not isinstance(entry, dict) or not set(entry) <= _KEYS:
            raise LocaleDataError(f"{locale}: expected only {sorted(_KEYS)}")
    return data


def locales() -> tuple[str, ...]:
    """Every published locale (content.locales): en-US, the base, first."""
    return (BASE_LOCALE, *sorted(locale for locale in LOCALES if locale != BASE_LOCALE))


def model_path(locale: str) -> Path:
    """Where a locale's interaction model is committed."""
    return models_dir() / f"{locale}.json"


def base_model() -> dict[str, Any]:
    """The hand-edited en-US model."""
    model: dict[str, Any] = json.loads(model_path(BASE_LOCALE).read_text(encoding="utf-8"))
    return model


def build(
    locale: str,
    base: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The interaction model of `locale`: en-US with the locale's differences.

    `base` (the en-US model) and `data` (the locale's entry of locale_models.yaml) are read from
    their files when not given. Raises LocaleDataError when the data does not fit the base.
    """
    model = copy.deepcopy(dict(base) if base is not None else base_model())
    if locale == BASE_LOCALE:
        return model
    if data is None:
        data = locale_data().get(locale)
    if data is None:
        raise LocaleDataError(f"no entry for {locale} in {LOCALES_FILE}")
    if not set(data) <= _KEYS:
        raise LocaleDataError(f"{locale}: expected only {sorted(_KEYS)}, not {sorted(data)}")
    language_model = model["interactionModel"]["languageModel"]
    types = {slot_type["name"]: slot_type for slot_type in language_model["types"]}
    intents = {intent["name"]: intent for intent in language_model["intents"]}
    words = _words(locale, data.get("words") or {})
    for type_name, spellings in (data.get("remove") or {}).items():
        _remove(locale, _known(locale, types, type_name, "slot type"), spellings)
    for type_name, by_id in (data.get("values") or {}).items():
        _add_values(locale, _known(locale, types, type_name, "slot type"), by_id)
    for slot_type in types.values():
        _add_word_variants(slot_type, words)
    for intent_name, samples in (data.get("samples") or {}).items():
        intent = _known(locale, intents, intent_name, "intent")
        _add_samples(intent, _strings(locale, intent_name, samples))
    taken = {_sample_key(text) for intent in intents.values() for text in intent.get("samples", [])}
    for intent in intents.values():
        _add_sample_variants(intent, words, taken)
    return model


def render(model: Mapping[str, Any]) -> str:
    """A model as it is committed: two-space JSON, UTF-8, a final newline."""
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


def _known(locale: str, items: Mapping[str, Any], name: str, kind: str) -> Any:
    if name not in items:
        raise LocaleDataError(f"{locale}: no {kind} {name!r} in the base model")
    return items[name]


def _strings(locale: str, where: str, items: object) -> list[str]:
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise LocaleDataError(f"{locale}: {where}: expected a list of phrases")
    return list(items)


def _words(locale: str, raw: Mapping[str, Any]) -> dict[str, list[str]]:
    words = {}
    for word, local in raw.items():
        if len(str(word).split()) != 1:
            raise LocaleDataError(f"{locale}: words: {word!r} must be one word")
        words[normalise(str(word))] = [normalise(item) for item in _strings(locale, word, local)]
    return words


def _spellings(value: Mapping[str, Any]) -> list[str]:
    return [str(value["name"]["value"]), *value["name"].get("synonyms", [])]


def _value_id(value: Mapping[str, Any]) -> str:
    return str(value.get("id") or value["name"]["value"])


def _listed(slot_type: Mapping[str, Any]) -> set[str]:
    return {normalise(spelling) for value in slot_type["values"] for spelling in _spellings(value)}


def _remove(locale: str, slot_type: dict[str, Any], spellings: Sequence[str]) -> None:
    gone = {normalise(spelling) for spelling in _strings(locale, slot_type["name"], spellings)}
    missing = gone - _listed(slot_type)
    if missing:
        raise LocaleDataError(f"{locale}: {slot_type['name']}: cannot remove {sorted(missing)}")
    for value in slot_type["values"]:
        if normalise(value["name"]["value"]) in gone:
            raise LocaleDataError(f"{locale}: remove a synonym, not the name of {value}")
        synonyms = [
            text for text in value["name"].get("synonyms", []) if normalise(text) not in gone
        ]
        value["name"]["synonyms"] = synonyms


def _add_values(locale: str, slot_type: dict[str, Any], by_id: Mapping[str, Any]) -> None:
    values = {_value_id(value): value for value in slot_type["values"]}
    uses_ids = any("id" in value for value in slot_type["values"])
    for value_id, raw in by_id.items():
        spellings = _strings(locale, f"{slot_type['name']}.{value_id}", raw)
        value = values.get(str(value_id))
        if value is None:
            name = spellings[0] if uses_ids else str(value_id)
            value = {"name": {"value": name, "synonyms": []}}
            if uses_ids:
                value = {"id": str(value_id), **value}
            slot_type["values"].append(value)
            values[str(value_id)] = value
        _add_synonyms(slot_type, value, spellings)


def _add_synonyms(
    slot_type: Mapping[str, Any], value: dict[str, Any], spellings: Sequence[str]
) -> None:
    listed = _listed(slot_type)
    synonyms = value["name"].setdefault("synonyms", [])
    for spelling in spellings:
        if normalise(spelling) not in listed:
            synonyms.append(spelling)
            listed.add(normalise(spelling))


def _variants(text: str, words: Mapping[str, Sequence[str]]) -> list[str]:
    """The text once for each local word of each en-US word it holds ("my mom" -> "my mum")."""
    found: list[str] = []
    parts = re.split(r"(\{\w+\}|[\w']+)", text)
    for position, part in enumerate(parts):
        for local in words.get(part.lower(), ()):
            found.append("".join([*parts[:position], local, *parts[position + 1 :]]))
    return found


def _add_word_variants(slot_type: dict[str, Any], words: Mapping[str, Sequence[str]]) -> None:
    for value in slot_type["values"]:
        variants = [
            variant for spelling in _spellings(value) for variant in _variants(spelling, words)
        ]
        _add_synonyms(slot_type, value, variants)


def _sample_key(sample: str) -> str:
    return normalise(_SLOT.sub(lambda found: f" slot{found.group(0)[1:-1]} ", sample))


def _add_samples(intent: dict[str, Any], samples: Sequence[str]) -> None:
    present = {_sample_key(text) for text in intent.setdefault("samples", [])}
    for sample in samples:
        if _sample_key(sample) not in present:
            intent["samples"].append(sample)
            present.add(_sample_key(sample))


def _add_sample_variants(
    intent: dict[str, Any], words: Mapping[str, Sequence[str]], taken: set[str]
) -> None:
    for sample in list(intent.get("samples", [])):
        for variant in _variants(sample, words):
            if _sample_key(variant) not in taken:
                intent["samples"].append(variant)
                taken.add(_sample_key(variant))


def main(argv: Sequence[str] | None = None) -> int:
    """Writes (or with --check, checks) every generated locale model."""
    parser = argparse.ArgumentParser(
        prog="python -m skill.tools.locale_models", description=__doc__
    )
    parser.add_argument("--check", action="store_true", help="only report out-of-date models")
    args = parser.parse_args(argv)
    base = base_model()
    stale = []
    for locale in locales():
        if locale == BASE_LOCALE:
            continue
        text = render(build(locale, base))
        path = model_path(locale)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(path.name)
        if not args.check:
            path.write_text(text, encoding="utf-8")
    if args.check and stale:
        print(f"out of date: {', '.join(stale)} (run python -m skill.tools.locale_models)")
        return 1
    for name in stale:
        print(f"wrote interaction_model/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
