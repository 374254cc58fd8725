"""Spoken controls during an exercise: pace, pauses, versions, anchors, skipping a region.

The handlers only change preferences; the engine applies them (safety.md T2, T3, T5, T6, T8).
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_model import Response

from skill.answers import Shape, reader_for
from skill.engine import Position
from skill.handlers.base import handler
from skill.handlers.flow import offer_menu, play
from skill.preferences import Control
from skill.scripts import Kind
from skill.ssml import SpeechBuilder
from skill.state import Mode
from skill.turn import Turn

BODY_FOCUSED = frozenset({Kind.BODY_SCAN, Kind.BREATHING, Kind.EMOTION_NAMING})


def carry_on(turn: Turn, speech: SpeechBuilder, heard: Position) -> Response:
    """After a change: pick up at the step that was being heard, with the new preferences."""
    script = turn.script
    session = turn.session
    if session.mode is Mode.EXERCISE and script is not None:
        if session.waiting is None or session.followup:
            session.at = heard
        session.followup = False
        return play(turn, script, speech)
    if session.mode is Mode.PAUSED:
        speech.say(turn.say("paused_reprompt"))
        return turn.reply(speech, turn.say("paused_reprompt"))
    return offer_menu(turn, speech)


@handler(intents=("ControlIntent",))
def control(turn: Turn) -> Response:
    found = turn.slot("setting")
    try:
        chosen = Control(found.resolved) if found and found.resolved else None
    except ValueError:
        chosen = None
    if chosen is None:
        speech = SpeechBuilder().say(turn.say("controls_help"))
        return turn.reply(speech, turn.say("continue_reprompt"))
    heard = turn.heard_position()
    turn.change_preferences(turn.preferences.with_control(chosen))
    return carry_on(turn, SpeechBuilder().say(turn.say(f"control_{chosen.value}")), heard)


@handler(intents=("SkipRegionIntent",))
def skip_region(turn: Turn) -> Response:
    found = turn.slot("region")
    names = turn.phrases.table["region_names"]
    region = found.resolved if found and found.resolved in names else None
    if region is None:
        speech = SpeechBuilder().say(turn.say("controls_help"))
        return turn.reply(speech, turn.say("continue_reprompt"))
    heard = turn.heard_position()
    turn.change_preferences(turn.preferences.skipping(region))
    speech = SpeechBuilder().say(turn.say("skip_region", region=names[region]))
    return carry_on(turn, speech, heard)


def _numb_between_steps(turn: Turn) -> bool:
    script = turn.script
    if script is None or turn.session.waiting is not None or turn.preferences.outward:
        return False
    heard = turn.slot("feeling") or turn.slot("answer")
    shape = reader_for(turn.phrases.language).read(heard.heard).shape if heard else None
    return shape is Shape.NOT_KNOWING and script.kind in BODY_FOCUSED


@handler(
    intents=("FeelingIntent", "AnswerIntent"), modes=(Mode.EXERCISE,), accepts=_numb_between_steps
)
def feeling_nothing(turn: Turn) -> Response:
    """ "I don't feel anything" during a body-focused exercise: normalise, offer sounds (T3, T9)."""
    turn.session.offer = Control.OUTWARD.value
    speech = SpeechBuilder().say(turn.say("outward_offer"))
    return turn.reply(speech, turn.say("outward_offer_reprompt"))


def _offered(turn: Turn) -> bool:
    return turn.session.offer is not None


@handler(intents=("AMAZON.YesIntent",), modes=(Mode.EXERCISE,), accepts=_offered)
def accept_offer(turn: Turn) -> Response:
    offered = Control(turn.session.offer or Control.OUTWARD.value)
    turn.session.offer = None
    heard = turn.session.segment_start  # the offer was its own turn; redo the segment
    turn.change_preferences(turn.preferences.with_control(offered))
    return carry_on(turn, SpeechBuilder().say(turn.say(f"control_{offered.value}")), heard)


@handler(intents=("AMAZON.NoIntent",), modes=(Mode.EXERCISE,), accepts=_offered)
def decline_offer(turn: Turn) -> Response:
    turn.session.offer = None
    speech = SpeechBuilder().say(turn.say("continue_prompt"))
    return turn.reply(speech, turn.say("continue_reprompt"))


def handlers() -> list[AbstractRequestHandler]:
    """Handlers of this module, in order."""
    return [control, skip_region, feeling_nothing, accept_offer, decline_offer]
