"""Spoken controls during an exercise: pace, pauses, versions, anchors, skipping a region.

They only change preferences; the engine applies them (safety.md T2, T3, T5, T6, T8).
"""

from __future__ import annotations

from skill.core.answers import Shape
from skill.core.conversation.actions import Speak
from skill.core.conversation.flow import offer_choice, offer_menu, play, start
from skill.core.conversation.turn import Turn
from skill.core.position import Position
from skill.core.preferences import Control
from skill.core.script import Kind
from skill.core.state import Mode
from skill.core.timeline import Timeline

BODY_FOCUSED = frozenset({Kind.BODY_SCAN, Kind.BREATHING, Kind.EMOTION_NAMING})
UNDER_WAY = frozenset({Mode.EXERCISE, Mode.PAUSED})


def carry_on(turn: Turn, speech: Timeline, heard: Position) -> Speak:
    """After a change: pick up at the step that was being heard, with the new preferences."""
    script, session = turn.script, turn.session
    if session.mode is Mode.EXERCISE and script is not None:
        if session.waiting is None or session.followup:
            session.at = heard
        session.followup = False
        return play(turn, script, speech)
    if session.mode is Mode.PAUSED:
        speech.say(turn.say("paused_reprompt"))
        return turn.reply(speech, turn.say("paused_reprompt"))
    return offer_menu(turn, speech)


def control(turn: Turn) -> Speak:
    chosen = Control.named(turn.event.setting)
    if chosen is None:
        return turn.reply(turn.speech("controls_help"), turn.say("continue_reprompt"))
    heard = turn.heard_position()
    if not turn.can_do(chosen):
        return carry_on(turn, turn.speech("voice_unavailable"), heard)
    turn.change_preferences(turn.preferences.with_control(chosen))
    speech = turn.speech(f"control_{chosen.value}")
    counted = turn.library.get(turn.knowledge.needs.counted or "")
    if chosen is Control.COUNTING and turn.session.mode not in UNDER_WAY and counted:
        return start(turn, counted, before=speech)  # "count my breaths": a counted exercise
    if chosen is Control.SHORTER_VERSION and turn.session.mode not in UNDER_WAY:
        # "I haven't got long" before any exercise: the short ones, not the whole menu.
        quick = turn.knowledge.needs.understand(turn.event.words or "", turn.library).options
        if quick:
            return offer_choice(turn, list(quick), before=speech)
    return carry_on(turn, speech, heard)


def skip_region(turn: Turn) -> Speak:
    names = turn.phrases.table["region_names"]
    region = turn.event.region if turn.event.region in names else None
    if region is None:
        return turn.reply(turn.speech("controls_help"), turn.say("continue_reprompt"))
    heard = turn.heard_position()
    turn.change_preferences(turn.preferences.skipping(region))
    return carry_on(turn, turn.speech("skip_region", region=names[region]), heard)


def numb_between_steps(turn: Turn) -> bool:
    """ "I don't feel anything" when no question is open, in an exercise about the body."""
    script = turn.script
    if script is None or turn.session.waiting is not None or turn.preferences.outward:
        return False
    words = turn.event.words
    shape = turn.knowledge.answers.read(words).shape if words is not None else None
    return shape is Shape.NOT_KNOWING and script.kind in BODY_FOCUSED


def feeling_nothing(turn: Turn) -> Speak:
    """ "I don't feel anything" during a body-focused exercise: normalise, offer sounds (T3, T9)."""
    turn.session.offer = Control.OUTWARD.value
    return turn.reply(turn.speech("outward_offer"), turn.say("outward_offer_reprompt"))


def offered(turn: Turn) -> bool:
    """Whether something was just offered that "yes" would accept."""
    return turn.session.offer is not None


def accept_offer(turn: Turn) -> Speak:
    chosen = Control.named(turn.session.offer) or Control.OUTWARD
    turn.session.offer = None
    heard = turn.session.segment_start  # the offer was its own turn; redo the segment
    turn.change_preferences(turn.preferences.with_control(chosen))
    return carry_on(turn, turn.speech(f"control_{chosen.value}"), heard)


def decline_offer(turn: Turn) -> Speak:
    turn.session.offer = None
    return turn.reply(turn.speech("continue_prompt"), turn.say("continue_reprompt"))
