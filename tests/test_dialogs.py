"""Whole conversations, typed as a listener would speak them, through the real skill."""

from __future__ import annotations

from pathlib import Path

import pytest

from skill.simulator import Simulator
from tests.dialog import run

DIALOGS = sorted((Path(__file__).parent / "dialogs").glob("*.dialog"))


@pytest.mark.parametrize("path", DIALOGS, ids=[p.stem for p in DIALOGS])
def test_dialog(simulator: Simulator, path: Path) -> None:
    run(simulator, path)
