"""Helplines by country, and which countries each locale may mean: data, read from helplines.yaml.

Nothing here speaks: the crisis replies say a line's number through a timeline's `Number`, which
the speech layer renders digit by digit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import field
from functools import cached_property
from typing import Any

from skill.core.wordlists import plain_words
from skill.record import record

PURPOSES = frozenset({"abuse", "sexual_assault", "children", "another"})
"""What an `also` line may be for: `another` is offered when someone asks for another number
than the crisis line ("is there a different number?")."""
WAYS = frozenset({"call", "text"})
"""How a line is reached: by a call (the default) or by a text message."""


@record
class Line:
    """One phone line."""

    name: str
    """The line's name as written ("988 Suicide & Crisis Lifeline")."""
    number: str
    """The number as the service writes it ("116 123", "1-800-799-7233")."""
    say_as: str = ""
    """How the name is spoken when the written name reads badly; empty: the name itself."""
    purposes: tuple[str, ...] = ()
    """What the line is for, beyond crisis: abuse, sexual_assault, children, another."""
    by: str = "call"
    """How it is reached: "call", or "text" (a text-message service)."""
    keyword: str | None = None
    """For a text service, the word to send, if it asks for one ("HOME")."""

    @property
    def spoken_name(self) -> str:
        """The name as said in a sentence."""
        return self.say_as or self.name

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Line:
        """A line from its entry in helplines.yaml."""
        purposes = tuple(data.get("for") or ())
        unknown = set(purposes) - PURPOSES
        if unknown:
            raise ValueError(f"line {data.get('name')!r}: unknown purposes {sorted(unknown)}")
        by = str(data.get("by") or "call")
        if by not in WAYS:
            raise ValueError(f"line {data.get('name')!r}: `by` must be one of {sorted(WAYS)}")
        keyword = data.get("keyword")
        if keyword and by != "text":
            raise ValueError(f"line {data.get('name')!r}: only a text service has a keyword")
        return cls(
            name=str(data["name"]),
            number=str(data["number"]),
            say_as=str(data.get("say_as") or ""),
            purposes=purposes,
            by=by,
            keyword=str(keyword) if keyword else None,
        )


@record
class TextOption:
    """A text-message service: send `keyword` (or anything) to `number`."""

    number: str
    keyword: str | None = None


@record
class Country:
    """The help one country offers."""

    code: str
    """ISO 3166 code ("GB")."""
    name: str
    """Written name ("United Kingdom")."""
    spoken_name: str
    """Name as said after "in" ("the UK")."""
    crisis_line: Line
    text_option: TextOption | None
    emergency: tuple[str, ...]
    """Emergency numbers, the one to say first first."""
    also: tuple[Line, ...]
    source: str
    """Where the facts come from."""
    reviewed: str
    """When they were last checked (year-month)."""
    said_as: tuple[str, ...] = ()
    """What people call it when they say where they are ("ireland", "the states")."""

    def line_for(self, purpose: str) -> Line | None:
        """The first `also` line for a purpose (abuse, sexual_assault, children), if any."""
        return next((line for line in self.also if purpose in line.purposes), None)

    def lines_for(self, purpose: str) -> tuple[Line, ...]:
        """Every `also` line for a purpose, in the file's order ("another": the other lines)."""
        return tuple(line for line in self.also if purpose in line.purposes)

    @classmethod
    def from_data(cls, code: str, data: Mapping[str, Any]) -> Country:
        """A country from its entry in helplines.yaml; raises ValueError on missing facts."""
        for key in ("name", "crisis", "emergency", "source", "reviewed"):
            if not data.get(key):
                raise ValueError(f"helplines: country {code} has no {key}")
        text = data.get("text")
        keyword = text.get("keyword") if text else None
        return cls(
            code=code,
            name=str(data["name"]),
            spoken_name=str(data.get("spoken_name") or data["name"]),
            crisis_line=Line.from_data(data["crisis"]),
            text_option=TextOption(str(text["number"]), str(keyword) if keyword else None)
            if text
            else None,
            emergency=tuple(str(number) for number in data["emergency"]),
            also=tuple(Line.from_data(line) for line in data.get("also") or ()),
            source=" ".join(str(data["source"]).split()),
            reviewed=str(data["reviewed"]),
            said_as=tuple(plain_words(str(name)) for name in data.get("said_as") or ()),
        )


