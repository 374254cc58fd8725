"""The helpline table: sources and review dates, locales, country override, spoken numbers."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from skill.content.bundle import helplines
from skill.content.files import data_file, read_yaml
from skill.core.safety.helplines import HelplineDirectory, Line
from skill.core.timeline import Timeline
from skill.speech.numbers import GROUP_PAUSE, digits_ssml, digits_text
from skill.speech.ssml import body


@pytest.fixture(scope="module")
def directory() -> HelplineDirectory:
    return helplines()


def raw_data() -> dict[str, Any]:
    data: dict[str, Any] = read_yaml(data_file("helplines.yaml"))
    return data


def test_every_country_has_a_source_and_a_review_date(directory: HelplineDirectory) -> None:
    assert set(directory.countries) == {"US", "CA", "GB", "IE", "AU", "NZ", "IN"}
    for code, country in directory.countries.items():
        assert country.source, code
        assert re.search(r"https://", country.source), code
        assert country.reviewed == "2026-11", code
        assert country.crisis_line.number, code
        assert country.emergency, code


def test_the_table_matches_the_design(directory: HelplineDirectory) -> None:
    expected = {
        "US": ("988", "988", None, ("911",)),
        "CA": ("988", "988", None, ("911",)),
        "GB": ("116 123", "85258", "SHOUT", ("999",)),
        "IE": ("116 123", "50808", "HELLO", ("112", "999")),
        "AU": ("13 11 14", "0477 13 11 14", None, ("000",)),
        "NZ": ("1737", "1737", None, ("111",)),
    }
    for code, (crisis, text, keyword, emergency) in expected.items():
        country = directory.countries[code]
        assert country.crisis_line.number == crisis
        assert country.text_option is not None
        assert (country.text_option.number, country.text_option.keyword) == (text, keyword)
        assert country.emergency == emergency
    india = directory.countries["IN"]
    assert (india.crisis_line.number, india.text_option, india.emergency) == (
        "14416",
        None,
        ("112",),
    )
    also = {
        (code, line.number, purpose)
        for code, country in directory.countries.items()
        for line in country.also
        for purpose in line.purposes
    }
    assert {
        ("US", "1-800-799-7233", "abuse"),
        ("US", "1-800-656-4673", "sexual_assault"),
        ("US", "741741", "another"),
        ("US", "1-800-662-4357", "another"),
        ("CA", "1-800-668-6868", "children"),
        ("GB", "0808 2000 247", "abuse"),
        ("GB", "0800 1111", "children"),
        ("IE", "1800 341 900", "abuse"),
        ("AU", "1800 737 732", "abuse"),
        ("AU", "1800 55 1800", "children"),
        ("NZ", "0800 733 843", "abuse"),
        ("IN", "181", "abuse"),
        ("IN", "1098", "children"),
    } <= also


@pytest.mark.parametrize(
    ("locale", "countries"),
    [
        ("en-US", ["US"]),
        ("en-CA", ["CA"]),
        ("en-GB", ["GB", "IE"]),
        ("en-AU", ["AU", "NZ"]),
        ("en-IN", ["IN"]),
        ("en-gb", ["GB", "IE"]),
        ("en_AU", ["AU", "NZ"]),
        ("en-IE", ["IE"]),
        ("en-NZ", ["NZ"]),
        ("fr-FR", ["US"]),
        ("", ["US"]),
    ],
)
def test_locale_mapping(directory: HelplineDirectory, locale: str, countries: list[str]) -> None:
    local = directory.for_request(locale)
    assert [country.code for country in local.countries] == countries
    assert local.country_known == (len(countries) == 1)


def test_locale_serving_two_countries_lists_both_emergency_numbers(
    directory: HelplineDirectory,
) -> None:
    australia = directory.for_request("en-AU")
    assert australia.emergency == [("Australia", "000"), ("New Zealand", "111")]
    assert australia.emergency_numbers == ["000", "111"]
    britain = directory.for_request("en-GB")
    assert britain.crisis_line.number == "116 123"
    assert britain.emergency_numbers == ["999", "112"]


@pytest.mark.parametrize(
    ("locale", "country", "expected"),
    [
        ("en-GB", "IE", "IE"),
        ("en-GB", "ie", "IE"),
        ("en-GB", "UK", "GB"),
        ("en-AU", "NZ", "NZ"),
        ("en-US", "GB", "GB"),
        ("en-IN", " in ", "IN"),
    ],
)
def test_a_known_country_overrides_the_locale(
    directory: HelplineDirectory, locale: str, country: str, expected: str
) -> None:
    local = directory.for_request(locale, country)
    assert [c.code for c in local.countries] == [expected]
    assert local.country_known


@pytest.mark.parametrize("country", [None, "", "DE", "ZZ"])
def test_an_unlisted_country_falls_back_to_the_locale(
    directory: HelplineDirectory, country: str | None
) -> None:
    local = directory.for_request("en-AU", country)
    assert [c.code for c in local.countries] == ["AU", "NZ"]
    assert not local.country_known


@pytest.mark.parametrize(
    ("said", "code"),
    [
        ("that number doesn't work here in new zealand", "NZ"),
        ("i'm in Northern Ireland and i can't go on", "GB"),  # the longest name first
        ("we're on holiday in ireland", "IE"),
        ("is there a line in the States", "US"),
        ("the U.S.A.", "US"),
        ("i moved from india to canada", None),  # two countries: not said which is meant
        ("i want to end it all", None),
        ("help us please", None),  # "us" is not the US
    ],
)
def test_a_country_named_in_what_was_said(
    directory: HelplineDirectory, said: str, code: str | None
) -> None:
    assert directory.named_in([said]) == code


def test_local_help_lines(directory: HelplineDirectory) -> None:
    us = directory.for_request("en-US")
    assert us.abuse_line is not None and us.abuse_line.number == "1-800-799-7233"
    assert us.sexual_assault_line is not None and us.sexual_assault_line.number == "1-800-656-4673"
    assert us.children_line is None
    assert us.text_option is not None and us.text_option.number == "988"
    canada = directory.for_request("en-CA")
    assert canada.abuse_line is None
    assert canada.children_line is not None
    india = directory.for_request("en-IN")
    assert india.text_option is None
    assert india.abuse_line is not None and india.abuse_line.number == "181"
    assert [line.number for _, line in directory.for_request("en-GB").lines_for("abuse")] == [
        "0808 2000 247",
        "1800 341 900",
    ]


def test_another_number_in_the_us_is_the_crisis_text_line_then_samhsa(
    directory: HelplineDirectory,
) -> None:
    """safety.md: after 988, "another number" on request: text HOME to 741741 (Crisis Text
    Line), SAMHSA's National Helpline 1-800-662-4357; each with its source."""
    us = directory.countries["US"]
    text_line, samhsa = us.lines_for("another")
    assert (text_line.name, text_line.by, text_line.keyword, text_line.number) == (
        "Crisis Text Line",
        "text",
        "HOME",
        "741741",
    )
    assert (samhsa.name, samhsa.by, samhsa.keyword, samhsa.number) == (
        "SAMHSA National Helpline",
        "call",
        None,
        "1-800-662-4357",
    )
    assert "https://www.crisistextline.org" in us.source
    assert "https://www.samhsa.gov/find-help/helplines/national-helpline" in us.source
    assert us.text_option is not None and us.text_option.number == "988"  # 988 still first
    others = [code for code, country in directory.countries.items() if country.lines_for("another")]
    assert others == ["US"]  # the design table names no other line for the other countries


