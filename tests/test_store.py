"""State that outlives a session: real SQLite files, and faults that must not stop anything."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import sqlite3
import stat
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_model import Context, RequestEnvelope, User
from ask_sdk_model.interfaces.system import SystemState

from skill.alexa.app import build_skill, store_for
from skill.core.people import Resume
from skill.core.position import Position
from skill.core.preferences import Preferences
from skill.core.state import STATE_VERSION, UserState
from skill.settings import Settings
from skill.store import REVISION, StorageError
from skill.store.keys import (
    KEY_CHARS,
    PLAIN,
    REMEMBERED,
    IdKeys,
    Rekeyed,
    keyed_by,
    keys_of,
    read_or_make_secret,
    user_key,
)
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


# Keys: keyed hashes (HMAC-SHA256 under the deployment's secret), and rows filed the old way.

OLD_SCHEMA = """
CREATE TABLE user_state (user_key TEXT PRIMARY KEY, data TEXT NOT NULL, updated_at REAL NOT NULL)
"""


def plain_key(user_id: str) -> str:
    """How earlier versions filed a user: the plain SHA-256 of the id."""
    return hashlib.sha256(user_id.encode()).hexdigest()[:32]


def keyed(secret: bytes, user_id: str) -> str:
    return hmac.new(secret, user_id.encode(), hashlib.sha256).hexdigest()[:32]


def stored_keys(db: Path) -> list[str]:
    return [row[0] for row in sqlite3.connect(db).execute("SELECT user_key FROM user_state")]


def test_the_embedded_store_makes_its_secret_once_beside_the_database(tmp_path: Path) -> None:
    db = tmp_path / "state" / "s.sqlite3"
    build_skill(Settings(db_path=db))
    secret_file = tmp_path / "state" / "s.sqlite3.id-secret"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    secret = secret_file.read_bytes()
    assert len(secret.strip()) == 64
    build_skill(Settings(db_path=db))  # a restart, or another process on the same file
    assert secret_file.read_bytes() == secret


def test_state_is_filed_under_a_keyed_hash_of_the_user_id(tmp_path: Path, matcher: Matcher) -> None:
    db = tmp_path / "s.sqlite3"
    simulator = make_simulator(build_skill(Settings(db_path=db)), matcher, user="keyed")
    for said in ("open steady ground", "start box breathing", "slower", "stop"):
        simulator.say(said)
    secret = (tmp_path / "s.sqlite3.id-secret").read_text().strip().encode()
    assert stored_keys(db) == [keyed(secret, "amzn1.ask.account.keyed")]
    assert plain_key("amzn1.ask.account.keyed") not in stored_keys(db)


def test_a_secret_from_the_environment_is_used_and_no_file_is_made(tmp_path: Path) -> None:
    db, secret = tmp_path / "s.sqlite3", "k" * 40
    store = store_for(Settings.from_env({"STEADY_ID_SECRET": secret}, db_path=str(db)))
    store.save_attributes(envelope("amzn1.ask.account.env"), {"a": 1})
    assert stored_keys(db) == [keyed(secret.encode(), "amzn1.ask.account.env")]
    assert not (tmp_path / "s.sqlite3.id-secret").exists()


def test_processes_starting_together_share_one_secret(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3.id-secret"
    with ThreadPoolExecutor(8) as pool:
        secrets = set(pool.map(lambda _: read_or_make_secret(path), range(16)))
    assert len(secrets) == 1


def test_a_database_made_the_old_way_keeps_working(tmp_path: Path, matcher: Matcher) -> None:
    """A file written before keyed hashes (and before revisions): its row is found, moved to the
    keyed key on the first read, and the plain one is gone."""
    db, user = tmp_path / "old.sqlite3", "amzn1.ask.account.oldtimer"
    state = UserState.of(True, Resume("box-breathing", Position(3, 1.0)), Preferences(pace=1.5))
    with sqlite3.connect(db) as conn:
        conn.execute(OLD_SCHEMA)
        conn.execute(
            "INSERT INTO user_state VALUES (?, ?, ?)",
            (plain_key(user), json.dumps(state.to_dict()), time.time()),
        )
    simulator = make_simulator(build_skill(Settings(db_path=db)), matcher, user="oldtimer")
    welcome = simulator.say("open steady ground")
    assert "pick up where you left off" in welcome.text
    secret = (tmp_path / "old.sqlite3.id-secret").read_text().strip().encode()
    assert stored_keys(db) == [keyed(secret, user)]
    again = SqliteAdapter(db)
    with keyed_by(IdKeys(secret)):
        assert (
            UserState.from_dict(again.get_attributes(envelope(user))).person().preferences.pace
            == 1.5
        )
    assert again.get_attributes(envelope(user)) == {REVISION: 0}  # nothing left under the plain key


def test_old_and_keyed_rows_move_the_same_way_on_each_store(store_settings: Settings) -> None:
    """SQLite and DynamoDB: an item under the plain key moves on read, a save goes to the keyed
    key only, and deleting forgets both."""
    old_way = store_for(store_settings)  # DynamoDB without a secret: still the plain key
    who = envelope("amzn1.ask.account.mover")
    if store_settings.store == "dynamodb":
        assert keys_of(old_way) == PLAIN
    else:
        old_way = SqliteAdapter(store_settings.db_path)
    old_way.save_attributes(who, {"pace": 1.5})
    store = store_for(replace(store_settings, id_secret="s" * 40))
    assert store.get_attributes(who) == {"pace": 1.5, REVISION: 1}
    assert old_way.get_attributes(who) == {REVISION: 0}
    assert store.get_attributes(who) == {"pace": 1.5, REVISION: 1}
    old_way.save_attributes(who, {"stale": True})
    store.delete_attributes(who)
    assert store.get_attributes(who) == {REVISION: 0}
    assert old_way.get_attributes(who) == {REVISION: 0}


def test_a_move_that_lost_a_race_reads_the_winner() -> None:
    memory, who = MemoryAdapter(), envelope("amzn1.ask.account.racer")
    memory.save_attributes(who, {"from": "old"})
    keys = IdKeys(b"s" * 40)
    with keyed_by(keys):
        memory.save_attributes(who, {"from": "winner"})

    class LateFirstRead(MemoryAdapter):
        """Reads nothing under the keyed key the first time, as if the winner came later."""

        misses = 1

        def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
            if self.misses and user_key(request_envelope) == keys.user("amzn1.ask.account.racer"):
                self.misses -= 1
                return {REVISION: 0}
            return super().get_attributes(request_envelope)

    late = LateFirstRead()
    late.items, late.revisions = memory.items, memory.revisions
    assert Rekeyed(late, keys).get_attributes(who) == {"from": "winner", REVISION: 1}


def test_remembered_digests_are_the_same_and_their_memory_is_bounded() -> None:
    """Turns hash the same ids again and again, so digests are remembered; a server that
    meets a great many users keeps at most REMEMBERED of them, and every key stays right."""
    keys = IdKeys(b"k" * 40)
    expected = hmac.new(b"k" * 40, b"amzn1.ask.account.first", hashlib.sha256).hexdigest()
    assert keys.user("amzn1.ask.account.first") == expected[:KEY_CHARS]
    for n in range(REMEMBERED * 2 + 3):
        keys.user(f"amzn1.ask.account.{n}")
    assert len(keys._known) <= REMEMBERED
    assert keys.user("amzn1.ask.account.first") == expected[:KEY_CHARS]
    assert keys == IdKeys(b"k" * 40)  # what is remembered is not part of the keys' identity
