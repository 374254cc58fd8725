"""What a person says is never logged or stored (safety.md P1, P2)."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import boto3
import pytest

from skill.alexa.app import build_skill
from skill.settings import Settings
from skill.tools.nlu import Matcher
from tests.conftest import make_simulator

PRIVATE_WORDS = ["purple lampshade", "glorpy", "kill myself", "my husband hit me"]


def test_logs_and_storage_never_hold_what_the_person_said(
    tmp_path: Path, matcher: Matcher, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "s.sqlite3"
    simulator = make_simulator(build_skill(Settings(db_path=db)), matcher)
    with caplog.at_level(logging.DEBUG):
        simulator.say("open steady ground")
        simulator.say("start five senses")
        simulator.say("a purple lampshade")
        simulator.say("I feel kind of glorpy")
        simulator.say("I want to kill myself")
        simulator.say("no")
        simulator.say("my husband hit me")
        simulator.say("stop")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "turn type=IntentRequest" in logged  # the turns were logged...
    assert [w for w in PRIVATE_WORDS if w in logged.lower()] == []  # ...without their words
    assert "amzn1.ask.account" not in logged
    stored = " ".join(row[0] for row in sqlite3.connect(db).execute("SELECT data FROM user_state"))
    assert [w for w in PRIVATE_WORDS if w in stored.lower()] == []


def test_a_caregiver_session_keeps_names_and_settings_never_words(
    store_settings: Settings, matcher: Matcher, caplog: pytest.LogCaptureFixture
) -> None:
    """A whole caregiver session, on each store: only the people's names and settings are kept;
    nothing said in the exercises, and no raw account id, reaches the logs or the store."""
    simulator = make_simulator(build_skill(store_settings), matcher)
    said = [
        "open steady ground",
        "add a person called grandpa",
        "make the pauses longer for grandpa",
        "start five four three two one for my mum",
        "a chipped teacup",
        "she feels kind of woozy",
        "slower",
        "the radiator ticking",
        "stop",
        "start five four three two one for grandpa",
        "the cat's whiskers",
        "stop",
    ]
    with caplog.at_level(logging.DEBUG):
        for words in said:
            simulator.say(words)
    private = ["chipped teacup", "woozy", "radiator", "whiskers"]
    logged = "\n".join(record.getMessage() for record in caplog.records).lower()
    assert "turn type=IntentRequest".lower() in logged
    assert [w for w in private if w in logged] == [] and "amzn1.ask.account" not in logged
    stored = json.dumps(_everything_stored(store_settings)).lower()
    assert "grandpa" in stored and "mum" in stored  # the names asked to be kept
    assert [w for w in private if w in stored] == [] and "amzn1.ask.account" not in stored


def _everything_stored(settings: Settings) -> list[object]:
    if settings.store == "sqlite":
        rows = sqlite3.connect(settings.db_path).execute("SELECT * FROM user_state").fetchall()
        return [list(row) for row in rows]
    client = boto3.session.Session().client("dynamodb")
    items: list[object] = client.scan(TableName=settings.dynamodb_table)["Items"]
    return items
