"""The people an account keeps (core.people, core.state): each with their own settings and
place, read back from any stored version."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from ask_sdk_core.skill import CustomSkill

from skill.alexa.app import build_skill, store_for
from skill.content import bundle
from skill.content.locales import LOCALES
from skill.core.people import SELF, Done, Person, Resume, identify
from skill.core.position import Position
from skill.core.preferences import Preferences
from skill.core.safety.categories import Category
from skill.core.safety.replies import Wording, compose, forbidden_found
from skill.core.state import STATE_VERSION, SessionState, UserState
from skill.settings import Settings
from skill.speech.plain import to_plain_text
from skill.speech.ssml import check, render
from skill.tools.nlu import Matcher
from tests.conftest import make_simulator


def test_each_person_keeps_their_own_settings_and_place() -> None:
    user = UserState.of(True, preferences=Preferences(pace=0.8))
    user.people["mom"] = Person(
        "Mom", Preferences(pace=1.5, eyes_open=True), Resume("body-scan-short", Position(5))
    )
    again = UserState.from_dict(user.to_dict())
    assert again == user
    assert again.person("mom").preferences.pace == 1.5 and again.person().preferences.pace == 0.8
    assert again.person().resume is None
    assert again.to_dict()["version"] == STATE_VERSION == 2


def test_a_session_for_someone_removed_falls_back_to_the_account_holder() -> None:
    user = UserState.of(True)
    assert user.person("grandpa") is user.people[SELF]
    assert SessionState.from_dict({"person": 7}).person == SELF
    assert SessionState.from_dict(SessionState(person="mom").to_dict()).person == "mom"


def test_todays_stored_shape_becomes_the_account_holders_state() -> None:
    stored = {
        "version": 1,
        "first_visit_done": True,
        "resume": {"script": "five-senses", "position": {"step": 4, "offset": 1.0}},
        "preferences": {"pace": 1.25},
        "playing": None,
    }
    user = UserState.from_dict(stored)
    assert list(user.people) == [SELF] and user.first_visit_done
    assert user.person().resume == Resume("five-senses", Position(4, 1.0))
    assert user.person().preferences.pace == 1.25 and user.person().name is None


def test_broken_people_data_falls_back_without_losing_the_rest() -> None:
    user = UserState.from_dict(
        {"version": 2, "first_visit_done": True, "people": {"mom": "nonsense", SELF: 4}}
    )
    assert user.first_visit_done and set(user.people) == {"mom", SELF}
    assert user.person("mom") == Person() and user.person() == Person()
    assert UserState.from_dict({"people": {"mom": {"name": "Mom"}}}).people[SELF] == Person()


def _stored(db: Path) -> UserState:
    from tests.test_store import envelope

    simulator_user = "amzn1.ask.account.tester"
    store = store_for(Settings(db_path=db))  # as the skill files it: under the keyed hash
    return UserState.from_dict(store.get_attributes(envelope(simulator_user)))


def test_settings_changed_in_moms_session_are_hers_alone(tmp_path: Path, matcher: Matcher) -> None:
    db = tmp_path / "s.sqlite3"
    device = make_simulator(build_skill(Settings(db_path=db)), matcher)
    device.say("alexa, ask steady ground to start five four three two one for my mom")
    device.say("slower")
    device.say("stop")
    stored = _stored(db)
    assert stored.person("mom").name == "Mom" and stored.person("mom").preferences.pace > 1
    assert stored.person().preferences.pace == 1.0
    # "my mother" is the same profile; the holder's own session keeps the holder's pace.
    device.say("alexa, ask steady ground to start five four three two one for my mother")
    assert device.state.attributes["person"] == "mom"
    device.say("stop")
    device.say("alexa, ask steady ground to start five four three two one")
    assert device.state.attributes["person"] == SELF
    assert set(_stored(db).people) == {SELF, "mom"}


def test_whom_a_request_names() -> None:
    assert identify("my mum", "mom") == ("mom", "Mum")
    assert identify("Nana", "grandma") == ("grandma", "Nana")
    assert identify("sam", "name:sam") == ("sam", "Sam")
    assert identify("my neighbour Jo", None) == ("neighbour-jo", "Neighbour Jo")
    assert identify("me", "me") == (SELF, None)
    assert identify("both of us", "us") == (SELF, None)
    assert identify("   ", None) is None and identify("self", None) is None


def test_history_keeps_eight_weeks_and_counts_the_last_seven_days() -> None:
    person = Person()
    start = date(2026, 9, 1)
    for days in range(0, 90, 3):
        person.finished("box-breathing", start + timedelta(days=days))
    today = start + timedelta(days=87)
    assert person.done[0].day > (today - timedelta(days=57)).isoformat()
    assert len(person.done_since(today - timedelta(days=6))) == 3
    again = Person.from_dict(person.to_dict())
    assert again.done == person.done
    broken = [["2026-11-29"], 4, ["2026-11-28", "x"], ["2026-11-27", 5], [None, "y"], "ab"]
    assert Person.from_dict({"done": broken}).done == [Done("2026-11-28", "x")]


MOM_VOICE = "amzn1.ask.person.MOMVOICE0000000001"
SAM_VOICE = "amzn1.ask.person.SAMVOICE0000000002"


def test_a_recognised_voice_gets_its_own_settings_and_is_greeted_by_name(
    tmp_path: Path, matcher: Matcher
) -> None:
    db = tmp_path / "s.sqlite3"
    skill = build_skill(Settings(db_path=db))
    # The first voice the account hears is the account holder's.
    mom = make_simulator(skill, matcher)
    mom.voice = MOM_VOICE
    mom.say("open steady ground")
    mom.say("stop")
    greeted = mom.say("open steady ground")
    assert greeted.ssml is not None
    assert f'<alexa:name type="first" personId="{MOM_VOICE}"/>' in greeted.ssml
    assert check(greeted.ssml) == [] and greeted.text.startswith("Hello, (your name).")
    mom.say("start five four three two one")
    mom.say("slower")
    mom.say("stop")
    # Another voice on the same account: a profile of its own, with the usual settings.
    sam = make_simulator(skill, matcher)
    sam.voice = SAM_VOICE
    sam.say("alexa, ask steady ground to start five four three two one")
    assert sam.state.attributes["person"].startswith("voice-")
    sam.say("stop")
    stored = _stored(db)
    holder = stored.person()
    other = stored.person(next(k for k in stored.people if k.startswith("voice-")))
    assert holder.preferences.pace > 1 and other.preferences.pace == 1.0
    raw = db.read_bytes() + (
        db.with_name(db.name + "-wal").read_bytes()
        if db.with_name(db.name + "-wal").exists()
        else b""
    )
    assert b"MOMVOICE" not in raw and b"SAMVOICE" not in raw  # only hashes are kept


SPEAKS_TO_THE_ROOM = [
    Category.SUICIDE,
    Category.SELF_HARM,
    Category.IMMINENT,
    Category.MEDICAL,
    Category.AMBIGUOUS,
    Category.DISTRESS,
]


@pytest.mark.parametrize("locale", LOCALES)
def test_in_a_session_for_someone_crisis_replies_also_speak_to_whoever_is_there(
    locale: str,
) -> None:
    content = bundle.bundle(locale)
    local = content.helplines.for_request(locale, None)
    for category in Category:
        if category is Category.NONE:
            continue
        own = render(compose(Wording.REPLY, category, local, content.crisis_wording))
        shared = render(
            compose(Wording.REPLY, category, local, content.crisis_wording, in_company=True)
        )
        assert "someone near you who is in danger" not in own
        assert ("someone near you who is in danger" in shared) == (
            category in SPEAKS_TO_THE_ROOM
        ), category
        assert check(shared) == [] and forbidden_found(shared, content.crisis_wording) == []
        # The question the reply ends with stays its last words.
        assert to_plain_text(own).rsplit(". ", 1)[-1] == to_plain_text(shared).rsplit(". ", 1)[-1]


def test_a_crisis_in_moms_session_speaks_to_the_room(skill: CustomSkill, matcher: Matcher) -> None:
    caregiver = make_simulator(skill, matcher, user="caregiver")
    caregiver.say("alexa, ask steady ground to start five four three two one for my mum")
    reply = caregiver.say("I want to kill myself")
    assert "988" in reply.text and "someone near you who is in danger" in reply.text
    alone = make_simulator(skill, matcher, user="alone")
    alone.say("alexa, ask steady ground to start five four three two one")
    assert "someone near you who is in danger" not in alone.say("I want to kill myself").text


def test_saying_who_you_are_links_your_voice_to_your_profile(
    tmp_path: Path, matcher: Matcher
) -> None:
    db = tmp_path / "s.sqlite3"
    skill = build_skill(Settings(db_path=db))
    daughter = make_simulator(skill, matcher)
    daughter.voice = SAM_VOICE
    daughter.say("open steady ground")
    daughter.say("make the pauses longer for my mum")
    daughter.say("stop")
    # Mum's voice is new to the account: at first it gets a profile of its own.
    mum = make_simulator(skill, matcher)
    mum.voice = MOM_VOICE
    mum.say("open steady ground")
    assert mum.state.attributes["person"].startswith("voice-")
    said = mum.say("this is mum")
    assert "I'll know your voice from now on" in said.text and "Mum" in said.text
    assert mum.state.attributes["person"] == "mom"
    mum.say("stop")
    stored = _stored(db)
    assert not any(key.startswith("voice-") for key in stored.people)  # folded into hers
    assert stored.person("mom").voice is not None
    assert stored.person(SELF).voice is not None and stored.person(SELF).voice != (
        stored.person("mom").voice
    )
    # From now on her voice is hers: her greeting, her settings.
    again = make_simulator(skill, matcher)
    again.voice = MOM_VOICE
    greeted = again.say("open steady ground")
    assert greeted.text.startswith("Hello, Mum.")
    assert again.state.attributes["person"] == "mom"
    assert _stored(db).person("mom").preferences.pause_scale > 1


def test_without_a_recognised_voice_saying_who_you_are_lasts_the_session(
    tmp_path: Path, matcher: Matcher
) -> None:
    db = tmp_path / "s.sqlite3"
    device = make_simulator(build_skill(Settings(db_path=db)), matcher)
    device.say("open steady ground")
    said = device.say("this is grandpa speaking")
    assert "Hello Grandpa. I'll use your settings for now." in said.text
    device.say("slower")
    device.say("stop")
    stored = _stored(db)
    assert stored.person("grandpa").preferences.pace > 1
    assert stored.person(SELF).preferences.pace == 1.0
    assert all(person.voice is None for person in stored.people.values())


def test_the_greeting_says_who_set_the_exercise_up(tmp_path: Path, matcher: Matcher) -> None:
    db = tmp_path / "s.sqlite3"
    device = make_simulator(build_skill(Settings(db_path=db)), matcher)
    first = device.say("alexa, ask steady ground to start a body scan for my mum")
    assert "Hello Mum. This one was set up for you." in first.text
    device.say("stop")
    device.say("open steady ground")
    noted = device.say("tell mum it's from her daughter")
    assert "Your daughter set this up for you" in noted.text
    device.say("stop")
    again = device.say("alexa, ask steady ground to start a body scan for my mum")
    assert "Hello Mum. Your daughter set up this body scan for you." in again.text
    device.say("stop")
    device.say("open steady ground")
    device.say("tell grandpa it's from sam")
    device.say("stop")
    grandpa = device.say("alexa, ask steady ground to start box breathing for grandpa")
    assert "Hello Grandpa. Sam set up this breathing exercise for you." in grandpa.text
    assert _stored(db).person("mom").set_up_by == "daughter"


def test_a_person_can_have_a_mans_or_a_womans_voice(tmp_path: Path, matcher: Matcher) -> None:
    device = make_simulator(build_skill(Settings(db_path=tmp_path / "s.sqlite3")), matcher)
    device.say("open steady ground")
    chosen = device.say("a man's voice for grandpa")
    assert "Grandpa will have a man's voice" in chosen.text
    assert chosen.ssml is not None and "<voice" not in chosen.ssml  # the caregiver's own voice
    device.say("stop")
    started = device.say("alexa, ask steady ground to start box breathing for grandpa")
    assert started.ssml is not None and started.ssml.startswith('<speak><voice name="Matthew">')
    assert check(started.ssml) == []
    reprompt = (started.response or {})["response"]["reprompt"]["outputSpeech"]["ssml"]
    assert '<voice name="Matthew">' in reprompt
    # A crisis is answered in the usual voice, whoever the session is for.
    crisis = device.say("i want to kill myself")
    assert crisis.ssml is not None and "<voice" not in crisis.ssml and "988" in crisis.text
    device.say("stop")
    own = device.say("alexa, ask steady ground to start box breathing")
    assert own.ssml is not None and "<voice" not in own.ssml
    device.say("stop")
    device.say("open steady ground")
    back = device.say("the usual voice for grandpa")
    assert "Grandpa will have the usual voice" in back.text
    device.say("stop")
    usual = device.say("alexa, ask steady ground to start box breathing for grandpa")
    assert usual.ssml is not None and "<voice" not in usual.ssml


def test_a_voice_the_locale_lacks_is_declined_and_not_kept(
    tmp_path: Path, matcher: Matcher
) -> None:
    device = make_simulator(build_skill(Settings(db_path=tmp_path / "s.sqlite3")), matcher)
    device.locale = "en-IN"
    device.say("open steady ground")
    said = device.say("a man's voice")
    assert "I don't have that voice here" in said.text
    device.say("stop")
    again = device.say("alexa, ask steady ground to start box breathing")
    assert again.ssml is not None and "<voice" not in again.ssml
    assert _stored(tmp_path / "s.sqlite3").person().preferences.voice is None


def test_bedtime_mode_ends_a_persons_exercises_quietly(tmp_path: Path, matcher: Matcher) -> None:
    db = tmp_path / "s.sqlite3"
    device = make_simulator(build_skill(Settings(db_path=db)), matcher)
    device.say("open steady ground")
    assert "bedtime mode" in device.say("bedtime mode for grandpa").text
    device.say("stop")

    def finish(request: str) -> str:
        reply = device.say(request)
        for _ in range(40):
            if reply.ended:
                return reply.text
            reply = device.say("next")
        raise AssertionError("the exercise never ended")

    last = finish("alexa, ask steady ground to start box breathing for grandpa")
    assert last.endswith("Rest well.") and "another exercise" not in last
    mine = device.say("alexa, ask steady ground to start box breathing")
    for _ in range(40):
        if mine.ended or "another exercise" in mine.text:
            break
        mine = device.say("next")
    assert "another exercise" in mine.text and not mine.ended  # the holder is asked what next
    assert _stored(db).person("grandpa").preferences.bedtime


@pytest.mark.parametrize("words", ["me while i breathe", "the office", "it please", "a b c d"])
def test_words_that_are_not_someone_make_no_profile(words: str) -> None:
    assert identify(words, None) is None


def test_an_unlisted_name_is_someone() -> None:
    assert identify("Bartholomew", None) == ("bartholomew", "Bartholomew")
    assert identify("my Aunt Jo", None) == ("aunt-jo", "Aunt Jo")
