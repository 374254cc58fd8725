"""Thousands of malformed and hostile requests, generated (hypothesis), sent to `/alexa` over
real HTTP on 127.0.0.1 and to the Lambda handler. Whatever arrives, the answer is a 400 with a
reason or a calm spoken answer: never a 500, never "Sorry, something went wrong" for a request a
device could send, never invalid SSML or invalid JSON.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.alexa.app import build_skill
from skill.alexa.envelope import BadRequest
from skill.content import bundle
from skill.lambda_function import handler
from skill.settings import Settings
from skill.speech.ssml import check
from skill.web import create_app
from tests.test_web import intent, launch, post, serve_app

ERROR = tuple(bundle.phrases("en-US").variants("error"))
INTENTS = [
    "StartExerciseIntent",
    "AnswerIntent",
    "FeelingIntent",
    "RequestIntent",
    "ControlIntent",
    "CrisisIntent",
    "SetReminderIntent",
    "AMAZON.NextIntent",
    "AMAZON.StopIntent",
    "AMAZON.PauseIntent",
    "AMAZON.ResumeIntent",
    "AMAZON.FallbackIntent",
    "NoSuchIntent",
]
SLOTS = ["exercise", "answer", "feeling", "request", "setting", "statement", "person", "time"]
PLAYER = [
    "AudioPlayer.PlaybackStarted",
    "AudioPlayer.PlaybackStopped",
    "AudioPlayer.PlaybackNearlyFinished",
    "AudioPlayer.PlaybackFinished",
    "AudioPlayer.PlaybackFailed",
    "PlaybackController.PlayCommandIssued",
    "PlaybackController.PauseCommandIssued",
    "PlaybackController.NextCommandIssued",
]
EXAMPLES = settings(
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,
)

odd_text = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "<speak>",
            "]]>",
            "&amp;&",
            "</speak><audio src='x'/>",
            "\u202e\u200b\ufeff",
            "😀" * 40,
            "a" * 5000,
            "I want to die <break time='10s'/>",
            "\x00\x01\x7f",
            "box breathing" * 100,
        ]
    ),
)
json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    odd_text,
)
json_value = st.recursive(
    json_scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)


def _player_event(kind: str, token: str, offset: Any) -> dict[str, Any]:
    data = launch()
    data.pop("session")
    data["request"] = {
        "type": kind,
        "requestId": "amzn1.echo-api.request.p",
        "timestamp": data["request"]["timestamp"],
        "locale": "en-US",
        "token": token,
        "offsetInMilliseconds": offset,
    }
    return data


@st.composite
def device_requests(draw: st.DrawFn) -> dict[str, Any]:
    """Requests shaped like a device's, with odd values where a device puts words, ids,
    session attributes, locales and player events: what a device (or someone pretending to be
    one) could send."""
    kind = draw(st.sampled_from(["launch", "intent", "player"]))
    if kind == "player":
        token = draw(st.one_of(odd_text, st.just("sg1|self|bedtime-body-scan|v|0|n")))
        offset = draw(st.one_of(st.integers(-(10**12), 10**12), json_value))
        return _player_event(draw(st.sampled_from(PLAYER)), token, offset)
    if kind == "launch":
        data = launch()
    else:
        slots = draw(st.dictionaries(st.sampled_from(SLOTS), odd_text, max_size=3))
        data = intent(draw(st.sampled_from(INTENTS)), slots)
    data["request"]["locale"] = draw(
        st.sampled_from(["en-US", "en-GB", "en-IN", "en-NZ", "fr-FR", "en_gb", "EN-us"])
    )
    if draw(st.booleans()):
        data["session"]["new"] = False
        data["session"]["attributes"] = draw(
            st.dictionaries(
                st.sampled_from(
                    [
                        "mode",
                        "script",
                        "at",
                        "segment_start",
                        "waiting",
                        "choices",
                        "last_reply",
                        "preferences",
                        "offer",
                        "person",
                        "crisis",
                        "segment_sent",
                    ]
                ),
                json_value,
                max_size=6,
            )
        )
    return data


@st.composite
def broken_requests(draw: st.DrawFn) -> dict[str, Any]:
    """A device's request with any part replaced by anything, or taken away."""
    data = copy.deepcopy(draw(device_requests()))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(
            st.sampled_from(
                [
                    ("version",),
                    ("request",),
                    ("request", "type"),
                    ("request", "timestamp"),
                    ("request", "intent"),
                    ("session",),
                    ("session", "user"),
                    ("session", "application"),
                    ("context",),
                    ("context", "System"),
                ]
            )
        )
        parent: Any = data
        for key in path[:-1]:
            parent = parent.get(key) if isinstance(parent, dict) else None
        if isinstance(parent, dict):
            if draw(st.booleans()):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = draw(json_value)
    return data


