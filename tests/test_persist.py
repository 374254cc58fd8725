"""What the skill keeps between sessions survives overlapping requests and faulty stores
(skill.alexa.persist), on real SQLite files."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from ask_sdk_model import Context, RequestEnvelope, User
from ask_sdk_model.interfaces.system import SystemState

from skill.alexa import persist
from skill.alexa.app import build_skill
from skill.core.people import Resume
from skill.core.position import Position
from skill.core.preferences import Preferences
from skill.core.state import UserState
from skill.settings import Settings
from skill.store import REVISION
from skill.store.sqlite import SqliteAdapter
from skill.tools.nlu import Matcher
from tests.conftest import make_simulator


def envelope(user_id: str = "amzn1.ask.account.pat") -> RequestEnvelope:
    return RequestEnvelope(context=Context(system=SystemState(user=User(user_id=user_id))))


def test_two_overlapping_requests_both_keep_their_change(tmp_path: Path) -> None:
    store = SqliteAdapter(tmp_path / "s.sqlite3")
    start = UserState.of(True, Resume("box-breathing", Position(2)), Preferences())
    persist.save(store, envelope(), persist.load(store, envelope()), start)
    # Two devices read the same state; the kitchen one says "slower", and the bedroom one
    # finishes the exercise (no more resume) a moment later, from what it had read.
    bedroom = persist.load(store, envelope())
    kitchen = persist.load(store, envelope())
    assert bedroom is not None and kitchen is not None
    slower = persist.user_of(kitchen)
    slower.person().preferences = Preferences(pace=1.25)
    persist.save(store, envelope(), kitchen, slower)
    finished = persist.user_of(bedroom)
    finished.person().resume = None
    persist.save(store, envelope(), bedroom, finished)
    kept = persist.load(store, envelope())
    assert kept is not None
    assert persist.user_of(kept) == UserState.of(True, None, Preferences(pace=1.25))
    assert kept.revision == 3


def test_nothing_is_saved_over_a_store_that_could_not_be_read(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "s.sqlite3"
    store = SqliteAdapter(path)
    mine = UserState.of(True, Resume("bedtime-body-scan", Position(7)), Preferences(pace=1.25))
    persist.save(store, envelope(), persist.load(store, envelope()), mine)
    good = path.read_bytes()
    path.write_bytes(b"garbage" * 500)  # the file is unreadable for a while
    with caplog.at_level(logging.WARNING, logger="steady.skill"):
        read = persist.load(store, envelope())
        assert read is None and persist.user_of(read) == UserState()
        persist.save(store, envelope(), read, UserState.of(first_visit_done=True))
    assert "kept for later" in caplog.text
    path.write_bytes(good)  # once it can be read again, nothing was lost
    again = persist.load(SqliteAdapter(path), envelope())
    assert again is not None and persist.user_of(again) == mine


def test_a_stored_row_of_the_first_release_reads_as_it_was(tmp_path: Path) -> None:
    """State saved before revisions existed: no revision key, today's document shape."""
    row = {
        "version": 1,
        "first_visit_done": True,
        "resume": {"script": "five-senses", "position": {"step": 4, "offset": 1.0}},
        "preferences": {"pace": 1.25, "eyes_open": True, "skip_regions": ["chest"]},
    }
    read = persist.Stored.of(row)
    assert read.revision is None and REVISION not in read.document
    user = persist.user_of(read)
    assert user.person().resume == Resume("five-senses", Position(4, 1.0))
    assert user.person().preferences == Preferences(
        pace=1.25, eyes_open=True, skip_regions=frozenset({"chest"})
    )


def test_a_returning_user_on_an_unreadable_store_hears_only_what_is_true(
    tmp_path: Path, matcher: Matcher
) -> None:
    path = tmp_path / "s.sqlite3"
    device = make_simulator(build_skill(Settings(db_path=path)), matcher)
    first = device.say("open steady ground")
    assert "Before we start" in first.text
    device.say("stop")
    good = path.read_bytes()
    path.write_bytes(b"garbage" * 500)  # the file cannot be read for a while
    for sidecar in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        sidecar.unlink(missing_ok=True)
    back = device.say("open steady ground")
    assert "Before we start" not in back.text and "Welcome back" not in back.text
    assert "can't reach what I remember" in back.text and "not a substitute" in back.text
    device.say("start five four three two one")
    bye = device.say("stop")
    assert bye.ended and "pick up where we stopped" not in bye.text
    path.write_bytes(good)
