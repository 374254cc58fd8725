"""Request and response interceptors: load state, check safety, save state, log.

Every request passes through here before any handler, so no handler can forget the crisis
check (safety.md C1) and no handler touches storage directly.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from ask_sdk_core.dispatch_components import (
    AbstractRequestInterceptor,
    AbstractResponseInterceptor,
)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.country import CountryLookup
from skill.phrases import phrases_for
from skill.safety import Assessment, Category, classifier_for
from skill.scripts import ScriptLibrary
from skill.state import SessionState, UserState
from skill.store import user_key
from skill.turn import TURN_KEY, Turn, intent_name, intent_of, request_type

log = logging.getLogger("steady.skill")

CRISIS_INTENT = "CrisisIntent"
STATEMENT_SLOT = "statement"


def words_of(handler_input: HandlerInput) -> list[str]:
    """Every slot value of the request: the person's own words, wherever they were said."""
    intent = intent_of(handler_input)
    if intent is None or not intent.slots:
        return []
    return [str(slot.value) for slot in intent.slots.values() if slot and slot.value]


def assess(handler_input: HandlerInput, language: str) -> Assessment:
    """The crisis check for one request (C1): the classifier over every slot value, and for
    CrisisIntent the category the model resolved the statement to; the more serious wins."""
    found = classifier_for(language).assess(words_of(handler_input))
    if intent_name(handler_input) != CRISIS_INTENT:
        return found
    hint = _statement_category(handler_input)
    if hint is not None and hint.more_serious_than(found.category):
        found = Assessment(hint, pattern=f"model:{hint.value}")
    if found.category is Category.NONE:
        if words_of(handler_input):
            # Words came with a crisis carrier but match nothing we know: ask gently (C7).
            return Assessment(Category.AMBIGUOUS, pattern="model:carrier")
        # The model heard a statement of danger even though its words did not reach us.
        return Assessment(Category.SUICIDE, pattern="model:unplaced")
    return found


def _statement_category(handler_input: HandlerInput) -> Category | None:
    """The category id the model resolved CrisisIntent's statement slot to, if any."""
    intent = intent_of(handler_input)
    slot = intent.slots.get(STATEMENT_SLOT) if intent is not None and intent.slots else None
    resolutions = slot.resolutions.resolutions_per_authority if slot and slot.resolutions else None
    for authority in resolutions or []:
        status = authority.status.code.value if authority.status and authority.status.code else ""
        value = authority.values[0].value if authority.values else None
        if status == "ER_SUCCESS_MATCH" and value is not None and value.id:
            try:
                return Category(str(value.id))
            except ValueError:
                return None
    return None


class LoadTurn(AbstractRequestInterceptor):
    """Reads session and stored state, runs the crisis check, and prepares the Turn."""

    def __init__(
        self,
        library_for: Callable[[str], ScriptLibrary],
        default_locale: str,
        country_lookup: CountryLookup | None = None,
    ) -> None:
        self._library_for = library_for
        self._default_locale = default_locale
        self._country_lookup = country_lookup

    def process(self, handler_input: HandlerInput) -> None:
        envelope = handler_input.request_envelope
        request = envelope.request
        locale = getattr(request, "locale", None) or self._default_locale
        language = locale.split("-")[0]
        session = SessionState()
        if envelope.session is not None:
            session = SessionState.from_dict(handler_input.attributes_manager.session_attributes)
        handler_input.attributes_manager.request_attributes["started"] = time.perf_counter()
        turn = Turn(
            handler_input=handler_input,
            library=self._library_for(locale),
            phrases=phrases_for(locale),
            locale=locale,
            session=session,
            user=_load_user(handler_input),
            assessment=assess(handler_input, language),
            seed=str(getattr(request, "request_id", "") or ""),
            country_lookup=self._country_lookup,
        )
        handler_input.attributes_manager.request_attributes[TURN_KEY] = turn


def _load_user(handler_input: HandlerInput) -> UserState:
    """Stored state, or defaults when storage is unavailable: a fault never stops an exercise."""
    try:
        return UserState.from_dict(handler_input.attributes_manager.persistent_attributes)
    except Exception as exc:  # storage faults of any adapter
        log.warning("state store unavailable on read: %s", type(exc).__name__)
        return UserState()


class SaveTurn(AbstractResponseInterceptor):
    """Writes session attributes and, when they changed, stored state."""

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        turn = handler_input.attributes_manager.request_attributes.get(TURN_KEY)
        if not isinstance(turn, Turn):
            return
        if handler_input.request_envelope.session is not None:
            handler_input.attributes_manager.session_attributes = turn.session.to_dict()
        if turn.user_dirty:
            try:
                handler_input.attributes_manager.persistent_attributes = turn.user.to_dict()
                handler_input.attributes_manager.save_persistent_attributes()
            except Exception as exc:  # storage faults of any adapter
                log.warning("state store unavailable on write: %s", type(exc).__name__)


class LogTurn(AbstractResponseInterceptor):
    """One log line per turn: request type, intent, hashed user, time. Never slot values (P2)."""

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        envelope = handler_input.request_envelope
        intent = intent_name(handler_input) or "-"
        started = handler_input.attributes_manager.request_attributes.get("started")
        took = (time.perf_counter() - started) * 1000 if isinstance(started, float) else 0.0
        turn = handler_input.attributes_manager.request_attributes.get(TURN_KEY)
        mode = turn.session.mode.value if isinstance(turn, Turn) else "-"
        log.info(
            "turn type=%s intent=%s user=%s mode=%s ms=%.1f",
            request_type(handler_input),
            intent,
            user_key(envelope)[:12],
            mode,
            took,
        )
