"""Shared fixtures: the real scripts, phrases and interaction model of the project."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.skill import CustomSkill

from skill.alexa.app import build_skill
from skill.alexa.envelope import run
from skill.content import bundle
from skill.content.files import model_file, scripts_dir
from skill.core.phrases import Phrases
from skill.core.script import ScriptLibrary
from skill.settings import Settings
from skill.tools.nlu import Matcher
from skill.tools.simulator import Simulator

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SCRIPTS_DIR = scripts_dir()
"""The packaged exercise scripts (in a checkout, its scripts/ folder)."""


def _schema_regions() -> tuple[str, ...]:
    schema = json.loads((SCRIPTS_DIR / "schema.json").read_text(encoding="utf-8"))
    return tuple(r for r in schema["$defs"]["region"]["enum"] if r != "whole_body")


REGION_IDS = _schema_regions()
"""Body regions a listener can skip: the script schema's regions (the whole body can't be)."""
SCRIPT_IDS = frozenset(path.stem for path in (SCRIPTS_DIR / "en").glob("*.yaml"))
"""Every exercise script's id."""


@pytest.fixture(scope="session")
def library() -> ScriptLibrary:
    loaded, problems = bundle.script_loader().load_paths([SCRIPTS_DIR / "en"])
    assert not problems, "\n".join(map(str, problems))
    return loaded


@pytest.fixture(scope="session")
def phrases() -> Phrases:
    return bundle.phrases("en-US")


@pytest.fixture(scope="session")
def matcher() -> Matcher:
    return Matcher.load(model_file("en-US"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "state.sqlite3"


@pytest.fixture
def skill(db_path: Path) -> CustomSkill:
    """The real skill on a real SQLite file of this test's own."""
    return build_skill(Settings(db_path=db_path))


@pytest.fixture
def simulator(skill: CustomSkill, matcher: Matcher) -> Simulator:
    return make_simulator(skill, matcher)


def make_simulator(
    skill: CustomSkill, matcher: Matcher, user: str = "tester", locale: str = "en-US"
) -> Simulator:
    def transport(data: dict[str, Any]) -> dict[str, Any]:
        return run(skill, data)

    return Simulator(transport, matcher, matcher.invocation_name, locale=locale, user=user)
