"""The store's revision contract, on real SQLite files shared by real processes, and its faults.

Several server processes may write one SQLite file: every save compares the revision the writer
read with the stored one, so no update is lost silently (see `skill.store`).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import Context, RequestEnvelope, User
from ask_sdk_model.interfaces.system import SystemState

from skill.core.state import UserState
from skill.store import REVISION, ConflictError, StorageError
from skill.store.keys import user_key
from skill.store.memory import MemoryAdapter
from skill.store.sqlite import SqliteAdapter

N = 50
"""Increments each of the two processes makes."""

TODAYS_SCHEMA = """
CREATE TABLE IF NOT EXISTS user_state (
    user_key TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    updated_at REAL NOT NULL
)
"""
"""The table as the release before revisions made it."""

TODAYS_DOCUMENT = {
    "version": 1,
    "first_visit_done": True,
    "resume": {"script": "box-breathing", "position": {"step": 3, "offset": 0.0}},
    "preferences": {"pace": 1.25},
}


def envelope(user_id: str) -> RequestEnvelope:
    return RequestEnvelope(context=Context(system=SystemState(user=User(user_id=user_id))))


@pytest.fixture(params=["sqlite", "memory"])
def adapter(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AbstractPersistenceAdapter]:
    if request.param == "sqlite":
        yield SqliteAdapter(tmp_path / "state.sqlite3")
    else:
        yield MemoryAdapter()


# The contract, for every adapter


def test_revision_starts_at_zero_and_grows_with_every_write(
    adapter: AbstractPersistenceAdapter,
) -> None:
    who = envelope("alice")
    assert adapter.get_attributes(who) == {REVISION: 0}
    adapter.save_attributes(who, {"count": 1})
    assert adapter.get_attributes(who) == {"count": 1, REVISION: 1}
    document = {"count": 2, REVISION: 1}
    adapter.save_attributes(who, document)
    assert document == {"count": 2, REVISION: 1}  # the caller's dict is left alone
    assert adapter.get_attributes(who) == {"count": 2, REVISION: 2}
    read = adapter.get_attributes(who)
    read["count"] = 3
    adapter.save_attributes(who, read)
    assert adapter.get_attributes(who) == {"count": 3, REVISION: 3}
    assert adapter.get_attributes(envelope("bob")) == {REVISION: 0}


def test_a_stale_revision_is_a_conflict_and_writes_nothing(
    adapter: AbstractPersistenceAdapter,
) -> None:
    who = envelope("carol")
    first = adapter.get_attributes(who)
    second = adapter.get_attributes(who)
    adapter.save_attributes(who, {**first, "by": "first"})
    with pytest.raises(ConflictError) as caught:
        adapter.save_attributes(who, {**second, "by": "second"})
    assert isinstance(caught.value, StorageError)
    assert "revision 0 was read, 1 is stored" in str(caught.value)
    assert adapter.get_attributes(who) == {"by": "first", REVISION: 1}
    with pytest.raises(ConflictError):
        adapter.save_attributes(who, {"by": "from the future", REVISION: 7})
    assert adapter.get_attributes(who) == {"by": "first", REVISION: 1}


def test_a_save_without_revision_writes_unconditionally_and_bumps_it(
    adapter: AbstractPersistenceAdapter,
) -> None:
    who = envelope("dave")
    stale = adapter.get_attributes(who)
    adapter.save_attributes(who, {"by": "one"})
    adapter.save_attributes(who, {"by": "two"})
    assert adapter.get_attributes(who) == {"by": "two", REVISION: 2}
    with pytest.raises(ConflictError):
        adapter.save_attributes(who, stale)


def test_delete_forgets_the_document_and_its_revision(adapter: AbstractPersistenceAdapter) -> None:
    who = envelope("erin")
    adapter.save_attributes(who, {"a": 1})
    adapter.save_attributes(who, {"a": 2})
    adapter.delete_attributes(who)
    assert adapter.get_attributes(who) == {REVISION: 0}
    adapter.save_attributes(who, {"a": 3, REVISION: 0})
    assert adapter.get_attributes(who) == {"a": 3, REVISION: 1}


def test_a_revision_that_is_not_a_number_is_a_storage_error(
    adapter: AbstractPersistenceAdapter,
) -> None:
    for broken in ("1", None, True, 1.0):
        with pytest.raises(StorageError) as caught:
            adapter.save_attributes(envelope("frank"), {"a": 1, REVISION: broken})
        assert not isinstance(caught.value, ConflictError)
    assert adapter.get_attributes(envelope("frank")) == {REVISION: 0}


# SQLite: what is stored


def test_sqlite_stores_the_document_without_its_revision_key(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    SqliteAdapter(path).save_attributes(envelope("gina"), {"a": 1, REVISION: 0})
    with sqlite3.connect(path) as conn:
        data, rev = conn.execute("SELECT data, rev FROM user_state").fetchone()
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert json.loads(data) == {"a": 1}
    assert rev == 1
    assert mode == "wal"


# SQLite: two real processes on one file


def _count(
    path: str, user: str, n: int, conditional: bool, hold: float, start: Any, results: Any
) -> None:
    """Adds one to the account's counter n times: read, hold, write; on a conflict, re-read."""
    adapter = SqliteAdapter(Path(path))
    who = envelope(user)
    conflicts = 0
    start.wait(30)
    for _ in range(n):
        for _attempt in range(10_000):
            document = adapter.get_attributes(who)
            document["count"] = document.get("count", 0) + 1
            if not conditional:
                del document[REVISION]
            time.sleep(hold)
            try:
                adapter.save_attributes(who, document)
                break
            except ConflictError:
                conflicts += 1
        else:
            raise RuntimeError("no progress")
    results.put(conflicts)


