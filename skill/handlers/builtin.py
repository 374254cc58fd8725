"""Help, stop, lists, silence and everything said outside an exercise."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.handlers.base import TurnHandler, handler
from skill.handlers.flow import goodbye, offer_choice, offer_menu, play
from skill.offers import offers
from skill.scripts import Kind
from skill.ssml import SpeechBuilder
from skill.state import Mode, SessionState, UserState
from skill.turn import Turn, request_type

log = logging.getLogger("steady.skill")


@handler(request_type="AlexaSkillEvent.SkillDisabled")
def skill_disabled(turn: Turn) -> Response:
    """The person disabled the skill: forget everything stored about them (P3)."""
    forget(turn)
    return turn.silent_end()


def forget(turn: Turn) -> None:
    """Delete the person's stored state; a storage fault is logged, never spoken."""
    turn.user = UserState()
    turn.user_dirty = False
    try:
        turn.handler_input.attributes_manager.delete_persistent_attributes()
    except Exception as exc:  # storage faults of any adapter
        log.warning("state store unavailable on delete: %s", type(exc).__name__)


@handler(request_type="SessionEndedRequest")
def session_ended(turn: Turn) -> Response:
    """Silence after the reprompt, or the user walked away: keep the place, say nothing."""
    turn.remember_stop()
    return turn.silent_end()


class SilentEvents(TurnHandler):
    """Requests that are not conversation turns (player and system events): no speech."""

    _TURNS = ("LaunchRequest", "IntentRequest", "SessionEndedRequest")

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return request_type(handler_input) not in self._TURNS

    def respond(self, turn: Turn) -> Response:
        return turn.silent_end()


@handler(intents=("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent"))
def stop(turn: Turn) -> Response:
    return goodbye(turn)


@handler(intents=("DeleteDataIntent",))
def delete_data(turn: Turn) -> Response:
    """ "Delete my data": ask once, so a misheard phrase can't wipe someone's place (P3)."""
    turn.session.mode = Mode.CONFIRM_DELETE
    speech = SpeechBuilder().say(turn.say("delete_confirm"))
    return turn.reply(speech, turn.say("delete_confirm"))


@handler(intents=("AMAZON.YesIntent",), modes=(Mode.CONFIRM_DELETE,))
def delete_confirmed(turn: Turn) -> Response:
    forget(turn)
    turn.session = SessionState()
    return turn.reply(SpeechBuilder().say(turn.say("deleted")), turn.say("menu_reprompt"))


@handler(intents=("AMAZON.NoIntent", "AMAZON.CancelIntent"), modes=(Mode.CONFIRM_DELETE,))
def delete_declined(turn: Turn) -> Response:
    return offer_menu(turn, SpeechBuilder().say(turn.say("not_deleted")))


@handler(intents=("AboutIntent",))
def about(turn: Turn) -> Response:
    """ "Are you a therapist?": an honest answer (safety.md A1, T10)."""
    if turn.session.mode in (Mode.EXERCISE, Mode.PAUSED) and turn.script is not None:
        speech = SpeechBuilder().say(turn.say("about_short"))
        return turn.reply(speech, turn.say("continue_reprompt"))
    turn.session.mode = Mode.MENU
    return turn.reply(SpeechBuilder().say(turn.say("about")), turn.say("menu_reprompt"))


@handler(intents=("AMAZON.HelpIntent",))
def help_(turn: Turn) -> Response:
    mode = turn.session.mode
    if mode is Mode.EXERCISE and turn.session.waiting:
        return turn.reply(SpeechBuilder().say(turn.say("help_asking")), turn.say("ask_reprompt"))
    if mode in (Mode.EXERCISE, Mode.PAUSED):
        return turn.reply(
            SpeechBuilder().say(turn.say("help_exercise")), turn.say("continue_reprompt")
        )
    return offer_menu(turn, key="help_menu")


