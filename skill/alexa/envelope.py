"""Running one Alexa request through the skill, shared by web, Lambda and the simulator."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope, ResponseEnvelope

log = logging.getLogger("steady.dispatch")

KNOWN_REQUEST_TYPES = frozenset(
    {
        "LaunchRequest",
        "IntentRequest",
        "SessionEndedRequest",
        "CanFulfillIntentRequest",
        "System.ExceptionEncountered",
        "AudioPlayer.PlaybackStarted",
        "AudioPlayer.PlaybackFinished",
        "AudioPlayer.PlaybackStopped",
        "AudioPlayer.PlaybackNearlyFinished",
        "AudioPlayer.PlaybackFailed",
        "PlaybackController.NextCommandIssued",
        "PlaybackController.PauseCommandIssued",
        "PlaybackController.PlayCommandIssued",
        "PlaybackController.PreviousCommandIssued",
        "AlexaSkillEvent.SkillDisabled",
        "AlexaSkillEvent.SkillEnabled",
    }
)

_serializer = DefaultSerializer()


class BadRequest(Exception):
    """The request can't be run; `reason` is safe to send back."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def request_type(data: Mapping[str, Any]) -> str:
    """The request type of envelope data, checked to be one the skill knows."""
    request = data.get("request")
    if not isinstance(request, dict):
        raise BadRequest("missing request object")
    kind = request.get("type")
    if not isinstance(kind, str) or kind not in KNOWN_REQUEST_TYPES:
        raise BadRequest("unknown request type")
    return kind


def run(skill: CustomSkill, data: Mapping[str, Any]) -> dict[str, Any]:
    """Deserialise envelope data, run the skill, and serialise its response."""
    request_type(data)
    if not isinstance(data.get("context"), dict) and not isinstance(data.get("session"), dict):
        raise BadRequest("missing context")
    try:
        envelope: RequestEnvelope = _serializer.deserialize(json.dumps(data), RequestEnvelope)
    except Exception as exc:  # the SDK raises several types for malformed data
        raise BadRequest("request envelope is malformed") from exc
    if envelope.request is None or envelope.context is None:
        raise BadRequest("request envelope is malformed")
    try:
        response: ResponseEnvelope = skill.invoke(request_envelope=envelope, context=None)
    except Exception as exc:  # only reached when no handler applies or the skill id differs
        log.warning("request not handled: %s", type(exc).__name__)
        raise BadRequest("request could not be handled") from exc
    result = _serializer.serialize(response)
    if not isinstance(result, dict):
        raise BadRequest("the skill gave no response")
    return result
