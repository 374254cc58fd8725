"""Hands-free play through the real skill and a simulated Echo: real rendered tracks, the
player's real events, the state those events keep (with no session) on a real SQLite file."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_model.interfaces.audioplayer import CurrentPlaybackState as PlaybackState
from ask_sdk_model.interfaces.audioplayer import (
    Error,
    ErrorType,
    PlaybackFailedRequest,
    PlayerActivity,
)
from ask_sdk_model.interfaces.playbackcontroller import (
    NextCommandIssuedRequest,
    PauseCommandIssuedRequest,
    PlayCommandIssuedRequest,
)

from skill.alexa.app import build_skill
from skill.settings import Settings
from skill.tools.nlu import Matcher
from skill.tools.player import local_durations
from skill.tools.simulator import Simulator
from tests.conftest import AUDIO_BASE_URL, FixedClock, make_simulator
from tests.dialog import check_directives, run

DIALOGS = sorted((Path(__file__).parent / "dialogs" / "hands_free").glob("*.dialog"))


@pytest.mark.parametrize("path", DIALOGS, ids=[p.stem for p in DIALOGS])
def test_hands_free_dialog(
    store_settings: Settings, audio_dir: Path, matcher: Matcher, path: Path
) -> None:
    """Whole hands-free sessions, on each store: the player's events keep the place there."""
    settings = dataclasses.replace(
        store_settings, audio_dir=audio_dir, audio_base_url=AUDIO_BASE_URL
    )
    device = make_simulator(
        build_skill(settings), matcher, durations=local_durations(audio_dir), clock=FixedClock()
    )
    run(device, path)


def _played(reply_response: dict[str, Any] | None) -> dict[str, Any]:
    """The stream of the Play directive in a response (which must keep the platform's rules)."""
    assert not check_directives((reply_response or {}).get("response") or {})
    for directive in ((reply_response or {}).get("response") or {}).get("directives") or []:
        if directive["type"] == "AudioPlayer.Play":
            stream: dict[str, Any] = directive["audioItem"]["stream"]
            return stream
    raise AssertionError(f"no Play directive in {reply_response}")


def _chapters(audio_dir: Path, stream: dict[str, Any]) -> list[tuple[int, int]]:
    key = stream["url"].rsplit("/", 1)[-1].removesuffix(".mp3")
    manifest = json.loads((audio_dir / f"{key}.json").read_text())
    return [(c["ms"], c["step"]) for c in manifest["chapters"]]


def _start(echo: Simulator, what: str = "a bedtime body scan") -> dict[str, Any]:
    reply = echo.say(f"alexa, ask steady ground for {what}")
    return _played(reply.response)


def test_the_intro_is_a_few_seconds_then_the_track(echo: Simulator) -> None:
    echo.say("open steady ground")  # the first use hears the disclaimer (A1); this is later
    echo.say("stop")
    reply = echo.say("alexa, ask steady ground for a bedtime body scan")
    assert len(reply.text.split()) <= 12, reply.text
    stream = _played(reply.response)
    assert stream["url"].startswith(AUDIO_BASE_URL) and stream["offsetInMilliseconds"] == 0
    assert (reply.response or {})["response"]["shouldEndSession"] is True
    assert [r["request"]["type"] for r, _ in reply.events] == ["AudioPlayer.PlaybackStarted"]


def test_go_back_repeat_and_skip_land_on_step_boundaries(echo: Simulator, audio_dir: Path) -> None:
    stream = _start(echo)
    starts = [ms for ms, _ in _chapters(audio_dir, stream)]
    echo.say("/wait 4m")
    heard = echo.player.offset(echo.now())
    skipped = _played(echo.say("skip this part").response)["offsetInMilliseconds"]
    assert skipped in starts and skipped > heard
    echo.say("/wait 2s")
    again = _played(echo.say("repeat that").response)["offsetInMilliseconds"]
    assert again == skipped
    echo.say("/wait 2s")
    back = _played(echo.say("go back").response)["offsetInMilliseconds"]
    assert back in starts and back < skipped


def test_slower_switches_to_the_slower_track_at_the_same_step(
    echo: Simulator, audio_dir: Path
) -> None:
    stream = _start(echo)
    echo.say("/wait 5m")
    heard = echo.player.offset(echo.now())
    chapters = _chapters(audio_dir, stream)
    step = max((s for ms, s in chapters if ms <= heard), default=0)
    slower = _played(echo.say("slower").response)
    assert slower["url"] != stream["url"]
    new_chapters = dict((s, ms) for ms, s in reversed(_chapters(audio_dir, slower)))
    assert slower["offsetInMilliseconds"] == new_chapters[step]


def test_pause_and_resume_continue_at_the_exact_offset(echo: Simulator) -> None:
    _start(echo)
    echo.say("/wait 95s")
    paused = echo.say("pause")
    assert not paused.text and paused.playing and "paused" in paused.playing
    assert [r["request"]["type"] for r, _ in paused.events] == ["AudioPlayer.PlaybackStopped"]
    resumed = _played(echo.say("resume").response)
    assert resumed["offsetInMilliseconds"] == 95_000


