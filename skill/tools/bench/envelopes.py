"""The request envelopes the speed benches send: each kind of request a device sends often.

Every kind has a listener of its own, and the envelope carries the session attributes the
skill itself gave while getting there (`prepare` holds that short session once), so the same
envelope can be sent again and again and gets the same kind of answer each time.
"""

from __future__ import annotations

import copy
import hashlib
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from skill.core.handsfree import Chapter, Track, Variant
from skill.core.script import Script
from skill.record import record

SKILL_ID = "amzn1.ask.skill.steady-bench"
AUDIO_BASE_URL = "https://bench.invalid/audio/"
"""Where the bench says tracks are: only the token of a track is ever used, never its URL."""
KINDS = ("launch", "start", "answer", "session_end", "playback_stopped")
"""The requests timed, in the order of the tables."""
LABELS = {
    "launch": "launch",
    "start": "start box breathing",
    "answer": "mid-exercise answer",
    "session_end": "session end",
    "playback_stopped": "PlaybackStopped",
}

Send = Callable[[dict[str, Any]], dict[str, Any]]
"""Runs one request envelope (JSON data) and gives back the response envelope."""


class EveryTrack:
    """Every hands-free script has a rendered track of 15 minutes here (nothing is rendered)."""

    def track(self, script: Script, variant: Variant) -> Track | None:
        key = hashlib.sha256(f"steady-bench|{script.id}|{variant.key}".encode()).hexdigest()
        return Track(key, 900_000, (Chapter(0, 0),))


@record
class Listener:
    """One made-up account on one device with an audio player."""

    name: str

    @property
    def user_id(self) -> str:
        return f"amzn1.ask.account.steady-bench-{self.name}"

    def context(self, player: dict[str, Any] | None = None) -> dict[str, Any]:
        system = {
            "application": {"applicationId": SKILL_ID},
            "user": {"userId": self.user_id},
            "device": {
                "deviceId": f"amzn1.ask.device.steady-bench-{self.name}",
                "supportedInterfaces": {"AudioPlayer": {}},
            },
            "apiEndpoint": "https://api.amazonalexa.com",
        }
        return {"System": system, "AudioPlayer": player or {"playerActivity": "IDLE"}}

    def envelope(
        self,
        request: dict[str, Any],
        attributes: dict[str, Any] | None = None,
        new: bool = False,
        session: bool = True,
        player: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A request as Alexa sends it (the player's events come without a session)."""
        data: dict[str, Any] = {
            "version": "1.0",
            "context": self.context(player),
            "request": {
                **request,
                "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
                "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "locale": "en-US",
            },
        }
        if session:
            data["session"] = {
                "new": new,
                "sessionId": f"amzn1.echo-api.session.steady-bench-{self.name}",
                "application": {"applicationId": SKILL_ID},
                "user": {"userId": self.user_id},
                "attributes": copy.deepcopy(attributes or {}),
            }
        return data


def _slot(name: str, value: str, slot_type: str, resolved: str | None) -> dict[str, Any]:
    authority = f"amzn1.er-authority.echo-sdk.{SKILL_ID}.{slot_type}"
    resolution: dict[str, Any] = {"authority": authority}
    if resolved is None:
        resolution["status"] = {"code": "ER_SUCCESS_NO_MATCH"}
    else:
        resolution["status"] = {"code": "ER_SUCCESS_MATCH"}
        resolution["values"] = [{"value": {"name": value, "id": resolved}}]
    return {
        "name": name,
        "value": value,
        "confirmationStatus": "NONE",
        "resolutions": {"resolutionsPerAuthority": [resolution]},
    }


def launch_request() -> dict[str, Any]:
    return {"type": "LaunchRequest"}


def start_request(exercise: str, said: str) -> dict[str, Any]:
    slots = {"exercise": _slot("exercise", said, "EXERCISE", exercise)}
    intent = {"name": "StartExerciseIntent", "confirmationStatus": "NONE", "slots": slots}
    return {"type": "IntentRequest", "intent": intent}


def answer_request(said: str) -> dict[str, Any]:
    slots = {"answer": _slot("answer", said, "ANSWER", None)}
    intent = {"name": "AnswerIntent", "confirmationStatus": "NONE", "slots": slots}
    return {"type": "IntentRequest", "intent": intent}


def _attributes(response: dict[str, Any]) -> dict[str, Any]:
    found = response.get("sessionAttributes")
    return found if isinstance(found, dict) else {}


def _token(response: dict[str, Any]) -> str:
    for directive in (response.get("response") or {}).get("directives") or []:
        if directive.get("type") == "AudioPlayer.Play":
            token: str = directive["audioItem"]["stream"]["token"]
            return token
    raise RuntimeError("the skill did not start a track for the PlaybackStopped request")


def _in_exercise(send: Send, who: Listener, exercise: str, said: str) -> dict[str, Any]:
    """The session attributes after opening the skill and starting an exercise."""
    opened = send(who.envelope(launch_request(), new=True))
    started = send(who.envelope(start_request(exercise, said), _attributes(opened)))
    return _attributes(started)


def prepare(send: Send, prefix: str = "") -> dict[str, dict[str, Any]]:
    """One envelope of each kind, after holding the session that leads to it with `send` (the
    skill that will be timed, so its store holds what each listener did). `prefix` keeps the
    listeners of several skills sharing one store apart."""
    who = {kind: Listener(f"{prefix}{kind}") for kind in KINDS}
    opened = send(who["start"].envelope(launch_request(), new=True))
    answering = _in_exercise(send, who["answer"], "five-senses", "five senses")
    ending = _in_exercise(send, who["session_end"], "five-senses", "five senses")
    listener = who["playback_stopped"]
    opened_player = send(listener.envelope(launch_request(), new=True))
    playing = send(
        listener.envelope(
            start_request("bedtime-body-scan", "bedtime body scan"), _attributes(opened_player)
        )
    )
    token = _token(playing)
    player = {"token": token, "offsetInMilliseconds": 120_000, "playerActivity": "STOPPED"}
    stopped = {
        "type": "AudioPlayer.PlaybackStopped",
        "token": token,
        "offsetInMilliseconds": 120_000,
    }
    return {
        "launch": who["launch"].envelope(launch_request(), new=True),
        "start": who["start"].envelope(
            start_request("box-breathing", "box breathing"), _attributes(opened)
        ),
        "answer": who["answer"].envelope(answer_request("a lamp"), answering),
        "session_end": who["session_end"].envelope(
            {"type": "SessionEndedRequest", "reason": "EXCEEDED_MAX_REPROMPTS"}, ending
        ),
        "playback_stopped": listener.envelope(stopped, session=False, player=player),
    }
