"""Opening the skill: welcome, the one-time disclaimer, the offer to pick up where we stopped."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_model import Response

from skill.handlers.base import handler
from skill.handlers.flow import offer_menu, start
from skill.ssml import SpeechBuilder
from skill.state import Mode
from skill.turn import Turn


def _welcome(turn: Turn) -> SpeechBuilder:
    speech = SpeechBuilder()
    if not turn.user.first_visit_done:
        speech.say(turn.say("welcome"))
        speech.say(turn.say("disclaimer"))
        turn.user.first_visit_done = True
        turn.user_dirty = True
    else:
        speech.say(turn.say("welcome_back"))
    return speech


@handler(request_type="LaunchRequest")
def launch(turn: Turn) -> Response:
    speech = _welcome(turn)
    resume = turn.user.resume
    script = turn.library.get(resume.script_id) if resume else None
    if script is not None:
        turn.session.mode = Mode.RESUME_OFFER
        turn.session.script_id = script.id
        speech.say(turn.say("resume_offer", title=script.title))
        return turn.reply(speech, turn.say("resume_reprompt", title=script.title))
    return offer_menu(turn, speech)


@handler(intents=("AMAZON.YesIntent", "AMAZON.ResumeIntent"), modes=(Mode.RESUME_OFFER,))
def resume_yes(turn: Turn) -> Response:
    resume = turn.user.resume
    script = turn.script
    if script is None or resume is None:
        return offer_menu(turn)
    return start(turn, script, at=resume.position)


@handler(intents=("AMAZON.NoIntent",), modes=(Mode.RESUME_OFFER,))
def resume_no(turn: Turn) -> Response:
    turn.user.resume = None
    turn.user_dirty = True
    return offer_menu(turn)


def handlers() -> list[AbstractRequestHandler]:
    """Handlers of this module, in order."""
    return [launch, resume_yes, resume_no]