def test_a_stale_or_foreign_token_changes_nothing(echo: Simulator) -> None:
    first = _start(echo)
    echo.say("/wait 1m")
    echo.say("pause")
    # An old play's token, then another skill's, report being stopped elsewhere.
    kept = dataclasses.replace(echo.state.player)
    for token in (first["token"].replace(first["token"][-8:], "00000000"), "other-skill-track"):
        echo.state.player.token = token
        echo.state.player.offset_ms = 5_000
        response = echo._player_event(echo.player.stopped(echo._common()))[1]
        assert not (response.get("response") or {}).get("directives")
    echo.state.player = kept
    resumed = _played(echo.say("resume").response)
    assert resumed["offsetInMilliseconds"] == 60_000


def test_a_device_without_an_audio_player_hears_spoken_turns(simulator: Simulator) -> None:
    reply = simulator.say("alexa, ask steady ground for a bedtime body scan")
    assert "say next" in reply.text.lower() and not reply.ended
    assert "directives" not in ((reply.response or {}).get("response") or {})


def test_a_failed_stream_gets_no_reply_and_keeps_the_place(echo: Simulator) -> None:
    stream = _start(echo)
    echo.say("/wait 70s")
    failed = PlaybackFailedRequest(
        token=stream["token"],
        error=Error(object_type=ErrorType.MEDIA_ERROR_SERVICE_UNAVAILABLE, message="no network"),
        current_playback_state=PlaybackState(
            token=stream["token"],
            offset_in_milliseconds=70_000,
            player_activity=PlayerActivity.STOPPED,
        ),
        **echo._common(),
    )
    _, response = echo._player_event(failed)
    assert not (response.get("response") or {}).get("directives")
    assert "outputSpeech" not in (response.get("response") or {})
    echo.player.stop(echo.now())
    assert _played(echo.say("resume").response)["offsetInMilliseconds"] == 70_000


def test_the_devices_buttons_pause_play_and_skip(echo: Simulator, audio_dir: Path) -> None:
    stream = _start(echo)
    starts = [ms for ms, _ in _chapters(audio_dir, stream)]
    echo.say("/wait 3m")

    def press(request: Any) -> dict[str, Any]:
        response: dict[str, Any] = echo._player_event(request)[1].get("response") or {}
        assert "outputSpeech" not in response and "shouldEndSession" not in response
        return response

    paused = press(PauseCommandIssuedRequest(**echo._common()))
    assert [d["type"] for d in paused["directives"]] == ["AudioPlayer.Stop"]
    echo.player.stop(echo.now())
    played = press(PlayCommandIssuedRequest(**echo._common()))
    assert played["directives"][0]["audioItem"]["stream"]["offsetInMilliseconds"] == 180_000
    echo.player.play(stream["token"], stream["url"], 180_000, "", echo.now())
    echo.state.player.token = played["directives"][0]["audioItem"]["stream"]["token"]
    skipped = press(NextCommandIssuedRequest(**echo._common()))
    offset = skipped["directives"][0]["audioItem"]["stream"]["offsetInMilliseconds"]
    assert offset in starts and offset > 180_000


def test_a_crisis_said_over_the_track_stops_it_and_is_answered(echo: Simulator) -> None:
    _start(echo)
    echo.say("/wait 2m")
    reply = echo.say("alexa, tell steady ground I want to kill myself")
    directives = [d["type"] for d in (reply.response or {})["response"].get("directives", [])]
    assert directives == ["AudioPlayer.Stop"]
    assert "988" in reply.text


def test_serve_renders_every_hands_free_track_ahead_when_audio_is_on(tmp_path: Path) -> None:
    from skill.cli.serve import prerender
    from skill.settings import Settings

    assert prerender(Settings(audio_dir=tmp_path)) is None  # no public address: nothing to do
    settings = Settings(audio_dir=tmp_path, audio_base_url=AUDIO_BASE_URL, speech_engine="espeak")
    thread = prerender(settings)
    assert thread is not None
    thread.join(timeout=60)
    manifests = [json.loads(p.read_text()) for p in tmp_path.glob("*.json")]
    assert {m["script"] for m in manifests} == {"bedtime-body-scan", "body-scan-short"}
    assert len(manifests) == 4 and all((tmp_path / f"{m['key']}.mp3").is_file() for m in manifests)


@pytest.mark.parametrize("minutes", [20, 11])
def test_a_body_scan_of_a_length_asked_for_lasts_that_long(
    echo: Simulator, audio_dir: Path, minutes: int
) -> None:
    stream = _start(echo, f"a {minutes} minute body scan")
    key = stream["url"].rsplit("/", 1)[-1].removesuffix(".mp3")
    manifest = json.loads((audio_dir / f"{key}.json").read_text())
    assert abs(manifest["duration_ms"] - minutes * 60_000) <= 1000, manifest["duration_ms"]