@handler(intents=("ListExercisesIntent",))
def list_exercises(turn: Turn) -> Response:
    wanted = turn.slot("kind")
    kind = wanted.resolved if wanted and wanted.resolved in set(Kind) else None
    speech = SpeechBuilder()
    if kind is not None:
        scripts = turn.library.of_kind(kind)
        name = turn.phrases.kind_name(kind)
        if not scripts:
            speech.say(turn.say("list_kind_empty", kind=name))
            return offer_menu(turn, speech, key="menu_reprompt")
        if len(scripts) <= 3:
            return offer_choice(turn, scripts)
        titles = turn.phrases.list_titles([s.title for s in scripts])
        speech.say(turn.say("list_kind", kind=name, titles=titles))
        turn.session.mode = Mode.CHOOSING
        turn.session.choices = [s.id for s in scripts]
        return turn.reply(speech, turn.say("menu_reprompt"))
    counts = []
    for each in Kind:
        found = len(turn.library.of_kind(each))
        if found:
            counts.append(
                turn.say(
                    "kind_count",
                    count=turn.phrases.number(found),
                    kind=turn.phrases.kind_name(each),
                )
            )
    speech.say(
        turn.say("list_overview", count=len(turn.library), kinds=turn.phrases.join(counts, "and"))
    )
    turn.session.mode = Mode.MENU
    return turn.reply(speech, turn.say("menu_reprompt"))


@handler(intents=("FeelingIntent", "AnswerIntent"))
def words_outside_exercise(turn: Turn) -> Response:
    """A feeling named, or words said, when no question is open: thank, then offer."""
    if turn.intent_name == "FeelingIntent":
        offer = [s for s in map(turn.library.get, offers().after_feeling) if s is not None]
        speech = SpeechBuilder().say(turn.say("feeling_outside"))
        turn.session.mode = Mode.CHOOSING
        turn.session.choices = [s.id for s in offer]
        return turn.reply(speech, turn.say("menu_reprompt"))
    return offer_menu(turn, key="fallback_menu")


@handler(intents=("AMAZON.FallbackIntent",), modes=(Mode.EXERCISE, Mode.PAUSED))
def fallback_in_exercise(turn: Turn) -> Response:
    speech = SpeechBuilder().say(turn.say("fallback_exercise"))
    return turn.reply(speech, turn.say("continue_reprompt"))


@handler(intents=("AMAZON.RepeatIntent",))
def repeat_outside(turn: Turn) -> Response:
    if turn.session.last_reply:
        return offer_menu(turn, key=turn.session.last_reply)
    return offer_menu(turn, key="nothing_to_repeat")


@handler(intents=("AMAZON.NoIntent",))
def no(turn: Turn) -> Response:
    turn.remember_stop()
    return turn.reply(SpeechBuilder().say(turn.say("no_thanks")), end=True)


@handler(intents=("AMAZON.NextIntent",), modes=(Mode.FINISHED,))
def next_after_finish(turn: Turn) -> Response:
    return offer_menu(turn, key="finished_offer")


@handler(
    intents=(
        "AMAZON.FallbackIntent",
        "AMAZON.YesIntent",
        "AMAZON.NextIntent",
        "AMAZON.PreviousIntent",
        "AMAZON.StartOverIntent",
        "AMAZON.PauseIntent",
    )
)
def anything_else(turn: Turn) -> Response:
    """Never "I didn't understand": offer what the skill can do."""
    if turn.session.mode is Mode.EXERCISE and turn.script is not None:
        return play(turn, turn.script)
    return offer_menu(turn, key="fallback_menu")


def session_handlers() -> list[AbstractRequestHandler]:
    """Handlers that must come before everything but safety."""
    return [skill_disabled, session_ended, SilentEvents()]


def handlers() -> list[AbstractRequestHandler]:
    """Handlers of this module, in order."""
    return [
        delete_confirmed,
        delete_declined,
        stop,
        delete_data,
        about,
        help_,
        list_exercises,
        words_outside_exercise,
        fallback_in_exercise,
        repeat_outside,
        no,
        next_after_finish,
        anything_else,
    ]
