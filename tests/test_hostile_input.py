"""Input no device sends: a locale that is a path, a made-up one, one written another way."""

from __future__ import annotations

from typing import Any

import pytest
from ask_sdk_core.skill import CustomSkill

from skill.alexa.envelope import BadRequest, admit, run
from skill.content import bundle
from skill.content.files import data_file, model_file, scripts_for
from skill.content.locales import fallback_chain, well_formed
from tests.test_web import intent, launch, spoken


@pytest.mark.parametrize(
    ("locale", "written"),
    [
        ("en-US", "en-US"),
        ("en-NZ", "en-NZ"),
        ("en_ie", "en-IE"),
        ("EN-gb", "en-GB"),
        ("fr-CA", "fr-CA"),
        ("/usr-US", None),
        ("/usr", None),
        ("../..", None),
        ("en-US/..", None),
        ("en-U1", None),
        ("e\u212a-NZ", None),
        ("en", None),
        ("", None),
        ("x" * 2000, None),
        (None, None),
        (5, None),
    ],
)
def test_only_a_language_and_region_is_a_locale(locale: object, written: str | None) -> None:
    assert well_formed(locale) == written


@pytest.mark.parametrize("locale", ["/usr-US", "/usr", "../../etc", "en/../..", "x" * 300, ""])
def test_no_data_folder_is_named_by_a_string_that_is_not_a_locale(locale: str) -> None:
    for find in (fallback_chain, scripts_for, model_file, lambda name: data_file("x.yaml", name)):
        with pytest.raises(ValueError, match="not a locale"):
            find(locale)


def test_the_chain_of_a_locale_is_written_the_one_way() -> None:
    assert fallback_chain("en_gb") == ("en-GB", "en")
    assert fallback_chain("fr-CA") == ("fr-CA", "fr", "en")
    assert fallback_chain("en") == ("en",)


@pytest.mark.parametrize(
    ("locale", "published"),
    [
        ("en-GB", "en-GB"),
        ("en_gb", "en-GB"),
        ("en-NZ", "en-US"),
        ("en_ie", "en-US"),
        ("fr-FR", "en-US"),
        ("/usr-US", "en-US"),
        ("en/../../x", "en-US"),
        (None, "en-US"),
    ],
)
def test_content_comes_from_a_published_locale(locale: str | None, published: str) -> None:
    assert bundle.published_locale(locale) == published


@pytest.mark.parametrize("locale", ["/usr-US", "x" * 300, "", 7])
def test_admit_refuses_a_locale_that_is_not_one(locale: object) -> None:
    data = launch()
    data["request"]["locale"] = locale
    with pytest.raises(BadRequest, match="locale"):
        admit(data)


def test_an_event_with_no_locale_is_admitted() -> None:
    data = launch()
    del data["request"]["locale"]
    assert admit(data) is data


def test_run_treats_a_locale_that_is_not_one_as_the_default(skill: CustomSkill) -> None:
    """Inside the adapters (the simulator, `steady say`), a locale that is not one is the
    default's: its content and its helplines, and no content or folder of its own."""
    loaded = bundle.bundle.cache_info().currsize
    for locale in ("/usr-US", "/usr", "../../etc-US", "x" * 5000):
        data = intent("CrisisIntent", {"statement": "i want to kill myself"}, locale)
        assert "988" in spoken(run(skill, data))
    assert bundle.bundle.cache_info().currsize == loaded


@pytest.mark.parametrize(("locale", "line"), [("en_nz", "1737"), ("en_ie", "50808")])
def test_a_locale_written_another_way_still_picks_its_countrys_helplines(
    skill: CustomSkill, locale: str, line: str
) -> None:
    data = intent("CrisisIntent", {"statement": "i want to kill myself"}, locale)
    assert line in spoken(run(skill, data))


@pytest.mark.parametrize("data", [[], "LaunchRequest", None, 3])
def test_run_refuses_what_is_not_an_object(skill: CustomSkill, data: Any) -> None:
    with pytest.raises(BadRequest, match="not a JSON object"):
        run(skill, data)


def test_run_refuses_nan_even_from_inside_the_process(skill: CustomSkill) -> None:
    data = launch()
    data["session"]["attributes"] = {"position": {"step": 0, "offset": float("nan")}}
    with pytest.raises(BadRequest, match="NaN or Infinity"):
        run(skill, data)
