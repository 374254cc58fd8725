"""The request path stays lean: answering Alexa never loads the developer tools or boto3.

If this fails, a deployed skill (Lambda or `steady serve`) imports the simulator, the NLU matcher,
the benches, lint, the locale model generator or local speech (or boto3) while answering a
request: cold starts get slower and the deployment needs code and dependencies it should not.

A fresh interpreter (nothing imported by other tests) holds one short session twice, through
`skill.lambda_function.lambda_handler` and through the Flask app: a launch, starting the five
senses exercise, and an answer to its first question, with the session attributes of each
response carried into the next request as Alexa does. It then reports which `skill.tools`
modules were loaded and whether anything tried to import boto3.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SKILL_ID = "amzn1.ask.skill.request-path-test"
FORBIDDEN_TOP_LEVEL = frozenset({"boto3", "botocore"})
AUDIO = frozenset({"numpy", "lameenc", "miniaudio", "piper", "pyttsx3"})
"""Sound libraries: a skill with hands-free audio off never needs them to answer."""
ERROR_WORDS = "something went wrong"

Send = Callable[[dict[str, Any]], dict[str, Any]]


# -- the child: runs in its own interpreter, imports the skill only inside functions ----------


class _ImportWatch:
    """A meta path finder that records any attempt to import boto3 or botocore (also one that a
    `try: import boto3 except ImportError` would hide, and also where boto3 isn't installed)."""

    def __init__(self) -> None:
        self.attempts: list[str] = []

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname.partition(".")[0] in FORBIDDEN_TOP_LEVEL:
            self.attempts.append(fullname)
        return None


def _slot(name: str, value: str, slot_type: str, resolved_id: str | None) -> dict[str, Any]:
    authority = f"amzn1.er-authority.echo-sdk.{SKILL_ID}.{slot_type}"
    if resolved_id is None:
        resolution: dict[str, Any] = {
            "authority": authority,
            "status": {"code": "ER_SUCCESS_NO_MATCH"},
        }
    else:
        resolution = {
            "authority": authority,
            "status": {"code": "ER_SUCCESS_MATCH"},
            "values": [{"value": {"name": value, "id": resolved_id}}],
        }
    return {
        "name": name,
        "value": value,
        "confirmationStatus": "NONE",
        "resolutions": {"resolutionsPerAuthority": [resolution]},
    }


def _requests() -> list[dict[str, Any]]:
    """The three requests of the session, without their session part."""
    return [
        {"type": "LaunchRequest"},
        {
            "type": "IntentRequest",
            "intent": {
                "name": "StartExerciseIntent",
                "confirmationStatus": "NONE",
                "slots": {"exercise": _slot("exercise", "five senses", "EXERCISE", "five-senses")},
            },
        },
        {
            "type": "IntentRequest",
            "intent": {
                "name": "AnswerIntent",
                "confirmationStatus": "NONE",
                "slots": {"answer": _slot("answer", "a lamp", "ANSWER", None)},
            },
        },
    ]


def _hold_session(send: Send, user: str) -> list[dict[str, Any]]:
    """Send the session's requests as Alexa would; each response's sessionAttributes go into the
    next request's session.attributes. Returns the response envelopes."""
    application = {"applicationId": SKILL_ID}
    person = {"userId": f"amzn1.ask.account.{user}"}
    session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
    attributes: dict[str, Any] = {}
    responses = []
    for number, request in enumerate(_requests()):
        session: dict[str, Any] = {
            "new": number == 0,
            "sessionId": session_id,
            "application": application,
            "user": person,
        }
        if attributes:
            session["attributes"] = attributes
        envelope = {
            "version": "1.0",
            "session": session,
            "context": {
                "System": {
                    "application": application,
                    "user": person,
                    "device": {
                        "deviceId": "amzn1.ask.device.request-path",
                        "supportedInterfaces": {},
                    },
                    "apiEndpoint": "https://api.amazonalexa.com",
                }
            },
            "request": {
                **request,
                "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
                "timestamp": "2026-11-21T23:00:00Z",
                "locale": "en-US",
            },
        }
        response = send(envelope)
        responses.append(response)
        attributes = response.get("sessionAttributes") or {}
    return responses


def _summary(responses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "ssml": (r.get("response", {}).get("outputSpeech") or {}).get("ssml", ""),
            "ended": r.get("response", {}).get("shouldEndSession"),
            "attributes": r.get("sessionAttributes") or {},
        }
        for r in responses
    ]


def child(db_dir: str) -> None:
    """Runs in the fresh interpreter: the session through Lambda and Flask, then a JSON report."""
    watch = _ImportWatch()
    sys.meta_path.insert(0, watch)
    os.environ["STEADY_DB"] = str(Path(db_dir) / "lambda.sqlite3")

    from skill import lambda_function

    by_lambda = _hold_session(lambda event: lambda_function.lambda_handler(event, None), "lambda")

    from skill.settings import Settings
    from skill.web import create_app

    app = create_app(Settings(verify=False, db_path=Path(db_dir) / "web.sqlite3"))
    client = app.test_client()

    def post(envelope: dict[str, Any]) -> dict[str, Any]:
        answer = client.post("/alexa", json=envelope)
        body: dict[str, Any] = answer.get_json() or {}
        if answer.status_code != 200:
            return {"response": {"outputSpeech": {"ssml": f"HTTP {answer.status_code} {body}"}}}
        return body

    by_web = _hold_session(post, "web")
    report = {
        "tools": sorted(m for m in sys.modules if m.startswith("skill.tools")),
        "audio": sorted(
            m for m in sys.modules if m.startswith("skill.audio") or m.partition(".")[0] in AUDIO
        ),
        "boto_imported": sorted(
            m for m in sys.modules if m.partition(".")[0] in FORBIDDEN_TOP_LEVEL
        ),
        "boto_attempts": watch.attempts,
        "lambda": _summary(by_lambda),
        "web": _summary(by_web),
    }
    print(json.dumps(report))


# -- the test -------------------------------------------------------------------------------


def _run_child(tmp_path: Path) -> dict[str, Any]:
    code = f"from tests.test_request_path import child; child({str(tmp_path)!r})"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "STEADY_DB")}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, (
        f"the request-path child failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
    )
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def _check_replies(path: str, replies: list[dict[str, Any]]) -> None:
    launch, start, answer = replies
    assert "Steady Ground" in launch["ssml"], f"{path}: launch reply: {launch['ssml']!r}"
    assert launch["ended"] is False, f"{path}: the launch closed the session"
    assert start["attributes"].get("waiting"), f"{path}: the skill isn't waiting for an answer"
    for reply in (start, answer):
        assert reply["ssml"], f"{path}: an empty reply"
        assert ERROR_WORDS not in reply["ssml"].lower(), f"{path}: an error: {reply['ssml']!r}"
    assert answer["ended"] is False, f"{path}: the answer closed the session"
    assert answer["attributes"].get("mode") == "exercise", (
        f"{path}: the answer left the exercise: {answer['attributes']!r}"
    )


def test_handling_requests_imports_no_tools_and_no_boto3(tmp_path: Path) -> None:
    report = _run_child(tmp_path)
    _check_replies("lambda", report["lambda"])
    _check_replies("web", report["web"])
    assert report["tools"] == [], f"the request path imported developer tools: {report['tools']}"
    assert report["audio"] == [], f"with audio off, the request path imported {report['audio']}"
    assert report["boto_imported"] == [], f"the request path imported {report['boto_imported']}"
    assert report["boto_attempts"] == [], (
        f"the request path tried to import {report['boto_attempts']}"
    )
