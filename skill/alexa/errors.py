"""The last safety net: any error gets a calm answer, never a stack trace."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.alexa.exchange import exchange_of
from skill.alexa.request import request_type
from skill.content.bundle import bundle, published_locale
from skill.core.timeline import Timeline
from skill.speech.ssml import render

log = logging.getLogger("steady.skill")


class CalmErrors(AbstractExceptionHandler):
    """Logs the error's type and place (no user words) and answers gently."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        request = handler_input.request_envelope.request
        kind = request_type(handler_input.request_envelope)
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
        exchange = exchange_of(handler_input)
        locale = published_locale(getattr(request, "locale", None))
        table = exchange.bundle.phrases if exchange else bundle(locale).phrases
        speech = Timeline().say(table.say("error", request.request_id))
        reprompt = Timeline().say(table.say("menu_reprompt"))
        builder.speak(render(speech)).ask(render(reprompt))
        response: Response = builder.response
        return response
