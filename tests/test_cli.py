"""The `steady` command line as a person uses it, in real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest


def steady(
    *args: str, db: Path, stdin: str | None = None, audio: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STEADY_DB": str(db)}
    if audio is not None:
        env["STEADY_AUDIO_DIR"] = str(audio)
    return subprocess.run(
        [sys.executable, "-m", "skill.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def say(state: Path, db: Path, words: str, audio: Path | None = None) -> str:
    result = steady("say", "--state", str(state), words, db=db, audio=audio)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def test_a_box_breathing_session_scripted_with_say_and_a_state_file(tmp_path: Path) -> None:
    state, db = tmp_path / "session.json", tmp_path / "s.sqlite3"
    assert "not a therapist" in say(state, db, "open steady ground")
    started = say(state, db, "start box breathing")
    assert "Breathe in" in started and "Hold" in started
    assert "another exercise" in started  # one response holds the whole exercise
    assert "Breathe in" in say(state, db, "repeat")
    assert "(session ended)" in say(state, db, "stop")
    assert "not a therapist" not in say(state, db, "open steady ground")


def test_a_five_senses_session_scripted_with_say(tmp_path: Path) -> None:
    state, db = tmp_path / "session.json", tmp_path / "s.sqlite3"
    first = say(state, db, "alexa, ask steady ground to start five four three two one")
    assert "something you can see" in first
    assert "That's one" in say(state, db, "a lamp")
    quiet = say(state, db, "")  # silence: the device speaks the reprompt, the session stays
    assert quiet.strip() and "(session ended)" not in quiet
    for expected in ("feel", "hear", "smell", "taste"):
        assert expected in say(state, db, "next")
    assert "another exercise" in say(state, db, "toothpaste")


def test_say_json_prints_the_response_envelope(tmp_path: Path) -> None:
    result = steady("say", "--json", "open steady ground", db=tmp_path / "s.sqlite3")
    envelope: dict[str, Any] = json.loads(result.stdout)
    assert envelope["version"] == "1.0"
    assert envelope["response"]["outputSpeech"]["type"] == "SSML"
    assert envelope["response"]["shouldEndSession"] is False


def test_chat_holds_a_conversation_on_standard_input(tmp_path: Path) -> None:
    lines = "open steady ground\nstart see hear touch\na lamp\n\n\nquit\n"
    result = steady("chat", db=tmp_path / "s.sqlite3", stdin=lines)
    assert result.returncode == 0, result.stderr
    assert "something you can see" in result.stdout
    assert "That's one" in result.stdout
    assert "(session ended)" in result.stdout


@pytest.mark.parametrize("bad", [["say"], ["nonsense"], ["serve", "--port", "notaport"]])
def test_wrong_arguments_get_usage_not_a_traceback(tmp_path: Path, bad: list[str]) -> None:
    result = steady(*bad, db=tmp_path / "s.sqlite3")
    assert result.returncode == 2
    assert "usage:" in result.stderr and "Traceback" not in result.stderr


def _render(*args: str, out: Path, db: Path) -> subprocess.CompletedProcess[str]:
    return steady("render", *args, "--out", str(out), db=db)


def test_render_makes_tracks_once_and_reuses_every_clip(tmp_path: Path) -> None:
    out, db = tmp_path / "audio", tmp_path / "s.sqlite3"
    first = _render("body-scan-short", "--engine", "espeak", out=out, db=db)
    assert first.returncode == 0, first.stderr
    assert "2 tracks (2 new)" in first.stdout and "minutes of audio" in first.stdout
    assert "clips  body-scan-short" in first.stderr  # the progress bar
    mp3s = sorted(p.name for p in out.glob("*.mp3"))
    assert len(mp3s) == 2 and all((out / m.replace(".mp3", ".json")).is_file() for m in mp3s)
    again = _render("body-scan-short", "--engine", "espeak", out=out, db=db)
    assert "2 tracks (0 new)" in again.stdout and "0 clips rendered" in again.stdout
    assert sorted(p.name for p in out.glob("*.mp3")) == mp3s


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["box-breathing"], "not a hands-free script"),
        (["no-such-script"], "not a hands-free script"),
        (["--all", "body-scan-short"], "not both"),
        ([], "not both"),
        (["--all", "--upload", "https://example.org/x"], "s3://"),
    ],
)
def test_render_refuses_clearly(tmp_path: Path, args: list[str], message: str) -> None:
    result = _render(*args, "--engine", "espeak", out=tmp_path / "audio", db=tmp_path / "s")
    assert result.returncode != 0 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_say_follows_a_hands_free_session_with_its_audio_player(tmp_path: Path) -> None:
    state, db, audio = tmp_path / "session.json", tmp_path / "s.sqlite3", tmp_path / "audio"
    started = say(state, db, "alexa, ask steady ground for the short body scan", audio)
    assert "[playing: Short body scan 00:0" in started
    assert "[playing: Short body scan 02:0" in say(state, db, "/wait 2m", audio)
    paused = say(state, db, "pause", audio)
    assert paused.startswith("[paused: Short body scan 02:0")
    assert "[paused: Short body scan 02:0" in say(state, db, "/wait 1h", audio)
    assert "[playing: Short body scan 02:0" in say(state, db, "resume", audio)
    assert "[finished: Short body scan" in say(state, db, "/wait 10m", audio)
    assert "/wait 30s" in say(state, db, "/wait a while", audio)


def test_bench_render_reports_each_engine_it_is_asked_for(tmp_path: Path) -> None:
    result = steady("bench", "render", "--engine", "espeak", "--json", db=tmp_path / "s")
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert row["engine"] == "espeak" and row["script"] == "bedtime-body-scan"
    assert row["error"] is None and row["audio_seconds"] > 600 and row["clips"] > 10
    assert row["audio_per_cpu_second"] > 0 and row["cached_seconds"] < row["cold_seconds"]


def test_a_wrong_setting_stops_any_command_with_one_line_and_status_2(tmp_path: Path) -> None:
    env = {**os.environ, "STEADY_STORE": "floppy", "STEADY_DB": str(tmp_path / "s.sqlite3")}
    done = subprocess.run(
        [sys.executable, "-m", "skill.cli", "say", "open steady ground"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "STEADY_STORE" in done.stderr and "Traceback" not in done.stderr
