"""Request and response interceptors: read the turn in, keep what it decided, log it.

Every request passes through `ReadTurn` before any handler, so the crisis check of its words
(safety.md C1) is made before anything answers; `KeepTurn` carries out what the conversation
decided to store or forget, so no handler touches storage.
"""

from __future__ import annotations

import logging
import string
import time

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.dispatch_components import (
    AbstractRequestInterceptor,
    AbstractResponseInterceptor,
)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.alexa import persist
from skill.alexa.exchange import EXCHANGE_KEY, Conversations, Exchange, exchange_of
from skill.alexa.handlers import ConversationTurns, PlaybackEvents, SystemEvents
from skill.alexa.request import event_kind, intent_name, read_event, request_type
from skill.content.bundle import LocaleBundle
from skill.core.conversation.actions import Forget, State, Store
from skill.core.conversation.events import EventKind
from skill.core.safety.categories import Category
from skill.core.state import BadSession, KnownContent, SessionState
from skill.store.keys import IdKeys, keys_of, user_id

log = logging.getLogger("steady.skill")


class ReadTurn(AbstractRequestInterceptor):
    """Reads session and stored state and the event, with the crisis check of its words."""

    def __init__(self, conversations: Conversations, adapter: AbstractPersistenceAdapter) -> None:
        self._conversations = conversations
        self._adapter = adapter
        self._known: dict[str, KnownContent] = {}

    def process(self, handler_input: HandlerInput) -> None:
        started = time.perf_counter()
        envelope = handler_input.request_envelope
        locale = getattr(envelope.request, "locale", None) or self._conversations.default_locale
        content, conversation = self._conversations.for_locale(locale)
        session = SessionState()
        if envelope.session is not None:
            session = self._session(handler_input.attributes_manager.session_attributes, content)
        kind = event_kind(envelope)
        event = None
        if kind is not None:
            event = read_event(envelope, kind, lambda: content.classifier)
        stored = persist.load(self._adapter, envelope)
        state = State(session, persist.user_of(stored), kept=stored is not None)
        exchange = Exchange(locale, content, conversation, state, event, started, stored)
        handler_input.attributes_manager.request_attributes[EXCHANGE_KEY] = exchange

    def _session(self, attributes: object, content: LocaleBundle) -> SessionState:
        """The session the device sent back, checked against the locale's content. Attributes
        the skill did not write (tampered, or naming a script no longer there) are a fresh
        session, and one line names the field that was wrong, never its value (P2)."""
        known = self._known.get(content.locale)
        if known is None:
            known = self._known[content.locale] = known_content(content)
        try:
            return SessionState.read(attributes).checked(known)
        except BadSession as bad:
            log.warning("session attributes refused: %s", bad.field)
            return SessionState()


def known_content(content: LocaleBundle) -> KnownContent:
    """What a session may name in a locale: its scripts, phrases said alone, crisis categories."""
    steps = {script.id: len(script.steps) for script in content.library}
    replies = frozenset(key for key, found in content.phrases.table.items() if _said_alone(found))
    return KnownContent(steps, replies, frozenset(category.value for category in Category))


def _said_alone(variants: object) -> bool:
    """Whether a phrase table entry is words with no `{fields}` to fill (what a menu repeats)."""
    found = [variants] if isinstance(variants, str) else variants
    if not isinstance(found, list) or not found:
        return False
    try:
        parsed = [list(string.Formatter().parse(v)) for v in found if isinstance(v, str)]
    except ValueError:
        return False
    fields = [name for pieces in parsed for _, name, _, _ in pieces if name is not None]
    return len(parsed) == len(found) and not fields


class KeepTurn(AbstractResponseInterceptor):
    """Writes session attributes, stores or forgets what the conversation decided, and logs
    one line per turn: request type, intent, hashed user, mode, time. Never words (P2)."""

    def __init__(self, adapter: AbstractPersistenceAdapter) -> None:
        self._adapter = adapter

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        exchange = exchange_of(handler_input)
        outcome = exchange.outcome if exchange else None
        if outcome is not None:
            if handler_input.request_envelope.session is not None:
                attributes = outcome.state.session.to_dict()
                handler_input.attributes_manager.session_attributes = attributes
            envelope = handler_input.request_envelope
            for action in outcome.actions:
                if isinstance(action, Store):
                    assert exchange is not None
                    persist.save(self._adapter, envelope, exchange.stored, action.user)
                elif isinstance(action, Forget):
                    persist.delete(self._adapter, envelope)
        _log(handler_input, exchange, response, keys_of(self._adapter))


def _log(
    handler_input: HandlerInput,
    exchange: Exchange | None,
    response: Response | None,
    keys: IdKeys | None,
) -> None:
    """One line per turn, with its fields for JSON logs (skill.cli.logs): ids only as keyed
    hashes (`keys`; none while the secret is unavailable), never a slot value or words (P2)."""
    if not log.isEnabledFor(logging.INFO):
        return  # nobody reads it: no hashing or gathering either
    envelope = handler_input.request_envelope
    took = (time.perf_counter() - exchange.started) * 1000 if exchange else 0.0
    outcome = exchange.outcome if exchange else None
    who = user_id(envelope)
    person = outcome.state.session.person if outcome else None
    user = keys.user(who)[:12] if keys else "-"
    fields = {
        "request_id": getattr(envelope.request, "request_id", None),
        "type": request_type(envelope),
        "intent": intent_name(envelope),
        "handler": _handler(exchange),
        "rule": outcome.rule if outcome else None,
        "mode": outcome.state.session.mode.value if outcome else None,
        "actions": [type(action).__name__ for action in outcome.actions] if outcome else [],
        "outcome": _result(response),
        "ms": round(took, 1),
        "user": user,
        "person": keys.person(who, person) if keys and person else None,
        "locale": exchange.locale if exchange else None,
    }
    log.info(
        "turn type=%s intent=%s user=%s mode=%s ms=%.1f",
        fields["type"],
        fields["intent"] or "-",
        user,
        fields["mode"] or "-",
        took,
        extra={"event": "turn", "fields": fields},
    )


def _handler(exchange: Exchange | None) -> str | None:
    """Which handler answered (as their `can_handle` choose)."""
    if exchange is None:
        return None
    if exchange.event is None:
        return SystemEvents.__name__
    playback = exchange.event.kind is EventKind.PLAYBACK
    return (PlaybackEvents if playback else ConversationTurns).__name__


def _result(response: Response | None) -> str:
    """What the device was told to do, in one word."""
    if response is None:
        return "none"
    kinds = {str(getattr(d, "object_type", "")) for d in response.directives or []}
    if "AudioPlayer.Play" in kinds:
        return "playing"
    if response.should_end_session is not None:
        return "ended" if response.should_end_session else "listening"
    return "spoke" if response.output_speech is not None else "silent"
