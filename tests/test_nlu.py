"""Behaviour of the offline utterance matcher, against the real en-US interaction model."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from skill.content.crisis_check import classifier as classifier_for
from skill.content.files import model_file
from skill.core.safety.categories import CRISIS_CATEGORIES, Category
from skill.core.safety.rule import assess_turn, category_named
from skill.tools.nlu import (
    Invocation,
    Match,
    Matcher,
    normalise,
    number_value,
    parse_invocation,
    spoken,
    statement_key,
)
from tests.conftest import REGION_IDS

MODEL_PATH = Path(__file__).resolve().parents[1] / "interaction_model" / "en-US.json"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.load(MODEL_PATH)


def slot_id(match: Match, name: str) -> str | None:
    return match.slots[name].resolved_id


def test_start_box_breathing(matcher: Matcher) -> None:
    got = matcher.match("start box breathing")
    assert got.intent == "StartExerciseIntent"
    assert got.slots["exercise"].value == "box breathing"
    assert slot_id(got, "exercise") == "box-breathing"
    assert got.slots["exercise"].resolved_name == "box breathing"
    assert got.slots["exercise"].slot_type == "EXERCISE"
    assert set(got.slots) == {"exercise"}


@pytest.mark.parametrize(
    ("utterance", "minutes"),
    [
        ("a five minute body scan", "5"),
        ("a 15 minute body scan", "15"),
        ("a fifteen minute body scan", "15"),
        ("A twenty-five minute body scan, please!", "25"),
    ],
)
def test_minutes_become_digits(matcher: Matcher, utterance: str, minutes: str) -> None:
    got = matcher.match(utterance)
    assert got.intent == "StartExerciseIntent"
    assert got.slots["minutes"].value == minutes
    assert got.slots["minutes"].slot_type == "AMAZON.NUMBER"
    assert slot_id(got, "exercise") == "body-scan-short"


def test_minutes_after_the_exercise(matcher: Matcher) -> None:
    got = matcher.match("box breathing for ten minutes")
    assert (slot_id(got, "exercise"), got.slots["minutes"].value) == ("box-breathing", "10")
    assert "person" not in got.slots


def test_something_for_bedtime_is_the_bedtime_tag(matcher: Matcher) -> None:
    got = matcher.match("something for bedtime")
    assert got.intent == "StartExerciseIntent"
    assert slot_id(got, "exercise") == "tag:bedtime"


def test_a_body_scan_for_mom_names_the_person(matcher: Matcher) -> None:
    got = matcher.match("a body scan for mom")
    assert got.intent == "StartExerciseIntent"
    assert slot_id(got, "exercise") == "body-scan-short"
    assert got.slots["person"].value == "mom"
    assert slot_id(got, "person") == "mom"


def test_my_dad_resolves_without_the_article(matcher: Matcher) -> None:
    got = matcher.match("start box breathing for my dad")
    assert slot_id(got, "person") == "dad"
    assert got.slots["person"].value == "my dad"


def test_an_unknown_person_still_fills_the_slot(matcher: Matcher) -> None:
    got = matcher.match("a body scan for my neighbour bob")
    assert got.slots["person"].value == "my neighbour bob"
    assert slot_id(got, "person") is None


def test_listed_values_decide_where_slots_split(matcher: Matcher) -> None:
    assert slot_id(matcher.match("body scan for bed"), "exercise") == "bedtime-body-scan"
    got = matcher.match("a body scan for bedtime for my son")
    assert (slot_id(got, "exercise"), slot_id(got, "person")) == ("bedtime-body-scan", "son")


def test_articles_and_exercise_suffix_still_resolve(matcher: Matcher) -> None:
    assert slot_id(matcher.match("a box breathing exercise"), "exercise") == "box-breathing"
    got = matcher.match("start a grounding exercise")
    assert slot_id(got, "exercise") == "kind:grounding"


def test_an_unknown_exercise_still_fills_the_slot(matcher: Matcher) -> None:
    got = matcher.match("start glorp breathing")
    assert got.intent == "StartExerciseIntent"
    assert got.slots["exercise"].value == "glorp breathing"
    assert slot_id(got, "exercise") is None


def test_list_breathing_exercises(matcher: Matcher) -> None:
    got = matcher.match("what breathing exercises are there")
    assert got.intent == "ListExercisesIntent"
    assert slot_id(got, "kind") == "breathing"


def test_list_without_a_kind(matcher: Matcher) -> None:
    got = matcher.match("what can I do?")
    assert got.intent == "ListExercisesIntent"
    assert dict(got.slots) == {}


@pytest.mark.parametrize(
    ("utterance", "intent"),
    [
        ("stop", "AMAZON.StopIntent"),
        ("Stop!", "AMAZON.StopIntent"),
        ("cancel", "AMAZON.CancelIntent"),
        ("never mind", "AMAZON.CancelIntent"),
        ("next", "AMAZON.NextIntent"),
        ("skip", "AMAZON.NextIntent"),
        ("done", "AMAZON.NextIntent"),
        ("go back", "AMAZON.PreviousIntent"),
        ("repeat", "AMAZON.RepeatIntent"),
        ("say that again", "AMAZON.RepeatIntent"),
        ("pause", "AMAZON.PauseIntent"),
        ("hold on", "AMAZON.PauseIntent"),
        ("resume", "AMAZON.ResumeIntent"),
        ("keep going", "AMAZON.ResumeIntent"),
        ("start over", "AMAZON.StartOverIntent"),
        ("help", "AMAZON.HelpIntent"),
        ("what can I say", "AMAZON.HelpIntent"),
        ("yes", "AMAZON.YesIntent"),
        ("yeah", "AMAZON.YesIntent"),
        ("no", "AMAZON.NoIntent"),
        ("no thanks", "AMAZON.NoIntent"),
        ("main menu", "AMAZON.NavigateHomeIntent"),
    ],
)
def test_builtin_controls(matcher: Matcher, utterance: str, intent: str) -> None:
    got = matcher.match(utterance)
    assert got.intent == intent
    assert dict(got.slots) == {}


def test_im_done_means_stop_and_done_means_next(matcher: Matcher) -> None:
    assert matcher.match("I'm done").intent == "AMAZON.StopIntent"
    assert matcher.match("I'm done with this one").intent == "AMAZON.NextIntent"


def test_i_feel_tingly(matcher: Matcher) -> None:
    got = matcher.match("I feel tingly")
    assert got.intent == "FeelingIntent"
    assert got.slots["feeling"].value == "tingly"
    assert slot_id(got, "feeling") == "tingly"


@pytest.mark.parametrize(
    "utterance", ["I'm a bit panicky", "I feel a little dizzy", "I'm feeling a bit shaky"]
)
def test_a_softener_stays_in_the_feeling_it_softens(matcher: Matcher, utterance: str) -> None:
    """The crisis check reads only slot values: a carrier that kept "a bit" would send
    "panicky" alone, which is distress; "a bit panicky" is everyday worry (safety.md C8)."""
    got = matcher.match(utterance)
    assert got.intent == "FeelingIntent"
    assert got.slots["feeling"].value.split()[:2] in (["a", "bit"], ["a", "little"])


def test_an_unknown_feeling_word_passes_through(matcher: Matcher) -> None:
    got = matcher.match("I feel kind of glorpy")
    assert got.intent == "FeelingIntent"
    assert got.slots["feeling"].value == "glorpy"
    assert slot_id(got, "feeling") is None


@pytest.mark.parametrize(
    ("utterance", "feeling"),
    [
        ("tingly", "tingly"),
        ("nothing really", "nothing"),
        ("I don't know", "dont_know"),
        ("far away", "far_away"),
        ("I'm overwhelmed", "overwhelmed"),
        ("my shoulders feel tight", "tight"),
        ("my leg's gone numb", "numb"),
        ("pins and needles", "tingly"),
    ],
)
def test_feeling_words_resolve(matcher: Matcher, utterance: str, feeling: str) -> None:
    got = matcher.match(utterance)
    assert got.intent == "FeelingIntent"
    assert slot_id(got, "feeling") == feeling


def test_a_lamp_while_expecting_an_answer(matcher: Matcher) -> None:
    got = matcher.match("a lamp", expecting="answer")
    assert got.intent == "AnswerIntent"
    assert got.slots["answer"].value == "a lamp"
    assert slot_id(got, "answer") == "lamp"


def test_free_words_while_expecting_an_answer_are_the_answer(matcher: Matcher) -> None:
    got = matcher.match("the purple dinosaur on my shelf", expecting="answer")
    assert got.intent == "AnswerIntent"
    assert got.slots["answer"].value == "the purple dinosaur on my shelf"
    assert slot_id(got, "answer") is None


def test_free_words_with_nothing_expected_are_a_request_carrying_them(matcher: Matcher) -> None:
    # Words no sample takes land on RequestIntent's bare "{request}" with every word, as its
    # catch-all slot does on a device (docs/understanding.md), never on a wordless fallback.
    got = matcher.match("the purple dinosaur on my shelf")
    assert got.intent == "RequestIntent"
    assert got.slots["request"].value == "the purple dinosaur on my shelf"
    assert slot_id(got, "request") is None


def test_without_a_catch_all_intent_free_words_are_a_fallback(matcher: Matcher) -> None:
    model = json.loads(model_file("en-US").read_text(encoding="utf-8"))
    language = model["interactionModel"]["languageModel"]
    language["intents"] = [i for i in language["intents"] if i["name"] != "RequestIntent"]
    got = Matcher.from_model(model).match("the purple dinosaur on my shelf")
    assert got.intent == "AMAZON.FallbackIntent" and dict(got.slots) == {}


def test_a_carrier_phrase_lets_free_words_through(matcher: Matcher) -> None:
    got = matcher.match("I can see a purple dinosaur")
    assert got.intent == "AnswerIntent"
    assert got.slots["answer"].value == "a purple dinosaur"


def test_a_listed_answer_matches_without_expecting(matcher: Matcher) -> None:
    got = matcher.match("the fridge humming")
    assert got.intent == "AnswerIntent"
    assert slot_id(got, "answer") == "the fridge humming"


def test_controls_win_over_an_awaited_answer(matcher: Matcher) -> None:
    for utterance, intent in [
        ("next", "AMAZON.NextIntent"),
        ("stop", "AMAZON.StopIntent"),
        ("help", "AMAZON.HelpIntent"),
        ("repeat that", "AMAZON.RepeatIntent"),
        ("pause", "AMAZON.PauseIntent"),
    ]:
        assert matcher.match(utterance, expecting="answer").intent == intent
        assert matcher.match(utterance, expecting="feeling").intent == intent


def test_crisis_wins_over_an_awaited_answer(matcher: Matcher) -> None:
    got = matcher.match("I want to kill myself", expecting="answer")
    assert got.intent == "CrisisIntent"
    assert matcher.match("I want to kill myself", expecting="feeling").intent == "CrisisIntent"


@pytest.mark.parametrize(
    "utterance",
    [
        "um I want to kill myself",
        "I see a lamp and I want to die",
        "honestly I don't want to be alive anymore",
        "my mom is on the floor and she's not breathing",
        "sometimes I keep thinking about ending my life",
    ],
)
def test_crisis_statements_inside_longer_words(matcher: Matcher, utterance: str) -> None:
    assert matcher.match(utterance).intent == "CrisisIntent"
    assert matcher.match(utterance, expecting="answer").intent == "CrisisIntent"


def test_crisis_carrier_resolves_the_statement(matcher: Matcher) -> None:
    got = matcher.match("I can't stop thinking about ending it all")
    assert got.intent == "CrisisIntent"
    assert got.slots["statement"].value == "ending it all"
    assert slot_id(got, "statement") == "suicide"
    assert got.slots["statement"].slot_type == "CRISIS_STATEMENT"


@pytest.mark.parametrize(
    ("utterance", "category"),
    [
        ("I want to kill myself", "suicide"),
        ("my husband hit me", "abuse"),
        ("my chest hurts and my arm is numb", "medical"),
        ("she's not breathing", "medical"),
        ("I took all my pills", "imminent"),
        ("I've been cutting again", "self_harm"),
        ("my mum keeps saying she wants to die", "someone_else"),
        ("what's the point anymore", "ambiguous"),
        ("I'm having a panic attack", "distress"),
        ("I'm going to top myself", "suicide"),
    ],
)
def test_a_crisis_statement_arrives_with_its_words_and_category(
    matcher: Matcher, utterance: str, category: str
) -> None:
    """On a device a sample with no slot sends no words: every statement is a slot value now, so
    the skill can tell abuse from a medical emergency from suicide (safety.md C3, C5)."""
    for expecting in EXPECTING:
        got = matcher.match(utterance, expecting=expecting)
        assert got.intent == "CrisisIntent", (utterance, expecting)
        assert got.slots["statement"].value == spoken(utterance)
        assert slot_id(got, "statement") == category
        assert classifier_for("en").assess(got.slots["statement"].value).category == category


@pytest.mark.parametrize(
    ("utterance", "value", "category"),
    [
        ("um my husband hit me", "my husband hit me", "abuse"),
        ("to be honest my husband hit me", "my husband hit me", "abuse"),
        ("I think my husband collapsed", "my husband collapsed", "medical"),
        ("the thing is my partner hurts me", "my partner hurts me", "abuse"),
        ("I'm scared that my sister is self harming", "my sister is self harming", "someone_else"),
        # Fillers do not stop a listed statement resolving: the whole words are the value.
        ("honestly I just want to die", "honestly i just want to die", "suicide"),
    ],
)
def test_carrier_phrases_pass_the_statement_on(
    matcher: Matcher, utterance: str, value: str, category: str
) -> None:
    got = matcher.match(utterance)
    assert got.intent == "CrisisIntent"
    assert got.slots["statement"].value == value
    assert slot_id(got, "statement") == category


@pytest.mark.parametrize(
    "utterance",
    [
        "I see a lamp and I want to die",
        "last night I took all my pills and now I feel sick",
        "I'm so scared because my boyfriend hits me",
        "my mom is on the floor and she's not breathing",
    ],
)
def test_new_words_around_a_statement_still_carry_every_word(
    matcher: Matcher, utterance: str
) -> None:
    """A custom slot passes words through even when they are not listed: the classifier reads
    them all. No listed value matched, so there is no id."""
    got = matcher.match(utterance)
    assert got.intent == "CrisisIntent"
    assert got.slots["statement"].value == spoken(utterance)
    assert slot_id(got, "statement") is None
    assert classifier_for("en").assess(got.slots["statement"].value).needs_response


@pytest.mark.parametrize(
    "utterance",
    [
        "I cut myself shaving",  # "i cut myself" is not a whole clause here
        "I can't breathe through my nose",
        "I want to take my life back",
        "I don't want to wake up early tomorrow",
        "I'm on the roof terrace",
        "I don't want to die",  # "want to die" has no subject of its own
        "I'm not going to kill myself",
        "I'm going to die if I don't get coffee",
        "I keep thinking about work",
        "um a lamp",
        "honestly I'm fine",
    ],
)
def test_near_misses_are_not_crisis_statements(matcher: Matcher, utterance: str) -> None:
    for expecting in EXPECTING:
        assert matcher.match(utterance, expecting=expecting).intent != "CrisisIntent", expecting


@pytest.mark.parametrize(
    ("typed", "heard"),
    [
        ("im gonna kill myself", "i'm going to kill myself"),
        ("I dont wanna be here any more", "i don't want to be here anymore"),
        ("i want to kill my self", "i want to kill myself"),
        ("whats the point", "what's the point"),
        ("I cannot cope", "i can't cope"),
        ("box breathing", "box breathing"),
    ],
)
def test_typed_shorthand_is_written_as_alexa_hears_it(typed: str, heard: str) -> None:
    assert spoken(typed) == heard


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("I'm REALLY going to take 30 pills", "i am going to take fifty pills"),
        ("I just want to die", "i want to die"),
        ("she's been cutting herself", "she has been cutting herself"),
        ("my mum's been cutting herself", "my mum has been cutting herself"),
        ("i can't go on", "I cannot go on"),
        ("I don't want to live", "i do not want to live"),
    ],
)
def test_statement_keys_compare_loosely(one: str, other: str) -> None:
    assert statement_key(one) == statement_key(other)


def test_statement_keys_keep_what_matters() -> None:
    assert statement_key("i don't want to die") != statement_key("i want to die")
    assert statement_key("my husband hit me") != statement_key("my husband hugged me")
    assert statement_key("  ") == ()


def test_an_unlisted_crisis_carrier_is_an_answer_when_one_is_awaited(matcher: Matcher) -> None:
    got = matcher.match("I keep thinking about work", expecting="answer")
    assert got.intent == "AnswerIntent"
    assert got.slots["answer"].value == "i keep thinking about work"


@pytest.mark.parametrize(
    "utterance",
    [
        "this exercise is killing me",
        "I'm dying to try box breathing",
        "my foot feels dead",
        "I'm dead tired",
        "kill the music",
        "my leg's gone numb",
        "I don't want to hurt myself",
        "I'm not going to kill myself",
    ],
)
def test_idioms_are_not_crisis_intents(matcher: Matcher, utterance: str) -> None:
    assert matcher.match(utterance).intent != "CrisisIntent"
    assert matcher.match(utterance, expecting="answer").intent != "CrisisIntent"


def test_expecting_a_feeling_prefers_feeling_words(matcher: Matcher) -> None:
    assert matcher.match("light").intent == "FeelingIntent"
    assert matcher.match("light", expecting="feeling").intent == "FeelingIntent"
    got = matcher.match("glorpy", expecting="feeling")
    assert got.intent == "FeelingIntent"
    assert got.slots["feeling"].value == "glorpy"
    assert slot_id(got, "feeling") is None


def test_expecting_an_answer_prefers_answer_words(matcher: Matcher) -> None:
    got = matcher.match("light", expecting="answer")
    assert got.intent == "AnswerIntent"
    assert slot_id(got, "answer") == "the light"
    # a bare exercise name is an answer too, when an answer is awaited
    assert matcher.match("breathing").intent == "StartExerciseIntent"
    assert matcher.match("breathing", expecting="answer").intent == "AnswerIntent"


def test_a_feeling_is_fine_as_an_answer(matcher: Matcher) -> None:
    got = matcher.match("tired", expecting="answer")
    assert got.intent == "FeelingIntent"
    assert slot_id(got, "feeling") == "tired"


def test_a_weak_start_gives_way_to_an_awaited_answer(matcher: Matcher) -> None:
    assert matcher.match("a gift for my mom").intent == "StartExerciseIntent"
    got = matcher.match("a gift for my mom", expecting="answer")
    assert got.intent == "AnswerIntent"
    assert got.slots["answer"].value == "a gift for my mom"


def test_a_real_request_still_works_while_an_answer_is_awaited(matcher: Matcher) -> None:
    got = matcher.match("start box breathing", expecting="answer")
    assert got.intent == "StartExerciseIntent"


def test_empty_words_are_a_fallback(matcher: Matcher) -> None:
    assert matcher.match("  ?! ").intent == "AMAZON.FallbackIntent"


def test_unknown_expecting_is_an_error(matcher: Matcher) -> None:
    with pytest.raises(ValueError, match="expecting"):
        matcher.match("a lamp", expecting="colour")


def test_matches_are_frozen(matcher: Matcher) -> None:
    got = matcher.match("start box breathing")
    with pytest.raises(dataclasses.FrozenInstanceError):
        got.intent = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        got.slots["exercise"] = got.slots["exercise"]  # type: ignore[index]


def tiny_model(samples: list[str], slots: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {
        "interactionModel": {
            "languageModel": {
                "invocationName": "tiny test",
                "intents": [
                    {"name": "TestIntent", "slots": slots or [], "samples": samples},
                    {"name": "AMAZON.StopIntent", "samples": []},
                ],
                "types": [{"name": "THING", "values": [{"name": {"value": "box"}}]}],
            }
        }
    }


def test_builtin_phrases_count_only_for_intents_in_the_model() -> None:
    phrases = {"AMAZON.StopIntent": ["stop"], "AMAZON.PauseIntent": ["pause"]}
    matcher = Matcher.from_model(tiny_model(["hello"]), phrases)
    assert matcher.match("stop").intent == "AMAZON.StopIntent"
    assert matcher.match("pause").intent == "AMAZON.FallbackIntent"
    assert matcher.match("hello").intent == "TestIntent"
    assert matcher.invocation_name == "tiny test"


def test_values_without_ids_resolve_to_their_name() -> None:
    model = tiny_model(["take {thing}"], [{"name": "thing", "type": "THING"}])
    got = Matcher.from_model(model).match("take the box")
    assert (got.slots["thing"].resolved_id, got.slots["thing"].resolved_name) == ("box", "box")


def test_an_undeclared_slot_is_an_error() -> None:
    with pytest.raises(ValueError, match="undeclared slot"):
        Matcher.from_model(tiny_model(["take {thing}"]))


def test_a_model_of_the_wrong_shape_is_an_error() -> None:
    with pytest.raises(ValueError, match="interaction model"):
        Matcher.from_model({"languageModel": {}})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello,   World!", "hello world"),
        ("I'd like  TEA & toast", "i'd like tea and toast"),
        ("check-in", "check in"),
        ("it’s 5 o'clock", "it's 5 o'clock"),
        ("'quoted'", "quoted"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5", "5"),
        ("05", "5"),
        ("zero", "0"),
        ("fifteen", "15"),
        ("twenty", "20"),
        ("twenty five", "25"),
        ("ninety-nine", "99"),
        ("twenty ten", None),
        ("lamp", None),
        ("", None),
    ],
)
def test_number_value(text: str, expected: str | None) -> None:
    assert number_value(text) == expected


@pytest.mark.parametrize(
    ("utterance", "expected"),
    [
        ("open steady ground", Invocation("launch", "")),
        ("Alexa, open Steady Ground", Invocation("launch", "")),
        ("launch steady ground", Invocation("launch", "")),
        ("start steady ground", Invocation("launch", "")),
        ("launch", Invocation("launch", "")),
        ("open", Invocation("launch", "")),
        ("ask steady ground", Invocation("launch", "")),
        (
            "ask steady ground for a grounding exercise",
            Invocation("intent", "a grounding exercise"),
        ),
        (
            "Alexa, ask Steady Ground to start box breathing",
            Invocation("intent", "start box breathing"),
        ),
        ("tell steady ground I feel heavy", Invocation("intent", "i feel heavy")),
        ("tell steady ground that I feel heavy", Invocation("intent", "i feel heavy")),
        ("start box breathing", Invocation("none", "start box breathing")),
        ("Alexa, next", Invocation("none", "next")),
        ("open steady groundhog", Invocation("none", "open steady groundhog")),
    ],
)
def test_parse_invocation(utterance: str, expected: Invocation) -> None:
    assert parse_invocation(utterance, "steady ground") == expected


def test_a_one_shot_request_matches_like_a_turn(matcher: Matcher) -> None:
    invocation = parse_invocation("ask steady ground for a grounding exercise", "steady ground")
    got = matcher.match(invocation.rest)
    assert got.intent == "StartExerciseIntent"
    assert slot_id(got, "exercise") == "kind:grounding"


# --- spoken controls: ControlIntent and SkipRegionIntent ------------------------------------------

EXPECTING: tuple[str | None, ...] = (None, "answer", "feeling")


def model_values(type_name: str) -> dict[str, list[str]]:
    """Every spelling of a slot type, by value id."""
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    for slot_type in data["interactionModel"]["languageModel"]["types"]:
        if slot_type["name"] == type_name:
            return {
                value["id"]: [value["name"]["value"], *value["name"].get("synonyms", [])]
                for value in slot_type["values"]
            }
    raise AssertionError(f"no slot type {type_name}")


@pytest.mark.parametrize(
    ("utterance", "setting"),
    [
        ("slower", "slower"),
        ("slow down", "slower"),
        ("go slower", "slower"),
        ("a bit slower please", "slower"),
        ("can you slow down", "slower"),
        ("more slowly", "slower"),
        ("could you slow down a bit", "slower"),
        ("you're going too fast", "slower"),
        ("faster", "faster"),
        ("speed up", "faster"),
        ("a bit quicker", "faster"),
        ("go faster", "faster"),
        ("can we speed it up", "faster"),
        ("longer pauses", "longer_pauses"),
        ("more time between", "longer_pauses"),
        ("give me more time", "longer_pauses"),
        ("more space between the steps", "longer_pauses"),
        ("I'd like longer pauses", "longer_pauses"),
        ("shorter pauses", "shorter_pauses"),
        ("less time between", "shorter_pauses"),
        ("fewer pauses", "shorter_pauses"),
        ("the pauses are too long", "shorter_pauses"),
        ("shorter version", "shorter_version"),
        ("the short version", "shorter_version"),
        ("make it shorter", "shorter_version"),
        ("a shorter one", "shorter_version"),
        ("I don't have much time", "shorter_version"),
        ("can we do the short version", "shorter_version"),
        ("I'd like the short version", "shorter_version"),
        ("eyes open version", "eyes_open"),
        ("I want to keep my eyes open", "eyes_open"),
        ("can I do it with my eyes open", "eyes_open"),
        ("eyes open", "eyes_open"),
        ("I'd rather keep my eyes open please", "eyes_open"),
        ("use sounds instead", "outward"),
        ("use sounds instead of my breath", "outward"),
        ("not the breath", "outward"),
        ("I don't want to focus on my breathing", "outward"),
        ("something outside my body", "outward"),
        ("focus on sounds", "outward"),
        ("can we focus on sounds", "outward"),
        ("no holds", "no_holds"),
        ("without holding", "no_holds"),
        ("skip the holds", "no_holds"),
        ("I don't want to hold my breath", "no_holds"),
        ("no breath holding", "no_holds"),
        ("back to normal", "normal"),
        ("normal speed", "normal"),
        ("the usual pace", "normal"),
        ("reset", "normal"),
        ("Alexa, can we go back to normal please?", "normal"),
    ],
)
def test_controls_resolve_even_while_an_answer_is_awaited(
    matcher: Matcher, utterance: str, setting: str
) -> None:
    for expecting in EXPECTING:
        got = matcher.match(utterance, expecting=expecting)
        assert got.intent == "ControlIntent", (utterance, expecting, got)
        assert slot_id(got, "setting") == setting, (utterance, expecting)
        assert got.slots["setting"].slot_type == "CONTROL_SETTING"


def test_every_control_spelling_resolves_in_every_state(matcher: Matcher) -> None:
    wrong = []
    for setting, spellings in model_values("CONTROL_SETTING").items():
        for spelling in spellings:
            for utterance in (spelling, f"can we {spelling}", f"{spelling} please"):
                for expecting in EXPECTING:
                    got = matcher.match(utterance, expecting=expecting)
                    if got.intent != "ControlIntent" or slot_id(got, "setting") != setting:
                        wrong.append(f"{utterance!r} ({expecting}): {got.intent} {dict(got.slots)}")
    assert not wrong, "\n".join(wrong)


def test_the_classifier_hears_no_alarm_in_a_control_or_region(matcher: Matcher) -> None:
    utterances = [
        carrier.format(spelling)
        for type_name, carrier in (("CONTROL_SETTING", "{}"), ("BODY_REGION", "skip my {}"))
        for spellings in model_values(type_name).values()
        for spelling in spellings
    ]
    assert not [said for said in utterances if heard(matcher, said) is not Category.NONE]


REGION_CARRIERS = (
    "skip my {}",
    "skip the {}",
    "skip {}",
    "leave out my {}",
    "not my {}",
    "don't do my {}",
    "can we skip the {}",
    "I'd rather not do my {}",
    "skip the {} part",
    "please skip my {}",
)


@pytest.mark.parametrize("region", REGION_IDS)
def test_every_region_can_be_skipped(matcher: Matcher, region: str) -> None:
    for carrier in REGION_CARRIERS:
        utterance = carrier.format(region)
        for expecting in EXPECTING:
            got = matcher.match(utterance, expecting=expecting)
            assert got.intent == "SkipRegionIntent", (utterance, expecting, got)
            assert slot_id(got, "region") == region, (utterance, expecting)
            assert got.slots["region"].slot_type == "BODY_REGION"


@pytest.mark.parametrize(
    ("utterance", "region"),
    [
        ("skip my tummy", "belly"),
        ("can we skip the stomach", "belly"),
        ("leave out my pelvis", "hips"),
        ("skip the pelvic area", "hips"),
        ("not my jaw", "face"),
        ("skip my toes", "feet"),
        ("skip my knees", "legs"),
        ("I'd rather not do my fingers", "hands"),
        ("don't do the lower back", "back"),
        ("skip the top of my head", "head"),
        ("skip my back", "back"),
    ],
)
def test_region_synonyms(matcher: Matcher, utterance: str, region: str) -> None:
    got = matcher.match(utterance)
    assert got.intent == "SkipRegionIntent"
    assert slot_id(got, "region") == region


def test_every_region_spelling_resolves(matcher: Matcher) -> None:
    wrong = [
        f"{spelling!r}: {got.intent} {dict(got.slots)}"
        for region, spellings in model_values("BODY_REGION").items()
        for spelling in spellings
        if slot_id(got := matcher.match(f"skip my {spelling}"), "region") != region
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("utterance", "intent"),
    [
        ("skip", "AMAZON.NextIntent"),
        ("skip this", "AMAZON.NextIntent"),
        ("skip it", "AMAZON.NextIntent"),
        ("skip that", "AMAZON.NextIntent"),
        ("skip this one", "AMAZON.NextIntent"),
        ("skip this part", "AMAZON.NextIntent"),
        ("skip ahead", "AMAZON.NextIntent"),
        ("skip forward", "AMAZON.NextIntent"),
        ("next", "AMAZON.NextIntent"),
        ("stop", "AMAZON.StopIntent"),
        ("go back", "AMAZON.PreviousIntent"),
    ],
)
def test_plain_skips_and_builtins_are_not_region_skips(
    matcher: Matcher, utterance: str, intent: str
) -> None:
    for expecting in EXPECTING:
        got = matcher.match(utterance, expecting=expecting)
        assert got.intent == intent, (utterance, expecting)
        assert dict(got.slots) == {}


@pytest.mark.parametrize(
    "utterance",
    [
        "skip the rest",
        "skip to the end",
        "can you tell me a story",
        "not my problem",
        "go home now",
    ],
)
def test_unlisted_words_are_not_controls(matcher: Matcher, utterance: str) -> None:
    # Closed lists: a control or region skip needs a listed value (a device may still send
    # unresolved words; the handlers treat those as help).
    for expecting in EXPECTING:
        got = matcher.match(utterance, expecting=expecting)
        assert got.intent not in {"ControlIntent", "SkipRegionIntent"}, (utterance, expecting)


def test_crisis_still_wins_over_controls(matcher: Matcher) -> None:
    for expecting in EXPECTING:
        got = matcher.match("slow down I want to kill myself", expecting=expecting)
        assert got.intent == "CrisisIntent"


def test_a_listed_answer_or_feeling_is_still_an_answer(matcher: Matcher) -> None:
    assert matcher.match("a lamp", expecting="answer").intent == "AnswerIntent"
    assert matcher.match("heavy", expecting="feeling").intent == "FeelingIntent"
    assert matcher.match("I can hear the traffic", expecting="answer").intent == "AnswerIntent"


# --- feelings: not knowing (T9) and distress (T7, C9), end to end -------------------------------


@pytest.mark.parametrize(
    ("utterance", "feeling"),
    [
        ("I don't feel anything", "nothing"),
        ("I feel nothing", "nothing"),
        ("nothing", "nothing"),
        ("I can't feel anything", "nothing"),
        ("numb", "numb"),
        ("I feel numb", "numb"),
        ("blank", "blank"),
        ("my mind went blank", "blank"),
        ("I don't know", "dont_know"),
        ("I really don't know", "dont_know"),
    ],
)
def test_not_knowing_is_a_feeling_and_no_alarm(
    matcher: Matcher, utterance: str, feeling: str
) -> None:
    classifier = classifier_for("en")
    for expecting in EXPECTING:
        got = matcher.match(utterance, expecting=expecting)
        assert got.intent == "FeelingIntent", (utterance, expecting)
        assert slot_id(got, "feeling") == feeling
        assert classifier.assess([got.slots["feeling"].value]).category is Category.NONE


def heard(matcher: Matcher, utterance: str, expecting: str | None = None) -> Category:
    """What the crisis check makes of the slot values the matcher sends for these words."""
    got = matcher.match(utterance, expecting=expecting)
    return classifier_for("en").assess([slot.value for slot in got.slots.values()]).category


@pytest.mark.parametrize(
    "utterance",
    [
        "I feel worse",
        "I'm feeling worse",
        "this is making me feel worse",
        "I feel panicky",
        "I'm panicking",
        "I feel like I'm not real",
        "I'm having flashbacks",
        "I think I'm having a panic attack",
        "worse",
        "I feel way worse",
        "I feel unreal",
        "I feel like I'm not really here",
        "I feel like I'm dying",
        "it's all too much",
    ],
)
def test_distress_reaches_the_classifier_as_distress(matcher: Matcher, utterance: str) -> None:
    for expecting in EXPECTING:
        assert heard(matcher, utterance, expecting) is Category.DISTRESS, (utterance, expecting)


@pytest.mark.parametrize(
    "utterance",
    ["spaced out", "I feel far away", "I'm numb", "I feel floaty", "my hands feel tingly", "tight"],
)
def test_ordinary_sensation_words_stay_quiet(matcher: Matcher, utterance: str) -> None:
    for expecting in EXPECTING:
        assert matcher.match(utterance, expecting=expecting).intent == "FeelingIntent"
        assert heard(matcher, utterance, expecting) is Category.NONE, (utterance, expecting)


def labelled_phrases() -> dict[str, list[str]]:
    path = Path(__file__).parent / "data" / "safety_phrases.yaml"
    data: dict[str, list[str]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def skill_hears(matcher: Matcher, utterance: str, expecting: str | None) -> Category:
    """What the skill makes of these words on a device: the crisis check the skill runs on every
    request (skill/core/safety/rule.py), over what the matcher put into slots. A fallback
    carries no words, so it is heard as nothing."""
    got = matcher.match(utterance, expecting=expecting)
    statement = got.slots.get("statement")
    check = classifier_for("en")
    values = {name: slot.value for name, slot in got.slots.items()}
    listed = [name for name, slot in got.slots.items() if slot.resolved_id]
    return assess_turn(
        check,
        check.rejoiner.texts(got.intent, values, listed),
        crisis_intent=got.intent == "CrisisIntent",
        resolved=category_named(statement.resolved_id) if statement else None,
    ).category


def rightly_heard(label: Category, found: Category) -> bool:
    """Its own category or a more serious crisis one; distress only needs to be heard at all."""
    if label is Category.DISTRESS:
        return found is not Category.NONE
    return found is label or (found in CRISIS_CATEGORIES and found.more_serious_than(label))


MAX_FALSE_ALARMS = 0.05


@pytest.mark.parametrize("expecting", [None, "answer"])
def test_every_labelled_statement_reaches_the_skill_rightly(
    matcher: Matcher, expecting: str | None
) -> None:
    """C1 end to end: every crisis, ambiguous and distress phrase of the labelled set reaches the
    skill as CrisisIntent with its words, or as another intent whose slot values the classifier
    rates rightly, whether it is said out of the blue or in the middle of an exercise question.
    """
    recall: dict[str, str] = {}
    missed = []
    for label, phrases in labelled_phrases().items():
        category = Category(label)
        if category is Category.NONE:
            continue
        right = 0
        for phrase in phrases:
            found = skill_hears(matcher, phrase, expecting)
            if rightly_heard(category, found):
                right += 1
            else:
                got = matcher.match(phrase, expecting=expecting)
                missed.append(f"{label}: {phrase!r} -> {got.intent} {dict(got.slots)}: {found}")
        recall[label] = f"{right}/{len(phrases)}"
    assert not missed, f"recall {recall}\n" + "\n".join(missed)


@pytest.mark.parametrize("expecting", [None, "answer"])
def test_ordinary_words_rarely_raise_an_alarm_through_the_matcher(
    matcher: Matcher, expecting: str | None
) -> None:
    phrases = labelled_phrases()[Category.NONE.value]
    alarms = [
        phrase for phrase in phrases if skill_hears(matcher, phrase, expecting) is not Category.NONE
    ]
    assert len(alarms) / len(phrases) < MAX_FALSE_ALARMS, alarms


def test_ordinary_words_never_become_crisis_statements(matcher: Matcher) -> None:
    """CrisisIntent is never a false alarm that the classifier could have caught: an everyday
    statement the model takes for one ("my heart's beating fast because i just ran up the
    stairs" holds a listed distress statement) is heard as the mild thing it says."""
    phrases = labelled_phrases()[Category.NONE.value]
    stolen = [
        phrase
        for phrase in phrases
        for expecting in EXPECTING
        if matcher.match(phrase, expecting=expecting).intent == "CrisisIntent"
        and skill_hears(matcher, phrase, expecting) is not Category.NONE
    ]
    assert not stolen


# --- questions about the skill itself --------------------------------------------------------


@pytest.mark.parametrize(
    "utterance",
    [
        "what is this skill",
        "what is Steady Ground?",
        "are you a therapist",
        "are you a real person",
        "is this a real person",
        "are you a human",
        "who made you",
        "are you a doctor",
        "what can you do for me",
        "is this therapy",
    ],
)
def test_questions_about_the_skill(matcher: Matcher, utterance: str) -> None:
    for expecting in EXPECTING:
        got = matcher.match(utterance, expecting=expecting)
        assert got.intent == "AboutIntent", (utterance, expecting)
        assert dict(got.slots) == {}


def test_about_is_not_help_or_a_cry_for_help(matcher: Matcher) -> None:
    assert matcher.match("what can you do").intent == "AMAZON.HelpIntent"
    assert matcher.match("help me").intent == "AMAZON.HelpIntent"
    assert matcher.match("somebody help me").intent == "CrisisIntent"


@pytest.mark.parametrize("mark", ["'", "’", "`", "´", "ʼ"])
def test_every_apostrophe_typed_keeps_the_word_whole(matcher: Matcher, mark: str) -> None:
    got = matcher.match(f"I{mark}ve taken all my pills")
    assert (
        got.intent == "CrisisIntent" and got.slots["statement"].value == "i've taken all my pills"
    )
