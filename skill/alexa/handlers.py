"""Request handlers: thin adapters from a request to the conversation and back.

Which response an event gets is decided by the conversation's rules, not here; handlers only
split requests by where they come from, so the audio player's events have a handler of their own
and no catch-all stands in front of them.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.alexa.country import CountryLookup
from skill.alexa.exchange import exchange_of
from skill.alexa.reminders import PhraseTable, RemindersApi, carry_out, drop
from skill.alexa.request import request_type, said_words
from skill.alexa.response import build_response
from skill.core.conversation.actions import DropReminders, SpeakHelp, SpeakReminders, Store
from skill.core.conversation.events import EventKind
from skill.core.safety.replies import compose
from skill.core.timeline import Timeline
from skill.settings import audio_url

log = logging.getLogger("steady.skill")

SYSTEM_REQUESTS = frozenset(
    {"System.ExceptionEncountered", "AlexaSkillEvent.SkillEnabled", "CanFulfillIntentRequest"}
)
"""Requests that are no part of the conversation and get an empty response."""


class _ConversationHandler(AbstractRequestHandler):
    """Runs the conversation on the prepared event and builds the response from its outcome."""

    playback = False
    """Whether this handler takes the audio player's events, or the conversation's turns."""

    def __init__(
        self,
        country_lookup: CountryLookup | None = None,
        audio_base_url: str | None = None,
        reminders: RemindersApi | None = None,
    ) -> None:
        self._lookup = country_lookup
        self._audio_base = audio_base_url
        self._reminders = reminders or RemindersApi()

    def can_handle(self, handler_input: HandlerInput) -> bool:
        exchange = exchange_of(handler_input)
        if exchange is None or exchange.event is None:
            return False
        return (exchange.event.kind is EventKind.PLAYBACK) == self.playback

    def handle(self, handler_input: HandlerInput) -> Response:
        exchange = exchange_of(handler_input)
        assert exchange is not None and exchange.event is not None
        exchange.outcome = exchange.conversation.step(exchange.state, exchange.event)
        for action in exchange.outcome.actions:
            if isinstance(action, DropReminders):
                drop(self._reminders, handler_input.request_envelope, action.tokens)

        def help_speech(wanted: SpeakHelp) -> Timeline:
            envelope = handler_input.request_envelope
            content = exchange.bundle
            # A country said ("the number for ireland") is where they are now: no lookup then.
            country = content.helplines.named_in(said_words(envelope))
            if country is None and self._lookup is not None:
                country = self._lookup.country_of(envelope)
            local = content.helplines.for_request(exchange.locale, country)
            return compose(
                wanted.wording, wanted.category, local, content.crisis_wording, wanted.in_company
            )

        def reminder_speech(wanted: SpeakReminders) -> tuple[Timeline, bool]:
            outcome = exchange.outcome
            assert outcome is not None
            say = PhraseTable(
                exchange.bundle.phrases, exchange.event.seed if exchange.event else ""
            )
            envelope = handler_input.request_envelope
            user = outcome.state.user
            done = carry_out(self._reminders, envelope, wanted, user, say, exchange.locale)
            if done.changed and not any(isinstance(a, Store) for a in outcome.actions):
                exchange.outcome = replace(outcome, actions=(*outcome.actions, Store(user)))
            return Timeline().say(done.speech), done.card

        def track_url(key: str) -> str:
            assert self._audio_base is not None  # tracks are offered only with a base URL
            return audio_url(self._audio_base, key)

        return build_response(
            handler_input.response_builder,
            exchange.outcome,
            help_speech,
            track_url,
            player_event=self.playback,
            reminder_speech=reminder_speech,
            voices=exchange.bundle.voices,
        )


class ConversationTurns(_ConversationHandler):
    """Launch, intents, the end of a session and skill events."""


class PlaybackEvents(_ConversationHandler):
    """The audio player's events (AudioPlayer.*, PlaybackController.*): directives only."""

    playback = True


class SystemEvents(AbstractRequestHandler):
    """System requests: logged by type, answered with nothing."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return request_type(handler_input.request_envelope) in SYSTEM_REQUESTS

    def handle(self, handler_input: HandlerInput) -> Response:
        envelope = handler_input.request_envelope
        if request_type(envelope) == "System.ExceptionEncountered":
            error = getattr(envelope.request, "error", None)
            kind = getattr(getattr(error, "object_type", None), "value", None) or "unknown"
            log.warning("the device reported an error with our last response: %s", kind)
        response: Response = handler_input.response_builder.response
        return response
