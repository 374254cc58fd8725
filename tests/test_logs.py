"""Log lines: JSON objects with the turn's fields, hashed ids, never words (safety.md P2)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import sys
from pathlib import Path

import pytest

from skill.alexa.app import build_skill
from skill.cli.logs import JsonFormatter, TextFormatter, configure
from skill.settings import Settings
from skill.store.memory import MemoryAdapter
from skill.tools.nlu import Matcher
from tests.conftest import make_simulator

SAID = ["open steady ground", "start five senses", "a purple lampshade", "I feel glorpy", "stop"]
WORDS = ["purple", "lampshade", "glorpy"]


def record(message: str, error: BaseException | None = None, **extra: object) -> logging.LogRecord:
    made = logging.LogRecord("steady.test", logging.WARNING, __file__, 1, message, (), None)
    if error is not None:
        made.exc_info = (type(error), error, error.__traceback__)
    made.__dict__.update(extra)
    return made


def failing(words: str) -> BaseException:
    try:
        raise ValueError(f"could not read {words!r}")
    except ValueError as error:
        return error


def test_a_record_with_fields_is_written_as_its_event() -> None:
    line = JsonFormatter().format(record("turn x", event="turn", fields={"intent": "X", "ms": 1.5}))
    data = json.loads(line)
    assert data["event"] == "turn" and data["intent"] == "X" and data["ms"] == 1.5
    assert data["level"] == "warning" and data["logger"] == "steady.test"
    assert "message" not in data and data["time"].endswith("+00:00")


def test_any_other_record_is_written_as_its_message() -> None:
    data = json.loads(JsonFormatter().format(record("store unavailable")))
    assert data["message"] == "store unavailable"


@pytest.mark.parametrize("formatter", [JsonFormatter(), TextFormatter()])
def test_an_exception_is_its_type_and_place_never_its_message(
    formatter: logging.Formatter,
) -> None:
    line = formatter.format(record("handler failed", failing("a purple lampshade")))
    assert "ValueError" in line and "test_logs.py:" in line
    assert "lampshade" not in line and "Traceback" not in line
    assert "\n" not in line


def test_configure_sends_every_line_to_standard_error_in_the_chosen_format(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    monkeypatch.setattr(root, "level", root.level)
    configure("json", "warning")
    (handler,) = root.handlers
    assert isinstance(handler, logging.StreamHandler) and handler.stream is sys.stderr
    assert isinstance(handler.formatter, JsonFormatter) and root.level == logging.WARNING


def turn_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    formatter = JsonFormatter()
    lines = [json.loads(formatter.format(r)) for r in caplog.records]
    return [line for line in lines if line.get("event") == "turn"]


def test_each_turn_is_one_line_with_its_fields_and_a_keyed_user(
    tmp_path: Path, matcher: Matcher, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "s.sqlite3"
    simulator = make_simulator(build_skill(Settings(db_path=db)), matcher, user="logger")
    with caplog.at_level(logging.INFO):
        for words in SAID:
            simulator.say(words)
    turns = turn_lines(caplog)
    assert [t["intent"] for t in turns] == [
        None,
        "StartExerciseIntent",
        "AnswerIntent",
        "FeelingIntent",
        "AMAZON.StopIntent",
    ]
    assert [t["outcome"] for t in turns] == ["listening"] * 4 + ["ended"]
    assert turns[1]["mode"] == "exercise" and "Speak" in turns[1]["actions"]  # type: ignore[operator]
    secret = Path(f"{db}.id-secret").read_text().strip().encode()
    user = hmac.new(secret, b"amzn1.ask.account.logger", hashlib.sha256).hexdigest()
    assert {t["user"] for t in turns} == {user[:12]}
    assert hashlib.sha256(b"amzn1.ask.account.logger").hexdigest()[:12] not in str(turns)
    text = json.dumps(turns).lower()
    assert [w for w in WORDS if w in text] == [] and "amzn1.ask.account" not in text


def test_without_a_keyed_store_users_are_logged_by_the_plain_hash(
    tmp_path: Path, matcher: Matcher, caplog: pytest.LogCaptureFixture
) -> None:
    skill = build_skill(Settings(db_path=tmp_path / "s.sqlite3"), adapter=MemoryAdapter())
    simulator = make_simulator(skill, matcher, user="memory")
    with caplog.at_level(logging.INFO):
        simulator.say("open steady ground")
    (turn,) = turn_lines(caplog)
    assert turn["user"] == hashlib.sha256(b"amzn1.ask.account.memory").hexdigest()[:12]
