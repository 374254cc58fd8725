"""The Lambda entry point runs the same skill as the web server."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
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


@pytest.fixture
def fresh_skill(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEADY_DB", str(tmp_path / "lambda.sqlite3"))
    monkeypatch.setattr(lambda_function, "_skill", None)


def strict_json(result: dict[str, Any]) -> Any:
    """What Alexa reads: the handler's result written and read back as strict JSON."""
    return json.loads(json.dumps(result, allow_nan=False))


def test_handler_is_the_entry_point_and_lambda_handler_its_alias(fresh_skill: None) -> None:
    assert lambda_function.lambda_handler is lambda_function.handler
    result = strict_json(lambda_function.handler(launch_event(), None))
    assert "Steady Ground" in result["response"]["outputSpeech"]["ssml"]


@pytest.mark.parametrize("event", [[], [launch_event()], "LaunchRequest", None, 42, 1.5, True])
def test_an_event_that_is_not_an_object_is_refused(fresh_skill: None, event: Any) -> None:
    with pytest.raises(BadRequest, match="not a JSON object"):
        lambda_function.handler(event, None)


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("where", ["session attributes", "player offset", "list"])
def test_nan_and_infinity_anywhere_in_an_event_are_refused(
    fresh_skill: None, number: float, where: str
) -> None:
    event = launch_event()
    if where == "session attributes":
        event["session"]["attributes"] = {"position": {"step": 1, "offset": number}}
    elif where == "player offset":
        event["context"]["AudioPlayer"] = {"offsetInMilliseconds": number, "token": "t"}
    else:
        event["context"]["System"]["device"] = {"deviceId": "d", "list": [[1, {"x": number}]]}
    with pytest.raises(BadRequest, match="NaN or Infinity"):
        lambda_function.handler(event, None)


@pytest.mark.parametrize("locale", ["/usr-US", "../../../etc", "en-US/..", "x" * 5000, "", 7])
def test_a_locale_that_is_no_locale_is_refused(fresh_skill: None, locale: object) -> None:
    event = launch_event()
    event["request"]["locale"] = locale
    with pytest.raises(BadRequest, match="locale"):
        lambda_function.handler(event, None)


@pytest.mark.parametrize("locale", ["en-NZ", "en_ie", "en-gb", "fr-CA"])
def test_a_well_formed_locale_is_answered(fresh_skill: None, locale: str) -> None:
    event = launch_event()
    event["request"]["locale"] = locale
    result = strict_json(lambda_function.handler(event, None))
    assert "Steady Ground" in result["response"]["outputSpeech"]["ssml"]


@pytest.mark.parametrize(
    ("initialisation", "ahead"),
    [("snap-start", True), ("provisioned-concurrency", True), ("on-demand", False)],
)
def test_an_instance_prepared_ahead_is_built_before_its_first_request(
    tmp_path: Path, initialisation: str, ahead: bool
) -> None:
    """Lambda imports the handler's module while preparing a SnapStart snapshot or a provisioned
    instance: the skill and its whole crisis check are built then, not on a listener's first
    request. An on-demand cold start stays lazy (it answers one request either way)."""
    probe = (
        "import json\n"
        "from skill import lambda_function\n"
        "from skill.content.crisis_check import classifier\n"
        "print(json.dumps([lambda_function._skill is not None,"
        " classifier('en-US')._backstop is not None]))\n"
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("STEADY_")},
        "AWS_LAMBDA_INITIALIZATION_TYPE": initialisation,
        "STEADY_DB": str(tmp_path / "lambda.sqlite3"),
        "STEADY_CACHE_DIR": "off",
    }
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [ahead, ahead]


def test_words_said_after_a_cold_launch_get_the_crisis_check(tmp_path: Path) -> None:
    """An on-demand cold start answers a launch without loading the crisis check (it has no
    words to check); the first words in the same instance still get it, in full."""
    said = {"name": "FeelingIntent", "slots": {"feeling": {"name": "feeling"}}}
    said["slots"]["feeling"]["value"] = "i want to end my life"
    second = launch_event()
    second["session"]["new"] = False
    second["request"] = {**second["request"], "type": "IntentRequest", "intent": said}
    probe = (
        "import json, sys\n"
        "from skill import lambda_function\n"
        "events = json.loads(sys.argv[1])\n"
        "print(json.dumps([lambda_function.handler(e, None)['response'] for e in events]))\n"
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("STEADY_")},
        "STEADY_DB": str(tmp_path / "lambda.sqlite3"),
        "STEADY_CACHE_DIR": "off",
    }
    env.pop("AWS_LAMBDA_INITIALIZATION_TYPE", None)
    events = json.dumps([launch_event(), second])
    done = subprocess.run(
        [sys.executable, "-c", probe, events], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    launch, crisis = json.loads(done.stdout)
    assert "Steady Ground" in launch["outputSpeech"]["ssml"]
    heard = crisis["outputSpeech"]["ssml"]
    assert "Samaritans" in heard, heard  # the United Kingdom line, for en-GB
