"""Request and response interceptors: read the turn in, keep what it decided, log it.

Every request passes through `ReadTurn` before any handler, so the crisis check of its words
(safety.md C1) is made before anything answers; `KeepTurn` carries out what the conversation
decided to store or forget, so no handler touches storage.
"""

from __future__ import annotations

import logging
import time

from ask_sdk_core.dispatch_components import (
    AbstractRequestInterceptor,
    AbstractResponseInterceptor,
)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.alexa.exchange import EXCHANGE_KEY, Conversations, Exchange, exchange_of
from skill.alexa.request import event_kind, intent_name, read_event, request_type
from skill.core.conversation.actions import Forget, State, Store
from skill.core.state import SessionState, UserState
from skill.store.keys import user_key

log = logging.getLogger("steady.skill")


class ReadTurn(AbstractRequestInterceptor):
    """Reads session and stored state and the event, with the crisis check of its words."""

    def __init__(self, conversations: Conversations) -> None:
        self._conversations = conversations

    def process(self, handler_input: HandlerInput) -> None:
        started = time.perf_counter()
        envelope = handler_input.request_envelope
        locale = getattr(envelope.request, "locale", None) or self._conversations.default_locale
        content, conversation = self._conversations.for_locale(locale)
        session = SessionState()
        if envelope.session is not None:
            session = SessionState.from_dict(handler_input.attributes_manager.session_attributes)
        kind = event_kind(envelope)
        event = read_event(envelope, kind, content.classifier) if kind is not None else None
        state = State(session, _load_user(handler_input))
        exchange = Exchange(locale, content, conversation, state, event, started)
        handler_input.attributes_manager.request_attributes[EXCHANGE_KEY] = exchange


def _load_user(handler_input: HandlerInput) -> UserState:
    """Stored state, or defaults when storage is unavailable: a fault never stops an exercise."""
    try:
        return UserState.from_dict(handler_input.attributes_manager.persistent_attributes)
    except Exception as exc:  # storage faults of any adapter
        log.warning("state store unavailable on read: %s", type(exc).__name__)
        return UserState()


class KeepTurn(AbstractResponseInterceptor):
    """Writes session attributes, stores or forgets what the conversation decided, and logs
    one line per turn: request type, intent, hashed user, mode, time. Never words (P2)."""

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        exchange = exchange_of(handler_input)
        outcome = exchange.outcome if exchange else None
        if outcome is not None:
            if handler_input.request_envelope.session is not None:
                attributes = outcome.state.session.to_dict()
                handler_input.attributes_manager.session_attributes = attributes
            for action in outcome.actions:
                if isinstance(action, Store):
                    _save(handler_input, action.user)
                elif isinstance(action, Forget):
                    _delete(handler_input)
        _log(handler_input, exchange)


def _save(handler_input: HandlerInput, user: UserState) -> None:
    try:
        handler_input.attributes_manager.persistent_attributes = user.to_dict()
        handler_input.attributes_manager.save_persistent_attributes()
    except Exception as exc:  # storage faults of any adapter
        log.warning("state store unavailable on write: %s", type(exc).__name__)


def _delete(handler_input: HandlerInput) -> None:
    try:
        handler_input.attributes_manager.delete_persistent_attributes()
    except Exception as exc:  # storage faults of any adapter
        log.warning("state store unavailable on delete: %s", type(exc).__name__)


def _log(handler_input: HandlerInput, exchange: Exchange | None) -> None:
    envelope = handler_input.request_envelope
    took = (time.perf_counter() - exchange.started) * 1000 if exchange else 0.0
    outcome = exchange.outcome if exchange else None
    mode = outcome.state.session.mode.value if outcome else "-"
    log.info(
        "turn type=%s intent=%s user=%s mode=%s ms=%.1f",
        request_type(envelope),
        intent_name(envelope) or "-",
        user_key(envelope)[:12],
        mode,
        took,
    )
