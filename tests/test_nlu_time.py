"""AMAZON.TIME slots in the offline matcher: filled the way Alexa fills them ("21:00", "EV")."""

from __future__ import annotations

from typing import Any

import pytest

from skill.tools.nlu import Matcher, time_value

INTENT = "ReminderTestIntent"
MODEL: dict[str, Any] = {
    "interactionModel": {
        "languageModel": {
            "invocationName": "steady ground",
            "intents": [
                {
                    "name": INTENT,
                    "slots": [
                        {"name": "time", "type": "AMAZON.TIME"},
                        {"name": "person", "type": "PERSON"},
                    ],
                    "samples": [
                        "remind me at {time}",
                        "remind me every day at {time}",
                        "remind {person} at {time}",
                    ],
                },
                {"name": "AMAZON.StopIntent", "samples": []},
            ],
            "types": [{"name": "PERSON", "values": [{"id": "mom", "name": {"value": "mom"}}]}],
        }
    }
}

UNDERSTOOD = [
    ("9", "09:00"),
    ("nine", "09:00"),
    ("9 pm", "21:00"),
    ("nine pm", "21:00"),
    ("9pm", "21:00"),
    ("9 p.m.", "21:00"),
    ("21:00", "21:00"),
    ("9:30", "09:30"),
    ("nine thirty", "09:30"),
    ("nine thirty pm", "21:30"),
    ("half past nine", "09:30"),
    ("quarter past seven", "07:15"),
    ("quarter to eight", "07:45"),
    ("noon", "12:00"),
    ("midday", "12:00"),
    ("midnight", "00:00"),
    ("nine o'clock", "09:00"),
    ("nine o'clock at night", "21:00"),
    ("eight in the morning", "08:00"),
    ("seven in the evening", "19:00"),
    ("morning", "MO"),
    ("in the evening", "EV"),
    ("tonight", "NI"),
    ("at night", "NI"),
    ("afternoon", "AF"),
]
INVALID = ["twenty five o'clock", "13 pm"]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.from_model(MODEL)


@pytest.mark.parametrize(("said", "value"), UNDERSTOOD)
def test_a_time_fills_the_slot_as_alexa_does(matcher: Matcher, said: str, value: str) -> None:
    got = matcher.match(f"remind me at {said}")
    assert got.intent == INTENT
    assert got.slots["time"].value == value
    assert got.slots["time"].slot_type == "AMAZON.TIME"
    assert got.slots["time"].resolved_id is None
    assert set(got.slots) == {"time"}


@pytest.mark.parametrize(("said", "value"), UNDERSTOOD)
def test_time_value(said: str, value: str) -> None:
    assert time_value(said) == value


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("9 am", "09:00"),
        ("9 a.m.", "09:00"),
        ("twelve am", "00:00"),
        ("12 pm", "12:00"),
        ("twenty one", "21:00"),
        ("twenty one fifteen", "21:15"),
        ("9:30pm", "21:30"),
        ("nine oh five", "09:05"),
        ("ten to nine", "08:50"),
        ("quarter to one", "12:45"),
        ("twelve at night", "00:00"),
        ("one in the afternoon", "13:00"),
        ("twelve noon", "12:00"),
    ],
)
def test_more_times(said: str, value: str) -> None:
    assert time_value(said) == value


@pytest.mark.parametrize(
    "said", [*INVALID, "nine seventy", "twenty four", "twenty five", "ninepm", "half to nine"]
)
def test_words_that_are_no_time_have_no_value(said: str) -> None:
    assert time_value(said) is None


@pytest.mark.parametrize("said", INVALID)
def test_no_time_does_not_match_the_intent(matcher: Matcher, said: str) -> None:
    got = matcher.match(f"remind me at {said}")
    assert got.intent != INTENT or "time" not in got.slots


def test_words_that_are_not_a_time_do_not_match(matcher: Matcher) -> None:
    assert matcher.match("remind me at the shops").intent == "AMAZON.FallbackIntent"


def test_every_day_and_a_person(matcher: Matcher) -> None:
    got = matcher.match("remind me every day at 9 pm")
    assert (got.intent, got.slots["time"].value) == (INTENT, "21:00")
    got = matcher.match("Remind mom at quarter to eight")
    assert got.slots["person"].resolved_id == "mom"
    assert got.slots["time"].value == "07:45"


def test_typed_oclock_is_heard_as_o_clock(matcher: Matcher) -> None:
    assert matcher.match("remind me at nine oclock").slots["time"].value == "09:00"
    assert matcher.match("remind me at nine o clock").slots["time"].value == "09:00"
