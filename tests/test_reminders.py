"""Daily reminders through Alexa's Reminders API. A real HTTP server on 127.0.0.1 stands in for
Amazon's API (which cannot be reached from here), as for the country lookup: the skill calls the
`apiEndpoint` of the request with the request's token, and the stand-in records what it sent."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from skill.alexa.app import build_skill
from skill.alexa.reminders import spoken_time
from skill.settings import Settings
from skill.tools.nlu import Matcher
from skill.tools.simulator import Simulator
from tests.conftest import make_simulator
from tests.reminders_api import RemindersStandIn, reminders_api

CLOCK = {"am": "a.m.", "pm": "p.m.", "noon": "noon", "midnight": "midnight"}


@pytest.fixture
def api() -> Iterator[RemindersStandIn]:
    with reminders_api() as server:
        yield server


@pytest.fixture
def device(api: RemindersStandIn, store_settings: Settings, matcher: Matcher) -> Simulator:
    """The skill on each store, calling the stand-in as a device's requests would have it."""
    settings = replace(
        store_settings, alexa_api_hosts=frozenset({"127.0.0.1"}), alexa_api_http=True
    )
    simulator = make_simulator(build_skill(settings), matcher)
    simulator.api_endpoint, simulator.api_token = api.endpoint, "token-123"
    return simulator


def test_a_daily_reminder_for_mom_is_set_listed_and_cancelled(
    device: Simulator, api: RemindersStandIn
) -> None:
    said = device.say(
        "alexa, ask steady ground to remind my mum every night at 9 pm to do her body scan"
    )
    assert "remind mum every day at 9 p.m." in said.text.lower()
    _, path, token, body = next(c for c in api.calls if c[0] == "POST")
    assert (path, token) == ("/v1/alerts/reminders", "Bearer token-123")
    assert body["trigger"]["type"] == "SCHEDULED_ABSOLUTE"
    assert body["trigger"]["timeZoneId"] == "Europe/London"
    assert body["trigger"]["recurrence"]["recurrenceRules"] == [
        "FREQ=DAILY;BYHOUR=21;BYMINUTE=0;BYSECOND=0;INTERVAL=1;"
    ]
    (content,) = body["alertInfo"]["spokenInfo"]["content"]
    assert content["locale"] == "en-US" and content["text"].startswith("Mum, it's time for your")
    device.say("stop")
    device.say("alexa, ask steady ground to remind me every day at 7:30 am")
    listed = device.say("alexa, ask steady ground what reminders do i have").text
    assert "mum's, every day at 9 p.m." in listed.lower()
    assert "yours, every day at 7:30 a.m." in listed.lower()
    cancelled = device.say("alexa, ask steady ground to cancel the reminder for my mum").text
    assert "reminders for mum are cancelled" in cancelled.lower()
    assert [c[1] for c in api.calls if c[0] == "DELETE"] == ["/v1/alerts/reminders/alert-1"]
    assert list(api.alerts) == ["alert-2"]
    again = device.say("alexa, ask steady ground to cancel the reminder for my mum").text
    assert "no reminder for mum to cancel" in again.lower()


def test_without_permission_the_card_asks_for_it_and_the_skill_explains(
    device: Simulator, api: RemindersStandIn
) -> None:
    api.status = 401
    reply = device.say("alexa, ask steady ground to remind me every day at 8 pm")
    assert "needs your permission" in reply.text
    card = (reply.response or {})["response"]["card"]
    assert card == {
        "type": "AskForPermissionsConsent",
        "permissions": ["alexa::alerts:reminders:skill:readwrite"],
    }


@pytest.mark.parametrize("trouble", ["error", "slow", "elsewhere"])
def test_a_failing_api_is_answered_calmly(
    device: Simulator, api: RemindersStandIn, trouble: str
) -> None:
    if trouble == "error":
        api.status = 503
    elif trouble == "slow":
        api.slow = True
    else:
        device.api_endpoint = "https://reminders.example.com"
    reply = device.say("alexa, ask steady ground to remind me every day at 8 pm")
    assert "couldn't reach the reminders" in reply.text
    assert "card" not in (reply.response or {})["response"]


