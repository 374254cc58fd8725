"""The skill without a speaker: typed words become real Alexa request envelopes.

The simulator plays the device's part: it keeps the session, speaks the reprompt after one
silence and ends the session after a second, and sends what Alexa would send.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import (
    Application,
    Context,
    Device,
    Intent,
    IntentConfirmationStatus,
    IntentRequest,
    LaunchRequest,
    Request,
    RequestEnvelope,
    ResponseEnvelope,
    Session,
    SessionEndedReason,
    SessionEndedRequest,
    Slot,
    SlotConfirmationStatus,
    SupportedInterfaces,
    User,
)
from ask_sdk_model.interfaces.system import SystemState
from ask_sdk_model.slu.entityresolution import (
    Resolution,
    Resolutions,
    Status,
    StatusCode,
    Value,
    ValueWrapper,
)

from skill.speech.plain import to_plain_text
from skill.tools.nlu import Match, Matcher, parse_invocation

LOCAL_SKILL_ID = "amzn1.ask.skill.steady-ground-local"
"""The application id of simulated requests when no skill id is configured."""

_serializer = DefaultSerializer()

Transport = Callable[[dict[str, Any]], dict[str, Any]]
"""Sends one serialised request envelope and returns the serialised response envelope."""


@dataclass
class DeviceState:
    """What the device remembers between turns: the open session and its reprompt."""

    session_id: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    reprompt: str | None = None
    reprompted: bool = False

    @property
    def in_session(self) -> bool:
        return self.session_id is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "attributes": self.attributes,
            "reprompt": self.reprompt,
            "reprompted": self.reprompted,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DeviceState:
        attributes = data.get("attributes")
        return cls(
            session_id=data.get("session_id") if isinstance(data.get("session_id"), str) else None,
            attributes=attributes if isinstance(attributes, dict) else {},
            reprompt=data.get("reprompt") if isinstance(data.get("reprompt"), str) else None,
            reprompted=bool(data.get("reprompted", False)),
        )

    @classmethod
    def load(cls, path: Path) -> DeviceState:
        """State kept in a file between `steady say` calls; a missing or bad file starts fresh."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        return cls.from_dict(data) if isinstance(data, dict) else cls()

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=1), encoding="utf-8")


@dataclass(frozen=True)
class Reply:
    """What the listener hears after one utterance."""

    text: str
    """Plain text of the speech (SSML stripped)."""
    ssml: str | None
    ended: bool
    """Whether the session closed after this reply."""
    request: dict[str, Any] | None
    """The request envelope sent, as JSON data (None when nothing was sent)."""
    response: dict[str, Any] | None


def _slot(match_slot: Any, skill_id: str) -> Slot:
    resolutions = None
    if not match_slot.slot_type.startswith("AMAZON."):
        authority = f"amzn1.er-authority.echo-sdk.{skill_id}.{match_slot.slot_type}"
        if match_slot.resolved_id is not None:
            status = Status(code=StatusCode.ER_SUCCESS_MATCH)
            values = [
                ValueWrapper(
                    value=Value(
                        name=match_slot.resolved_name or match_slot.value, id=match_slot.resolved_id
                    )
                )
            ]
        else:
            status = Status(code=StatusCode.ER_SUCCESS_NO_MATCH)
            values = None
        resolutions = Resolutions(
            resolutions_per_authority=[
                Resolution(authority=authority, status=status, values=values)
            ]
        )
    return Slot(
        name=match_slot.name,
        value=match_slot.value,
        resolutions=resolutions,
        confirmation_status=SlotConfirmationStatus.NONE,
    )


def _as_dict(data: object) -> dict[str, Any]:
    assert isinstance(data, dict)
    return data


