"""Crisis and distress: the reply that wins over everything else (safety.md C1-C9)."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.interfaces.audioplayer import StopDirective

from skill.crisis_reply import (
    check_in_declined_ssml,
    continue_ssml,
    crisis_ssml,
    repeat_number_ssml,
    replies_for,
)
from skill.handlers.base import TurnHandler, handler
from skill.handlers.flow import play, start
from skill.helplines import HelplineDirectory, LocalHelp
from skill.offers import offers
from skill.preferences import Control
from skill.safety import Category
from skill.ssml import SpeechBuilder
from skill.state import Mode
from skill.turn import Turn, turn_of


def _help(turn: Turn) -> LocalHelp:
    return HelplineDirectory.load().for_request(turn.locale, turn.country())


def _answer(turn: Turn, body: str, reprompt_key: str) -> Response:
    speech = SpeechBuilder()
    speech.pieces.append(body)  # crisis replies are SSML built from our own data
    return turn.reply(speech, turn.say(reprompt_key))


def _stop_audio(turn: Turn) -> None:
    """Stop a playing exercise track before the help is spoken (C2)."""
    context = turn.handler_input.request_envelope.context
    player = context.audio_player if context else None
    activity = player.player_activity.value if player and player.player_activity else ""
    if activity in ("PLAYING", "BUFFER_UNDERRUN"):
        turn.handler_input.response_builder.add_directive(StopDirective())


def _category(turn: Turn) -> Category:
    try:
        return Category(turn.session.crisis or Category.SUICIDE.value)
    except ValueError:
        return Category.SUICIDE


def respond_to_crisis(turn: Turn, category: Category) -> Response:
    """Stop whatever was going on and give the right help; keep the session open (C2)."""
    _stop_audio(turn)
    turn.remember_stop()
    if turn.session.mode is Mode.FINISHED:
        turn.session.script_id = None  # nothing to carry on with
    turn.session.mode = Mode.CRISIS
    turn.session.waiting = None
    turn.session.crisis = category.value
    if category is Category.DISTRESS:
        # C9: leave the body and the breath for the rest of this session (not stored).
        calmer = turn.preferences.with_control(Control.OUTWARD).with_control(Control.EYES_OPEN)
        turn.change_preferences(calmer, remember=False)
    body = crisis_ssml(category, _help(turn), replies_for(turn.phrases.language))
    key = {Category.AMBIGUOUS: "check_in_reprompt", Category.DISTRESS: "distress_reprompt"}.get(
        category, "crisis_reprompt"
    )
    return _answer(turn, body, key)


class CrisisHandler(TurnHandler):
    """Any request whose words call for help, in any mode, before every other handler.

    CrisisIntent always lands here: the request interceptor rates it a crisis.
    """

    intents = ("CrisisIntent",)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return turn_of(handler_input).assessment.category is not Category.NONE

    def respond(self, turn: Turn) -> Response:
        return respond_to_crisis(turn, turn.assessment.category)


@handler(intents=("AMAZON.YesIntent", "AMAZON.RepeatIntent"), modes=(Mode.CRISIS,))
def yes_after_help(turn: Turn) -> Response:
    """ "Yes" to the question the crisis reply ended with, or "repeat"."""
    category = _category(turn)
    if turn.intent_name == "AMAZON.YesIntent" and category is Category.AMBIGUOUS:
        return respond_to_crisis(turn, Category.SUICIDE)
    if turn.intent_name == "AMAZON.YesIntent" and category is Category.DISTRESS:
        script = turn.library.get(offers().orienting)
        if script is not None:
            return start(turn, script)
    body = repeat_number_ssml(category, _help(turn), replies_for(turn.phrases.language))
    return _answer(turn, body, "crisis_reprompt")


@handler(intents=("AMAZON.ResumeIntent", "AMAZON.NextIntent"), modes=(Mode.CRISIS,))
def continue_after_help(turn: Turn) -> Response:
    """ "I'm okay, I want to carry on", said after the help was given: the person's choice is
    respected. The exercise never resumes without being asked."""
    script = turn.script
    turn.session.crisis = None
    if script is None:
        return after_help.respond(turn)
    turn.session.mode = Mode.EXERCISE
    turn.session.waiting = None
    turn.session.at = turn.session.segment_start
    return play(turn, script, SpeechBuilder().say(turn.say("carry_on")))


@handler(intents=("AMAZON.NoIntent",), modes=(Mode.CRISIS,))
def after_help(turn: Turn) -> Response:
    """The information was given; the person decides what happens next. Nothing resumes
    by itself."""
    replies = replies_for(turn.phrases.language)
    declined = turn.intent_name == "AMAZON.NoIntent" and _category(turn) is Category.AMBIGUOUS
    body = (
        check_in_declined_ssml(_help(turn), replies)
        if declined
        else continue_ssml(_help(turn), replies)
    )
    turn.session.mode = Mode.MENU
    turn.session.crisis = None
    return _answer(turn, body, "menu_reprompt")


def handlers() -> list[AbstractRequestHandler]:
    """Handlers of this module, in order."""
    return [CrisisHandler(), yes_after_help, continue_after_help, after_help]
