"""One turn of the conversation: the request's state, the skill's data, and building the reply."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Intent, IntentRequest, Response

from skill.country import CountryLookup
from skill.engine import Position, Segment, next_segment, position_heard
from skill.phrases import Phrases
from skill.preferences import Preferences
from skill.safety import Assessment
from skill.scripts import Script, ScriptLibrary
from skill.ssml import SpeechBuilder
from skill.state import Mode, SessionState, UserState

TURN_KEY = "turn"


@dataclass(frozen=True)
class SlotValue:
    """What the listener said for one slot, and what it resolved to."""

    heard: str
    resolved: str | None


@dataclass
class Turn:
    """Everything a handler needs, prepared by the request interceptor."""

    handler_input: HandlerInput
    library: ScriptLibrary
    phrases: Phrases
    locale: str
    session: SessionState
    user: UserState
    assessment: Assessment
    seed: str
    country_lookup: CountryLookup | None = None
    """Asks the device's country, for crisis replies only."""
    user_dirty: bool = False
    """Set when `user` changed and should be saved."""
    extras: dict[str, Any] = field(default_factory=dict)

    # -- reading the request -----------------------------------------------------------------

    @property
    def intent_name(self) -> str | None:
        return intent_name(self.handler_input)

    def slot(self, name: str) -> SlotValue | None:
        """A filled slot, with its first entity-resolution match if there is one."""
        intent = intent_of(self.handler_input)
        if intent is None or not intent.slots:
            return None
        slot = intent.slots.get(name)
        if slot is None or not slot.value:
            return None
        resolved = None
        resolutions = slot.resolutions.resolutions_per_authority if slot.resolutions else None
        for authority in resolutions or []:
            code = authority.status.code if authority.status else None
            value = authority.values[0].value if authority.values else None
            if code is not None and code.value == "ER_SUCCESS_MATCH" and value is not None:
                resolved = value.id
                break
        return SlotValue(str(slot.value), resolved)

    def number_slot(self, name: str) -> float | None:
        found = self.slot(name)
        if found is None:
            return None
        try:
            value = float(found.heard)
        except ValueError:
            return None
        return value if 0 < value <= 120 else None

    @property
    def script(self) -> Script | None:
        return self.library.get(self.session.script_id) if self.session.script_id else None

    def offered(self) -> list[Script]:
        """The scripts just offered as a choice, in the order they were offered."""
        return [s for s in map(self.library.get, self.session.choices) if s is not None]

    def say(self, key: str, **values: object) -> str:
        """A phrase variant, chosen by this turn's seed."""
        return self.phrases.say(key, self.seed, **values)

    # -- exercises ---------------------------------------------------------------------------

    def country(self) -> str | None:
        """The device's country when the person shared it; looked up on demand, never kept."""
        if self.country_lookup is None:
            return None
        return self.country_lookup.country_of(self.handler_input.request_envelope)

    @property
    def preferences(self) -> Preferences:
        """The preferences in force: this session's, or the listener's stored ones."""
        return self.session.preferences or self.user.preferences

    def change_preferences(self, new: Preferences, remember: bool = True) -> None:
        """Apply for the rest of the session and, when `remember`, for next time too."""
        self.session.preferences = new
        if remember:
            self.user.preferences = new
            self.user_dirty = True

    def request_time(self) -> datetime | None:
        """When this request was sent, as Alexa stamped it."""
        stamp = getattr(self.handler_input.request_envelope.request, "timestamp", None)
        if isinstance(stamp, datetime):
            return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
        return None

    def heard_position(self) -> Position:
        """Where the listener had got to in the last segment when this request interrupted it:
        the step being heard, estimated from the time between the two requests."""
        session, script = self.session, self.script
        now = self.request_time()
        if script is None or session.segment_sent is None or now is None:
            return session.segment_start
        try:
            sent = datetime.fromisoformat(session.segment_sent)
        except ValueError:
            return session.segment_start
        elapsed = (now - sent).total_seconds()
        segment = next_segment(
            script, session.segment_start, self.preferences, self.phrases, session.segment_intro
        )
        return position_heard(segment, elapsed)

    def segment(self, script: Script, intro: bool = False) -> Segment:
        """The next segment of `script` from the session's position."""
        return next_segment(script, self.session.at, self.preferences, self.phrases, intro)

    def remember_stop(self) -> None:
        """Keep where an unfinished exercise stopped, so the next launch can offer to resume."""
        from skill.state import Resume

        script = self.script
        if script is None or self.session.mode not in (Mode.EXERCISE, Mode.PAUSED):
            return
        if self.session.at.step >= len(script.steps):
            self.user.resume = None
        else:
            # At an open question, pick up at that question; otherwise replay the segment
            # that was interrupted, since its end may not have been heard.
            at = self.session.at if self.session.waiting else self.heard_position()
            self.user.resume = Resume(script.id, at)
        self.user_dirty = True

    # -- replies -----------------------------------------------------------------------------

    def reply(
        self, speech: SpeechBuilder, reprompt: str | None = None, end: bool = False
    ) -> Response:
        """The response: speech, and either a reprompt (listening) or the end of the session."""
        builder = self.handler_input.response_builder
        if not speech.empty:
            builder.speak(speech.build())
        if reprompt and not end:
            builder.ask(SpeechBuilder().say(reprompt).build())
        builder.set_should_end_session(end)
        response: Response = builder.response
        return response

    def silent_end(self) -> Response:
        """End with no speech at all (events that must not speak)."""
        response: Response = self.handler_input.response_builder.response
        return response


def turn_of(handler_input: HandlerInput) -> Turn:
    """The turn the request interceptor prepared."""
    turn = handler_input.attributes_manager.request_attributes[TURN_KEY]
    assert isinstance(turn, Turn)
    return turn


def request_type(handler_input: HandlerInput) -> str:
    """The request's type ("LaunchRequest", "IntentRequest", ...)."""
    request = handler_input.request_envelope.request
    return str(request.object_type) if request is not None else ""


def intent_of(handler_input: HandlerInput) -> Intent | None:
    """The intent of an IntentRequest, or None for any other request."""
    request = handler_input.request_envelope.request
    if isinstance(request, IntentRequest) and request.intent is not None:
        intent: Intent = request.intent
        return intent
    return None


def intent_name(handler_input: HandlerInput) -> str | None:
    """The intent's name, or None when the request is not an intent."""
    intent = intent_of(handler_input)
    return str(intent.name) if intent is not None and intent.name else None
