"""The conversation on its own: (state, event) -> (state, actions), with no ask-sdk and no I/O.

Every mode and the events that move it on are driven here directly, the way a listener would
meet them: what mode follows, what is said, whether the session listens, and what is stored,
forgotten or stopped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from skill.content.bundle import LocaleBundle, bundle
from skill.core.conversation.actions import Forget, Outcome, SpeakHelp, State, StopAudio, Store
from skill.core.conversation.events import Event, EventKind, Heard, Player
from skill.core.conversation.rules import RULES, Conversation
from skill.core.people import Resume
from skill.core.position import Position
from skill.core.preferences import Preferences
from skill.core.safety.categories import Assessment, Category
from skill.core.safety.replies import Wording
from skill.core.state import Mode, SessionState, UserState
from skill.core.timeline import Timeline
from skill.speech.plain import plain_text
from skill.speech.ssml import ResponseBudget, check, render

K = EventKind
NOW = datetime(2026, 11, 29, 21, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def content() -> LocaleBundle:
    return bundle("en-US")


@pytest.fixture(scope="module")
def talk(content: LocaleBundle) -> Conversation:
    return Conversation(content, ResponseBudget())


def event(kind: EventKind, **fields: object) -> Event:
    fields.setdefault("seed", "seed-1")
    fields.setdefault("time", NOW)
    return Event(kind, **fields)  # type: ignore[arg-type]


def said(outcome: Outcome) -> str:
    speech = outcome.speak.speech
    assert isinstance(speech, Timeline), speech
    return plain_text(speech)


def fresh() -> State:
    return State(SessionState(), UserState.of(first_visit_done=True))


class Listener:
    """A listener moving through the conversation, one event at a time."""

    def __init__(self, talk: Conversation, state: State | None = None) -> None:
        self.talk = talk
        self.state = state or fresh()
        self.last: Outcome | None = None

    def __call__(self, kind: EventKind, **fields: object) -> Outcome:
        self.last = self.talk.step(self.state, event(kind, **fields))
        self.state = self.last.state
        return self.last

    @property
    def mode(self) -> Mode:
        return self.state.session.mode


def start(talk: Conversation, exercise: str) -> Listener:
    """A listener who opened the skill and asked for an exercise by its id, as the model
    resolves a name ("the short body scan" -> body-scan-short)."""
    listener = Listener(talk)
    listener(K.LAUNCH)
    listener(K.START_EXERCISE, exercise=Heard(exercise.replace("-", " "), exercise))
    return listener


# --- opening ------------------------------------------------------------------------------------


def test_launch_for_the_first_time_gives_the_disclaimer_once_and_remembers_it(
    talk: Conversation,
) -> None:
    first = talk.step(State(SessionState(), UserState()), event(K.LAUNCH))
    assert first.state.session.mode is Mode.MENU
    assert "not a therapist" in said(first)
    assert first.speak.listen
    assert Store(first.state.user) in first.actions and first.state.user.first_visit_done
    again = talk.step(State(SessionState(), first.state.user), event(K.LAUNCH))
    assert "not a therapist" not in said(again)
    assert not any(isinstance(action, Store) for action in again.actions)


def test_launch_offers_to_pick_up_an_unfinished_exercise(talk: Conversation) -> None:
    user = UserState.of(first_visit_done=True, resume=Resume("body-scan-short", Position(4)))
    listener = Listener(talk, State(SessionState(), user))
    offer = listener(K.LAUNCH)
    assert listener.mode is Mode.RESUME_OFFER and "Short body scan" in said(offer)
    picked = listener(K.YES)
    assert listener.mode is Mode.EXERCISE and listener.state.session.script_id == "body-scan-short"
    assert "pick up" in said(picked).lower() or "picking up" in said(picked).lower()


def test_no_to_the_offer_forgets_the_place_and_offers_the_menu(talk: Conversation) -> None:
    user = UserState.of(first_visit_done=True, resume=Resume("body-scan-short", Position(4)))
    listener = Listener(talk, State(SessionState(), user))
    listener(K.LAUNCH)
    declined = listener(K.NO)
    assert listener.mode is Mode.MENU and listener.state.user.person().resume is None
    assert Store(listener.state.user) in declined.actions


# --- choosing and starting ----------------------------------------------------------------------


def test_a_kind_of_exercise_offers_a_short_choice_and_an_ordinal_picks(
    talk: Conversation,
) -> None:
    listener = Listener(talk)
    listener(K.LAUNCH)
    offer = listener(K.START_EXERCISE, exercise=Heard("grounding", "kind:grounding"))
    assert listener.mode is Mode.CHOOSING and len(listener.state.session.choices) == 3
    assert "Which would you like" in said(offer)
    second = listener.state.session.choices[1]
    listener(K.ANSWER, words="the second one")
    assert listener.mode is Mode.EXERCISE and listener.state.session.script_id == second


def test_a_choice_is_picked_by_name_before_by_number_and_the_other_one_is_the_last(
    talk: Conversation, content: LocaleBundle
) -> None:
    listener = Listener(talk)
    listener(K.LAUNCH)
    listener(K.START_EXERCISE, exercise=Heard("grounding", "kind:grounding"))
    choices = list(listener.state.session.choices)
    last = content.library.get(choices[-1])
    assert last is not None
    # "one" is a number too; the name said with it comes first
    listener(K.ANSWER, words=f"the {last.title.lower()} one")
    assert listener.state.session.script_id == last.id
    listener = Listener(talk)
    listener(K.LAUNCH)
    listener(K.FEELING, words="heavy")
    offered = list(listener.state.session.choices)
    listener(K.ANSWER, words="the other one")
    assert len(offered) == 2 and listener.state.session.script_id == offered[1]


def test_yes_to_a_choice_starts_the_first_and_nonsense_asks_again(talk: Conversation) -> None:
    listener = Listener(talk)
    listener(K.START_EXERCISE, exercise=Heard("grounding", "kind:grounding"))
    asked = listener(K.ANSWER, words="purple monkey dishwasher")
    assert listener.mode is Mode.CHOOSING and "choose" in said(asked).lower()
    first = listener.state.session.choices[0]
    listener(K.YES)
    assert listener.state.session.script_id == first


def test_an_exercise_we_do_not_have_gets_the_menu(talk: Conversation) -> None:
    listener = Listener(talk)
    reply = listener(K.START_EXERCISE, exercise=Heard("underwater basket weaving"))
    assert listener.mode is Mode.MENU and "don't have that one" in said(reply)


def test_a_feeling_named_outside_an_exercise_offers_two_exercises(
    talk: Conversation, content: LocaleBundle
) -> None:
    listener = Listener(talk)
    listener(K.LAUNCH)
    reply = listener(K.FEELING, words="confused")  # a feeling that names no need
    assert listener.mode is Mode.CHOOSING
    assert listener.state.session.choices == list(content.offers.after_feeling)
    assert "confused" not in said(reply)  # never repeated back (P1)
    listener = Listener(talk)
    listener(K.LAUNCH)
    reply = listener(K.FEELING, words="sad")  # the feelings need: naming it gently
    assert listener.mode is Mode.CHOOSING
    assert "feelings-check-in" in listener.state.session.choices
    assert "sad" not in said(reply)


def test_a_feeling_that_is_a_need_offers_what_fits_it(
    talk: Conversation, content: LocaleBundle
) -> None:
    listener = Listener(talk)
    listener(K.LAUNCH)
    reply = listener(K.FEELING, words="heavy")
    energy = next(n for n in content.needs.needs if n.id == "energy")
    assert listener.mode is Mode.CHOOSING
    assert listener.state.session.choices == [o.script_id for o in energy.offer]
    assert said(reply).startswith(energy.offer[0].reason) and "heavy" not in said(reply)


def test_listing_a_kind_with_many_exercises_names_them_and_waits_for_a_choice(
    talk: Conversation,
) -> None:
    listener = Listener(talk)
    reply = listener(K.LIST, kind_asked="breathing")
    assert listener.mode is Mode.CHOOSING and "Box breathing" in said(reply)
    overview = listener(K.LIST)
    assert listener.mode is Mode.MENU and "There are 16 exercises" in said(overview)


# --- in an exercise -----------------------------------------------------------------------------


def test_answers_are_counted_until_the_question_has_enough(talk: Conversation) -> None:
    listener = start(talk, "five-senses")
    assert listener.mode is Mode.EXERCISE and listener.state.session.waiting == "anything"
    reply = listener(K.ANSWER, words="a lamp a cup and the window")
    assert "That's three" in said(reply) and listener.state.session.at.offset == 3
    moved = listener(K.NEXT)
    assert listener.state.session.at.step > 0 and "touch" in said(moved).lower()


def test_an_answer_is_never_repeated_or_stored(talk: Conversation) -> None:
    listener = start(talk, "five-senses")
    reply = listener(K.ANSWER, words="my purple lampshade")
    assert "purple" not in said(reply)
    assert "purple" not in repr(listener.state.user) and "purple" not in repr(
        listener.state.session.to_dict()
    )


def test_a_short_exercise_finishes_and_offers_another(talk: Conversation) -> None:
    listener = start(talk, "box-breathing")
    assert listener.mode is Mode.FINISHED
    assert listener.last is not None and listener.last.speak.listen
    assert "another exercise" in said(listener.last)
    menu = listener(K.NEXT)
    assert listener.mode is Mode.MENU and "another exercise" in said(menu)


def test_a_bedtime_exercise_ends_quietly_with_no_question(talk: Conversation) -> None:
    listener = start(talk, "bedtime-body-scan")
    for _ in range(10):
        if listener.mode is Mode.FINISHED:
            break
        listener(K.NEXT)
    assert listener.mode is Mode.FINISHED and listener.last is not None
    assert not listener.last.speak.listen and "Rest well" in said(listener.last)
    assert "?" not in said(listener.last).split("Rest well")[-1]


def test_pause_and_resume_pick_up_at_the_step_being_heard(talk: Conversation) -> None:
    listener = start(talk, "body-scan-short")
    listener.state = replace(listener.state)
    paused = listener(K.PAUSE, time=NOW + timedelta(seconds=60))
    assert listener.mode is Mode.PAUSED and "Paused" in said(paused)
    assert listener.state.session.at.step > 0  # a minute in, not back at the start
    assert listener.state.user.person().resume is not None
    listener(K.RESUME)
    assert listener.mode is Mode.EXERCISE


@pytest.mark.parametrize("kind", [K.NEXT, K.YES, K.REPEAT, K.BACK, K.START_OVER])
def test_paused_exercises_carry_on_when_asked(talk: Conversation, kind: EventKind) -> None:
    listener = start(talk, "body-scan-short")
    listener(K.PAUSE)
    listener(kind)
    assert listener.mode is Mode.EXERCISE


def test_going_back_and_starting_over(talk: Conversation) -> None:
    listener = start(talk, "body-scan-short")
    listener(K.NEXT)
    was = listener.state.session.segment_start
    back = listener(K.BACK)
    assert "Going back" in said(back) and listener.state.session.segment_start.step < was.step
    over = listener(K.START_OVER)
    assert "from the beginning" in said(over) and listener.state.session.segment_start == Position()


def test_stop_mid_exercise_keeps_the_place_for_next_time(talk: Conversation) -> None:
    listener = start(talk, "body-scan-short")
    bye = listener(K.STOP)
    assert not bye.speak.listen and "pick up where we stopped" in said(bye)
    assert listener.mode is Mode.MENU
    assert listener.state.user.person().resume is not None
    assert listener.state.user.person().resume.script_id == "body-scan-short"


def test_silence_after_the_reprompt_keeps_the_place_and_says_nothing(talk: Conversation) -> None:
    listener = start(talk, "five-senses")
    gone = listener(K.SESSION_ENDED)
    assert gone.speak.speech is None and not gone.speak.listen
    assert listener.state.user.person().resume == Resume("five-senses", listener.state.session.at)
    assert Store(listener.state.user) in gone.actions


def test_a_control_changes_preferences_for_now_and_next_time(talk: Conversation) -> None:
    listener = start(talk, "body-scan-short")
    slower = listener(K.CONTROL, setting="slower")
    assert listener.state.user.person().preferences.pace > 1 and listener.mode is Mode.EXERCISE
    assert Store(listener.state.user) in slower.actions
    unknown = listener(K.CONTROL, setting="louder")
    assert "You can say slower" in said(unknown)


def test_skipping_a_region_is_remembered(talk: Conversation) -> None:
    listener = start(talk, "body-scan-short")
    reply = listener(K.SKIP_REGION, region="belly")
    assert "leave out your belly" in said(reply)
    assert "belly" in listener.state.user.person().preferences.skip_regions


def test_feeling_nothing_in_a_body_scan_offers_sounds_instead(talk: Conversation) -> None:
    listener = start(talk, "body-scan-short")
    offer = listener(K.FEELING, words="I don't feel anything")
    assert "sounds" in said(offer) and listener.state.session.offer == "outward"
    listener(K.YES)
    assert listener.state.user.person().preferences.outward and listener.state.session.offer is None


def test_no_in_an_exercise_is_not_goodbye(talk: Conversation) -> None:
    listener = start(talk, "body-scan-short")
    reply = listener(K.NO)
    assert reply.speak.listen and listener.mode is Mode.EXERCISE


def test_help_and_about_do_not_end_the_exercise(talk: Conversation) -> None:
    listener = start(talk, "five-senses")
    assert "whatever you notice" in said(listener(K.HELP))
    assert "automated voice app" in said(listener(K.ABOUT))
    assert listener.mode is Mode.EXERCISE and listener.state.session.waiting == "anything"


# --- crisis -------------------------------------------------------------------------------------


def crisis(category: Category) -> dict[str, object]:
    return {"assessment": Assessment(category, "test"), "words": "(words)"}


def in_mode(talk: Conversation, mode: Mode) -> Listener:
    """A listener who got to `mode` the way a person would."""
    if mode is Mode.RESUME_OFFER:
        user = UserState.of(first_visit_done=True, resume=Resume("five-senses", Position(3)))
        listener = Listener(talk, State(SessionState(), user))
        listener(K.LAUNCH)
    elif mode is Mode.FINISHED:
        listener = start(talk, "box-breathing")
    else:
        listener = start(talk, "five-senses")
        steps = {
            Mode.MENU: [(K.STOP, {})],
            Mode.CHOOSING: [(K.START_EXERCISE, {"exercise": Heard("grounding", "kind:grounding")})],
            Mode.PAUSED: [(K.PAUSE, {})],
            Mode.CONFIRM_DELETE: [(K.DELETE_DATA, {})],
            Mode.CONFIRM_REMOVE: [
                (K.ADD_PERSON, {"person": Heard("grandpa", "grandpa")}),
                (K.REMOVE_PERSON, {"person": Heard("grandpa", "grandpa")}),
            ],
            Mode.CRISIS: [(K.ANSWER, crisis(Category.DISTRESS))],
            Mode.REMINDER_TIME: [(K.SET_REMINDER, {"person": Heard("my mum", "mom")})],
            Mode.EXERCISE: [],
        }[mode]
        for kind, fields in steps:
            listener(kind, **fields)
    assert listener.mode is mode
    return listener


@pytest.mark.parametrize("mode", list(Mode))
def test_a_crisis_wins_in_every_mode(talk: Conversation, mode: Mode) -> None:
    listener = in_mode(talk, mode)
    reply = listener(K.ANSWER, **crisis(Category.SUICIDE))
    assert listener.mode is Mode.CRISIS and listener.state.session.crisis == "suicide"
    assert reply.speak.speech == SpeakHelp(Wording.REPLY, Category.SUICIDE)
    assert reply.speak.listen and reply.speak.reprompt is not None
    assert not any(isinstance(action, Forget) for action in reply.actions)


@pytest.mark.parametrize("kind", [K.REPEAT, K.BACK, K.START_OVER])
def test_a_finished_exercise_can_be_heard_again(talk: Conversation, kind: EventKind) -> None:
    listener = in_mode(talk, Mode.FINISHED)
    reply = listener(kind)
    assert listener.state.session.script_id == "box-breathing"
    assert "Breathe in" in said(reply)


def test_a_crisis_while_a_track_plays_stops_it_first(talk: Conversation) -> None:
    reply = talk.step(
        fresh(), event(K.CRISIS, player=Player(playing=True), **crisis(Category.IMMINENT))
    )
    assert reply.actions[0] == StopAudio()


def test_yes_to_repeat_the_number_repeats_it(talk: Conversation) -> None:
    listener = Listener(talk)
    listener(K.CRISIS, **crisis(Category.SELF_HARM))
    again = listener(K.YES)
    assert again.speak.speech == SpeakHelp(Wording.REPEAT, Category.SELF_HARM)
    assert listener.mode is Mode.CRISIS


def test_yes_to_the_check_in_gives_the_full_reply(talk: Conversation) -> None:
    listener = Listener(talk)
    listener(K.ANSWER, **crisis(Category.AMBIGUOUS))
    yes = listener(K.YES)
    assert yes.speak.speech == SpeakHelp(Wording.REPLY, Category.SUICIDE)
    no = Listener(talk)
    no(K.ANSWER, **crisis(Category.AMBIGUOUS))
    declined = no(K.NO)
    assert declined.speak.speech == SpeakHelp(Wording.CHECK_IN_DECLINED, Category.AMBIGUOUS)
    assert no.mode is Mode.MENU


def test_distress_turns_to_the_room_and_yes_starts_eyes_open_grounding(
    talk: Conversation, content: LocaleBundle
) -> None:
    listener = start(talk, "body-scan-short")
    listener(K.FEELING, **crisis(Category.DISTRESS))
    session_prefs = listener.state.session.preferences
    assert session_prefs is not None and session_prefs.outward and session_prefs.eyes_open
    assert not listener.state.user.person().preferences.outward  # for this session only, not stored
    listener(K.YES)
    assert listener.mode is Mode.EXERCISE
    assert listener.state.session.script_id == content.offers.orienting


def test_the_exercise_resumes_after_help_only_when_asked(talk: Conversation) -> None:
    listener = start(talk, "body-scan-short")
    listener(K.ANSWER, **crisis(Category.SUICIDE))
    assert listener.mode is Mode.CRISIS
    carry_on = listener(K.RESUME)
    assert listener.mode is Mode.EXERCISE and "carry on, gently" in said(carry_on)
    other = Listener(talk)
    other(K.CRISIS, **crisis(Category.MEDICAL))
    reply = other(K.NEXT)
    assert other.mode is Mode.MENU
    assert reply.speak.speech == SpeakHelp(Wording.CARRY_ON, Category.SUICIDE)


# --- forgetting, and events that are not turns ---------------------------------------------------


def test_delete_my_data_asks_once_then_forgets(talk: Conversation) -> None:
    listener = start(talk, "body-scan-short")
    listener(K.STOP)
    asked = listener(K.DELETE_DATA)
    assert listener.mode is Mode.CONFIRM_DELETE and "forget everything" in said(asked)
    done = listener(K.YES)
    assert Forget() in done.actions and listener.state.user == UserState()
    assert listener.mode is Mode.MENU


@pytest.mark.parametrize("kind", [K.NO, K.CANCEL])
def test_declining_to_delete_deletes_nothing(talk: Conversation, kind: EventKind) -> None:
    listener = Listener(talk)
    listener(K.DELETE_DATA)
    reply = listener(kind)
    assert "haven't deleted anything" in said(reply) and listener.mode is Mode.MENU
    assert not any(isinstance(action, Forget) for action in reply.actions)


def test_disabling_the_skill_forgets_the_person_silently(talk: Conversation) -> None:
    user = UserState.of(first_visit_done=True, resume=Resume("five-senses", Position(2)))
    outcome = talk.step(State(SessionState(), user), event(K.SKILL_DISABLED))
    assert outcome.actions == (outcome.speak, Forget()) and outcome.speak.speech is None


def test_the_audio_players_events_are_never_spoken_to(talk: Conversation) -> None:
    state = fresh()
    outcome = talk.step(state, event(K.PLAYBACK))
    assert outcome.speak.speech is None and not outcome.speak.listen
    assert outcome.state == state


def test_words_the_model_could_not_place_get_the_menu_never_an_error(
    talk: Conversation,
) -> None:
    listener = Listener(talk)
    reply = listener(K.FALLBACK)
    assert listener.mode is Mode.MENU and "Which would you like" in said(reply)
    exercise = start(talk, "body-scan-short")
    reply = exercise(K.FALLBACK)
    assert exercise.mode is Mode.EXERCISE and "You can say next" in said(reply)


# --- the machine itself -------------------------------------------------------------------------


def test_a_step_never_changes_the_state_it_was_given(talk: Conversation) -> None:
    listener = start(talk, "five-senses")
    before = listener.state
    snapshot = (before.session.to_dict(), before.user.to_dict())
    talk.step(before, event(K.ANSWER, words="a lamp"))
    talk.step(before, event(K.CONTROL, setting="slower"))
    talk.step(before, event(K.DELETE_DATA))
    assert (before.session.to_dict(), before.user.to_dict()) == snapshot


def test_every_rule_has_a_name_and_the_last_one_answers_anything() -> None:
    assert all(rule.name for rule in RULES)
    last = RULES[-1]
    assert not last.kinds and not last.modes and last.when is None


Step = Callable[[Listener], object]


@pytest.mark.parametrize("kind", list(EventKind))
@pytest.mark.parametrize("mode", list(Mode))
def test_every_event_in_every_mode_gets_an_answer_within_the_limits(
    talk: Conversation, kind: EventKind, mode: Mode
) -> None:
    """Whatever comes, in whatever mode: a reply that fits one response, never an error."""
    session = SessionState(mode=mode, script_id="five-senses", waiting="anything")
    if mode is Mode.CHOOSING:
        session.choices = ["see-hear-touch", "five-senses"]
    if mode is Mode.CRISIS:
        session.crisis = "distress"
    state = State(session, UserState.of(preferences=Preferences(pace=1.25)))
    outcome = talk.step(state, event(kind, words="a lamp"))
    speech = outcome.speak.speech
    if isinstance(speech, Timeline):
        assert check(render(speech)) == []
    if outcome.speak.reprompt is not None:
        assert check(render(outcome.speak.reprompt)) == []
    assert isinstance(outcome.state.session.mode, Mode)


def test_no_step_of_a_caregivers_session_changes_the_state_it_was_given(
    talk: Conversation,
) -> None:
    """Two devices may answer from the same read state: each step works on its own copy, people,
    places and history included."""
    listener = start(talk, "five-senses")
    steps: list[tuple[EventKind, dict[str, object]]] = [
        (K.ANSWER, {"words": "a lamp"}),
        (K.CONTROL, {"setting": "slower", "person": Heard("grandpa", "grandpa")}),
        (K.CONTROL, {"setting": "slower"}),
        (K.NEXT, {}),
        (K.START_EXERCISE, {"exercise": Heard("box breathing", "box-breathing")}),
        (K.STOP, {}),
    ]
    for kind, fields in steps:
        before = (listener.state.session.to_dict(), listener.state.user.to_dict())
        given = listener.state
        outcome = talk.step(given, event(kind, **fields))
        assert (given.session.to_dict(), given.user.to_dict()) == before
        listener.state = outcome.state
