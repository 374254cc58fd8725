"""Every intent in the model has a handler, and every handled intent is in the model."""

from __future__ import annotations

import json

from skill.handlers import all_handlers
from skill.handlers.base import TurnHandler
from skill.paths import MODELS_DIR


def test_model_intents_and_handled_intents_are_the_same() -> None:
    model = json.loads((MODELS_DIR / "en-US.json").read_text(encoding="utf-8"))
    in_model = {i["name"] for i in model["interactionModel"]["languageModel"]["intents"]}
    handled: set[str] = set()
    for each in all_handlers():
        if isinstance(each, TurnHandler):
            handled.update(each.intents)
    assert in_model - handled == set(), "intents in the model that nothing handles"
    assert handled - in_model == set(), "handlers for intents the model does not have"


def test_every_handler_can_be_asked_whether_it_applies() -> None:
    for each in all_handlers():
        assert callable(each.can_handle) and callable(each.handle)
