"""The last safety net: any error gets a calm answer, never a stack trace."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.phrases import phrases_for
from skill.ssml import SpeechBuilder
from skill.turn import request_type

log = logging.getLogger("steady.skill")


class CalmErrors(AbstractExceptionHandler):
    """Logs the error's type and place (no user words) and answers gently."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        request = handler_input.request_envelope.request
        kind = request_type(handler_input)
        # Type and code location only: an exception's message may carry the person's words (P2).
        frames = traceback.extract_tb(exception.__traceback__)[-3:]
        where = " < ".join(f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames))
        log.error(
            "handler error %s on %s at %s",
            type(exception).__name__,
            kind,
            where or "?",
        )
        builder = handler_input.response_builder
        if request is None or kind not in ("LaunchRequest", "IntentRequest"):
            return builder.response
        phrases = phrases_for(getattr(request, "locale", None) or "en-US")
        speech = SpeechBuilder().say(phrases.say("error", request.request_id))
        builder.speak(speech.build()).ask(SpeechBuilder().say(phrases.say("menu_reprompt")).build())
        return builder.response
