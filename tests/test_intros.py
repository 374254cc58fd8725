"""Talking like a person: the whole introduction once, then a sentence; the stop line once a
session; titles inside sentences; counting out loud; the disclaimer on a first one-shot use.

Every check is of what a listener would notice: the words heard, in order, and the seconds
before the first breath (the timeline's own estimates, as the engine budgets them).
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from skill.content.bundle import LocaleBundle, bundle
from skill.core.conversation.actions import Outcome, Play, State
from skill.core.conversation.events import Event, EventKind, Heard, Player
from skill.core.conversation.rules import Conversation
from skill.core.handsfree import Chapter, Track, Variant
from skill.core.people import MAX_HEARD, Person, Resume
from skill.core.position import Position
from skill.core.preferences import Preferences
from skill.core.script import Script
from skill.core.state import Mode, SessionState, UserState
from skill.core.timeline import Silence, Speech, Timeline
from skill.speech.plain import plain_text
from skill.speech.ssml import ResponseBudget, check, render

K = EventKind
NOW = datetime(2026, 11, 29, 21, 0, tzinfo=UTC)
STOP_LINE = "You can say stop or pause at any time."


@pytest.fixture(scope="module")
def content() -> LocaleBundle:
    return bundle("en-US")


@pytest.fixture(scope="module")
def talk(content: LocaleBundle) -> Conversation:
    return Conversation(content, ResponseBudget())


class Listener:
    """One person talking to the skill, session after session."""

    def __init__(self, talk: Conversation, user: UserState | None = None) -> None:
        self.talk = talk
        self.state = State(SessionState(), user or UserState.of(first_visit_done=True))
        self.clock = NOW

    def __call__(self, kind: EventKind, **fields: object) -> Outcome:
        self.clock += timedelta(seconds=30)
        fields.setdefault("seed", "seed-1")
        fields.setdefault("time", self.clock)
        outcome = self.talk.step(self.state, Event(kind, **fields))  # type: ignore[arg-type]
        self.state = outcome.state
        return outcome

    def start(self, script_id: str, **fields: object) -> Outcome:
        return self(
            K.START_EXERCISE, exercise=Heard(script_id.replace("-", " "), script_id), **fields
        )

    def new_session(self) -> None:
        self.state = State(SessionState(), self.state.user)
        self.clock += timedelta(days=1)


def heard(outcome: Outcome) -> Timeline:
    speech = outcome.speak.speech
    assert isinstance(speech, Timeline), speech
    return speech


def said(outcome: Outcome) -> str:
    return plain_text(heard(outcome))


def seconds_before(timeline: Timeline, words: str) -> float:
    """Seconds from the start of a reply to the first item that begins with `words`."""
    seconds = 0.0
    for item in timeline.items:
        if isinstance(item, Speech) and item.text.startswith(words):
            return seconds
        seconds += item.seconds
    raise AssertionError(f"never heard {words!r}: {plain_text(timeline)}")


def seconds_at(timeline: Timeline, position: Position) -> float:
    """Seconds from the start of a reply to where a step begins."""
    return next(seconds for seconds, at in timeline.marks() if at == position)


def script(content: LocaleBundle, script_id: str) -> Script:
    found = content.library.get(script_id)
    assert found is not None
    return found


# --- the whole introduction once, then one sentence ----------------------------------------------


@pytest.mark.parametrize(
    ("script_id", "first_at_least", "again_at_most"),
    [("box-breathing", 40.0, 20.0), ("four-seven-eight", 50.0, 20.0)],
)
def test_the_first_breath_comes_much_sooner_once_the_exercise_is_known(
    talk: Conversation,
    content: LocaleBundle,
    script_id: str,
    first_at_least: float,
    again_at_most: float,
) -> None:
    listener = Listener(talk)
    first = listener.start(script_id)
    note = script(content, script_id).content_note
    assert note is not None and note in said(first)
    before_first = seconds_before(heard(first), "Breathe in")
    assert before_first >= first_at_least
    listener.new_session()
    again = listener.start(script_id)
    words = said(again)
    assert words.startswith(script(content, script_id).short_intro or "-")
    assert note not in words and "eyes open or closed" not in words.lower()
    assert STOP_LINE in words  # a new session: said once more
    before_again = seconds_before(heard(again), "Breathe in")
    assert before_again <= again_at_most and before_again < before_first / 2


def test_every_script_opens_shorter_for_a_returning_listener(
    talk: Conversation, content: LocaleBundle
) -> None:
    """The exercise proper (the first step after the introduction) comes sooner, every time."""
    for each in content.library:
        listener = Listener(talk)
        first = heard(listener.start(each.id))
        listener.new_session()
        again = heard(listener.start(each.id))
        assert each.short_intro is not None and plain_text(again).startswith(each.short_intro)
        assert each.content_note is None or each.content_note not in plain_text(again)
        begins = Position(each.intro_end)
        assert seconds_at(again, begins) < seconds_at(first, begins), each.id


def test_the_introduction_is_kept_per_person_and_survives_storage(talk: Conversation) -> None:
    listener = Listener(talk)
    listener.start("box-breathing")
    stored = UserState.from_dict(listener.state.user.to_dict())
    assert stored.person().has_heard("box-breathing")
    assert not stored.person().has_heard("four-seven-eight")
    mum = Listener(talk, stored)
    first_for_mum = mum.start("box-breathing", person=Heard("mum", "mom"))
    assert "short holds in this one" in said(first_for_mum)  # Mum has not heard it yet


def test_tell_me_more_gives_the_whole_introduction_then_the_exercise(
    talk: Conversation, content: LocaleBundle
) -> None:
    listener = Listener(talk)
    listener.start("four-seven-eight")
    listener.new_session()
    short = listener.start("four-seven-eight")
    assert "long hold" not in said(short)
    more = listener(K.MORE)
    words = said(more)
    assert words.startswith("Of course. Here's a little more about Four seven eight breathing.")
    assert "This one has a long hold" in words and "light-headed" in words
    assert STOP_LINE not in words  # already said in this session
    assert words.index("light-headed") < words.index("Breathe in")
    assert listener.state.session.mode in (Mode.EXERCISE, Mode.FINISHED)


def test_tell_me_more_with_no_exercise_offers_the_menu(talk: Conversation) -> None:
    listener = Listener(talk)
    listener(K.LAUNCH)
    reply = listener(K.MORE)
    assert listener.state.session.mode is Mode.MENU and reply.speak.listen


def test_heard_exercises_are_read_from_old_data_and_kept_small() -> None:
    old = {"name": None, "done": [["2026-11-01", "box-breathing"], ["2026-11-02", "box-breathing"]]}
    assert Person.from_dict(old).heard == ["box-breathing"]
    assert Person.from_dict({"heard": ["a", 3, "a", None, "b"]}).heard == ["a", "b"]
    assert Person.from_dict({"heard": "box-breathing"}).heard == []
    person = Person()
    for number in range(MAX_HEARD + 5):
        person.introduced(f"script-{number}")
    assert len(person.heard) == MAX_HEARD and person.has_heard(f"script-{MAX_HEARD + 4}")
    assert not person.introduced(f"script-{MAX_HEARD + 4}")


# --- the stop line once a session ---------------------------------------------------------------


def test_the_stop_line_is_said_in_the_first_exercise_of_a_session_only(talk: Conversation) -> None:
    listener = Listener(talk)
    listener(K.LAUNCH)
    first = listener.start("box-breathing")
    assert said(first).count(STOP_LINE) == 1
    second = listener.start("four-seven-eight")
    assert STOP_LINE not in said(second)
    assert "Keep your eyes open or closed" in said(second)  # the rest of the intro is there
    listener.new_session()
    third = listener.start("four-seven-eight")
    assert said(third).count(STOP_LINE) == 1


def test_picking_up_in_a_new_session_says_the_stop_line(talk: Conversation) -> None:
    user = UserState.of(first_visit_done=True, resume=Resume("body-scan-short", Position(4)))
    listener = Listener(talk, user)
    listener(K.LAUNCH)
    picked = listener(K.YES)
    words = said(picked)
    assert words.startswith("Let's pick up the Short body scan") or words.startswith(
        "Picking up the Short body scan"
    )
    assert words.count(STOP_LINE) == 1


# --- titles inside sentences --------------------------------------------------------------------


def test_titles_read_naturally_inside_sentences(talk: Conversation, content: LocaleBundle) -> None:
    assert script(content, "body-scan-short").spoken_title == "the Short body scan"
    assert script(content, "box-breathing").spoken_title == "Box breathing"
    user = UserState.of(first_visit_done=True, resume=Resume("body-scan-short", Position(4)))
    listener = Listener(talk, user)
    offer = listener(K.LAUNCH)
    assert "partway through the Short body scan." in said(offer)
    assert offer.speak.reprompt is not None
    assert "carry on with the Short body scan?" in plain_text(offer.speak.reprompt)
    listener = Listener(talk)
    opening = said(listener.start("body-scan-short", player=Player(supported=False)))
    assert opening.startswith(("Here's the Short body scan.", "Let's begin the Short body scan."))
    assert content.phrases.variants("start") == ["{title}."]  # the title alone, as a heading


# --- counting out loud --------------------------------------------------------------------------


def _cue_starts(timeline: Timeline, cues: set[str]) -> list[tuple[str, float]]:
    seconds, starts = 0.0, []
    for item in timeline.items:
        if isinstance(item, Speech) and item.text in cues:
            starts.append((item.text, seconds))
        seconds += item.seconds
    return starts


def test_count_for_me_counts_each_phase_within_its_own_seconds(talk: Conversation) -> None:
    listener = Listener(talk)
    plain = heard(listener.start("box-breathing"))
    counted_reply = listener(K.CONTROL, setting="counting")
    assert said(counted_reply).startswith("Okay. I'll count each breath out loud.")
    assert listener.state.user.person().preferences.counting  # kept for next time
    listener.new_session()
    counted = heard(listener.start("box-breathing"))
    words = plain_text(counted)
    assert "Breathe in 2 3 4 Hold 2 3 4 Breathe out 2 3 4 Rest 2 3 4 Breathe in" in words
    cues = {"Breathe in", "Hold", "Breathe out", "Rest"}
    starts = _cue_starts(counted, cues)
    gaps = [round(b - a, 2) for (_, a), (_, b) in itertools.pairwise(starts)]
    assert gaps[:15] == [4.0] * 15  # the phases are exactly as long as without counting
    quiet = [plain_text(Timeline([i])) for i in plain.items if isinstance(i, Speech)]
    assert "2" not in quiet
    assert check(render(counted)) == []


def test_counting_follows_the_pattern_and_stops_when_asked(talk: Conversation) -> None:
    listener = Listener(
        talk, UserState.of(first_visit_done=True, preferences=Preferences(counting=True))
    )
    words = said(listener.start("four-seven-eight"))
    assert "Breathe in 2 3 4 Hold 2 3 4 5 6 7 Breathe out 2 3 4 5 6 7 8" in words
    listener(K.CONTROL, setting="no_counting")
    assert not listener.state.user.person().preferences.counting
    listener.new_session()
    quiet = said(listener.start("four-seven-eight"))
    assert "Breathe in Hold" in quiet and "Breathe in 2" not in quiet and "Hold 2" not in quiet


def test_box_breathing_no_longer_promises_counting_it_does_not_do(content: LocaleBundle) -> None:
    words = " ".join(
        part
        for step in script(content, "box-breathing").steps
        for part in getattr(step, "parts", ())
        if isinstance(part, str)
    )
    assert "listen to the counting" not in words and "count for me" in words


# --- the disclaimer on a first use --------------------------------------------------------------


def test_a_first_one_shot_hears_the_disclaimer_once_before_the_exercise(
    talk: Conversation,
) -> None:
    listener = Listener(talk, UserState())
    first = listener.start("box-breathing")
    words = said(first)
    assert words.startswith("Before we begin:")
    assert "not a substitute for professional care" in words
    assert words.index("local emergency number") < words.index("Box breathing")
    assert listener.state.user.first_visit_done
    listener.new_session()
    second = said(listener.start("box-breathing"))
    assert "professional care" not in second and "emergency" not in second


class OneTrack:
    """Every hands-free script has a rendered track here."""

    def track(self, script: Script, variant: Variant) -> Track | None:
        return Track(f"track-{script.id}", 900_000, (Chapter(0, 0),))


def test_a_first_one_shot_track_hears_the_disclaimer_before_it_plays(
    content: LocaleBundle,
) -> None:
    talk = Conversation(content, ResponseBudget(), OneTrack())
    listener = Listener(talk, UserState())
    player = Player(supported=True)
    first = listener.start("bedtime-body-scan", player=player)
    words = said(first)
    assert any(isinstance(action, Play) for action in first.actions)
    assert words.startswith("Before we begin:") and words.endswith("Bedtime body scan.")
    assert not first.speak.listen and listener.state.user.person().has_heard("bedtime-body-scan")
    listener.new_session()
    second = listener.start("bedtime-body-scan", player=player)
    assert said(second) == "Bedtime body scan."


def test_a_launch_gives_the_full_disclaimer_and_the_exercise_none(talk: Conversation) -> None:
    listener = Listener(talk, UserState())
    welcome = said(listener(K.LAUNCH))
    assert "not a therapist" in welcome
    started = said(listener.start("box-breathing"))
    assert "Before we begin" not in started and "professional care" not in started


def test_counting_never_changes_how_long_an_exercise_lasts(content: LocaleBundle) -> None:
    from skill.core.engine import Unlimited, next_segment

    for each in content.library.of_kind("breathing"):
        for pace in (0.5, 0.8, 1.0, 1.25, 2.0):
            plain, counted = (
                next_segment(each, Position(), Preferences(pace=pace, counting=c), Unlimited())
                for c in (False, True)
            )
            assert abs(plain.timeline.seconds - counted.timeline.seconds) < 0.05, (each.id, pace)
            assert all(i.ms > 0 for i in counted.timeline.items if isinstance(i, Silence))
