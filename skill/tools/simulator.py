"""The skill without a speaker: typed words become real Alexa request envelopes.

The simulator plays the device's part: it keeps the session, speaks the reprompt after one
silence and ends the session after a second, and sends what Alexa would send.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
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
    Person,
    Request,
    RequestEnvelope,
    ResponseEnvelope,
    Session,
    SessionEndedReason,
    SessionEndedRequest,
    SupportedInterfaces,
    User,
)
from ask_sdk_model.interfaces.audioplayer import AudioPlayerInterface
from ask_sdk_model.interfaces.system import SystemState

from skill.speech.plain import to_plain_text
from skill.tools.device import DeviceState, Reply
from skill.tools.nlu import Match, Matcher, parse_invocation
from skill.tools.player import Durations, Player, parse_wait
from skill.tools.slots import slot_of

LOCAL_SKILL_ID = "amzn1.ask.skill.steady-ground-local"
"""The application id of simulated requests when no skill id is configured."""

_serializer = DefaultSerializer()

Transport = Callable[[dict[str, Any]], dict[str, Any]]
"""Sends one serialised request envelope and returns the serialised response envelope."""


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
        durations: Durations | None = None,
        voice: str | None = None,
    ) -> None:
        """`durations` gives the device an audio player that can tell how long a track at a
        URL is; without it the device is one with no AudioPlayer (spoken turns only)."""
        self.transport = transport
        self.matcher = matcher
        self.invocation_name = invocation_name
        self.locale = locale
        self.user_id = f"amzn1.ask.account.{user}"
        self.skill_id = skill_id or LOCAL_SKILL_ID
        self.state = state or DeviceState()
        self.clock = clock or (lambda: datetime.now(UTC))
        self.durations = durations
        self.voice = voice
        """The personId of the speaker, as Alexa sends it for a voice it recognises."""
        self.new_id: Callable[[], str] = lambda: str(uuid.uuid4())
        """The unique part of each session and request id (a bench sets its own, so that what
        a request id seeds, a "surprise me" pick, is the same in every run)."""
        self.api_endpoint = "https://api.amazonalexa.com"
        self.api_token: str | None = None
        """Where the device says Amazon's APIs are, and the token for them (tests point them at
        a local stand-in)."""

    @property
    def player(self) -> Player:
        return Player(self.state.player, self.durations or (lambda _url: None))

    def now(self) -> datetime:
        """The device's time: the clock, plus whatever `/wait` let pass."""
        return self.clock() + timedelta(seconds=self.state.waited_seconds)

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

    def envelope(
        self, request: Request, new_session: bool, session_less: bool = False
    ) -> RequestEnvelope:
        """A request envelope shaped as Alexa sends it (the player's events have no session)."""
        application = Application(application_id=self.skill_id)
        user = User(user_id=self.user_id)
        if not session_less and (new_session or self.state.session_id is None):
            self.state.session_id = f"amzn1.echo-api.session.{self.new_id()}"
            self.state.attributes = {}
            new_session = True
        session = Session(
            new=new_session,
            session_id=self.state.session_id,
            application=application,
            user=user,
            attributes=self.state.attributes or None,
        )
        interfaces = SupportedInterfaces(
            audio_player=AudioPlayerInterface() if self.durations else None
        )
        device = Device(
            device_id="amzn1.ask.device.local-simulator", supported_interfaces=interfaces
        )
        system = SystemState(
            application=application,
            user=user,
            device=device,
            api_endpoint=self.api_endpoint,
            api_access_token=self.api_token,
            person=Person(person_id=self.voice) if self.voice else None,
        )
        player = self.player.context(self.now()) if self.durations else None
        context = Context(system=system, audio_player=player)
        if session_less:
            return RequestEnvelope(version="1.0", context=context, request=request)
        return RequestEnvelope(version="1.0", session=session, context=context, request=request)

    def _common(self) -> dict[str, Any]:
        return {
            "request_id": f"amzn1.echo-api.request.{self.new_id()}",
            "timestamp": self.now().replace(microsecond=0),
            "locale": self.locale,
        }

    def intent_request(self, match: Match) -> IntentRequest:
        slots = {name: slot_of(value, self.skill_id) for name, value in match.slots.items()}
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
        waited = parse_wait(words)
        if waited is None and words.lower().startswith("/wait"):
            usage = "(to let time pass, say /wait 30s, /wait 5m or /wait 1h 20m)"
            return Reply(usage, None, False, None, None)
        if waited is not None:
            self.state.waited_seconds += waited.total_seconds()
            return self._with_player(Reply("", None, False, None, None))
        if words.lower().startswith("/voice"):
            return self._recognise(words[len("/voice") :].strip())
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

    def _recognise(self, name: str) -> Reply:
        """ "/voice mum": from now on Alexa recognises the speaker as a voice of its own (a
        made-up personId, the same for the same name); "/voice off": nobody recognised."""
        letters = "".join(ch for ch in name.upper() if ch.isalnum())
        if not letters:
            return Reply(
                "(say /voice NAME to speak as a recognised voice, /voice off to stop)",
                None,
                False,
                None,
                None,
            )
        self.voice = None if letters == "OFF" else f"amzn1.ask.person.{letters}"
        return Reply("", None, False, None, None)

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
        self.state = DeviceState(player=self.state.player, waited_seconds=self.state.waited_seconds)

    # -- the audio player --------------------------------------------------------------------

    def _player_event(self, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
        sent = _as_dict(_serializer.serialize(self.envelope(request, False, session_less=True)))
        received = self.transport(sent)
        self._follow(received, [])
        return sent, received

    def _follow(self, received: dict[str, Any], events: list[Any]) -> None:
        """Carry out the response's AudioPlayer directives, as the device would."""
        if not self.durations:
            return
        for directive in (received.get("response") or {}).get("directives") or []:
            kind = directive.get("type")
            if kind == "AudioPlayer.Play":
                item = directive["audioItem"]
                stream, title = item["stream"], (item.get("metadata") or {}).get("title", "")
                self.player.play(
                    stream["token"],
                    stream["url"],
                    stream.get("offsetInMilliseconds", 0),
                    title,
                    self.now(),
                )
                events.append(self._player_event(self.player.started(self._common())))
            elif kind == "AudioPlayer.Stop" and self.state.player.activity == "PLAYING":
                self.player.stop(self.now())
                events.append(self._player_event(self.player.stopped(self._common())))

    def _with_player(self, reply: Reply, events: list[Any] | None = None) -> Reply:
        """The reply, with the events the player sent by now and the player's state."""
        happened = list(events or [])
        if self.durations:
            for request in self.player.catch_up(self.now(), self._common):
                happened.append(self._player_event(request))
        status = self.player.status(self.now()) if self.durations else None
        return dataclasses.replace(reply, playing=status, events=tuple(happened))

    def _send(self, envelope: RequestEnvelope) -> Reply:
        earlier = [self._player_event(r) for r in self.player.catch_up(self.now(), self._common)]
        if earlier and self.durations and envelope.context is not None:
            envelope.context.audio_player = self.player.context(self.now())
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
        events = earlier if self.durations else []
        self._follow(received, events)
        reply = Reply(to_plain_text(ssml) if ssml else "", ssml, ended, sent, received)
        return self._with_player(reply, events)
