"""Behaviour of the offline utterance matcher, against the real en-US interaction model."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from skill.nlu import Invocation, Match, Matcher, normalise, number_value, parse_invocation

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
        ("I'm a bit overwhelmed", "overwhelmed"),
        ("my chest feels tight", "tight"),
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


def test_free_words_with_nothing_expected_are_a_fallback(matcher: Matcher) -> None:
    # A bare slot only matches a listed value: words Alexa could not place are a fallback.
    got = matcher.match("the purple dinosaur on my shelf")
    assert got.intent == "AMAZON.FallbackIntent"
    assert dict(got.slots) == {}


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
    got = matcher.match("I keep thinking about killing myself")
    assert got.intent == "CrisisIntent"
    assert slot_id(got, "statement") == "suicide"
    literal = matcher.match("my husband hit me")
    assert literal.intent == "CrisisIntent"
    assert dict(literal.slots) == {}


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
