"""Everyday requests (core/needs.py on data/en/needs.yaml), and the model that carries them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from skill.alexa.app import build_skill
from skill.content.bundle import LocaleBundle, bundle
from skill.content.files import model_file
from skill.content.locales import LOCALES
from skill.core.needs import Needs
from skill.core.safety.categories import SUPPORT_CATEGORIES
from skill.core.script import Kind
from skill.core.understood import Understood
from skill.settings import Settings
from skill.tools.nlu import Matcher
from tests.conftest import make_simulator


@pytest.fixture(scope="module")
def content() -> LocaleBundle:
    return bundle("en-US")


@pytest.fixture(scope="module")
def needs(content: LocaleBundle) -> Needs:
    return content.needs


def test_every_exercise_the_needs_name_exists(needs: Needs, content: LocaleBundle) -> None:
    assert needs.script_ids() <= set(content.library.scripts)


@pytest.mark.parametrize(
    ("said", "need"),
    [
        ("i really can't sleep", "sleep"),
        ("my thoughts are racing", "racing"),
        ("i'm so overwhelmed", "overwhelmed"),
        ("i feel numb", "numb"),
        ("honestly i'm stressed", "calm"),
        # everyday words from anywhere in the English-speaking world
        ("i can't get any kip", "sleep"),
        ("been tossing and turning for hours", "sleep"),
        ("i'm a bit nervy", "calm"),
        ("i've got butterflies", "calm"),
        ("i'm absolutely knackered", "energy"),
        ("i'm zonked", "energy"),
        ("i feel ungrounded", "disconnected"),
        ("my attention span is shot", "focus"),
        ("i'm up to my eyes", "overwhelmed"),
        ("i'm not sleeping well", "sleep"),
    ],
)
def test_a_need_is_heard_anywhere_in_what_was_said(
    needs: Needs, content: LocaleBundle, said: str, need: str
) -> None:
    got = needs.understand(said, content.library)
    assert got.need is not None and got.need.id == need


def test_a_need_denied_is_not_heard(needs: Needs, content: LocaleBundle) -> None:
    assert needs.understand("i am not anxious", content.library).need is None
    assert needs.understand("i'm not stressed at all", content.library).need is None


def test_the_longest_phrase_decides(needs: Needs, content: LocaleBundle) -> None:
    # "tired" is energy, "tired but wired" is sleep.
    got = needs.understand("i'm tired but wired", content.library)
    assert got.need is not None and got.need.id == "sleep"


@pytest.mark.parametrize(
    ("said", "kinds"),
    [
        # two words of low energy beat one of sleep; a word said twice is said once
        ("so drained, i need a boost before my night shift", {"movement", "breathing"}),
        ("i'm wrecked, absolutely wrecked, and i need to get some sleep", {"body_scan"}),
    ],
)
def test_more_words_of_a_need_decide_before_a_longer_phrase(
    needs: Needs, content: LocaleBundle, said: str, kinds: set[str]
) -> None:
    ids = _answered(needs.understand(said, content.library))
    assert ids and {content.library.scripts[i].kind.value for i in ids} <= kinds, ids


def _answered(got: Understood) -> list[str]:
    """The exercises an understanding starts or offers: one named, options, or a need's offer."""
    if got.script is not None:
        return [got.script.id]
    return [s.id for s in got.options] or list(got.need.answer if got.need else ())


def test_history_keeps_the_kind_said(needs: Needs, content: LocaleBundle) -> None:
    got = needs.understand("the breathing one again", content.library)
    assert got.again and got.kind is Kind.BREATHING


def test_a_long_name_said_in_part_names_it_but_kind_words_alone_do_not(
    needs: Needs, content: LocaleBundle
) -> None:
    named = needs.understand("the five senses thing", content.library)
    assert named.script is not None and named.script.id == "five-senses"
    long_scan = needs.understand("neither, the long body scan", content.library)
    assert long_scan.script is not None and long_scan.script.id == "bedtime-body-scan"


@pytest.mark.parametrize(
    ("said", "most"),
    [("i only have a minute", 2.5), ("a quick breathing exercise", 3.0)],
)
def test_a_length_keeps_to_it(needs: Needs, content: LocaleBundle, said: str, most: float) -> None:
    got = needs.understand(said, content.library)
    chosen = [got.script] if got.script else list(got.options)
    assert chosen and all(s is not None and s.minutes <= most for s in chosen)


