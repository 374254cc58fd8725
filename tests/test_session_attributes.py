"""Session attributes come back from the device with every request: tampered ones are answered
calmly, as a fresh session would be, and a valid session carries on exactly as before."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from skill.alexa.app import build_skill
from skill.alexa.interceptors import known_content
from skill.content import bundle
from skill.core.people import SELF
from skill.core.position import Position
from skill.core.script import Ask, ScriptLibrary
from skill.core.state import BadSession, Mode, SessionState
from skill.settings import Settings
from skill.tools.nlu import Matcher
from skill.tools.simulator import Simulator
from skill.web import create_app
from tests.conftest import make_simulator
from tests.dialog import parse
from tests.test_web import launch

ERROR_WORDS = bundle.phrases("en-US").variants("error")
"""What the skill says when a handler fails ("Sorry, something went wrong...")."""
STAMP = "2026-11-21T23:00:00Z"
_FIVE = bundle.bundle("en-US").library.scripts["five-senses"]
LENGTH = len(_FIVE.steps)
"""Five senses' steps: a position at LENGTH is its end."""
ASK = next(i for i, step in enumerate(_FIVE.steps) if isinstance(step, Ask))
"""Five senses' first question ("what's something you can see?")."""
EXERCISE: dict[str, Any] = {
    "mode": "exercise",
    "script": "five-senses",
    "at": {"step": ASK, "offset": 0.0},
    "segment_start": {"step": 0, "offset": 0.0},
    "waiting": "anything",
    "choices": [],
    "last_reply": "",
    "crisis": None,
    "preferences": None,
    "offer": None,
    "followup": False,
    "segment_sent": "2026-11-21T22:59:30+00:00",
    "segment_intro": True,
    "person": "self",
}
"""A session as the skill writes it: five senses, asked "what's something you can see?"."""


def _slot(name: str, value: str) -> dict[str, Any]:
    """A slot as Alexa fills it, resolved to the value's own id."""
    match = {"value": {"name": value, "id": value}}
    status = {"code": "ER_SUCCESS_MATCH"}
    authority = {"authority": "amzn1.er-authority.x", "status": status, "values": [match]}
    return {"name": name, "value": value, "resolutions": {"resolutionsPerAuthority": [authority]}}


def envelope(attributes: object, intent: str | None, slots: dict[str, str]) -> dict[str, Any]:
    """A request in a session under way, carrying `attributes` back, for a user of its own."""
    data = launch()
    user = {"userId": f"amzn1.ask.account.{uuid.uuid4().hex}"}
    data["session"].update(new=False, attributes=attributes, user=user)
    data["context"]["System"]["user"] = user
    data["request"]["timestamp"] = STAMP
    if intent is not None:
        data["request"]["type"] = "IntentRequest"
        data["request"]["intent"] = {
            "name": intent,
            "confirmationStatus": "NONE",
            "slots": {name: _slot(name, value) for name, value in slots.items()},
        }
    return data


REQUESTS = [
    pytest.param(None, {}, id="launch"),
    pytest.param("AMAZON.NextIntent", {}, id="next"),
    pytest.param("AMAZON.RepeatIntent", {}, id="repeat"),
    pytest.param("AMAZON.PreviousIntent", {}, id="back"),
    pytest.param("AMAZON.StartOverIntent", {}, id="start-over"),
    pytest.param("AMAZON.PauseIntent", {}, id="pause"),
    pytest.param("AMAZON.ResumeIntent", {}, id="resume"),
    pytest.param("AMAZON.YesIntent", {}, id="yes"),
    pytest.param("AMAZON.NoIntent", {}, id="no"),
    pytest.param("AMAZON.HelpIntent", {}, id="help"),
    pytest.param("AMAZON.StopIntent", {}, id="stop"),
    pytest.param("AMAZON.FallbackIntent", {}, id="fallback"),
    pytest.param("AnswerIntent", {"answer": "a lamp"}, id="answer"),
    pytest.param("ControlIntent", {"setting": "slower"}, id="slower"),
    pytest.param("StartExerciseIntent", {"exercise": "lamp"}, id="start-unknown"),
    pytest.param("CrisisIntent", {"statement": "i feel unreal"}, id="distress"),
]
"""Requests that read different parts of the session."""


def _with(**changes: object) -> dict[str, Any]:
    return {**EXERCISE, **changes}


