"""The English locales' interaction models: built from en-US and skill/data/locale_models.yaml."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from skill.content.crisis_check import classifier as classifier_for
from skill.core.safety.categories import Category
from skill.tools.locale_models import (
    BASE_LOCALE,
    LocaleDataError,
    base_model,
    build,
    locale_data,
    locales,
    main,
    model_path,
    render,
)
from skill.tools.nlu import Matcher
from tests.test_nlu import labelled_phrases, rightly_heard, skill_hears

GENERATED = [locale for locale in locales() if locale != BASE_LOCALE]


def language_model(model: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = model["interactionModel"]["languageModel"]
    return found


def committed(locale: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(model_path(locale).read_text(encoding="utf-8"))
    return data


def spellings(model: dict[str, Any], type_name: str) -> dict[str, list[str]]:
    for slot_type in language_model(model)["types"]:
        if slot_type["name"] == type_name:
            return {
                str(value.get("id") or value["name"]["value"]): [
                    value["name"]["value"],
                    *value["name"].get("synonyms", []),
                ]
                for value in slot_type["values"]
            }
    raise AssertionError(f"no slot type {type_name}")


@pytest.fixture(scope="module")
def matchers() -> dict[str, Matcher]:
    return {locale: Matcher.load(model_path(locale)) for locale in locales()}


def test_the_locales() -> None:
    # Ireland uses en-GB and New Zealand en-AU: Alexa has no en-IE or en-NZ model.
    assert set(locales()) == {"en-US", "en-GB", "en-CA", "en-AU", "en-IN"}
    assert locales()[0] == BASE_LOCALE


@pytest.mark.parametrize("locale", GENERATED)
def test_each_committed_model_is_what_the_generator_builds(locale: str) -> None:
    """Edit interaction_model/en-US.json or skill/data/locale_models.yaml, then run
    `python -m skill.tools.locale_models`; never edit a generated model."""
    assert model_path(locale).read_text(encoding="utf-8") == render(build(locale))


def test_the_base_model_is_committed_as_the_generator_writes_models() -> None:
    assert model_path(BASE_LOCALE).read_text(encoding="utf-8") == render(base_model())
    assert build(BASE_LOCALE) == base_model()


def test_the_check_command_finds_nothing_out_of_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check"]) == 0
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("locale", GENERATED)
def test_every_locale_has_the_same_intents_and_slots(locale: str) -> None:
    """The contract: handlers and checks rely on the same intents and slots everywhere."""

    def shape(model: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
        return {
            intent["name"]: [(slot["name"], slot["type"]) for slot in intent.get("slots", [])]
            for intent in language_model(model)["intents"]
        }

    base = base_model()
    model = committed(locale)
    assert shape(model) == shape(base)
    assert language_model(model)["invocationName"] == language_model(base)["invocationName"]
    assert [t["name"] for t in language_model(model)["types"]] == [
        t["name"] for t in language_model(base)["types"]
    ]


@pytest.mark.parametrize("locale", GENERATED)
def test_a_locale_only_adds_to_the_base(locale: str) -> None:
    """Every en-US value id is kept, crisis statements included; only listed spellings go."""
    base = base_model()
    model = committed(locale)
    removed = {
        spelling
        for items in (locale_data()[locale].get("remove") or {}).values()
        for spelling in items
    }
    for slot_type in language_model(base)["types"]:
        name = slot_type["name"]
        theirs = spellings(model, name)
        for value_id, ours in spellings(base, name).items():
            assert value_id in theirs, (name, value_id)
            assert set(ours) - removed <= set(theirs[value_id]), (name, value_id)
    for intent, local in zip(
        language_model(base)["intents"], language_model(model)["intents"], strict=True
    ):
        assert set(intent.get("samples", [])) <= set(local.get("samples", [])), intent["name"]


@pytest.mark.parametrize("locale", GENERATED)
def test_crisis_statements_are_the_same_everywhere_but_for_local_words(locale: str) -> None:
    base = spellings(base_model(), "CRISIS_STATEMENT")
    local = spellings(committed(locale), "CRISIS_STATEMENT")
    assert set(local) == set(base)
    for value_id, ours in base.items():
        assert set(ours) <= set(local[value_id])


# --- what each locale understands -------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "utterance", "category"),
    [
        ("en-GB", "my mam keeps saying she wants to die", "someone_else"),
        ("en-GB", "my mummy keeps saying she wants to die", "someone_else"),
        ("en-IN", "my mumma keeps saying she wants to die", "someone_else"),
        ("en-IN", "my mummy tried to kill herself", "someone_else"),
        ("en-GB", "i'm going to top myself", "suicide"),
        ("en-AU", "i'm going to neck myself", "suicide"),
        ("en-US", "i'm going to top myself", "suicide"),
        ("en-GB", "i'm going to do myself in", "suicide"),
        ("en-AU", "i'm going to kill myself this arvo", "imminent"),
        ("en-IN", "i have consumed poison", "imminent"),
        ("en-IN", "my husband and in laws harass me for dowry", "abuse"),
        ("en-US", "my in laws are torturing me", "abuse"),
    ],
)
def test_local_words_for_a_crisis(
    matchers: dict[str, Matcher], locale: str, utterance: str, category: str
) -> None:
    got = matchers[locale].match(utterance)
    assert got.intent == "CrisisIntent"
    assert got.slots["statement"].resolved_id == category
    assert classifier_for(locale).assess(got.slots["statement"].value).category == category


@pytest.mark.parametrize(
    ("locale", "utterance", "slot", "value_id"),
    [
        ("en-GB", "a body scan for my mam", "person", "mom"),
        ("en-GB", "box breathing for my missus", "person", "wife"),
        ("en-AU", "a body scan for my hubby", "person", "husband"),
        ("en-AU", "box breathing for my koro", "person", "grandpa"),
        ("en-IN", "a body scan for my nani", "person", "grandma"),
        ("en-IN", "a body scan for my nana", "person", "grandpa"),
        ("en-US", "a body scan for my nana", "person", "grandma"),
        ("en-IN", "box breathing for didi", "person", "sister"),
        ("en-CA", "box breathing for my buddy", "person", "friend"),
        ("en-GB", "i feel knackered", "feeling", "exhausted"),
        ("en-GB", "i'm grand", "feeling", "okay"),
        ("en-AU", "i feel crook", "feeling", "sick"),
        ("en-IN", "i feel tensed", "feeling", "tense"),
        ("en-GB", "i can see the colours", "answer", "colors"),
        ("en-US", "i can see the colors", "answer", "colors"),
        ("en-AU", "i can see my sunnies", "answer", "sunglasses"),
        ("en-GB", "i can hear the hoover", "answer", "hoover"),
        ("en-IN", "i can smell chai", "answer", "tea"),
        ("en-CA", "i can see my toque", "answer", "toque"),
    ],
)
def test_local_words_for_people_feelings_and_things(
    matchers: dict[str, Matcher], locale: str, utterance: str, slot: str, value_id: str
) -> None:
    got = matchers[locale].match(utterance)
    assert got.slots[slot].resolved_id == value_id, got


@pytest.mark.parametrize(
    ("locale", "utterance", "intent"),
    [
        ("en-GB", "i fancy a body scan", "StartExerciseIntent"),
        ("en-GB", "shall we do box breathing", "StartExerciseIntent"),
        ("en-AU", "i reckon a cushion", "AnswerIntent"),
        ("en-GB", "my tummy feels tight", "FeelingIntent"),
        ("en-CA", "can i get box breathing", "StartExerciseIntent"),
        ("en-IN", "kindly start box breathing", "StartExerciseIntent"),
        ("en-IN", "kindly repeat", "AMAZON.RepeatIntent"),
        ("en-GB", "are you a counsellor", "AboutIntent"),
    ],
)
def test_local_phrasings(
    matchers: dict[str, Matcher], locale: str, utterance: str, intent: str
) -> None:
    assert matchers[locale].match(utterance).intent == intent


def test_local_words_stay_in_their_locale(matchers: dict[str, Matcher]) -> None:
    assert matchers["en-US"].match("i fancy a body scan").intent != "StartExerciseIntent"
    assert matchers["en-US"].match("kindly repeat").intent != "AMAZON.RepeatIntent"


# --- the generator refuses data that does not fit -----------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"colours": {}}, "expected only"),
        ({"values": {"COLOUR": {"red": ["scarlet"]}}}, "no slot type 'COLOUR'"),
        ({"samples": {"NoSuchIntent": ["hello"]}}, "no intent 'NoSuchIntent'"),
        ({"samples": {"AnswerIntent": "i reckon {answer}"}}, "expected a list"),
        ({"remove": {"PERSON": ["nobody at all"]}}, "cannot remove"),
        ({"remove": {"PERSON": ["mom"]}}, "not the name"),
        ({"words": {"two words": ["x"]}}, "one word"),
    ],
)
def test_bad_locale_data_is_refused(data: dict[str, Any], message: str) -> None:
    with pytest.raises(LocaleDataError, match=message):
        build("en-XX", base_model(), data)


def test_an_unknown_locale_is_refused() -> None:
    with pytest.raises(LocaleDataError, match="no entry"):
        build("en-XX")


def test_a_new_value_gets_its_id_and_words_give_local_spellings() -> None:
    data = {
        "values": {"PERSON": {"cousin": ["my cousin", "my coz"]}, "ANSWER": {"ute": ["a ute"]}},
        "words": {"mom": ["mam"]},
        "samples": {"AnswerIntent": ["i reckon {answer}", "i see {answer}"]},
    }
    model = build("en-XX", base_model(), data)
    people = spellings(model, "PERSON")
    assert people["cousin"] == ["my cousin", "my coz"]
    assert "my mam" in people["mom"]
    assert spellings(model, "ANSWER")["ute"] == ["ute", "a ute"]
    answer = next(i for i in language_model(model)["intents"] if i["name"] == "AnswerIntent")
    assert answer["samples"].count("i see {answer}") == 1
    assert "i reckon {answer}" in answer["samples"]


def test_the_generator_writes_what_is_out_of_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import skill.tools.locale_models as locale_models

    (tmp_path / "en-US.json").write_text(render(base_model()), encoding="utf-8")
    (tmp_path / "en-GB.json").write_text("{}\n", encoding="utf-8")
    monkeypatch.setattr(locale_models, "models_dir", lambda: tmp_path)
    assert main(["--check"]) == 1
    assert "en-GB.json" in capsys.readouterr().out
    assert main([]) == 0
    assert (tmp_path / "en-GB.json").read_text(encoding="utf-8") == render(build("en-GB"))
    assert main(["--check"]) == 0


@pytest.mark.parametrize("locale", GENERATED)
def test_every_labelled_statement_reaches_the_skill_in_every_locale(
    matchers: dict[str, Matcher], locale: str
) -> None:
    """The en-US check of tests/test_nlu.py, for the generated models (out of the blue)."""
    missed = [
        f"{label}: {phrase!r}"
        for label, phrases in labelled_phrases().items()
        if label != Category.NONE.value
        for phrase in phrases
        if not rightly_heard(Category(label), skill_hears(matchers[locale], phrase, None))
    ]
    assert not missed, "\n".join(missed)
    ordinary = labelled_phrases()[Category.NONE.value]
    alarms = [p for p in ordinary if skill_hears(matchers[locale], p, None) is not Category.NONE]
    assert len(alarms) / len(ordinary) < 0.05, alarms