def test_directory_is_loaded_once() -> None:
    assert helplines() is helplines()


def digits(group: str) -> str:
    return f'<say-as interpret-as="digits">{group}</say-as>'


@pytest.mark.parametrize(
    ("number", "ssml"),
    [
        ("116 123", f"{digits('116')} {GROUP_PAUSE} {digits('123')}"),
        ("988", digits("988")),
        (
            "1-800-799-7233",
            f" {GROUP_PAUSE} ".join(digits(group) for group in ("1", "800", "799", "7233")),
        ),
        ("0477 13 11 14", f" {GROUP_PAUSE} ".join(digits(g) for g in ("0477", "13", "11", "14"))),
        ("SHOUT", "SHOUT"),
        ("1800RESPECT", f"{digits('1800')} RESPECT"),
    ],
)
def test_digits_ssml(number: str, ssml: str) -> None:
    assert digits_ssml(number) == ssml


def test_digits_ssml_matches_the_brief_exactly() -> None:
    assert digits_ssml("116 123") == (
        '<say-as interpret-as="digits">116</say-as> <break time="300ms"/> '
        '<say-as interpret-as="digits">123</say-as>'
    )
    assert digits_ssml("988") == '<say-as interpret-as="digits">988</say-as>'


@pytest.mark.parametrize(
    ("number", "text"),
    [
        ("116 123", "1 1 6. 1 2 3."),
        ("988", "9 8 8."),
        ("1-800-799-7233", "1. 8 0 0. 7 9 9. 7 2 3 3."),
    ],
)
def test_digits_text(number: str, text: str) -> None:
    assert digits_text(number) == text


def test_a_lines_number_is_said_digit_by_digit() -> None:
    line = Line("Samaritans", "116 123")
    assert body(Timeline().number(line.number)) == digits_ssml("116 123")
    assert line.spoken_name == "Samaritans"
    assert Line("1800RESPECT", "1800 737 732", say_as="eighteen hundred Respect").spoken_name == (
        "eighteen hundred Respect"
    )


@pytest.mark.parametrize(
    "change",
    [
        lambda data: data["countries"]["US"].pop("source"),
        lambda data: data["countries"]["US"].pop("reviewed"),
        lambda data: data["countries"]["US"].pop("emergency"),
        lambda data: data["locales"].update({"en-XX": ["XX"]}),
        lambda data: data.update({"default_locale": "en-XX"}),
        lambda data: data["countries"]["US"]["also"][0].update({"for": ["pizza"]}),
        lambda data: data["countries"]["US"]["also"][0].update({"by": "fax"}),
        lambda data: data["countries"]["US"]["also"][0].update({"keyword": "HOME"}),
    ],
)
def test_inconsistent_data_is_refused(change: Any) -> None:
    data = copy.deepcopy(raw_data())
    change(data)
    with pytest.raises(ValueError):
        HelplineDirectory.from_data(data)
