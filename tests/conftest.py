"""Shared fixtures: the real scripts, phrases and interaction model of the project."""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
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
from skill.store.dynamodb import create_table
from skill.tools.nlu import Matcher
from skill.tools.player import Durations, local_durations
from skill.tools.simulator import Simulator
from tests.aws import aws_client, moto_endpoint

__all__ = ["moto_endpoint"]

os.environ.setdefault("STEADY_CACHE_DIR", tempfile.mkdtemp(prefix="steady-test-cache-"))
"""The tests keep their snapshots (skill/content/snapshot.py) apart from the user's own."""

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


@pytest.fixture(params=["sqlite", "dynamodb"])
def store_settings(
    request: pytest.FixtureRequest,
    db_path: Path,
    moto_endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Settings:
    """Settings choosing each store in turn: a SQLite file, or a DynamoDB table on moto's
    server (over HTTP, found through the standard AWS environment variables)."""
    if request.param == "sqlite":
        return Settings(db_path=db_path)
    for name, value in {
        "AWS_ENDPOINT_URL_DYNAMODB": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    table = f"state-{uuid.uuid4().hex[:12]}"
    create_table(aws_client("dynamodb", moto_endpoint), table)
    return Settings.from_env(store="dynamodb", dynamodb_table=table)


@pytest.fixture
def skill(db_path: Path) -> CustomSkill:
    """The real skill on a real SQLite file of this test's own."""
    return build_skill(Settings(db_path=db_path))


@pytest.fixture
def simulator(skill: CustomSkill, matcher: Matcher) -> Simulator:
    return make_simulator(skill, matcher)


def make_simulator(
    skill: CustomSkill,
    matcher: Matcher,
    user: str = "tester",
    locale: str = "en-US",
    durations: Durations | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Simulator:
    def transport(data: dict[str, Any]) -> dict[str, Any]:
        return run(skill, data)

    return Simulator(
        transport,
        matcher,
        matcher.invocation_name,
        locale=locale,
        user=user,
        durations=durations,
        clock=clock,
    )


AUDIO_BASE_URL = "https://audio.steady.test/audio/"
"""Where the simulated devices are told to fetch tracks; the simulator reads them from disk."""


@pytest.fixture(scope="session")
def audio_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder of tracks for the whole run: rendered (with pyttsx3) by the first test that
    needs a track, then found by the rest, as on a real server."""
    return tmp_path_factory.mktemp("audio")


@pytest.fixture
def audio_skill(db_path: Path, audio_dir: Path) -> CustomSkill:
    """The real skill, streaming hands-free scripts from real rendered tracks."""
    settings = Settings(db_path=db_path, audio_dir=audio_dir, audio_base_url=AUDIO_BASE_URL)
    return build_skill(settings)


class FixedClock:
    """The device's clock, standing still unless a dialog says `/wait`."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 29, 22, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def echo(audio_skill: CustomSkill, matcher: Matcher, audio_dir: Path) -> Simulator:
    """A device with an audio player, like an Echo."""
    return make_simulator(
        audio_skill, matcher, durations=local_durations(audio_dir), clock=FixedClock()
    )
