"""What the skill says to a crisis, from a language's crisis_replies.yaml and the helplines.

Each reply is a timeline: plain text from the data file, with the lines of the person's country
(or of every country their locale may mean) filled in, numbers said digit by digit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from typing import Any, TypeVar

from skill.core.safety.categories import Category
from skill.core.safety.helplines import Country, Line, LocalHelp, TextOption
from skill.core.template import fill
from skill.core.timeline import Timeline
from skill.record import record

PAUSE_SECONDS = 0.6
"""{pause} in a reply."""
LONG_PAUSE_SECONDS = 3.0
"""{long_pause} in a reply."""
MAX_REPLY_CHARS = 2500
"""A crisis reply's SSML stays well inside one response, whatever the locale."""

T = TypeVar("T")

REPEAT_KEYS: Mapping[Category, str] = {
    Category.IMMINENT: "emergency",
    Category.MEDICAL: "emergency",
    Category.PAIN: "emergency",
    Category.ABUSE: "abuse",
    Category.DEPRESSION: "support",
    Category.SUPPORT: "support",
    Category.ABOUT_SKILL: "support",
    Category.ANOTHER_LINE: "another",
}
"""Which `repeat:` wording says the numbers again after each reply; any other: `crisis`."""


class Wording(StrEnum):
    """Which of the crisis wordings to say."""

    REPLY = "reply"
    """The reply to what was said (C2-C7, C9)."""
    REPEAT = "repeat"
    """The numbers again, after "yes" to "Would you like me to repeat the number?"."""
    CARRY_ON = "continue"
    """After the help was given, when the person would like to carry on."""
    CHECK_IN_DECLINED = "check_in_declined"
    """After "no" to "Are you thinking about ending your life?"."""


@record
class CrisisWording:
    """One language's crisis wording (crisis_replies.yaml)."""

    parts: Mapping[str, str]
    replies: Mapping[str, str]
    repeat: Mapping[str, str]
    carry_on: str
    check_in_declined: str
    forbidden: tuple[str, ...]

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> CrisisWording:
        """Build from the mapping in crisis_replies.yaml."""
        return cls(
            parts=dict(data["parts"]),
            replies=dict(data["replies"]),
            repeat=dict(data["repeat"]),
            carry_on=str(data["continue"]),
            check_in_declined=str(data["check_in_declined"]),
            forbidden=tuple(str(phrase) for phrase in data["forbidden"]),
        )


def compose(
    wording: Wording,
    category: Category,
    help: LocalHelp,
    words: CrisisWording,
    in_company: bool = False,
) -> Timeline:
    """One crisis wording, filled in with the help for where the person is. `in_company`: the
    session was started for someone else, so the reply also speaks to whoever is with them."""
    if wording is Wording.REPLY:
        if category.value not in words.replies:
            raise ValueError(f"no crisis reply for category {category.value!r}")
        template = words.replies[category.value]
    elif wording is Wording.REPEAT:
        template = words.repeat[REPEAT_KEYS.get(category, "crisis")]
    elif wording is Wording.CARRY_ON:
        template = words.carry_on
    else:
        template = words.check_in_declined
    fields = _fields(help, words.parts)
    company = Timeline()
    if in_company and "company" in words.parts:
        company = fill(words.parts["company"], **fields)
    return fill(template, **fields, company=company)


def forbidden_found(text: str, words: CrisisWording) -> list[str]:
    """Every forbidden phrase (C4) in a reply's text, as whole words, ignoring case and tags."""
    plain = " ".join(re.sub(r"<[^>]+>", " ", text).replace("\u2019", "'").lower().split())
    return [
        phrase
        for phrase in words.forbidden
        if re.search(rf"(?<![\w']){re.escape(phrase.lower())}(?![\w'])", plain)
    ]


def _fields(help: LocalHelp, parts: Mapping[str, str]) -> dict[str, str | Timeline]:
    crisis = help.lines_for("crisis")
    abuse = [
        (country, country.line_for("abuse") or country.crisis_line) for country in help.countries
    ]
    used = {line.number for _, line in abuse}
    assault = [(c, line) for c, line in help.lines_for("sexual_assault") if line.number not in used]
    abuse_block = _lines(abuse, parts, twice=True)
    if assault:
        abuse_block.extend(_lines(assault, parts, False, first="also_call", per="also_call_in"))
    offer = any(country.lines_for("another") for country in help.countries)
    return {
        "pause": Timeline().pause(PAUSE_SECONDS),
        "long_pause": Timeline().pause(LONG_PAUSE_SECONDS),
        "crisis_lines": _lines(crisis, parts, twice=True),
        "crisis_line_once": _lines(crisis, parts, twice=False),
        "text_option": _text_options(help.countries, parts),
        "abuse_lines": abuse_block,
        "other_lines": _other_lines(help.countries, parts),
        "another_offer": Timeline().say(parts["another_offer"]) if offer else Timeline(),
        "emergency": _emergency(help.countries, parts),
    }