def test_a_reminder_without_a_time_asks_for_one(device: Simulator, api: RemindersStandIn) -> None:
    reply = device.say("alexa, ask steady ground to set a daily reminder")
    assert "what time" in reply.text.lower() and not reply.ended
    assert api.calls == []


def test_the_time_said_next_finishes_the_reminder_asked_for(
    device: Simulator, api: RemindersStandIn
) -> None:
    asked = device.say("alexa, ask steady ground to set a reminder for my mum")
    assert "what time" in asked.text.lower() and not asked.ended
    unclear = device.say("pancakes")
    assert "what time" in unclear.text.lower() or "time like" in unclear.text.lower()
    said = device.say("nine p.m.")
    assert "remind mum every day at 9 p.m." in said.text.lower()
    (post,) = [c for c in api.calls if c[0] == "POST"]
    assert post[3]["alertInfo"]["spokenInfo"]["content"][0]["text"].startswith("Mum, it's time")
    assert "BYHOUR=21" in post[3]["trigger"]["recurrence"]["recurrenceRules"][0]
    again = device.say("at 8 am")
    assert "remind mum" not in again.text.lower()  # the request was finished, not kept
    assert len([c for c in api.calls if c[0] == "POST"]) == 1


def test_cancel_instead_of_a_time_sets_nothing(device: Simulator, api: RemindersStandIn) -> None:
    device.say("alexa, ask steady ground to set a reminder for my mum")
    reply = device.say("cancel")
    assert "no reminder" in reply.text.lower() and not reply.ended
    assert [c for c in api.calls if c[0] == "POST"] == []


def test_removing_a_person_deletes_their_reminders_at_amazon(
    device: Simulator, api: RemindersStandIn
) -> None:
    device.say("alexa, ask steady ground to remind grandpa every evening at 7 pm")
    device.say("stop")
    device.say("alexa, ask steady ground to remind me every morning at 8 am")
    device.say("stop")
    assert sorted(api.alerts) == ["alert-1", "alert-2"]
    device.say("alexa, ask steady ground to remove grandpa")
    removed = device.say("yes")
    assert "grandpa is removed" in removed.text.lower()
    assert [c[1] for c in api.calls if c[0] == "DELETE"] == ["/v1/alerts/reminders/alert-1"]
    assert list(api.alerts) == ["alert-2"]


def test_delete_my_data_deletes_every_reminder_at_amazon(
    device: Simulator, api: RemindersStandIn
) -> None:
    device.say("alexa, ask steady ground to remind grandpa every evening at 7 pm")
    device.say("stop")
    device.say("alexa, ask steady ground to remind me every morning at 8 am")
    device.say("stop")
    device.say("alexa, ask steady ground to delete my data")
    device.say("yes")
    assert api.alerts == {}


def test_a_reminder_that_cannot_be_deleted_does_not_stop_the_removal(
    device: Simulator, api: RemindersStandIn
) -> None:
    device.say("alexa, ask steady ground to remind grandpa every evening at 7 pm")
    device.say("stop")
    api.status = 503
    device.say("alexa, ask steady ground to remove grandpa")
    assert "grandpa is removed" in device.say("yes").text.lower()
    api.status = 200
    gone = device.say("what are the settings for grandpa")
    assert "don't have anyone called grandpa" in gone.text.lower()


def test_times_are_said_as_people_say_them() -> None:
    assert spoken_time("21:00", CLOCK) == "9 p.m."
    assert spoken_time("07:30", CLOCK) == "7:30 a.m."
    assert spoken_time("12:00", CLOCK) == "noon" and spoken_time("00:00", CLOCK) == "midnight"
    assert (
        spoken_time("12:15", CLOCK) == "12:15 p.m." and spoken_time("00:05", CLOCK) == "12:05 a.m."
    )


def test_every_night_at_nine_is_nine_in_the_evening(
    device: Simulator, api: RemindersStandIn
) -> None:
    said = device.say("alexa, ask steady ground to remind my mum every night at nine")
    assert "9 p.m." in said.text
    morning = device.say("alexa, ask steady ground to remind me every morning at seven")
    assert "7 a.m." in morning.text
    rules = [
        c[3]["trigger"]["recurrence"]["recurrenceRules"][0] for c in api.calls if c[0] == "POST"
    ]
    assert [r.split(";")[1] for r in rules] == ["BYHOUR=21", "BYHOUR=7"]
