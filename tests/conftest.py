"""Shared fixtures: the real scripts, phrases and interaction model of the project."""

from __future__ import annotations

from pathlib import Path

import pytest

from skill.paths import SCRIPTS_DIR
from skill.phrases import Phrases, phrases_for
from skill.scripts import ScriptLibrary, ScriptLoader

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def library() -> ScriptLibrary:
    loaded, problems = ScriptLoader().load_paths([SCRIPTS_DIR / "en"])
    assert not problems, "\n".join(map(str, problems))
    return loaded


@pytest.fixture(scope="session")
def phrases() -> Phrases:
    return phrases_for("en-US")
