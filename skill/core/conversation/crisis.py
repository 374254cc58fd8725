"""Crisis and distress: the reply that wins over everything else (safety.md C1-C9).

The same path answers what is not a crisis but still asks for help or a line: depression named,
pain, "who can I call", "is there another number", "are you depressed?" (the support categories
of skill.core.safety.categories). Their replies have no crisis framing, and they too stop the
exercise, keep the session open and resume nothing by themselves."""

from __future__ import annotations

from skill.core.conversation.actions import Speak, SpeakHelp
from skill.core.conversation.events import EventKind
from skill.core.conversation.flow import play, start
from skill.core.conversation.turn import Turn
from skill.core.people import SELF
from skill.core.preferences import Control
from skill.core.safety.categories import Category
from skill.core.safety.replies import Wording
from skill.core.state import Mode
from skill.core.timeline import Timeline

_REPROMPTS = {Category.AMBIGUOUS: "check_in_reprompt", Category.DISTRESS: "distress_reprompt"}


def _help(turn: Turn, wording: Wording, category: Category, reprompt_key: str) -> Speak:
    reprompt = Timeline().say(turn.say(reprompt_key))
    in_company = turn.session.person != SELF
    return Speak(SpeakHelp(wording, category, in_company), reprompt, listen=True)


def _category(turn: Turn) -> Category:
    try:
        return Category(turn.session.crisis or Category.SUICIDE.value)
    except ValueError:
        return Category.SUICIDE


def respond_to_crisis(turn: Turn, category: Category | None = None) -> Speak:
    """Stop whatever was going on and give the right help; keep the session open (C2)."""
    category = category or turn.event.assessment.category
    turn.stop_audio = turn.event.audio_playing
    turn.remember_stop()
    session = turn.session
    if session.mode is Mode.FINISHED:
        session.script_id = None  # nothing to carry on with
    session.mode = Mode.CRISIS
    session.waiting = None
    session.crisis = category.value
    if category is Category.DISTRESS:
        # C9: leave the body and the breath for the rest of this session (not stored).
        calmer = turn.preferences.with_control(Control.OUTWARD).with_control(Control.EYES_OPEN)
        turn.change_preferences(calmer, remember=False)
    elif category is Category.PAIN:
        # "Let's leave that part of the body for now" (T6): outward anchors for this session.
        turn.change_preferences(turn.preferences.with_control(Control.OUTWARD), remember=False)
    return _help(turn, Wording.REPLY, category, _REPROMPTS.get(category, "crisis_reprompt"))


def yes_after_help(turn: Turn) -> Speak:
    """ "Yes" to the question the crisis reply ended with, or "repeat"."""
    category = _category(turn)
    said_yes = turn.event.kind is EventKind.YES
    if said_yes and category is Category.AMBIGUOUS:
        return respond_to_crisis(turn, Category.SUICIDE)
    if said_yes and (found := keep_noticing(turn)) is not None:
        return found
    return _help(turn, Wording.REPEAT, category, "crisis_reprompt")


def keep_noticing(turn: Turn) -> Speak | None:
    """After the distress reply (C9), which ends "we can stop here, or keep noticing the room":
    a yes, or leaving it to the skill ("you decide"), starts the eyes-open orienting exercise.
    None after any other reply."""
    if turn.session.mode is not Mode.CRISIS or _category(turn) is not Category.DISTRESS:
        return None
    script = turn.library.get(turn.knowledge.offers.orienting)
    return start(turn, script) if script is not None else None


def continue_after_help(turn: Turn) -> Speak:
    """ "I'm okay, I want to carry on", said after the help was given: the person's choice is
    respected. The exercise never resumes without being asked."""
    script = turn.script
    turn.session.crisis = None
    if script is None:
        return after_help(turn)
    turn.session.mode = Mode.EXERCISE
    turn.session.waiting = None
    turn.session.at = turn.session.segment_start
    return play(turn, script, turn.speech("carry_on"))


def after_help(turn: Turn) -> Speak:
    """The information was given; the person decides what happens next. Nothing resumes
    by itself."""
    category = _category(turn)
    declined = turn.event.kind is EventKind.NO and category is Category.AMBIGUOUS
    turn.session.mode = Mode.MENU
    turn.session.crisis = None
    wording = Wording.CHECK_IN_DECLINED if declined else Wording.CARRY_ON
    return _help(turn, wording, category, "menu_reprompt")