TAMPERED = [
    pytest.param(_with(script="no-such-script"), id="script-unknown"),
    pytest.param(_with(script=["five-senses"]), id="script-a-list"),
    pytest.param(_with(at={"step": -1, "offset": 0}), id="at-negative"),
    pytest.param(_with(at={"step": LENGTH, "offset": 0}), id="at-the-end-while-asking"),
    pytest.param(_with(at={"step": LENGTH + 1, "offset": 0}, waiting=None), id="at-past-the-end"),
    pytest.param(_with(at={"step": 10**12, "offset": 0}), id="at-huge"),
    pytest.param(_with(at={"step": 2.5, "offset": 0}), id="at-not-an-integer"),
    pytest.param(_with(at={"step": "3", "offset": 0}), id="at-a-string"),
    pytest.param(_with(at={"step": True, "offset": 0}), id="at-a-boolean"),
    pytest.param(_with(at={"step": 3, "offset": "nan"}), id="at-offset-nan-string"),
    pytest.param(_with(at={"step": 3, "offset": 1e300}), id="at-offset-huge"),
    pytest.param(_with(at={"step": 3, "offset": -4}), id="at-offset-negative"),
    pytest.param(_with(at=[3, 0]), id="at-a-list"),
    pytest.param(_with(segment_start={"step": 99, "offset": 0}), id="segment-start-past-end"),
    pytest.param(_with(segment_start={"step": 2, "offset": 1e9}), id="segment-start-offset-huge"),
    pytest.param(_with(segment_start="start"), id="segment-start-a-string"),
    pytest.param(_with(last_reply="no_such_phrase", mode="menu"), id="last-reply-unknown"),
    pytest.param(_with(last_reply="kind_names", mode="menu"), id="last-reply-a-table"),
    pytest.param(_with(last_reply="resume_offer", mode="menu"), id="last-reply-needs-values"),
    pytest.param(_with(last_reply=7, mode="menu"), id="last-reply-a-number"),
    pytest.param(_with(last_reply={"x": 1}, mode="menu"), id="last-reply-an-object"),
    pytest.param(_with(script=None), id="exercise-without-script"),
    pytest.param(_with(mode="paused", script=None), id="paused-without-script"),
    pytest.param(_with(mode="dancing"), id="mode-unknown"),
    pytest.param(_with(mode="choosing", choices=["nope", "none"]), id="choices-unknown"),
    pytest.param(_with(mode="choosing", choices="box-breathing"), id="choices-a-string"),
    pytest.param(_with(mode="choosing", choices=["box-breathing"] * 500), id="choices-too-many"),
    pytest.param(_with(waiting="everything"), id="waiting-unknown"),
    pytest.param(_with(waiting=3), id="waiting-a-number"),
    pytest.param(_with(offer="Fly away!"), id="offer-not-a-control-or-key"),
    pytest.param(_with(offer=["outward"]), id="offer-a-list"),
    pytest.param(_with(crisis="martian", mode="crisis"), id="crisis-unknown"),
    pytest.param(_with(preferences={"pace": "fast"}), id="preferences-a-string"),
    pytest.param(_with(preferences={"pace": -3}), id="preferences-negative"),
    pytest.param(_with(preferences={"pause_scale": 1e308}), id="preferences-huge"),
    pytest.param(_with(preferences={"pace": "nan"}), id="preferences-nan-string"),
    pytest.param(_with(preferences={"pace": "inf"}), id="preferences-inf-string"),
    pytest.param(_with(preferences={"skip_regions": "arms"}), id="preferences-regions-string"),
    pytest.param(_with(preferences={"shorter": "no"}), id="preferences-flag-a-string"),
    pytest.param(_with(preferences=[1.5]), id="preferences-a-list"),
    pytest.param(_with(person="Grandpa's ../../ key"), id="person-not-a-key"),
    pytest.param(_with(person="x" * 10_000), id="person-10-kb"),
    pytest.param(_with(person=5), id="person-a-number"),
    pytest.param(_with(followup="yes"), id="followup-a-string"),
    pytest.param(_with(segment_intro=[]), id="segment-intro-a-list"),
    pytest.param(_with(segment_sent="yesterday"), id="segment-sent-not-a-time"),
    pytest.param(_with(segment_sent="2026-11-21T22:59:30"), id="segment-sent-no-zone"),
    pytest.param(_with(segment_sent=1700000000), id="segment-sent-a-number"),
    pytest.param(_with(at={"step": {"step": {"step": [[[{}]]]}}}), id="nested-junk"),
    pytest.param({"mode": {"mode": {"mode": ["exercise"]}}, "script": {}}, id="nested-mode"),
    pytest.param({**EXERCISE, "mode": "Exercise"}, id="mode-capitalised"),
]
"""Attributes no skill wrote, each wrong in one way (or wholly)."""

