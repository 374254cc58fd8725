"""Self-hosting with Flask: POST /alexa (verified; skill/web_alexa.py answers it in front of
Flask), GET /healthz and GET /audio/<key>.mp3.

GET /healthz reads one fixed key from the store (within `HEALTH_TIMEOUT`) and counts the scripts
loaded: 200 with `{"status": "ok", "storage": "ok", "scripts": N}`, or 503 naming what failed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import Context, RequestEnvelope, User
from ask_sdk_model.interfaces.system import SystemState
from flask import Flask, Response, jsonify
from flask.json.provider import DefaultJSONProvider

from skill.alexa.exchange import Conversations
from skill.settings import Settings
from skill.verify import RequestVerifier
from skill.web_alexa import AlexaEndpoint
from skill.web_audio import register_audio

log = logging.getLogger("steady.web")

HEALTH_TIMEOUT = 2.0
"""Seconds /healthz waits for its read of the store before it reports the store as failing."""
HEALTH_USER = "steady-health-check"
"""The fixed user id whose (empty) state /healthz reads."""


class StrictJSON(DefaultJSONProvider):
    """Every answer is strict JSON: NaN and Infinity are never written."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("allow_nan", False)
        return super().dumps(obj, **kwargs)


class Health:
    """The checks of GET /healthz: a read of one fixed key from the store (at most one at a
    time, waited for `timeout` seconds), and the number of scripts loaded."""

    def __init__(
        self,
        adapter: AbstractPersistenceAdapter | None,
        scripts: Callable[[], int],
        timeout: float = HEALTH_TIMEOUT,
    ) -> None:
        self._adapter = adapter
        self._scripts = scripts
        self._timeout = timeout
        self._pending: Future[object] | None = None
        self._lock = threading.Lock()

    def check(self) -> tuple[dict[str, object], bool]:
        """What each part says, and whether all are well."""
        storage, scripts = self._storage(), self._count()
        well = storage == "ok" and isinstance(scripts, int) and scripts > 0
        return {"status": "ok" if well else "failing", "storage": storage, "scripts": scripts}, well

    def _storage(self) -> str:
        if self._adapter is None:
            return "ok"
        with self._lock:
            if self._pending is None or self._pending.done():
                self._pending = self._read(self._adapter)
            pending = self._pending
        try:
            pending.result(timeout=self._timeout)
        except TimeoutError:
            log.warning("health check: the store gave no answer within %g s", self._timeout)
            return f"no answer within {self._timeout:g} s"
        except Exception as error:  # any adapter's fault; its details go to the log only
            log.warning("health check: the store failed: %s", error)
            return f"failed: {type(error).__name__}"
        return "ok"

    def _count(self) -> int | str:
        try:
            return self._scripts()
        except Exception as error:  # content that cannot be read
            log.warning("health check: scripts failed: %s", type(error).__name__)
            return f"failed: {type(error).__name__}"

    @staticmethod
    def _read(adapter: AbstractPersistenceAdapter) -> Future[object]:
        """The read, in a daemon thread: one that hangs never keeps the process from exiting."""
        envelope = RequestEnvelope(
            context=Context(system=SystemState(user=User(user_id=HEALTH_USER)))
        )
        done: Future[object] = Future()

        def work() -> None:
            try:
                done.set_result(adapter.get_attributes(envelope))
            except BaseException as error:
                done.set_exception(error)

        threading.Thread(target=work, name="steady-health", daemon=True).start()
        return done


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

    conversations = Conversations(settings.default_locale, settings.scripts_dir)
    health = Health(
        skill.persistence_adapter,
        lambda: len(conversations.for_locale(settings.default_locale)[0].library),
    )

    @app.get("/healthz")
    def healthz() -> tuple[Response, int]:
        parts, well = health.check()
        return jsonify(parts), 200 if well else 503

    register_audio(app, settings.audio_dir)
    app.wsgi_app = AlexaEndpoint(skill, verifier, limit, app.wsgi_app)  # type: ignore[method-assign]

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
