"""`steady chat --speak` plays the simulated player's track on this machine.

This machine has no sound device, so the WAV player is a stand-in: a small script named
`aplay`, first on PATH, that keeps a copy of the file it was asked to play and then waits, as
a player would, until it is stopped. Everything else is real: the track is rendered with
espeak-ng, decoded with miniaudio, and played from the player's offset."""

from __future__ import annotations

import os
import time
import wave
from pathlib import Path

import pytest

from skill.audio.engines import make_engine
from skill.audio.tracks import TrackStore
from skill.content.bundle import bundle
from skill.core.handsfree import variant_for
from skill.core.preferences import Preferences
from skill.tools.local_audio import TrackSpeaker
from skill.tools.player import PlayerState


@pytest.fixture
def fake_aplay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    heard = tmp_path / "heard.wav"
    player = tmp_path / "bin" / "aplay"
    player.parent.mkdir()
    player.write_text(
        f'#!/bin/sh\ncp "$2" "{heard}.part" && mv "{heard}.part" "{heard}"\nexec sleep 60\n'
    )
    player.chmod(0o755)
    monkeypatch.setenv("PATH", f"{player.parent}{os.pathsep}{os.environ['PATH']}")
    return heard


def test_the_track_plays_from_the_players_offset_and_stops_with_it(
    tmp_path: Path, fake_aplay: Path
) -> None:
    script = bundle("en-US", None).library.get("body-scan-short")
    assert script is not None
    store = TrackStore(tmp_path / "audio")
    track = store.render(script, variant_for(script, Preferences()), make_engine("espeak")).track
    speaker = TrackSpeaker(store.root)
    url = f"https://localhost/audio/{track.key}.mp3"
    playing = PlayerState("token-1", url, "Short body scan", "PLAYING", 60_000)
    speaker.follow(playing, 60_000)
    for _ in range(100):
        if fake_aplay.exists():
            break
        time.sleep(0.05)
    with wave.open(str(fake_aplay)) as heard:
        seconds = heard.getnframes() / heard.getframerate()
    assert abs(seconds - (track.duration_ms - 60_000) / 1000) < 0.2
    process = speaker._process
    assert process is not None and process.poll() is None
    speaker.follow(PlayerState("token-1", url, "Short body scan", "STOPPED", 75_000), 75_000)
    assert process.wait(timeout=5) is not None and speaker._process is None
    speaker.close()