NOT_OBJECTS = [
    pytest.param(["exercise", "five-senses"], id="a-list"),
    pytest.param("exercise", id="a-string"),
    pytest.param(42, id="a-number"),
    pytest.param(True, id="true"),
]
"""Session attributes that are not even an object."""


DIALOGS = sorted((Path(__file__).parent / "dialogs").glob("*.dialog"))
REFUSED = "session attributes refused"
"""The start of the one log line a refused session gets."""


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    """The real skill behind the real web app (unsigned, as `steady serve --local` runs)."""
    db: Path = tmp_path_factory.mktemp("session") / "state.sqlite3"
    settings = Settings(verify=False, db_path=db)
    yield create_app(settings, build_skill(settings)).test_client()


def _send(client: FlaskClient, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    answer = client.post("/alexa", data=json.dumps(data), content_type="application/json")
    return answer.status_code, answer.get_json()


def _speech(reply: dict[str, Any]) -> str:
    speech = reply["response"].get("outputSpeech") or {}
    return str(speech.get("ssml", ""))


def _calm(status: int, reply: dict[str, Any]) -> str:
    """The speech of a successful reply that is not the apology for an error."""
    assert status == 200, reply
    spoken = _speech(reply)
    assert not any(words in spoken for words in ERROR_WORDS), spoken
    return spoken


@pytest.mark.parametrize(("intent", "slots"), REQUESTS)
@pytest.mark.parametrize("attributes", TAMPERED)
def test_tampered_attributes_are_answered_as_a_fresh_session(
    client: FlaskClient, attributes: object, intent: str | None, slots: dict[str, str]
) -> None:
    spoken = _calm(*(tampered := _send(client, envelope(attributes, intent, slots))))
    fresh_status, fresh = _send(client, envelope({}, intent, slots))
    assert fresh_status == 200
    assert spoken == _speech(fresh)
    assert tampered[1].get("sessionAttributes") == fresh.get("sessionAttributes")


@pytest.mark.parametrize("attributes", NOT_OBJECTS)
def test_attributes_that_are_not_an_object_never_get_a_500_or_the_apology(
    client: FlaskClient, attributes: object
) -> None:
    """The SDK can't read such an envelope, so it is refused with a reason before the skill
    runs (skill/alexa/envelope.py); were it let through, it would be a fresh session."""
    status, reply = _send(client, envelope(attributes, "AMAZON.NextIntent", {}))
    if status == 400:
        assert "malformed" in reply["error"]
    else:
        fresh = _send(client, envelope({}, "AMAZON.NextIntent", {}))[1]
        assert _calm(status, reply) == _speech(fresh)


def test_a_refused_session_is_logged_once_by_its_field_never_its_value(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    words = "i told you about my brother"
    with caplog.at_level(logging.INFO):
        _calm(*_send(client, envelope(_with(person=words), "AMAZON.NextIntent", {})))
    refused = [r for r in caplog.records if r.getMessage().startswith(REFUSED)]
    assert [(r.levelno, r.getMessage()) for r in refused] == [
        (logging.WARNING, f"{REFUSED}: person")
    ]
    assert not any(words in r.getMessage() for r in caplog.records)


def test_a_valid_mid_exercise_session_carries_on_with_the_next_step(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        spoken = _calm(*(sent := _send(client, envelope(EXERCISE, "AMAZON.NextIntent", {}))))
    assert not [r for r in caplog.records if r.getMessage().startswith(REFUSED)]
    assert "Now let's move to touch" in spoken
    assert "What's something you can feel right now?" in spoken
    attributes = sent[1]["sessionAttributes"]
    assert attributes["mode"] == "exercise" and attributes["script"] == "five-senses"
    assert attributes["at"]["step"] == ASK + 2 and attributes["waiting"] == "anything"
    assert attributes["segment_start"]["step"] == ASK + 1


def test_a_valid_answer_mid_question_is_acknowledged_and_asks_for_more(
    client: FlaskClient,
) -> None:
    spoken = _calm(
        *(sent := _send(client, envelope(EXERCISE, "AnswerIntent", {"answer": "a lamp"})))
    )
    step = _FIVE.steps[ASK]
    acks = (step.acks if isinstance(step, Ask) else ()) or bundle.phrases("en-US").variants("ack")
    assert any(ack in spoken for ack in acks), spoken
    attributes = sent[1]["sessionAttributes"]
    assert attributes["at"] == {"step": ASK, "offset": 1.0}
    assert attributes["mode"] == "exercise" and attributes["waiting"] == "anything"


@pytest.mark.parametrize(
    "attributes",
    [
        pytest.param(_with(person="grandpa"), id="person-not-stored"),
        pytest.param(_with(offer="fly"), id="offer-a-word"),
        pytest.param(_with(mode="resume_offer", at={"step": 30, "offset": 0}), id="stale-at"),
    ],
)
@pytest.mark.parametrize(("intent", "slots"), REQUESTS)
def test_well_formed_attributes_naming_nothing_known_are_kept_and_answered_calmly(
    client: FlaskClient,
    caplog: pytest.LogCaptureFixture,
    attributes: object,
    intent: str | None,
    slots: dict[str, str],
) -> None:
    """The skill writes these itself: a person's key not stored (yet) is the account holder's
    session; a person's key stays in `offer` after "remove Grandpa?" is left unanswered; a
    resume offer keeps the position of an exercise finished earlier, which may stand past the
    end of the script it offers (but inside the longest one)."""
    with caplog.at_level(logging.WARNING):
        _calm(*_send(client, envelope(attributes, intent, slots)))
    assert not [r for r in caplog.records if r.getMessage().startswith(REFUSED)]


def test_every_session_the_dialogs_write_is_read_back(
    db_path: Path, matcher: Matcher, caplog: pytest.LogCaptureFixture
) -> None:
    """No session the skill writes itself is ever refused (which would reset the conversation):
    every dialog is spoken (what the replies should say is test_dialogs.py's to check)."""
    skill = build_skill(Settings(db_path=db_path))
    with caplog.at_level(logging.WARNING):
        for path in DIALOGS:
            simulator = make_simulator(skill, matcher, user=path.stem)
            for turn in parse(path):
                simulator.say(turn.said)
    assert not [r.getMessage() for r in caplog.records if r.getMessage().startswith(REFUSED)]


MOVES = ["next", "pause", "resume", "repeat", "go back", "slower", "next", "next", "start over"]


def test_every_session_an_interrupted_exercise_writes_is_read_back(
    simulator: Simulator, library: ScriptLibrary, caplog: pytest.LogCaptureFixture
) -> None:
    """Every script, moved through with pauses, repeats, steps back and answers."""
    with caplog.at_level(logging.WARNING):
        for script in library:
            simulator.say("open steady ground")
            simulator.say(f"start {script.title}")
            for turn in range(60):
                attributes = simulator.state.attributes
                if attributes.get("mode") not in ("exercise", "paused"):
                    break
                asked = attributes.get("waiting") and turn % 2
                simulator.say("a lamp" if asked else MOVES[turn % len(MOVES)])
            simulator.say("stop")
    assert not [r.getMessage() for r in caplog.records if r.getMessage().startswith(REFUSED)]


def test_a_session_reads_back_as_written() -> None:
    known = known_content(bundle.bundle("en-US"))
    written = SessionState(
        mode=Mode.PAUSED,
        script_id="five-senses",
        at=Position(14),
        segment_start=Position(12, 2.5),
        choices=["box-breathing", "five-senses"],
        last_reply="menu_offer",
        crisis="distress",
        offer="outward",
        segment_sent="2026-11-21T22:59:30+00:00",
        person="voice-0a1b2c3d",
    )
    assert SessionState.read(written.to_dict()).checked(known) == written
    assert SessionState.read({}).checked(known) == SessionState()
    assert SessionState.read({"at": {"step": 3}}).at == Position(3)
    assert SessionState.from_dict({"person": SELF, "followup": "yes"}) == SessionState()


@pytest.mark.parametrize(
    ("attributes", "field"),
    [
        ({**EXERCISE, "at": {"step": LENGTH}}, "at"),
        ({**EXERCISE, "mode": "paused", "at": {"step": LENGTH + 1}}, "at"),
        ({**EXERCISE, "mode": "finished", "at": {"step": 10_000}}, "at"),
        ({**EXERCISE, "segment_start": {"step": LENGTH + 1}}, "segment_start"),
        ({**EXERCISE, "script": "nope"}, "script"),
        ({**EXERCISE, "script": None}, "script"),
        ({**EXERCISE, "last_reply": "start"}, "last_reply"),
        ({**EXERCISE, "crisis": "none-such"}, "crisis"),
        ({**EXERCISE, "choices": ["box-breathing", "nope"]}, "choices"),
    ],
)
def test_checking_names_the_field_that_names_nothing(attributes: Any, field: str) -> None:
    known = known_content(bundle.bundle("en-US"))
    with pytest.raises(BadSession) as refused:
        SessionState.read(attributes).checked(known)
    assert refused.value.field == field