def test_a_place_keeps_what_can_be_done_there(needs: Needs, content: LocaleBundle) -> None:
    desk = needs.understand("something i can do at my desk", content.library)
    assert desk.options and all("lying_down" not in s.tags for s in desk.options)
    lying = needs.understand("something i can do lying down", content.library)
    chosen = [lying.script] if lying.script else list(lying.options)
    assert chosen and all(
        s is not None and ("lying_down" in s.tags or s.kind in (Kind.BREATHING, Kind.BODY_SCAN))
        for s in chosen
    )


def test_words_inside_a_place_belong_to_the_place(needs: Needs, content: LocaleBundle) -> None:
    """ "Flat" is low energy and "my back" is tension, but "flat on my back on the floor" is
    where the person is: what can be done lying down, not a stretch."""
    got = needs.understand("i'm flat on my back on the floor", content.library)
    chosen = [got.script] if got.script else list(got.options)
    assert got.need is None and chosen
    assert all(
        s is not None and ("lying_down" in s.tags or s.kind in (Kind.BREATHING, Kind.BODY_SCAN))
        for s in chosen
    )
    # a place no longer than the need's own words leaves the need: "in bed" is still sleep
    in_bed = needs.understand("i'm in bed and i can't sleep", content.library)
    assert in_bed.need is not None and in_bed.need.id == "sleep"


def test_a_need_said_beats_a_name_only_nearly_said(needs: Needs, content: LocaleBundle) -> None:
    """Saying "get this essay done" holds two of the three telling words of "one thing to get done";
    the need said with them (a scattered brain, an essay) is what was asked for."""
    said = "brain's scattered and i've got to get this essay done"
    got = needs.understand(said, content.library)
    chosen = _answered(got)
    focus = next(n for n in needs.needs if n.id == "focus")
    assert chosen and all(s in focus.suits for s in chosen)
    # all of a name still names it, need or not
    named = needs.understand("the bedtime body scan, i can't sleep", content.library)
    assert named.script is not None and named.script.id == "bedtime-body-scan"


def test_nothing_understood_is_nothing(needs: Needs, content: LocaleBundle) -> None:
    assert not needs.understand("the purple dinosaur on my shelf", content.library).anything