@record
class LocalHelp:
    """The help to offer one person: their country, or every country their locale may mean."""

    countries: tuple[Country, ...]
    """The countries this person may be in; the first is the most likely."""
    country_known: bool = False
    """Whether the country is known (given, or the only one for the locale)."""

    @property
    def primary(self) -> Country:
        """The most likely country."""
        return self.countries[0]

    @property
    def crisis_line(self) -> Line:
        """The crisis line of the most likely country."""
        return self.primary.crisis_line

    @property
    def text_option(self) -> TextOption | None:
        """The text option of the most likely country."""
        return self.primary.text_option

    @property
    def emergency(self) -> list[tuple[str, str]]:
        """(country name, number) for every emergency number, in the order to say them."""
        return [
            (country.name, number) for country in self.countries for number in country.emergency
        ]

    @property
    def emergency_numbers(self) -> list[str]:
        """Every emergency number once, in the order to say them."""
        return list(dict.fromkeys(number for _, number in self.emergency))

    @property
    def abuse_line(self) -> Line | None:
        """The abuse line of the most likely country, if it has one."""
        return self.primary.line_for("abuse")

    @property
    def sexual_assault_line(self) -> Line | None:
        """The sexual assault line of the most likely country, if it has one."""
        return self.primary.line_for("sexual_assault")

    @property
    def children_line(self) -> Line | None:
        """The children's line of the most likely country, if it has one."""
        return self.primary.line_for("children")

    def lines_for(self, purpose: str) -> list[tuple[Country, Line]]:
        """Per country, its line for a purpose ("crisis", "abuse", ...), where it has one."""
        found = []
        for country in self.countries:
            line = country.crisis_line if purpose == "crisis" else country.line_for(purpose)
            if line is not None:
                found.append((country, line))
        return found


@record
class HelplineDirectory:
    """Every country's helplines and which countries each locale serves."""

    countries: Mapping[str, Country]
    locales: Mapping[str, tuple[str, ...]]
    default_locale: str = "en-US"
    aliases: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> HelplineDirectory:
        """Build from the mapping in helplines.yaml; raises ValueError on inconsistent data."""
        countries = {
            str(code).upper(): Country.from_data(str(code).upper(), entry)
            for code, entry in data["countries"].items()
        }
        locales = {
            str(locale): tuple(str(code).upper() for code in codes)
            for locale, codes in data["locales"].items()
        }
        for locale, codes in locales.items():
            missing = [code for code in codes if code not in countries]
            if not codes or missing:
                raise ValueError(f"helplines: locale {locale} names unknown countries {missing}")
        default = str(data.get("default_locale") or next(iter(locales)))
        if default not in locales:
            raise ValueError(f"helplines: default locale {default} is not listed")
        aliases = {
            str(alias).upper(): str(code).upper()
            for alias, code in (data.get("country_aliases") or {}).items()
        }
        return cls(countries, locales, default, aliases)

    def country(self, code: str | None) -> Country | None:
        """A country by ISO code (any case; aliases such as UK allowed), if it is listed."""
        if not code:
            return None
        code = code.strip().upper()
        return self.countries.get(self.aliases.get(code, code))

    def named_in(self, texts: Iterable[str]) -> str | None:
        """The code of the one listed country named in `texts` ("the number for ireland":
        IE), the longest name first ("northern ireland" is the UK); None when none is, or when
        several are ("i moved from india to canada" does not say which is meant)."""
        found: set[str] = set()
        for text in texts:
            said = f" {plain_words(text)} "
            for name, code in self._names:
                if f" {name} " in said:
                    found.add(code)
                    said = said.replace(f" {name} ", " ")
        return found.pop() if len(found) == 1 else None

    @cached_property
    def _names(self) -> list[tuple[str, str]]:
        names = [(n, c.code) for c in self.countries.values() for n in c.said_as if n]
        return sorted(names, key=lambda pair: -len(pair[0]))

    def for_request(self, locale: str, country: str | None = None) -> LocalHelp:
        """The help for a request: the known country if listed, else the locale's countries.

        An unlisted locale falls back to the country of its region ("en-IE" -> Ireland) and
        then to the default locale.
        """
        known = self.country(country)
        if known is not None:
            return LocalHelp((known,), country_known=True)
        codes = self._locale_countries(locale)
        return LocalHelp(tuple(self.countries[code] for code in codes), len(codes) == 1)

    def _locale_countries(self, locale: str) -> Sequence[str]:
        by_lower = {name.lower(): codes for name, codes in self.locales.items()}
        wanted = (locale or "").replace("_", "-").strip().lower()
        if wanted in by_lower:
            return by_lower[wanted]
        region = self.country(wanted.rpartition("-")[2]) if "-" in wanted else None
        if region is not None:
            return (region.code,)
        return self.locales[self.default_locale]
