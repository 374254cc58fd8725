"""The hello-world skill the speed benches measure Steady Ground against.

One `CustomSkillBuilder` with one catch-all handler that speaks a sentence and a reprompt: the
least an ask-sdk-core skill can do. It is run the way Steady Ground is (`skill.alexa.envelope.run`
from a Lambda handler or a Flask app), with the SDK's own `DefaultSerializer` reading and writing
the envelopes, as every ask-sdk-core skill has it (`SkillBuilder.lambda_handler`). So the
difference between the two is the skill's own work, and what `skill.alexa.codec` saves over the
SDK's serializer counts for Steady Ground. Nothing here is imported by the skill itself.
"""

from __future__ import annotations

import json
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model import Response

from skill.alexa.envelope import BadRequest, run

SPEECH = "Hello from the hello-world skill. What would you like to do?"
REPROMPT = "What would you like to do?"
SERIALIZER = DefaultSerializer()
"""What a bare ask-sdk-core skill reads requests and writes responses with."""


class SayHello(AbstractRequestHandler):
    """Answers every request with the same sentence and reprompt."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        builder = handler_input.response_builder.speak(SPEECH).ask(REPROMPT)
        response: Response = builder.response
        return response


def hello_skill() -> CustomSkill:
    """The hello-world skill: no store, no interceptors, one handler."""
    builder = CustomSkillBuilder()
    builder.add_request_handler(SayHello())
    skill: CustomSkill = builder.create()
    return skill


_skill: CustomSkill | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """A Lambda handler for the hello-world skill, built on first use like Steady Ground's."""
    global _skill
    if _skill is None:
        _skill = hello_skill()
    return run(_skill, event, SERIALIZER)


def create_app() -> Any:
    """A Flask app serving the hello-world skill at POST /alexa, without verification
    (gunicorn: `'skill.tools.bench.hello:create_app()'`)."""
    from flask import Flask, jsonify, request

    skill = hello_skill()
    app = Flask("hello")

    @app.get("/healthz")
    def healthz() -> Any:  # checks nothing: a hello-world has nothing to check
        return "ok", 200

    @app.post("/alexa")
    def alexa() -> Any:
        try:
            result = run(skill, json.loads(request.get_data()), SERIALIZER)
        except (BadRequest, ValueError):
            return jsonify(error="bad request"), 400
        return jsonify(result), 200

    return app