class Simulator:
    """One simulated device talking to the skill."""

    def __init__(
        self,
        transport: Transport,
        matcher: Matcher,
        invocation_name: str,
        locale: str = "en-US",
        user: str = "local-user",
        skill_id: str | None = None,
        state: DeviceState | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.transport = transport
        self.matcher = matcher
        self.invocation_name = invocation_name
        self.locale = locale
        self.user_id = f"amzn1.ask.account.{user}"
        self.skill_id = skill_id or LOCAL_SKILL_ID
        self.state = state or DeviceState()
        self.clock = clock or (lambda: datetime.now(UTC))

    # -- building requests -------------------------------------------------------------------

    def _expecting(self) -> str | None:
        attributes = self.state.attributes
        if attributes.get("mode") == "exercise" and attributes.get("waiting") == "feeling":
            return "feeling"
        if attributes.get("mode") == "exercise" and attributes.get("waiting"):
            return "answer"
        if attributes.get("mode") == "choosing":
            return "answer"
        return None

    def envelope(self, request: Request, new_session: bool) -> RequestEnvelope:
        """A request envelope shaped as Alexa sends it."""
        application = Application(application_id=self.skill_id)
        user = User(user_id=self.user_id)
        if new_session or self.state.session_id is None:
            self.state.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
            self.state.attributes = {}
            new_session = True
        session = Session(
            new=new_session,
            session_id=self.state.session_id,
            application=application,
            user=user,
            attributes=self.state.attributes or None,
        )
        device = Device(
            device_id="amzn1.ask.device.local-simulator", supported_interfaces=SupportedInterfaces()
        )
        system = SystemState(
            application=application,
            user=user,
            device=device,
            api_endpoint="https://api.amazonalexa.com",
        )
        return RequestEnvelope(
            version="1.0", session=session, context=Context(system=system), request=request
        )

    def _common(self) -> dict[str, Any]:
        return {
            "request_id": f"amzn1.echo-api.request.{uuid.uuid4()}",
            "timestamp": self.clock().replace(microsecond=0),
            "locale": self.locale,
        }

    def intent_request(self, match: Match) -> IntentRequest:
        slots = {name: _slot(value, self.skill_id) for name, value in match.slots.items()}
        intent = Intent(
            name=match.intent,
            slots=slots or None,
            confirmation_status=IntentConfirmationStatus.NONE,
        )
        return IntentRequest(intent=intent, **self._common())

    # -- talking -----------------------------------------------------------------------------

    def say(self, utterance: str) -> Reply:
        """One thing said to the device; an empty string is silence."""
        words = utterance.strip()
        if not words:
            return self._silence()
        invocation = parse_invocation(words, self.invocation_name)
        if invocation.kind == "launch":
            request: Request = LaunchRequest(**self._common())
            return self._send(self.envelope(request, new_session=True))
        if invocation.kind == "intent":
            match = self.matcher.match(invocation.rest)
            return self._send(self.envelope(self.intent_request(match), new_session=True))
        new = not self.state.in_session
        match = self.matcher.match(words, expecting=None if new else self._expecting())
        return self._send(self.envelope(self.intent_request(match), new_session=new))

    def _silence(self) -> Reply:
        if not self.state.in_session:
            return Reply("", None, True, None, None)
        if not self.state.reprompted and self.state.reprompt:
            self.state.reprompted = True
            return Reply(to_plain_text(self.state.reprompt), self.state.reprompt, False, None, None)
        request = SessionEndedRequest(
            reason=SessionEndedReason.EXCEEDED_MAX_REPROMPTS, **self._common()
        )
        reply = self._send(self.envelope(request, new_session=False))
        self._close()
        return Reply(reply.text, reply.ssml, True, reply.request, reply.response)

    def _close(self) -> None:
        self.state = DeviceState()

    def _send(self, envelope: RequestEnvelope) -> Reply:
        sent = _as_dict(_serializer.serialize(envelope))
        received = self.transport(sent)
        response_envelope: ResponseEnvelope = _serializer.deserialize(
            json.dumps(received), ResponseEnvelope
        )
        response = response_envelope.response
        ssml = None
        if response is not None and response.output_speech is not None:
            ssml = getattr(response.output_speech, "ssml", None)
        reprompt = None
        if response is not None and response.reprompt is not None:
            reprompt = getattr(response.reprompt.output_speech, "ssml", None)
        ended = response is None or response.should_end_session is not False
        if ended:
            self._close()
        else:
            self.state.attributes = response_envelope.session_attributes or {}
            self.state.reprompt = reprompt
            self.state.reprompted = False
        return Reply(to_plain_text(ssml) if ssml else "", ssml, ended, sent, received)
