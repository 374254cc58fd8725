"""Self-hosting with Flask: POST /alexa (verified), GET /healthz and GET /audio/<key>.mp3."""

from __future__ import annotations

import json
import logging
from typing import Any

from ask_sdk_core.skill import CustomSkill
from flask import Flask, Response, jsonify, request
from flask.json.provider import DefaultJSONProvider

from skill.alexa.envelope import BadRequest, admit, refuse_constant, run
from skill.settings import Settings
from skill.verify import RequestVerifier, VerificationError
from skill.web_audio import register_audio

log = logging.getLogger("steady.web")


class StrictJSON(DefaultJSONProvider):
    """Every answer is strict JSON: NaN and Infinity are never written."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("allow_nan", False)
        return super().dumps(obj, **kwargs)


def _refuse(reason: str) -> tuple[Response, int]:
    log.warning("refused request: %s", reason)
    return jsonify(error=reason), 400


def create_app(
    settings: Settings | None = None,
    skill: CustomSkill | None = None,
    verifier: RequestVerifier | None = None,
) -> Flask:
    """The web app. Nothing is built at import time; everything comes from `settings`."""
    settings = settings or Settings.from_env()
    if skill is None:
        from skill.alexa.app import build_skill

        skill = build_skill(settings)
    if verifier is None:
        verifier = RequestVerifier(settings.skill_id, verify_signature=settings.verify)
    app = Flask("steady")
    app.json = StrictJSON(app)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    limit = settings.max_body_bytes

    @app.post("/alexa")
    def alexa() -> tuple[Response, int]:
        if request.content_length is not None and request.content_length > limit:
            return _refuse(f"body larger than {limit} bytes")
        body = request.stream.read(limit + 1)
        if len(body) > limit:
            return _refuse(f"body larger than {limit} bytes")
        try:
            data = admit(json.loads(body, parse_constant=refuse_constant))
        except BadRequest as exc:
            return _refuse(exc.reason)
        except (ValueError, UnicodeDecodeError):
            return _refuse("body is not valid JSON")
        try:
            verifier.verify(dict(request.headers.items()), body, data)
            result = run(skill, data)
        except VerificationError as exc:
            return _refuse(exc.reason)
        except BadRequest as exc:
            return _refuse(exc.reason)
        return jsonify(result), 200

    @app.get("/healthz")
    def healthz() -> tuple[Response, int]:
        return jsonify(status="ok"), 200

    register_audio(app, settings.audio_dir)

    @app.errorhandler(404)
    def not_found(_: Exception) -> tuple[Response, int]:
        return jsonify(error="not found"), 404

    @app.errorhandler(405)
    def wrong_method(_: Exception) -> tuple[Response, int]:
        return jsonify(error="method not allowed"), 405

    @app.errorhandler(413)
    def too_large(_: Exception) -> tuple[Response, int]:
        return _refuse(f"body larger than {limit} bytes")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> tuple[Response, int]:
        log.error("unexpected %s while handling a request", type(exc).__name__)
        return jsonify(error="request could not be handled"), 400

    return app