def _calm(answer: dict[str, Any]) -> None:
    """A spoken answer: strict JSON, valid SSML within the limits, never the error apology."""
    json.dumps(answer, allow_nan=False)  # strict JSON, or this raises
    response = answer.get("response") or {}
    for part in (
        response.get("outputSpeech"),
        (response.get("reprompt") or {}).get("outputSpeech"),
    ):
        if part and part.get("ssml"):
            assert check(part["ssml"]) == [], part["ssml"]
            assert not any(phrase in part["ssml"] for phrase in ERROR), part["ssml"]


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("hostile") / "state.sqlite3"
    config = Settings(db_path=db, verify=False)
    yield from serve_app(create_app(config, build_skill(config)))


@EXAMPLES
@given(data=device_requests())
def test_anything_a_device_could_send_gets_a_calm_answer_or_a_reason(
    url: str, data: dict[str, Any]
) -> None:
    status, answer = post(url, json.dumps(data).encode())
    assert status in (200, 400), (status, answer)
    if status == 400:
        assert answer["error"]
    else:
        _calm(answer)


@EXAMPLES
@given(data=st.one_of(broken_requests(), json_value))
def test_anything_at_all_never_gets_a_500(url: str, data: Any) -> None:
    status, answer = post(url, json.dumps(data).encode())
    assert status in (200, 400), (status, answer)
    if status == 200:
        json.dumps(answer, allow_nan=False)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(body=st.binary(max_size=300))
def test_bytes_that_are_not_json_get_a_reason(url: str, body: bytes) -> None:
    status, answer = post(url, body)
    assert status in (200, 400) and (status == 200 or answer["error"])


def test_deep_nesting_and_huge_numbers_get_a_reason(url: str) -> None:
    for body in (
        b'{"request": ' + b"[" * 5000 + b'"x"' + b"]" * 5000 + b"}",
        b'{"version": "1.0", "request": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b'{"version": 1e999999}',
        b'{"version": ' + b"9" * 100_000 + b"}",
    ):
        status, answer = post(url, body)
        assert status == 400 and answer["error"]


@pytest.fixture(scope="module")
def lambda_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    folder: Path = tmp_path_factory.mktemp("hostile-lambda")
    mp = pytest.MonkeyPatch()
    mp.setenv("STEADY_DB", str(folder / "state.sqlite3"))
    mp.setattr("skill.lambda_function._skill", None)
    yield
    mp.undo()


@EXAMPLES
@given(data=st.one_of(device_requests(), broken_requests(), json_value))
def test_the_lambda_handler_refuses_cleanly_or_answers_calmly(lambda_env: None, data: Any) -> None:
    try:
        answer = handler(data, None)
    except BadRequest as refused:
        assert refused.reason
        return
    assert isinstance(answer, dict)
    json.dumps(answer, allow_nan=False)
    if isinstance(data, dict) and data.get("request", {}).get("type") in ("LaunchRequest",):
        _calm(answer)


def test_replayed_and_reordered_player_events_stay_silent(url: str) -> None:
    """A device may send the audio player's events late, twice, or in another order."""
    started = _player_event("AudioPlayer.PlaybackStarted", "sg1|self|bedtime-body-scan|v|0|n", 0)
    stopped = _player_event("AudioPlayer.PlaybackStopped", "sg1|self|bedtime-body-scan|v|0|n", 9)
    finished = _player_event("AudioPlayer.PlaybackFinished", "sg1|self|x|v|0|n", math.inf)
    for data in (stopped, started, stopped, stopped, started):
        status, answer = post(url, json.dumps(data).encode())
        assert status == 200 and "outputSpeech" not in answer["response"]
    status, answer = post(url, json.dumps(finished).encode())  # Infinity is not JSON
    assert status == 400
