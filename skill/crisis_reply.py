"""What the skill says after the crisis check: SSML from crisis_replies.yaml and the helplines."""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml

from skill.helplines import Country, Line, LocalHelp, TextOption, digits_ssml
from skill.safety import Category

DATA_DIR = Path(__file__).parent / "data"

MAX_REPLY_CHARS = 2500
"""A crisis reply stays well inside one response, whatever the locale."""

PAUSES: Mapping[str, str] = {
    "pause": '<break time="600ms"/>',
    "long_pause": '<break time="3s"/>',
}
"""The pause fields a reply may use; every break is far below the 10 s limit."""

_FORMATTER = string.Formatter()


@cache
def replies_for(language: str) -> Mapping[str, Any]:
    """The crisis wording of a language ("en", or a locale such as "en-GB"), read once."""
    language = language.split("-")[0].lower()
    path = DATA_DIR / language / "crisis_replies.yaml"
    if not path.exists():
        path = DATA_DIR / "en" / "crisis_replies.yaml"
    with path.open(encoding="utf-8") as handle:
        loaded: Mapping[str, Any] = yaml.safe_load(handle)
    return loaded


def fill(template: str, **fields: str) -> str:
    """SSML from plain-text wording: the words are escaped, the fields (SSML) go in as they are."""
    pieces = []
    for literal, name, _, _ in _FORMATTER.parse(template):
        pieces.append(escape(literal))
        if name is not None:
            if name not in fields:
                raise KeyError(f"unknown field {{{name}}} in {template!r}")
            pieces.append(fields[name])
    return " ".join("".join(pieces).split())


def crisis_ssml(category: Category, help: LocalHelp, phrases: Mapping[str, Any]) -> str:
    """The reply to a crisis, ambiguous or distress statement: an SSML body without <speak>."""
    replies: Mapping[str, str] = phrases["replies"]
    if category.value not in replies:
        raise ValueError(f"no crisis reply for category {category.value!r}")
    return fill(replies[category.value], **_fields(help, phrases))


def repeat_number_ssml(category: Category, help: LocalHelp, phrases: Mapping[str, Any]) -> str:
    """The numbers again, after "yes" to "Would you like me to repeat the number?"."""
    if category in (Category.IMMINENT, Category.MEDICAL):
        key = "emergency"
    elif category is Category.ABUSE:
        key = "abuse"
    else:
        key = "crisis"
    return fill(phrases["repeat"][key], **_fields(help, phrases))


def continue_ssml(help: LocalHelp, phrases: Mapping[str, Any]) -> str:
    """After a crisis turn, when the person says they would like to carry on."""
    return fill(phrases["continue"], **_fields(help, phrases))


def check_in_declined_ssml(help: LocalHelp, phrases: Mapping[str, Any]) -> str:
    """After "no" to the ambiguous check-in ("Are you thinking about ending your life?")."""
    return fill(phrases["check_in_declined"], **_fields(help, phrases))


def forbidden_found(text: str, phrases: Mapping[str, Any]) -> list[str]:
    """Every forbidden phrase (C4) in a reply, as whole words, ignoring case and SSML tags."""
    plain = " ".join(re.sub(r"<[^>]+>", " ", text).replace("\u2019", "'").lower().split())
    return [
        phrase
        for phrase in phrases["forbidden"]
        if re.search(rf"(?<![\w']){re.escape(phrase.lower())}(?![\w'])", plain)
    ]


# ---------------------------------------------------------------------------------------------


def _fields(help: LocalHelp, phrases: Mapping[str, Any]) -> dict[str, str]:
    parts: Mapping[str, str] = phrases["parts"]
    crisis = help.lines_for("crisis")
    abuse = [
        (country, country.line_for("abuse") or country.crisis_line) for country in help.countries
    ]
    assault = [
        (country, line)
        for country, line in help.lines_for("sexual_assault")
        if line.number not in {used.number for _, used in abuse}
    ]
    abuse_block = _lines(abuse, parts, twice=True)
    if assault:
        abuse_block += " " + _lines(
            assault, parts, twice=False, first="also_call", per="also_call_in"
        )
    return {
        **PAUSES,
        "crisis_lines": _lines(crisis, parts, twice=True),
        "crisis_line_once": _lines(crisis, parts, twice=False),
        "text_option": _text_options(help.countries, parts),
        "abuse_lines": abuse_block,
        "emergency": _emergency(help.countries, parts),
    }


def _grouped(
    items: Sequence[tuple[Country, Any]], key: Callable[[Any], object]
) -> list[tuple[list[Country], Any]]:
    """Items with the same key together, in first-seen order, with the countries they serve."""
    groups: dict[object, tuple[list[Country], Any]] = {}
    for country, item in items:
        groups.setdefault(key(item), ([], item))[0].append(country)
    return list(groups.values())


def _country_names(countries: Sequence[Country], parts: Mapping[str, str]) -> str:
    names = [escape(country.spoken_name) for country in countries]
    return f" {escape(parts['or_word'])} ".join(names)


def _lines(
    lines: Sequence[tuple[Country, Line]],
    parts: Mapping[str, str],
    twice: bool,
    first: str = "call",
    per: str = "call_in",
) -> str:
    groups = _grouped(lines, key=lambda line: line.number)
    sentences = []
    for countries, line in groups:
        values = {"name": escape(line.spoken_name), "number": line.spoken_number}
        if len(groups) == 1:
            sentences.append(fill(parts[first], **values))
        else:
            sentences.append(fill(parts[per], country=_country_names(countries, parts), **values))
        if twice:
            sentences.append(fill(parts["again"], number=line.spoken_number))
    return " ".join(sentences)


def _text_options(countries: Sequence[Country], parts: Mapping[str, str]) -> str:
    items = [(country, country.text_option) for country in countries]
    groups = _grouped(items, key=lambda option: option)
    sentences = []
    for group_countries, option in groups:
        if option is None:
            continue
        assert isinstance(option, TextOption)
        values = {"number": option.spoken_number}
        kind = "text_number"
        if option.keyword:
            values["keyword"] = escape(option.keyword)
            kind = "text_keyword"
        if len(groups) == 1:
            sentences.append(fill(parts[kind], **values))
        else:
            country = _country_names(group_countries, parts)
            sentences.append(fill(parts[f"{kind}_in"], country=country, **values))
    return " ".join(sentences)


def _emergency(countries: Sequence[Country], parts: Mapping[str, str]) -> str:
    """The emergency numbers as a phrase: numbers that work everywhere first, then the rest.

    One country: "112 or 999". Several: "999, or 112 in Ireland";
    "000 in Australia, or 111 in New Zealand".
    """
    or_word = escape(parts["or_word"])
    if len(countries) == 1:
        return f" {or_word} ".join(digits_ssml(number) for number in countries[0].emergency)
    common = [n for n in countries[0].emergency if all(n in c.emergency for c in countries)]
    pieces = [f" {or_word} ".join(digits_ssml(number) for number in common)] if common else []
    for country in countries:
        pieces.extend(
            fill(
                parts["emergency_in"],
                number=digits_ssml(number),
                country=escape(country.spoken_name),
            )
            for number in country.emergency
            if number not in common
        )
    return f", {or_word} ".join(pieces)
