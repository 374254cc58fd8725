"""POST /alexa as a bare WSGI application, in front of the Flask app (its `wsgi_app`).

Every device request takes this one path, so it skips Flask's request context, routing and
response objects (about 0.05 ms a request, docs/benchmarks.md) and answers from the WSGI environ
itself; every other path goes on to Flask. What a request gets is what the Flask view gave: the
skill's JSON with 200, or HTTP 400 with `{"error": reason}` for anything malformed, unverified or
unexpected, never a stack trace. Another method on /alexa gets 405.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from ask_sdk_core.skill import CustomSkill

from skill.alexa.envelope import BadRequest, admit, answer, finite_float, refuse_constant
from skill.verify import RequestVerifier, VerificationError

log = logging.getLogger("steady.web")

PATH = "/alexa"
Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]

_STRICT = json.JSONDecoder(parse_constant=refuse_constant, parse_float=finite_float)
"""Strict JSON: NaN, Infinity and numbers too large for a float are refused (made once)."""
_JSON = "application/json"


class AlexaEndpoint:
    """POST /alexa for `skill`, verified by `verifier`, bodies up to `limit` bytes; any other
    path is `app`'s."""

    def __init__(
        self, skill: CustomSkill, verifier: RequestVerifier, limit: int, app: WsgiApp
    ) -> None:
        self._skill = skill
        self._verifier = verifier
        self._limit = limit
        self._app = app

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != PATH:
            return self._app(environ, start_response)
        if environ.get("REQUEST_METHOD") != "POST":
            allow = ("Allow", "POST")
            return _send(
                start_response, "405 METHOD NOT ALLOWED", _error("method not allowed"), allow
            )
        try:
            written = self._answer(environ)
        except (BadRequest, VerificationError) as exc:
            log.warning("refused request: %s", exc.reason)
            return _send(start_response, "400 BAD REQUEST", _error(exc.reason))
        except Exception as exc:  # a reason for the client, the type for the log; never a trace
            log.error("unexpected %s while handling a request", type(exc).__name__)
            return _send(start_response, "400 BAD REQUEST", _error("request could not be handled"))
        return _send(start_response, "200 OK", written.encode())

    def _answer(self, environ: Environ) -> str:
        """The skill's answer as JSON text; BadRequest or VerificationError say why not."""
        body = self._body(environ)
        try:
            data = admit(_STRICT.decode(body.decode(json.detect_encoding(body), "surrogatepass")))
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # BadRequest passes
            raise BadRequest("body is not valid JSON") from exc
        self._verifier.verify(_headers(environ), body, data)
        return answer(self._skill, data, strict=True)[1]  # parsed strictly above

    def _body(self, environ: Environ) -> bytes:
        """The body, read up to one byte past the limit; a body without a length is read only
        where the server marks its end (chunked), as Flask's request stream does."""
        limit = self._limit
        length = _length(environ.get("CONTENT_LENGTH"))
        if length is not None and length > limit:
            raise BadRequest(f"body larger than {limit} bytes")
        stream = environ.get("wsgi.input")
        if stream is None or (length is None and not environ.get("wsgi.input_terminated")):
            return b""
        body: bytes = stream.read(limit + 1 if length is None else length)
        if len(body) > limit:
            raise BadRequest(f"body larger than {limit} bytes")
        return body


def _length(value: Any) -> int | None:
    """CONTENT_LENGTH as a number, or None where it is missing, empty, malformed or negative."""
    try:
        length = int(value)
    except (TypeError, ValueError):
        return None
    return length if length >= 0 else None


def _headers(environ: Environ) -> dict[str, str]:
    """The request's headers by name (the verifier reads them without regard to case)."""
    return {k[5:].replace("_", "-"): v for k, v in environ.items() if k.startswith("HTTP_")}


def _error(reason: str) -> bytes:
    return json.dumps({"error": reason}).encode() + b"\n"


def _send(
    start_response: StartResponse, status: str, body: bytes, *extra: tuple[str, str]
) -> list[bytes]:
    start_response(status, [("Content-Type", _JSON), ("Content-Length", str(len(body))), *extra])
    return [body]
