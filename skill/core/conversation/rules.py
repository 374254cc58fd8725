"""Which response each event gets, in each mode: the rules, in order, in one place.

The first rule that applies answers. The crisis check comes first, so nothing can be said over
it (safety.md C1); after it, a reply to a question the skill just asked comes before the
general meaning of the words ("yes" to "shall I forget you?" before "yes" in general).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import field, replace

from skill.core.conversation import (
    controls,
    crisis,
    exercise,
    menu,
    navigation,
    people,
    playback,
    progress,
    reminders,
    requests,
    session,
    speakers,
)
from skill.core.conversation.actions import (
    Action,
    DropReminders,
    Forget,
    Outcome,
    Speak,
    SpeakHelp,
    State,
    StopAudio,
    Store,
)
from skill.core.conversation.events import Event, EventKind
from skill.core.conversation.turn import Knowledge, Turn
from skill.core.engine import Budget
from skill.core.handsfree import NoTracks, TrackLookup
from skill.core.state import Mode
from skill.record import record

K = EventKind
WORDS = frozenset({K.ANSWER, K.FEELING, K.REQUEST})
"""Words said: mid-exercise they answer the question or wait; elsewhere they may ask for
something."""
IN_EXERCISE = frozenset({Mode.EXERCISE})
UNDER_WAY = frozenset({Mode.EXERCISE, Mode.PAUSED})
MOVES = frozenset({K.NEXT, K.BACK, K.REPEAT, K.START_OVER})
HAS_SCRIPT = frozenset({Mode.EXERCISE, Mode.PAUSED, Mode.FINISHED})


@record
class Rule:
    """When an event gets a response: its kinds (empty: any), the modes (empty: any), and any
    further condition of the turn."""

    respond: Callable[[Turn], Speak]
    kinds: frozenset[EventKind] = frozenset()
    modes: frozenset[Mode] = frozenset()
    when: Callable[[Turn], bool] | None = None
    name: str = field(default="")

    def applies(self, turn: Turn) -> bool:
        if self.kinds and turn.event.kind not in self.kinds:
            return False
        if self.modes and turn.session.mode not in self.modes:
            return False
        return self.when is None or self.when(turn)


def _rule(
    respond: Callable[[Turn], Speak],
    kinds: Iterable[EventKind] = (),
    modes: Iterable[Mode] = (),
    when: Callable[[Turn], bool] | None = None,
) -> Rule:
    return Rule(respond, frozenset(kinds), frozenset(modes), when, respond.__name__)


def _needs_help(turn: Turn) -> bool:
    return turn.event.assessment.needs_response and not exercise.about_the_offer(turn)


RULES: tuple[Rule, ...] = (
    # Safety first, in every mode (C1), and the answers to what the crisis reply asked.
    _rule(crisis.respond_to_crisis, when=_needs_help),
    _rule(crisis.yes_after_help, {K.YES, K.REPEAT}, {Mode.CRISIS}),
    _rule(crisis.continue_after_help, {K.RESUME, K.NEXT}, {Mode.CRISIS}),
    _rule(crisis.after_help, {K.NO}, {Mode.CRISIS}),
    # Events that are not turns of the conversation.
    _rule(session.skill_disabled, {K.SKILL_DISABLED}),
    _rule(session.session_ended, {K.SESSION_ENDED}),
    _rule(playback.player_event, {K.PLAYBACK}),
    # "Make the pauses longer for Grandpa": someone else's settings, whatever is going on.
    _rule(people.control_for_someone, {K.CONTROL}, when=people.names_someone_else),
    # While a hands-free track plays (or stands stopped part way) on the device.
    _rule(playback.pause_track, {K.PAUSE}, when=playback.listening),
    _rule(playback.pause_track, {K.STOP, K.CANCEL}, when=playback.playing_now),
    _rule(
        playback.move_in_track, {K.NEXT, K.BACK, K.REPEAT, K.START_OVER}, when=playback.listening
    ),
    _rule(playback.control_track, {K.CONTROL}, when=playback.listening),
    _rule(playback.sleep_timer, {K.SLEEP_TIMER}, when=playback.listening),
    _rule(playback.resume_track, {K.RESUME}, when=playback.can_resume),
    # Opening, and the offer to pick up where we stopped.
    _rule(menu.launch, {K.LAUNCH}),
    _rule(menu.resume_yes, {K.YES, K.RESUME}, {Mode.RESUME_OFFER}),
    _rule(menu.resume_no, {K.NO}, {Mode.RESUME_OFFER}),
    # Spoken controls, and the offer of sounds instead.
    _rule(controls.control, {K.CONTROL}),
    _rule(controls.skip_region, {K.SKIP_REGION}),
    _rule(controls.feeling_nothing, WORDS, IN_EXERCISE, controls.numb_between_steps),
    _rule(controls.accept_offer, {K.YES}, IN_EXERCISE, controls.offered),
    _rule(controls.decline_offer, {K.NO}, IN_EXERCISE, controls.offered),
    # Choosing, starting and answering.
    _rule(exercise.start_exercise, {K.START_EXERCISE}),
    # While choosing, words pick from the offer first ("the first one", "either").
    _rule(exercise.choose, {*WORDS, K.FALLBACK, K.YES, K.RESUME}, {Mode.CHOOSING}),
    _rule(requests.request, {K.REQUEST}, set(Mode) - {*UNDER_WAY, Mode.CRISIS, Mode.REMINDER_TIME}),
    _rule(exercise.answer, {*WORDS, K.FALLBACK}, IN_EXERCISE, exercise.waiting),
    # Moving through an exercise.
    _rule(navigation.no_in_exercise, {K.NO}, IN_EXERCISE),
    _rule(navigation.words_between_steps, WORDS, IN_EXERCISE),
    _rule(navigation.next_step, {K.NEXT}, IN_EXERCISE),
    _rule(navigation.repeat, {K.REPEAT}, HAS_SCRIPT),
    _rule(navigation.go_back, {K.BACK}, HAS_SCRIPT),
    _rule(navigation.start_over, {K.START_OVER}, HAS_SCRIPT),
    _rule(exercise.tell_more, {K.MORE}, HAS_SCRIPT),
    _rule(navigation.pause, {K.PAUSE}, IN_EXERCISE),
    _rule(navigation.resume, {K.RESUME, K.NEXT, K.YES}, {Mode.PAUSED}),
    _rule(navigation.resume_saved, {K.RESUME}),
    # "Shall I forget you?", then stopping, and everything else.
    _rule(session.delete_confirmed, {K.YES}, {Mode.CONFIRM_DELETE}),
    _rule(session.delete_declined, {K.NO, K.CANCEL}, {Mode.CONFIRM_DELETE}),
    _rule(reminders.set_reminder, {K.REMINDER_TIME}, {Mode.REMINDER_TIME}),
    _rule(reminders.no_reminder, {K.NO, K.CANCEL}, {Mode.REMINDER_TIME}),
    _rule(reminders.ask_time_again, {K.FALLBACK, K.REQUEST}, {Mode.REMINDER_TIME}),
    _rule(session.stop, {K.STOP, K.CANCEL}),
    _rule(session.delete_data, {K.DELETE_DATA}),
    _rule(people.remove_confirmed, {K.YES}, {Mode.CONFIRM_REMOVE}),
    _rule(people.remove_declined, {K.NO, K.CANCEL, K.STOP}, {Mode.CONFIRM_REMOVE}),
    _rule(people.add_person, {K.ADD_PERSON}),
    _rule(speakers.identify_speaker, {K.IDENTIFY}),
    _rule(people.set_up_by, {K.SET_UP_BY}),
    _rule(people.remove_person, {K.REMOVE_PERSON}),
    _rule(people.person_settings, {K.PERSON_SETTINGS}),
    _rule(progress.again, {K.AGAIN}),
    _rule(progress.history, {K.HISTORY}),
    _rule(reminders.set_reminder, {K.SET_REMINDER}),
    _rule(reminders.list_reminders, {K.LIST_REMINDERS}),
    _rule(reminders.cancel_reminder, {K.CANCEL_REMINDER}),
    _rule(menu.about, {K.ABOUT}),
    _rule(menu.sleep_timer_outside, {K.SLEEP_TIMER}),
    _rule(menu.help_, {K.HELP}),
    _rule(menu.list_exercises, {K.LIST}),
    _rule(menu.words_outside_exercise, WORDS),
    _rule(menu.fallback_in_exercise, {K.FALLBACK}, {Mode.EXERCISE, Mode.PAUSED}),
    _rule(menu.repeat_outside, {K.REPEAT}),
    _rule(menu.no, {K.NO}),
    _rule(menu.next_after_finish, {K.NEXT}, {Mode.FINISHED}),
    _rule(menu.anything_else),
)


def rule_for(turn: Turn) -> Rule:
    """The first rule that applies (the last one always does)."""
    return next(rule for rule in RULES if rule.applies(turn))


class Conversation:
    """The conversation of one locale: `step` answers one event."""

    def __init__(
        self, knowledge: Knowledge, budget: Budget, tracks: TrackLookup | None = None
    ) -> None:
        self.knowledge = knowledge
        self.budget = budget
        self.tracks: TrackLookup = tracks or NoTracks()

    def step(self, state: State, event: Event) -> Outcome:
        """The state after `event`, and the actions to carry out. The state given is not
        changed."""
        turn = Turn(
            _agreeing(event, state.session.mode, self.knowledge),
            self.knowledge,
            self.budget,
            replace(state.session, choices=list(state.session.choices)),
            replace(state.user, people={k: p.copy() for k, p in state.user.people.items()}),
            tracks=self.tracks,
            kept=state.kept,
        )
        speakers.recognise(turn)
        rule = rule_for(turn)
        speak = rule.respond(turn)
        if turn.preferences.voice and not isinstance(speak.speech, SpeakHelp):
            speak = replace(speak, voice=turn.preferences.voice)
        actions: list[Action] = []
        if turn.stop_audio:
            actions.append(StopAudio())
        actions.append(speak)
        if turn.play is not None:
            actions.append(turn.play)
        if turn.drop_reminders:
            actions.append(DropReminders(tuple(turn.drop_reminders)))
        if turn.forget:
            actions.append(Forget())
        elif turn.store:
            actions.append(Store(turn.user))
        return Outcome(State(turn.session, turn.user, state.kept), tuple(actions), rule.name)


AGREEING = frozenset({Mode.CHOOSING, Mode.CRISIS, Mode.RESUME_OFFER})
"""Where something waits for a yes: a choice offered, the crisis reply's question, an offer to
pick up where the person left off."""


def _agreeing(event: Event, mode: Mode, knowledge: Knowledge) -> Event:
    """ "Okay, let's do that", carried on the catch-all (or free words) rather than as a yes,
    while something waits for one: a yes. Anywhere else the words stay what they were."""
    if (
        mode in AGREEING
        and event.kind in (EventKind.REQUEST, EventKind.ANSWER, EventKind.FALLBACK)
        and event.words
        and knowledge.choosing.agrees(event.words)
    ):
        return replace(event, kind=EventKind.YES)
    return event
