"""The Lambda entry point runs the same skill as the web server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from skill import lambda_function
from skill.alexa.envelope import BadRequest


def launch_event() -> dict[str, Any]:
    application = {"applicationId": "amzn1.ask.skill.lambda-test"}
    user = {"userId": "amzn1.ask.account.lambda"}
    return {
        "version": "1.0",
        "session": {"new": True, "sessionId": "s1", "application": application, "user": user},
        "context": {"System": {"application": application, "user": user}},
        "request": {
            "type": "LaunchRequest",
            "requestId": "r1",
            "timestamp": "2026-11-21T23:00:00Z",
            "locale": "en-GB",
        },
    }


def test_lambda_handler_answers_a_launch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEADY_DB", str(tmp_path / "lambda.sqlite3"))
    monkeypatch.setattr(lambda_function, "_skill", None)
    result = lambda_function.lambda_handler(launch_event(), None)
    assert "Steady Ground" in result["response"]["outputSpeech"]["ssml"]
    assert (tmp_path / "lambda.sqlite3").exists()


def test_lambda_handler_refuses_unknown_events(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("STEADY_DB", str(tmp_path / "lambda.sqlite3"))
    monkeypatch.setattr(lambda_function, "_skill", None)
    with pytest.raises(BadRequest, match="unknown request type"):
        lambda_function.lambda_handler({"request": {"type": "Nope"}}, None)
