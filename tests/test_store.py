"""State that outlives a session: real SQLite files, and faults that must not stop anything."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from ask_sdk_model import Context, RequestEnvelope, User
from ask_sdk_model.interfaces.system import SystemState

from skill.alexa.app import build_skill
from skill.core.people import Resume
from skill.core.position import Position
from skill.core.preferences import Preferences
from skill.core.state import STATE_VERSION, UserState
from skill.settings import Settings
from skill.store import REVISION, StorageError
from skill.store.keys import user_key
from skill.store.memory import MemoryAdapter
from skill.store.sqlite import SqliteAdapter
from skill.tools.nlu import Matcher
from tests.conftest import make_simulator


def envelope(user_id: str) -> RequestEnvelope:
    return RequestEnvelope(context=Context(system=SystemState(user=User(user_id=user_id))))


def test_sqlite_keeps_state_across_adapters_on_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "state.sqlite3"
    state = UserState.of(True, Resume("box-breathing", Position(3, 1.0)), Preferences(pace=1.5))
    SqliteAdapter(path).save_attributes(envelope("alice"), state.to_dict())
    again = UserState.from_dict(SqliteAdapter(path).get_attributes(envelope("alice")))
    assert again == state
    assert SqliteAdapter(path).get_attributes(envelope("bob")) == {REVISION: 0}


def test_sqlite_stores_hashed_user_ids_only(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    SqliteAdapter(path).save_attributes(envelope("amzn1.ask.account.SECRET"), {"a": 1})
    wal = tmp_path / "state.sqlite3-wal"  # gone once the last connection has checkpointed it
    raw = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert b"SECRET" not in raw
    assert user_key(envelope("amzn1.ask.account.SECRET")).encode() in raw


def test_sqlite_delete_forgets_the_user(tmp_path: Path) -> None:
    adapter = SqliteAdapter(tmp_path / "s.sqlite3")
    adapter.save_attributes(envelope("carol"), {"first_visit_done": True})
    adapter.delete_attributes(envelope("carol"))
    assert adapter.get_attributes(envelope("carol")) == {REVISION: 0}


def test_sqlite_fault_is_a_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "not-a-db.sqlite3"
    path.write_bytes(b"this is not a database file" * 100)
    with pytest.raises(StorageError):
        SqliteAdapter(path).get_attributes(envelope("dave"))


def test_memory_adapter_copies_rather_than_shares() -> None:
    adapter = MemoryAdapter()
    data = {"resume": {"script": "x"}}
    adapter.save_attributes(envelope("erin"), data)
    data["resume"]["script"] = "changed"
    assert adapter.get_attributes(envelope("erin"))["resume"]["script"] == "x"


def test_state_model_has_a_version_and_reads_old_or_broken_data() -> None:
    assert UserState().to_dict()["version"] == STATE_VERSION
    assert UserState.from_dict({"resume": "nonsense", "preferences": 4}) == UserState()
    assert UserState.from_dict(None) == UserState()


def test_stored_state_never_holds_what_the_person_said(tmp_path: Path, matcher: Matcher) -> None:
    db = tmp_path / "s.sqlite3"
    simulator = make_simulator(build_skill(Settings(db_path=db)), matcher)
    for said in ("open steady ground", "start five senses", "a purple lampshade", "stop"):
        simulator.say(said)
    rows = sqlite3.connect(db).execute("SELECT data FROM user_state").fetchall()
    assert rows and all("lampshade" not in row[0] for row in rows)


def test_a_broken_store_never_stops_an_exercise(
    tmp_path: Path, matcher: Matcher, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    skill = build_skill(Settings(db_path=blocker / "cannot" / "exist.sqlite3"))
    simulator = make_simulator(skill, matcher)
    with caplog.at_level(logging.WARNING, logger="steady.skill"):
        first = simulator.say("open steady ground")
        started = simulator.say("start box breathing")
        going = simulator.say("next")
    assert "Steady Ground" in first.text
    assert "Breathe in" in started.text and not started.ended
    assert going.text and not going.ended
    assert any("state store unavailable" in r.message for r in caplog.records)


def test_state_untouched_past_the_retention_period_is_forgotten(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    adapter = SqliteAdapter(path, retention_days=30)
    adapter.save_attributes(envelope("old"), {"first_visit_done": True})
    adapter.save_attributes(envelope("new"), {"first_visit_done": True})
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE user_state SET updated_at = updated_at - 31 * 86400 WHERE user_key = ?",
            (user_key(envelope("old")),),
        )
    assert adapter.get_attributes(envelope("old")) == {REVISION: 0}
    assert adapter.get_attributes(envelope("new")) == {"first_visit_done": True, REVISION: 1}
    count = sqlite3.connect(path).execute("SELECT COUNT(*) FROM user_state").fetchone()[0]
    assert count == 1


def test_disabling_the_skill_deletes_what_was_stored(tmp_path: Path, matcher: Matcher) -> None:
    from skill.alexa.envelope import run

    db = tmp_path / "s.sqlite3"
    skill = build_skill(Settings(db_path=db))
    simulator = make_simulator(skill, matcher, user="leaver")
    simulator.say("open steady ground")
    simulator.say("start box breathing")
    simulator.say("slower")
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM user_state").fetchone()[0] == 1
    user = {"userId": "amzn1.ask.account.leaver"}
    event = {
        "version": "1.0",
        "context": {"System": {"application": {"applicationId": "x"}, "user": user}},
        "request": {
            "type": "AlexaSkillEvent.SkillDisabled",
            "requestId": "r",
            "timestamp": "2026-11-21T23:00:00Z",
            "eventCreationTime": "2026-11-21T23:00:00Z",
            "eventPublishingTime": "2026-11-21T23:00:00Z",
            "body": {"userInformation": {"consent": None}},
        },
    }
    answer = run(skill, event)
    assert answer["response"].get("outputSpeech") is None
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM user_state").fetchone()[0] == 0
