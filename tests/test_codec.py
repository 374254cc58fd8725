"""The skill's own envelope codec reads every request as the SDK's `DefaultSerializer` would:
the same objects from the same JSON, the same refusals of malformed data, and the same JSON
written back. Anything else would change what a device's request means to the skill."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import IntentRequest, RequestEnvelope, ResponseEnvelope
from hypothesis import given
from hypothesis import strategies as st

from skill.alexa.app import build_skill
from skill.alexa.codec import Codec
from skill.alexa.envelope import run
from skill.settings import Settings
from tests.test_hostile_properties import EXAMPLES, broken_requests, device_requests, json_value
from tests.test_web import intent, launch

SDK = DefaultSerializer()


def _both(text: str, kind: Any = RequestEnvelope) -> tuple[Any, Any]:
    """What the SDK and the codec make of `text`: an object, or the exception's type."""
    results = []
    for reader in (SDK, Codec()):
        try:
            results.append(reader.deserialize(text, kind))
        except SerializationException:
            results.append(SerializationException)
    return results[0], results[1]


@EXAMPLES
@given(data=st.one_of(device_requests(), broken_requests(), json_value))
def test_every_request_reads_as_the_sdk_reads_it(data: Any) -> None:
    text = json.dumps(data)
    sdk, ours = _both(text)
    assert ours == sdk
    if isinstance(sdk, RequestEnvelope):
        assert _written(Codec(), ours) == _written(SDK, sdk)


def _written(writer: Any, envelope: RequestEnvelope) -> Any:
    """What `writer` makes of an envelope: its JSON data, or the exception's type (an envelope
    whose fields were overwritten, as by a `"__dict__"` key, cannot be written by either)."""
    try:
        return writer.serialize(envelope)
    except Exception as exc:
        return type(exc)


def test_a_device_request_becomes_the_sdk_objects_with_unknown_fields_kept() -> None:
    data = intent("AnswerIntent", {"answer": "the window"})
    data["request"]["somethingNew"] = {"from": "a later device"}
    data["context"]["System"]["newPart"] = [1, 2]
    sdk, ours = _both(json.dumps(data))
    assert isinstance(ours.request, IntentRequest)
    assert ours.request.intent.slots["answer"].value == "the window"
    assert ours.request.somethingNew == {"from": "a later device"}
    assert ours == sdk


def test_a_wrong_discriminator_or_a_bad_number_is_refused_like_the_sdk() -> None:
    unknown = launch()
    unknown["request"]["type"] = "Made.Up"
    wrong_number = launch()
    wrong_number["context"]["AudioPlayer"] = {"offsetInMilliseconds": "soon"}
    for data in (unknown, wrong_number):
        assert _both(json.dumps(data)) == (SerializationException, SerializationException)


@given(
    moment=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    digits=st.sampled_from([0, 1, 3, 6]),
)
def test_alexa_timestamps_read_as_dateutil_reads_them(moment: datetime, digits: int) -> None:
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        stamp += "." + f"{moment.microsecond:06d}"[:digits]
    data = launch()
    data["request"]["timestamp"] = stamp + "Z"
    sdk, ours = _both(json.dumps(data))
    assert ours.request.timestamp == sdk.request.timestamp
    assert ours.request.timestamp.utcoffset() == timedelta(0)
    assert SDK.serialize(ours) == SDK.serialize(sdk)


def test_other_timestamp_spellings_still_read_and_nonsense_is_refused() -> None:
    for stamp in ("2026-11-30T03:36:31+01:00", "30 Nov 2026 03:36", "2026-11-30"):
        data = launch()
        data["request"]["timestamp"] = stamp
        sdk, ours = _both(json.dumps(data))
        assert ours.request.timestamp == sdk.request.timestamp, stamp
    data = launch()
    data["request"]["timestamp"] = "the thirty-first of never"
    assert _both(json.dumps(data)) == (SerializationException, SerializationException)


def test_the_skills_replies_are_written_as_the_sdk_writes_them(tmp_path: Any) -> None:
    skill = build_skill(Settings(db_path=tmp_path / "codec.sqlite3", verify=False))
    for data in (
        launch(),
        intent("StartExerciseIntent", {"exercise": "box breathing"}),
        intent("CrisisIntent", {"statement": "i want to end my life"}),
    ):
        answer = run(skill, data)
        response = SDK.deserialize(json.dumps(answer), ResponseEnvelope)
        assert Codec().serialize(response) == SDK.serialize(response) == answer