def _race(path: Path, conditional: bool, hold: float) -> tuple[int, int]:
    """Two spawned processes counting on one account: (the final counter, conflicts seen)."""
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(2)
    results = ctx.Queue()
    args = (str(path), "racer", N, conditional, hold, start, results)
    workers = [ctx.Process(target=_count, args=args) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    conflicts = [results.get(timeout=5) for _ in workers]
    count = SqliteAdapter(path).get_attributes(envelope("racer")).get("count", 0)
    return count, sum(conflicts)


def test_two_processes_never_lose_an_update(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    adapter = SqliteAdapter(path)
    adapter.get_attributes(envelope("racer"))  # the file exists before the race
    count, conflicts = _race(path, conditional=True, hold=0.002)
    assert count == 2 * N
    assert conflicts > 0  # they did collide, and the revision caught it
    assert adapter.get_attributes(envelope("racer"))[REVISION] == 2 * N


def test_without_revisions_the_same_race_loses_updates(tmp_path: Path) -> None:
    """The race above can fail: unconditional writes lose updates, so it would notice."""
    path = tmp_path / "shared.sqlite3"
    adapter = SqliteAdapter(path)
    counts = []
    for _ in range(3):
        adapter.delete_attributes(envelope("racer"))
        count, conflicts = _race(path, conditional=False, hold=0.003)
        assert conflicts == 0
        counts.append(count)
        if count < 2 * N:
            break
    assert counts[-1] < 2 * N, counts


def _open_and_save(path: str, start: Any, results: Any) -> None:
    start.wait(30)
    try:
        SqliteAdapter(Path(path)).save_attributes(envelope("opener"), {"a": 1})
        results.put("ok")
    except StorageError as exc:
        results.put(str(exc))


@pytest.mark.parametrize("file", ["new", "todays"])
def test_processes_opening_one_file_at_once_all_get_in(tmp_path: Path, file: str) -> None:
    """Switching a new file to WAL, or adding the revision column to today's, while others do
    the same: SQLite reports some of those clashes at once rather than waiting for the lock."""
    ctx = multiprocessing.get_context("spawn")
    openers = 6
    for attempt in range(2):
        path = tmp_path / f"{file}-{attempt}.sqlite3"
        if file == "todays":
            with sqlite3.connect(path) as conn:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute(TODAYS_SCHEMA)
            conn.close()
        start = ctx.Barrier(openers)
        results = ctx.Queue()
        workers = [
            ctx.Process(target=_open_and_save, args=(str(path), start, results))
            for _ in range(openers)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
            assert worker.exitcode == 0
        assert [results.get(timeout=5) for _ in workers] == ["ok"] * openers
        assert SqliteAdapter(path).get_attributes(envelope("opener")) == {"a": 1, REVISION: openers}


# SQLite: faults


def test_a_database_locked_beyond_the_busy_timeout_is_a_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    adapter = SqliteAdapter(path, timeout=0.2)
    adapter.save_attributes(envelope("hana"), {"a": 1})
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("UPDATE user_state SET data = data")
        started = time.monotonic()
        with pytest.raises(StorageError) as caught:
            adapter.save_attributes(envelope("hana"), {"a": 2, REVISION: 1})
        took = time.monotonic() - started
        assert not isinstance(caught.value, ConflictError)
        assert "locked" in str(caught.value) and str(path) in str(caught.value)
        assert 0.15 <= took < 2.0
        with pytest.raises(StorageError):
            adapter.delete_attributes(envelope("hana"))
        # WAL: readers never wait for the writer
        assert SqliteAdapter(path, timeout=0.2).get_attributes(envelope("hana")) == {
            "a": 1,
            REVISION: 1,
        }
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    adapter.save_attributes(envelope("hana"), {"a": 2, REVISION: 1})
    assert adapter.get_attributes(envelope("hana")) == {"a": 2, REVISION: 2}


def test_a_file_from_todays_release_is_read_migrated_and_written(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    who = envelope("amzn1.ask.account.ivy")
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(TODAYS_SCHEMA)
        conn.execute(
            "INSERT INTO user_state (user_key, data, updated_at) VALUES (?, ?, ?)",
            (user_key(who), json.dumps(TODAYS_DOCUMENT), time.time()),
        )
    conn.close()
    adapter = SqliteAdapter(path)
    read = adapter.get_attributes(who)
    assert read == {**TODAYS_DOCUMENT, REVISION: 0}
    state = UserState.from_dict(read)
    holder = state.person()  # today's top-level state is the account holder's
    assert state.first_visit_done and holder.resume is not None
    assert holder.resume.script_id == "box-breathing" and holder.resume.position.step == 3
    assert holder.preferences.pace == 1.25
    with sqlite3.connect(path) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(user_state)")]
    conn.close()
    assert columns == ["user_key", "data", "updated_at", "rev"]
    adapter.save_attributes(who, {**read, "first_visit_done": False})
    assert adapter.get_attributes(who) == {
        **TODAYS_DOCUMENT,
        "first_visit_done": False,
        REVISION: 1,
    }
    with pytest.raises(ConflictError):
        adapter.save_attributes(who, read)
    # a second adapter (another process) sees the migrated file as it is
    assert SqliteAdapter(path).get_attributes(who)[REVISION] == 1


def test_a_corrupt_file_is_a_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    adapter = SqliteAdapter(path)
    for attempt in (
        lambda: adapter.get_attributes(envelope("jo")),
        lambda: adapter.save_attributes(envelope("jo"), {"a": 1}),
        lambda: adapter.delete_attributes(envelope("jo")),
    ):
        with pytest.raises(StorageError) as caught:
            attempt()
        assert str(path) in str(caught.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_a_read_only_folder_is_a_storage_error(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        adapter = SqliteAdapter(folder / "state.sqlite3")
        with pytest.raises(StorageError) as caught:
            adapter.save_attributes(envelope("kim"), {"a": 1})
        assert str(folder) in str(caught.value)
        with pytest.raises(StorageError):
            adapter.get_attributes(envelope("kim"))
    finally:
        folder.chmod(0o700)


def test_a_full_database_is_a_storage_error_and_keeps_what_was_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's own SQLITE_FULL ("database or disk is full"), from a page limit on the file."""
    path = tmp_path / "state.sqlite3"
    adapter = SqliteAdapter(path)
    adapter.save_attributes(envelope("lee"), {"a": 1})
    connect = sqlite3.connect

    def capped(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = connect(*args, **kwargs)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(sqlite3, "connect", capped)
    full = SqliteAdapter(path)  # the cap holds for connections opened from now on
    with pytest.raises(StorageError) as caught:
        full.save_attributes(envelope("lee"), {"a": 2, "big": "x" * 200_000, REVISION: 1})
    assert not isinstance(caught.value, ConflictError)
    assert "full" in str(caught.value) and str(path) in str(caught.value)
    monkeypatch.undo()
    assert adapter.get_attributes(envelope("lee")) == {"a": 1, REVISION: 1}
    adapter.save_attributes(envelope("lee"), {"a": 2, REVISION: 1})
    assert adapter.get_attributes(envelope("lee")) == {"a": 2, REVISION: 2}
    # the fault closed the capped connection: the next call opens one without the cap
    full.save_attributes(envelope("lee"), {"a": 3, "big": "x" * 200_000, REVISION: 2})
    assert adapter.get_attributes(envelope("lee"))[REVISION] == 3


# SQLite: kept connections and the retention sweep


class Opens:
    """Counts the connections SQLite is asked to open."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        connect = sqlite3.connect

        def counted(*args: Any, **kwargs: Any) -> sqlite3.Connection:
            self.count += 1
            return connect(*args, **kwargs)

        monkeypatch.setattr(sqlite3, "connect", counted)


def test_a_thread_keeps_its_connection_and_each_thread_has_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    adapter = SqliteAdapter(tmp_path / "state.sqlite3")
    adapter.save_attributes(envelope("mia"), {"a": 1})
    opens = Opens(monkeypatch)
    for number in range(20):
        adapter.save_attributes(envelope("mia"), {"a": number, REVISION: number + 1})
        assert adapter.get_attributes(envelope("mia")) == {"a": number, REVISION: number + 2}
    assert opens.count == 0
    seen: list[dict[str, Any]] = []
    for _ in range(3):  # each thread opens one; a new one closes those of threads that ended
        worker = threading.Thread(
            target=lambda: seen.append(adapter.get_attributes(envelope("mia")))
        )
        worker.start()
        worker.join()
    assert opens.count == 3 and seen == [{"a": 19, REVISION: 21}] * 3
    assert adapter.get_attributes(envelope("mia"))[REVISION] == 21 and opens.count == 3


def test_a_forked_child_never_uses_its_parents_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    adapter = SqliteAdapter(tmp_path / "state.sqlite3")
    adapter.save_attributes(envelope("ned"), {"a": 1})
    opens = Opens(monkeypatch)
    parent = os.getpid()
    monkeypatch.setattr(os, "getpid", lambda: parent + 1)  # as a forked worker sees it
    assert adapter.get_attributes(envelope("ned")) == {"a": 1, REVISION: 1}
    assert opens.count == 1


def test_expired_rows_are_swept_by_the_first_save_then_at_most_hourly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from skill.store import sqlite as store

    path = tmp_path / "state.sqlite3"

    def age(user: str) -> None:
        with sqlite3.connect(path) as conn:
            conn.execute(
                "UPDATE user_state SET updated_at = updated_at - 31 * 86400 WHERE user_key = ?",
                (user_key(envelope(user)),),
            )
        conn.close()

    def keys() -> set[str]:
        with sqlite3.connect(path) as conn:
            found = {row[0] for row in conn.execute("SELECT user_key FROM user_state")}
        conn.close()
        return found

    adapter = SqliteAdapter(path, retention_days=30)
    for user in ("pia", "quin", "rae"):
        adapter.save_attributes(envelope(user), {"a": 1})
    age("quin")
    adapter.save_attributes(envelope("pia"), {"a": 2})  # within the hour: no sweep
    assert user_key(envelope("quin")) in keys()
    later = time.monotonic() + store.SWEEP_INTERVAL
    monkeypatch.setattr(store.time, "monotonic", lambda: later)
    adapter.save_attributes(envelope("pia"), {"a": 3})
    assert keys() == {user_key(envelope("pia")), user_key(envelope("rae"))}
    monkeypatch.undo()
    age("rae")
    SqliteAdapter(path, retention_days=30).save_attributes(envelope("pia"), {"a": 4})
    assert keys() == {user_key(envelope("pia"))}  # another process: its first save sweeps
