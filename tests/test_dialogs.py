"""Whole conversations, typed as a listener would speak them, through the real skill."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from skill.alexa.app import build_skill
from skill.core.script import ScriptLibrary
from skill.settings import Settings
from skill.speech.ssml import check
from skill.tools.nlu import Matcher
from skill.tools.simulator import Simulator
from tests.conftest import SCRIPTS_DIR, make_simulator
from tests.dialog import run
from tests.reminders_api import reminders_api

DIALOGS = sorted((Path(__file__).parent / "dialogs").glob("*.dialog"))
SCRIPTS = SCRIPTS_DIR / "en"


@pytest.mark.parametrize("path", DIALOGS, ids=[p.stem for p in DIALOGS])
def test_dialog(store_settings: Settings, matcher: Matcher, path: Path) -> None:
    """Every dialog, on each store the settings can choose, with a stand-in for Alexa's
    Reminders API on 127.0.0.1 (tests/reminders_api.py)."""
    settings = replace(
        store_settings, alexa_api_hosts=frozenset({"127.0.0.1"}), alexa_api_http=True
    )
    with reminders_api() as api:
        simulator = make_simulator(build_skill(settings), matcher)
        simulator.api_endpoint, simulator.api_token = api.endpoint, "dialog-token"
        run(simulator, path)


ANSWERS = ["a lamp", "", "the window", "I don't know", "warm", "skip", "tingly", "a cup of tea"]


@pytest.mark.parametrize("script_id", sorted(p.stem for p in SCRIPTS.glob("*.yaml")))
def test_every_script_runs_start_to_finish_through_the_skill(
    simulator: Simulator, library: ScriptLibrary, script_id: str
) -> None:
    script = library.scripts[script_id]
    simulator.say("open steady ground")
    reply = simulator.say(f"start {script.title}")
    assert simulator.state.attributes.get("script") == script_id, reply.text
    answers = iter(ANSWERS * 10)
    for _ in range(80):
        for ssml in (reply.ssml, simulator.state.reprompt):
            assert ssml is None or check(ssml) == [], (script_id, ssml and check(ssml))
        assert "didn't understand" not in reply.text
        if reply.ended or simulator.state.attributes.get("mode") == "finished":
            break
        waiting = simulator.state.attributes.get("waiting")
        reply = simulator.say(next(answers) if waiting else "next")
    else:
        raise AssertionError(f"{script_id} never finished")
    quiet = bool({"bedtime", "quiet"} & script.tags)
    assert reply.ended == quiet, f"{script_id}: a quiet script ends the session, others offer more"