def _grouped(
    items: Sequence[tuple[Country, T]], key: Callable[[T], object]
) -> list[tuple[list[Country], T]]:
    """Items with the same key together, in first-seen order, with the countries they serve."""
    groups: dict[object, tuple[list[Country], T]] = {}
    for country, item in items:
        groups.setdefault(key(item), ([], item))[0].append(country)
    return list(groups.values())


def _country_names(countries: Sequence[Country], parts: Mapping[str, str]) -> str:
    return f" {parts['or_word']} ".join(country.spoken_name for country in countries)


def _number(written: str) -> Timeline:
    return Timeline().number(written)


def _lines(
    lines: Sequence[tuple[Country, Line]],
    parts: Mapping[str, str],
    twice: bool,
    first: str = "call",
    per: str = "call_in",
) -> Timeline:
    groups = _grouped(lines, key=lambda line: line.number)
    said = Timeline()
    for countries, line in groups:
        number = _number(line.number)
        if len(groups) == 1:
            said.extend(fill(parts[first], name=line.spoken_name, number=number))
        else:
            country = _country_names(countries, parts)
            said.extend(fill(parts[per], country=country, name=line.spoken_name, number=number))
        if twice:
            said.extend(fill(parts["again"], number=number))
    return said


def _other_lines(countries: Sequence[Country], parts: Mapping[str, str]) -> Timeline:
    """The lines to offer when someone asks for another number: each country's `another`
    lines (calls said twice), then its crisis line once more; for a country with none, its
    crisis line and text option, said plainly as what there is."""
    several = len(countries) > 1
    said = Timeline()
    for country in countries:
        if country.lines_for("another"):
            said.extend(_another_lines_of(country, parts, several))
    without = [country for country in countries if not country.lines_for("another")]
    if without:
        only = [(country, country.crisis_line) for country in without]
        said.extend(_lines(only, parts, True, first="only_line", per="only_line_in"))
        said.extend(_text_options(without, parts))
    return said


def _another_lines_of(country: Country, parts: Mapping[str, str], several: bool) -> Timeline:
    """One country's `another` lines, in order, then its crisis line once more."""
    suffix = "_in" if several else ""
    said = Timeline()
    for line in country.lines_for("another"):
        values: dict[str, str | Timeline] = {"name": line.spoken_name}
        values["number"] = number = _number(line.number)
        if several:
            values["country"] = country.spoken_name
        if line.by == "text":
            kind = "other_text_keyword" if line.keyword else "other_text_number"
            if line.keyword:
                values["keyword"] = line.keyword
            said.extend(fill(parts[kind + suffix], **values))
        else:
            said.extend(fill(parts["other_call" + suffix], **values))
            said.extend(fill(parts["again"], number=number))
    crisis = country.crisis_line
    said.extend(fill(parts["still_there"], name=crisis.spoken_name, number=_number(crisis.number)))
    return said


def _text_options(countries: Sequence[Country], parts: Mapping[str, str]) -> Timeline:
    options: list[tuple[Country, TextOption | None]] = [(c, c.text_option) for c in countries]
    groups = _grouped(options, key=lambda option: option)
    said = Timeline()
    for group_countries, option in groups:
        if option is None:
            continue
        values: dict[str, str | Timeline] = {"number": _number(option.number)}
        kind = "text_number"
        if option.keyword:
            values["keyword"] = option.keyword
            kind = "text_keyword"
        if len(groups) == 1:
            said.extend(fill(parts[kind], **values))
        else:
            country = _country_names(group_countries, parts)
            said.extend(fill(parts[f"{kind}_in"], country=country, **values))
    return said


def _emergency(countries: Sequence[Country], parts: Mapping[str, str]) -> Timeline:
    """The emergency numbers as a phrase: numbers that work everywhere first, then the rest.

    One country: "112 or 999". Several: "999, or 112 in Ireland";
    "000 in Australia, or 111 in New Zealand".
    """
    or_word = parts["or_word"]

    def either(numbers: Sequence[str]) -> Timeline:
        said = Timeline()
        for index, number in enumerate(numbers):
            if index:
                said.say(or_word)
            said.number(number)
        return said

    if len(countries) == 1:
        return either(countries[0].emergency)
    common = [n for n in countries[0].emergency if all(n in c.emergency for c in countries)]
    pieces = [either(common)] if common else []
    for country in countries:
        pieces.extend(
            fill(parts["emergency_in"], number=_number(number), country=country.spoken_name)
            for number in country.emergency
            if number not in common
        )
    said = Timeline()
    for index, piece in enumerate(pieces):
        if index:
            said.say(f", {or_word}")
        said.extend(piece)
    return said
