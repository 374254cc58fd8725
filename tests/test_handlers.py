"""Every intent in the model is an event of the conversation, and every mapped intent is in the
model; every request type the skill accepts has a handler, and none is a catch-all."""

from __future__ import annotations

import json

import pytest
from ask_sdk_core.dispatch_components import AbstractRequestHandler

from skill.alexa.envelope import KNOWN_REQUEST_TYPES
from skill.alexa.handlers import (
    SYSTEM_REQUESTS,
    ConversationTurns,
    PlaybackEvents,
    SystemEvents,
)
from skill.alexa.request import INTENT_EVENTS, PLAYBACK_PREFIXES, REQUEST_EVENTS
from skill.content.files import model_file
from skill.content.locales import LOCALES


@pytest.mark.parametrize("locale", LOCALES)
def test_model_intents_and_handled_intents_are_the_same(locale: str) -> None:
    model = json.loads(model_file(locale).read_text(encoding="utf-8"))
    in_model = {i["name"] for i in model["interactionModel"]["languageModel"]["intents"]}
    handled = set(INTENT_EVENTS)
    assert in_model - handled == set(), "intents in the model that nothing handles"
    assert handled - in_model == set(), "handlers for intents the model does not have"


def test_every_known_request_type_is_answered_by_exactly_one_kind_of_handler() -> None:
    for kind in KNOWN_REQUEST_TYPES:
        conversation = kind == "IntentRequest" or kind in REQUEST_EVENTS
        playback = kind.startswith(PLAYBACK_PREFIXES)
        system = kind in SYSTEM_REQUESTS
        assert conversation + playback + system == 1, kind


def test_every_handler_can_be_asked_whether_it_applies() -> None:
    handlers: list[AbstractRequestHandler] = [ConversationTurns(), PlaybackEvents(), SystemEvents()]
    for each in handlers:
        assert callable(each.can_handle) and callable(each.handle)
