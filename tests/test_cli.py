"""The `steady` command line as a person uses it, in real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest


def steady(*args: str, db: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STEADY_DB": str(db)}
    return subprocess.run(
        [sys.executable, "-m", "skill.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def say(state: Path, db: Path, words: str) -> str:
    result = steady("say", "--state", str(state), words, db=db)
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
