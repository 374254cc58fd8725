"""Running one Alexa request through the skill, shared by web, Lambda and the simulator."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping
from typing import Any, NoReturn, cast

from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope, ResponseEnvelope
from ask_sdk_model.services import Serializer

from skill.alexa.codec import Codec
from skill.content.locales import well_formed

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

CODEC = Codec()
"""Reads envelopes and writes responses: the SDK's objects, without its per-request type work."""

NOT_AN_OBJECT = "the request is not a JSON object"
NOT_FINITE = "the request holds NaN or Infinity, which are not JSON numbers"
NOT_A_LOCALE = "the request's locale is not a locale (such as en-US)"


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


def refuse_constant(name: str) -> NoReturn:
    """`json.loads(parse_constant=refuse_constant)`: NaN, Infinity and -Infinity are refused."""
    raise BadRequest(NOT_FINITE)


def finite_float(text: str) -> float:
    """`json.loads(parse_float=finite_float)`: a number too large for a float (1e400) would be
    read as infinity, so it is refused as NaN and Infinity are."""
    value = float(text)
    if not math.isfinite(value):
        raise BadRequest(NOT_FINITE)
    return value


def admit(data: object) -> Mapping[str, Any]:
    """Request data from outside the process (a web body, a Lambda event), checked before it is
    run: a JSON object whose locale, if it names one, is well formed. Devices send "en-GB"; a
    path or a long string is refused here, and treated as the default locale by `run`."""
    data = _object(data)
    request = data.get("request")
    locale = request.get("locale") if isinstance(request, dict) else None
    if locale is not None and well_formed(locale) is None:
        raise BadRequest(NOT_A_LOCALE)
    return data


def run(
    skill: CustomSkill, data: Mapping[str, Any], serializer: Serializer = CODEC
) -> dict[str, Any]:
    """Deserialise envelope data, run the skill, and serialise its response. Both are strict
    JSON: NaN and Infinity are refused going in and never sent out. The speed benches pass the
    SDK's own `DefaultSerializer` for the hello-world skill, as a bare ask-sdk-core skill has."""
    return answer(skill, data, serializer)[0]


def answer(
    skill: CustomSkill,
    data: Mapping[str, Any],
    serializer: Serializer = CODEC,
    strict: bool = False,
) -> tuple[dict[str, Any], str]:
    """`run`'s response, and the same as strict JSON text (what a web server sends: it is
    written once, as the check that it is strict JSON). `strict`: the caller parsed `data`
    itself from strict JSON (NaN and Infinity refused, as the web app does), so the codec reads
    it as it is instead of writing it out and reading it back."""
    codec = serializer if strict and isinstance(serializer, Codec) else None
    text = ""
    if codec is None:
        try:
            # Written out once, for the SDK to read; strict JSON, so NaN and Infinity stop here.
            text = json.dumps(_object(data), allow_nan=False)
        except ValueError as exc:
            raise BadRequest(NOT_FINITE) from exc
        except RecursionError as exc:
            raise BadRequest("request envelope is malformed") from exc
    data = _object(data)
    request_type(data)
    if not isinstance(data.get("context"), dict) and not isinstance(data.get("session"), dict):
        raise BadRequest("missing context")
    try:
        if codec is not None:
            envelope = cast(RequestEnvelope, codec.read(data, RequestEnvelope))
        else:
            envelope = cast(RequestEnvelope, serializer.deserialize(text, RequestEnvelope))
    except Exception as exc:  # the SDK raises several types for malformed data
        raise BadRequest("request envelope is malformed") from exc
    if envelope.request is None or envelope.context is None:
        raise BadRequest("request envelope is malformed")
    try:
        response: ResponseEnvelope = skill.invoke(request_envelope=envelope, context=None)
    except Exception as exc:  # only reached when no handler applies or the skill id differs
        log.warning("request not handled: %s", type(exc).__name__)
        raise BadRequest("request could not be handled") from exc
    result = serializer.serialize(response)
    if not isinstance(result, dict):
        raise BadRequest("the skill gave no response")
    try:
        written = json.dumps(result, allow_nan=False, separators=(",", ":"))
    except (ValueError, TypeError) as exc:
        log.error("the skill's response is not strict JSON: %s", type(exc).__name__)
        raise BadRequest("the skill gave no valid response") from exc
    return result, written


def _object(data: object) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise BadRequest(NOT_AN_OBJECT)
    return data
