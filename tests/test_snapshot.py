"""Snapshots of work done on data files (content/snapshot.py): a start answered from one must
behave exactly like a start that did the work, a changed file must never be answered from an
old one, and a broken or unwritable cache must never stop the skill."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from skill.content.crisis_check import normaliser
from skill.content.files import data_file, model_file, scripts_dir
from skill.content.reading import data_mapping
from skill.content.script_loader import ScriptLoader
from skill.content.snapshot import CACHE_SETTING, remembered
from skill.core.safety.classifier import CrisisClassifier, parse_rules
from skill.core.script import BreathCues
from skill.tools.nlu import Matcher
from tests.test_safety_prefilter import WRITTEN

CUES = BreathCues("Breathe in", "Hold", "Breathe out", "Rest")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_SETTING, str(folder))
    return folder


def test_work_is_done_once_and_then_answered_from_the_snapshot(cache: Path) -> None:
    calls: list[int] = []

    def build() -> dict[str, list[int]]:
        calls.append(1)
        return {"answer": [1, 2, 3]}

    assert remembered("test", (b"input",), build) == {"answer": [1, 2, 3]}
    assert remembered("test", (b"input",), build) == {"answer": [1, 2, 3]}
    assert len(calls) == 1
    assert remembered("test", (b"other input",), build) == {"answer": [1, 2, 3]}
    assert len(calls) == 2


def test_a_crisis_check_from_a_snapshot_answers_every_statement_alike(cache: Path) -> None:
    words = normaliser("en-US")
    phrases = data_file("crisis_phrases.yaml", "en-US")
    fresh = CrisisClassifier.from_data(data_mapping(phrases), words)

    def parsed() -> CrisisClassifier:
        found = remembered(
            "crisis-rules",
            (phrases.read_bytes(),),
            lambda: parse_rules(data_mapping(phrases), words),
        )
        return CrisisClassifier.from_parsed(found, words)

    parsed()  # makes the snapshot
    assert len(list(cache.glob("crisis-rules-*.json"))) == 1
    kept = parsed()  # read back from it
    differ = [text for text in WRITTEN if kept.assess(text) != fresh.assess(text)]
    assert differ == []


def _scripts(tmp_path: Path) -> Path:
    folder = tmp_path / "scripts"
    shutil.copytree(scripts_dir() / "en", folder)
    return folder


def test_a_script_broken_after_its_check_was_kept_is_still_reported(
    cache: Path, tmp_path: Path
) -> None:
    folder = _scripts(tmp_path)
    library, problems = ScriptLoader(CUES).load_paths([folder])
    assert library.get("box-breathing") is not None and problems == []
    assert list(cache.glob("script-schema-*.json"))
    broken = folder / "box-breathing.yaml"
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("kind: breathing", "kind: juggling", 1),
        encoding="utf-8",
    )
    for _ in range(2):  # checked, then answered from the new snapshot: the same report
        _, problems = ScriptLoader(CUES).load_paths([folder])
        reported = [str(p) for p in problems]
        assert len(reported) == 1 and reported[0].startswith(f"{broken}:")
        assert ": kind: " in reported[0]


def test_unreadable_snapshots_are_ignored(cache: Path, tmp_path: Path) -> None:
    folder = _scripts(tmp_path)
    ScriptLoader(CUES).load_paths([folder])
    for path in cache.glob("*.json"):
        path.write_text('{"not": "a snapshot"', encoding="utf-8")
    library, problems = ScriptLoader(CUES).load_paths([folder])
    assert problems == [] and library.get("box-breathing") is not None


def test_a_cache_that_cannot_be_written_stops_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv(CACHE_SETTING, str(blocked / "cache"))
    library, problems = ScriptLoader(CUES).load_paths([_scripts(tmp_path)])
    assert problems == [] and library.get("box-breathing") is not None


def test_the_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_SETTING, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    ScriptLoader(CUES).load_paths([_scripts(tmp_path)])
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "home").exists()


def test_the_simulator_from_snapshots_hears_what_it_heard_without_them(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said = [
        "open steady ground",
        "start box breathing",
        "i want to kill myself",
        "i've taken all my pills",
        "something for sleep please",
        "slower",
        "i can see a lamp and a cup",
    ]
    monkeypatch.setenv(CACHE_SETTING, "off")
    without = Matcher.load(model_file("en-US"))
    monkeypatch.setenv(CACHE_SETTING, str(cache))
    Matcher.load(model_file("en-US"))  # makes the snapshots
    assert {p.name.split("-")[0] for p in cache.glob("*.json")} >= {"slot", "statement"}
    kept = Matcher.load(model_file("en-US"))
    for text in said:
        assert kept.match(text) == without.match(text)
    assert kept.match(said[2]).intent == "CrisisIntent"


def test_scripts_read_from_their_snapshots_are_the_scripts_parsed(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _scripts(tmp_path)
    monkeypatch.setenv(CACHE_SETTING, "off")
    parsed, _ = ScriptLoader(CUES).load_paths([folder])
    monkeypatch.setenv(CACHE_SETTING, str(cache))
    ScriptLoader(CUES).load_paths([folder])  # makes the snapshots
    assert len(list(cache.glob("script-yaml-*.json"))) == len(parsed.scripts)
    kept, problems = ScriptLoader(CUES).load_paths([folder])
    assert problems == [] and kept.scripts == parsed.scripts


def test_a_script_that_stops_being_yaml_is_reported_at_its_line(
    cache: Path, tmp_path: Path
) -> None:
    folder = _scripts(tmp_path)
    ScriptLoader(CUES).load_paths([folder])
    broken = folder / "box-breathing.yaml"
    text = broken.read_text(encoding="utf-8")
    broken.write_text(text.replace("kind: breathing", "kind: [breathing", 1), encoding="utf-8")
    for _ in range(2):
        _, problems = ScriptLoader(CUES).load_paths([folder])
        reported = [str(p) for p in problems if p.path == broken]
        assert len(reported) == 1 and "not valid YAML" in reported[0], reported
        assert problems[0].line >= 3


def test_data_json_cannot_hold_exactly_is_worked_out_every_time(cache: Path) -> None:
    calls: list[int] = []

    def build() -> dict[object, str]:
        calls.append(1)
        return {1: "once", "many": "{count} times"}

    for _ in range(2):
        assert remembered("test", (b"numbered",), build, exact=True) == build()
    assert len(calls) == 4 and not list(cache.glob("test-*.json"))


def test_everyday_words_from_a_snapshot_are_heard_alike(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from skill.content.bundle import _needs

    paths = (data_file("needs.yaml", "en-US"), data_file("words.yaml", "en-US"))
    monkeypatch.setenv(CACHE_SETTING, "off")
    fresh = _needs.__wrapped__(*paths)
    monkeypatch.setenv(CACHE_SETTING, str(cache))
    _needs.__wrapped__(*paths)  # makes the snapshot
    assert list(cache.glob("needs-words-*.json"))
    assert _needs.__wrapped__(*paths) == fresh
