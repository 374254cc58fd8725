"""What a person says is never logged or stored (safety.md P1, P2)."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

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