def _model(locale: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(model_file(locale).read_text(encoding="utf-8"))
    return data["interactionModel"]["languageModel"]


@pytest.mark.parametrize("locale", LOCALES)
def test_request_values_are_need_phrases_no_other_type_uses(locale: str, needs: Needs) -> None:
    language = _model(locale)
    spellings: dict[str, set[str]] = {}
    for slot_type in language["types"]:
        for value in slot_type["values"]:
            name = value["name"]
            for spelling in (name["value"], *name.get("synonyms", [])):
                spellings.setdefault(spelling.lower(), set()).add(slot_type["name"])
    request = {s for s, types in spellings.items() if "REQUEST" in types}
    assert all(spellings[s] == {"REQUEST"} for s in request)
    phrases = {" ".join(p) for n in needs.needs for p in n.words.items}
    assert {needs.normalise(s) for s in request} <= phrases


def test_words_no_sample_takes_reach_the_skill_whole() -> None:
    matcher = Matcher.load(model_file("en-US"))
    got = matcher.match("i keep lying awake at three in the morning")
    assert got.intent == "RequestIntent"
    assert got.slots["request"].value == "i keep lying awake at three in the morning"


def test_other_forms_of_a_word_are_its_word(needs: Needs, content: LocaleBundle) -> None:
    calmer = needs.understand("i'd like to feel calmer", content.library)
    assert calmer.need is not None and calmer.need.id == "calm"
    worries = needs.understand("so many worries", content.library)
    assert worries.need is not None and worries.need.id == "calm"


def test_a_phrase_may_have_a_word_inside_it(needs: Needs, content: LocaleBundle) -> None:
    got = needs.understand("my thoughts are really racing", content.library)
    assert got.need is not None and got.need.id == "racing"


def test_a_need_comes_before_history(needs: Needs, content: LocaleBundle) -> None:
    got = needs.understand("i woke up and can't sleep again", content.library)
    assert got.need is not None and got.need.id == "sleep" and not got.again


def test_a_place_heard_as_a_person_is_still_a_place(tmp_path: Path, matcher: Matcher) -> None:
    device = make_simulator(build_skill(Settings(db_path=tmp_path / "s.sqlite3")), matcher)
    device.say("open steady ground")
    device.say("something calm for the train")
    attributes = device.state.attributes
    chosen = [attributes.get("script")] if attributes.get("script") else attributes["choices"]
    library = bundle("en-US").library
    assert chosen and all("lying_down" not in library.scripts[s].tags for s in chosen)
    assert "the-train" not in device.state.attributes.get("person", "")


def _chosen(needs: Needs, content: LocaleBundle, said: str) -> list[str]:
    got = needs.understand(said, content.library)
    return [got.script.id] if got.script else [s.id for s in got.options]


def _suits(needs: Needs, need: str) -> set[str]:
    return set(next(n for n in needs.needs if n.id == need).suits)


def test_a_need_and_a_length_both_count(needs: Needs, content: LocaleBundle) -> None:
    chosen = _chosen(needs, content, "i'm anxious and only have a minute")
    assert chosen and set(chosen) <= _suits(needs, "calm")
    assert all(content.library.scripts[s].minutes <= 2.5 for s in chosen)
    assert _chosen(needs, content, "a quick stretch for my stiff neck") == ["gentle-stretch"]


def test_two_needs_keep_what_suits_both(needs: Needs, content: LocaleBundle) -> None:
    chosen = _chosen(needs, content, "i feel tense and anxious")
    assert chosen and set(chosen) <= _suits(needs, "calm") & _suits(needs, "tense")


def test_a_hint_narrows_a_need_but_is_no_need_alone(needs: Needs, content: LocaleBundle) -> None:
    chosen = _chosen(needs, content, "late and my brain won't shut off")
    assert chosen and set(chosen) <= _suits(needs, "sleep") & _suits(needs, "racing")
    assert not needs.understand("i'm running late", content.library).anything


def test_the_words_of_a_need_are_not_a_length(needs: Needs, content: LocaleBundle) -> None:
    got = needs.understand("my mind is going a mile a minute", content.library)
    assert got.need is not None and got.need.id == "racing"


@pytest.mark.parametrize(
    ("said", "most"),
    [("i've only got sixty seconds", 2.5), ("five minutes tops", 5.0), ("a 2 minute one", 2.5)],
)
def test_a_length_said_as_a_number_keeps_to_it(
    needs: Needs, content: LocaleBundle, said: str, most: float
) -> None:
    chosen = _chosen(needs, content, said)
    assert chosen and all(content.library.scripts[s].minutes <= most for s in chosen)


@pytest.mark.parametrize(
    "said", ["the one from earlier", "the one i was doing", "finish that one", "my usual"]
)
def test_history_said_other_ways_is_history(needs: Needs, content: LocaleBundle, said: str) -> None:
    assert needs.understand(said, content.library).again


def test_the_kind_said_from_earlier_starts_the_last_of_that_kind(
    tmp_path: Path, matcher: Matcher
) -> None:
    device = make_simulator(build_skill(Settings(db_path=tmp_path / "s.sqlite3")), matcher)
    for words in ["open steady ground", "start box breathing", "stop", "open steady ground"]:
        device.say(words)
    for words in ["start the gentle stretch", "stop", "open steady ground"]:
        device.say(words)
    device.say("the breathing one from earlier")
    assert device.state.attributes.get("script") == "box-breathing"


def test_a_name_said_by_its_one_telling_word(needs: Needs, content: LocaleBundle) -> None:
    assert _chosen(needs, content, "the square one") == ["box-breathing"]
    assert _chosen(needs, content, "the triangle one please") == ["three-part-breath"]


def test_small_words_of_a_name_do_not_name_it(needs: Needs, content: LocaleBundle) -> None:
    # "how am i feeling" is a name of the feelings check-in; "am" and "feeling" say nothing.
    got = needs.understand("i'm feeling nothing at all", content.library)
    assert got.script is None and got.need is not None and got.need.id == "numb"


def test_words_of_two_needs_keep_what_suits_both(needs: Needs, content: LocaleBundle) -> None:
    # "frazzled" is calm and overwhelmed; "restless" is calm and sleep; "blank" numb, focus and
    # feeling far away: the answer suits every reading, so it is never the wrong one.
    assert set(_chosen(needs, content, "i'm frazzled")) <= _suits(needs, "calm") & _suits(
        needs, "overwhelmed"
    )
    assert set(_chosen(needs, content, "i'm so restless")) <= _suits(needs, "sleep") & _suits(
        needs, "calm"
    )
    chosen = _chosen(needs, content, "i am a bit blank today")
    assert chosen and set(chosen) <= _suits(needs, "numb") & _suits(needs, "focus")


def test_every_word_of_two_needs_has_something_that_suits_both(needs: Needs) -> None:
    for phrase in {p for n in needs.needs for p in n.words.items}:
        sharing = [n for n in needs.needs if phrase in n.words.items]
        if len(sharing) > 1:
            common = set.intersection(*(set(n.suits) for n in sharing))
            assert common, f"{' '.join(phrase)!r} is {[n.id for n in sharing]}: nothing suits all"


def test_a_feeling_said_alone_is_read_as_felt(tmp_path: Path, matcher: Matcher) -> None:
    # The model keeps only the feeling ("nothing"); the skill reads it as "i feel nothing".
    device = make_simulator(build_skill(Settings(db_path=tmp_path / "s.sqlite3")), matcher)
    device.say("open steady ground")
    device.say("i feel nothing")
    numb = set(bundle("en-US").needs.needs[4].suits)
    choices = set(device.state.attributes.get("choices") or [])
    assert choices and choices <= numb


@pytest.mark.parametrize(
    ("said", "need"),
    [
        ("help me get some zeds", "sleep"),
        ("i'm up at silly o'clock", "sleep"),
        ("i'm buggered", "energy"),
        ("i'm flagging", "energy"),
        ("i'm a bundle of nerves", "calm"),
        ("i'm chocka", "overwhelmed"),
        ("i'm up to high doh", "overwhelmed"),
        ("everything feels grey", "numb"),
        ("i'm not with it today", "disconnected"),
        ("i keep losing my train of thought", "focus"),
        ("so much pressure on me at work", "calm"),
        ("my to do list never ends and i don't know what to do first", "overwhelmed"),
        ("it's like walking through mud today", "energy"),
    ],
)
def test_more_everyday_words_name_a_need(
    needs: Needs, content: LocaleBundle, said: str, need: str
) -> None:
    got = needs.understand(said, content.library)
    chosen = {got.need.id} if got.need else set(_chosen(needs, content, said))
    assert chosen == {need} or (chosen and chosen <= _suits(needs, need))


def test_a_need_hinted_at_by_when_and_where(needs: Needs, content: LocaleBundle) -> None:
    # Racing thoughts, lying here, work tomorrow: what suits both sleep and racing thoughts.
    said = "i keep lying here and my brain just keeps going and i've got work tomorrow"
    chosen = _chosen(needs, content, said)
    assert chosen and set(chosen) <= _suits(needs, "sleep") & _suits(needs, "racing")


@pytest.mark.parametrize(
    ("said", "what"),
    [
        ("i've only got a sec", "short"),
        ("i'm pressed for time", "short"),
        ("dunno, just pick something", "surprise"),
        ("whatever you recommend", "surprise"),
        ("my regular one", "again"),
        ("pick up where i left off", "again"),
        ("something where you count", "counted"),
    ],
)
def test_lengths_choices_and_history_said_other_ways(
    needs: Needs, content: LocaleBundle, said: str, what: str
) -> None:
    got = needs.understand(said, content.library)
    if what == "short":
        chosen = _chosen(needs, content, said)
        assert chosen and all(content.library.scripts[s].minutes <= 3 for s in chosen)
    elif what == "counted":
        assert got.script is not None and got.script.id == needs.counted
    else:
        assert getattr(got, what)


@pytest.mark.parametrize(
    ("said", "referral"),
    [
        ("i've been down in the dumps for ages", "depression"),
        ("not been myself for months, just really low", "depression"),
        ("you know a number for a counsellor", "support"),
    ],
)
def test_a_low_mood_for_long_or_a_counsellor_is_a_referral(
    needs: Needs, content: LocaleBundle, said: str, referral: str
) -> None:
    assert needs.understand(said, content.library).referral == referral


def test_every_referral_in_the_needs_data_has_a_support_reply(needs: Needs) -> None:
    """A referral is answered with the crisis check's reply for its support category: one
    without a reply would leave the listener with an apology."""
    assert needs.referrals
    assert {r.id for r in needs.referrals} <= {c.value for c in SUPPORT_CATEGORIES}


def test_a_low_day_is_still_a_need(needs: Needs, content: LocaleBundle) -> None:
    got = needs.understand("i'm feeling low today", content.library)
    assert got.referral is None and got.need is not None and got.need.id == "feelings"


def test_a_kind_turned_down_is_not_asked_for(needs: Needs, content: LocaleBundle) -> None:
    assert not needs.understand("not a breathing one", content.library).anything
    calm = needs.needs[3]
    got = needs.understand("not a breathing one", content.library, calm.answer)
    assert got.options and all(s.kind is not Kind.BREATHING for s in got.options)
    asked = needs.understand("no, a body scan", content.library)
    assert asked.options and all(s.kind is Kind.BODY_SCAN for s in asked.options)
    # Said first, "not" turns a kind down rather than denying a need ("not anxious" is no need).
    assert needs.turned_down("not breathing, something else") is Kind.BREATHING
    assert needs.turned_down("no breathing ones, something different") is Kind.BREATHING
    assert needs.turned_down("no, a body scan") is None
    assert needs.turned_down("something else") is None
    got = needs.understand("not breathing, something else", content.library, calm.answer)
    assert got.options and all(s.kind is not Kind.BREATHING for s in got.options)


def test_a_length_said_about_an_offer_keeps_to_its_need(
    needs: Needs, content: LocaleBundle
) -> None:
    calm = needs.needs[3]
    got = needs.understand("something shorter", content.library, calm.answer)
    assert got.options and {s.id for s in got.options} <= set(calm.suits)
    assert all(s.minutes <= 3 for s in got.options)


@pytest.mark.parametrize(
    "said",
    [
        "i'm wrecked and still can't sleep",
        "exhausted but my eyes won't stay shut",
        "knackered and can't fall asleep",
    ],
)
def test_tired_but_unable_to_sleep_is_sleep(needs: Needs, content: LocaleBundle, said: str) -> None:
    """Tiredness words ("wrecked", 'done in') are the energy need on their own; beside not
    sleeping, sleep is what is asked for."""
    got = needs.understand(said, content.library)
    assert got.need is not None and got.need.id == "sleep"


def test_a_length_said_as_a_number_leads_to_what_takes_about_that_long(
    needs: Needs, content: LocaleBundle
) -> None:
    """ "The fifteen minute scan" is the long one, not every scan of fifteen minutes or less;
    "five minutes tops" still keeps everything within five."""
    assert _chosen(needs, content, "the fifteen minute scan") == ["bedtime-body-scan"]
    assert _chosen(needs, content, "a five minute body scan") == ["body-scan-short"]
    chosen = _chosen(needs, content, "a breathing one, ten minutes")
    assert chosen and all(content.library.scripts[s].kind is Kind.BREATHING for s in chosen)


def test_a_kind_said_where_a_feeling_was_expected_is_the_kind(
    tmp_path: Path, matcher: Matcher
) -> None:
    """The model may carry "just breathing, nothing fancy" as a feeling; read as felt it would
    be "feeling nothing" (numb). Words that describe an exercise are read as said."""
    device = make_simulator(build_skill(Settings(db_path=tmp_path / "s.sqlite3")), matcher)
    device.say("open steady ground")
    device.say("just breathing, nothing fancy")
    library = bundle("en-US").library
    attributes = device.state.attributes
    chosen = [attributes.get("script")] if attributes.get("script") else attributes["choices"]
    assert chosen and all(library.scripts[s].kind is Kind.BREATHING for s in chosen)


@pytest.mark.parametrize(
    "said",
    [
        "is there anyone to chat to",
        "a line i can ring",
        "what number can i text",
        "someone to chat with on the phone",
    ],
)
def test_asking_for_a_line_or_someone_to_chat_to_is_support(
    needs: Needs, content: LocaleBundle, said: str
) -> None:
    assert needs.understand(said, content.library).referral == "support"


def test_repeat_with_nothing_said_yet_is_the_last_exercise(
    tmp_path: Path, matcher: Matcher
) -> None:
    """ "Repeat that" after opening repeats the welcome; said first thing ("Alexa, tell Steady
    Ground to repeat that") by someone who did box breathing before, it is box breathing."""
    device = make_simulator(build_skill(Settings(db_path=tmp_path / "s.sqlite3")), matcher)
    for words in ["open steady ground", "start box breathing", "stop"]:
        device.say(words)
    device.say("repeat that")
    assert device.state.attributes.get("script") == "box-breathing"
    device.say("stop")
    device.say("open steady ground")
    again = device.say("repeat that")
    assert device.state.attributes.get("mode") == "menu"
    assert "grounding" in again.text


@pytest.mark.parametrize(
    ("said", "script"),
    [
        ("naming stuff around me", "see-hear-touch"),
        ("the one where i list objects i can see", "see-hear-touch"),
        # "You" said of anyone: the one where you name things is the one where I do.
        ("the one where you name stuff you can see", "see-hear-touch"),
        # The name as it is written, and as a speech recogniser may give it back.
        ("the 5 4 3 2 1 thing please", "five-senses"),
    ],
)
def test_other_words_for_the_same_name_an_exercise(
    needs: Needs, content: LocaleBundle, said: str, script: str
) -> None:
    got = needs.understand(said, content.library)
    assert got.script is not None and got.script.id == script


@pytest.mark.parametrize("said", ["you decide", "whichever", "up to you"])
def test_leaving_it_to_the_skill_after_the_distress_reply_keeps_noticing_the_room(
    tmp_path: Path, matcher: Matcher, said: str
) -> None:
    """The distress reply ends "we can stop here, or keep noticing the room": a choice left to
    the skill is the eyes-open orienting exercise, never a random one."""
    device = make_simulator(build_skill(Settings(db_path=tmp_path / "s.sqlite3")), matcher)
    device.say("open steady ground")
    device.say("i'm having a panic attack")
    assert device.state.attributes.get("mode") == "crisis"
    device.say(said)
    orienting = bundle("en-US").offers.orienting
    assert device.state.attributes.get("script") == orienting


@pytest.mark.parametrize(
    ("first", "then", "script"),
    [
        ("start the short body scan", "no, the long one", "bedtime-body-scan"),
        ("start box breathing", "no, a longer one", "three-part-breath"),
    ],
)
def test_a_length_said_alone_during_an_exercise_picks_within_its_kind(
    tmp_path: Path, matcher: Matcher, first: str, then: str, script: str
) -> None:
    """ "No, a longer one", during box breathing, is the longest breathing exercise, not the
    longest exercise of any kind (the bedtime scan)."""
    device = make_simulator(build_skill(Settings(db_path=tmp_path / "s.sqlite3")), matcher)
    device.say("open steady ground")
    device.say(first)
    device.say(then)
    assert device.state.attributes.get("script") == script


def test_low_on_something_every_day_is_not_a_low_mood(needs: Needs, content: LocaleBundle) -> None:
    tired = needs.understand("i feel really low on energy every day this week", content.library)
    assert tired.referral is None and tired.need is not None and tired.need.id == "energy"
    assert needs.understand("i've felt really low every day", content.library).referral == (
        "depression"
    )


@pytest.mark.parametrize(
    ("said", "asks"),
    [
        ("any other options?", True),
        ("hmm what else have you got", True),
        ("else", True),  # all the model kept of "something else"
        ("neither, something different", True),
        ("the other one", False),  # the last offer (choosing.yaml `last`)
        ("start one for someone else", False),  # a person, not other exercises
        ("no, nothing else", False),
        ("any other numbers i can call", False),  # a helpline
        ("is there a different line", False),
    ],
)
def test_words_that_ask_for_other_exercises(content: LocaleBundle, said: str, asks: bool) -> None:
    assert content.choosing.asks_for_others(said) is asks
