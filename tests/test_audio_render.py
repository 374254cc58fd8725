"""Hands-free tracks rendered for real, with pyttsx3 (espeak-ng) and with Piper, then decoded
with miniaudio (no ffmpeg) and checked as a listener would hear them: the length the manifest
promises, every pause of the script as true silence of its length, and steps where it says."""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
from pathlib import Path

import miniaudio
import numpy as np
import pytest

from skill.audio.engines import make_engine
from skill.audio.engines.base import SpeechEngine
from skill.audio.mp3 import ENCODER_DELAY_FRAMES
from skill.audio.pcm import PcmFormat, fade_out, gated_rms_dbfs, level_to
from skill.audio.tracks import RenderReport, TrackStore
from skill.content.bundle import bundle
from skill.core.handsfree import Variant, is_hands_free, track_timeline, variant_for
from skill.core.preferences import Preferences
from skill.core.script import Pause, Say, Script
from skill.core.timeline import Silence
from skill.core.timing import silence_seconds

LIBRARY = bundle("en-US", None).library
HANDS_FREE = [script for script in LIBRARY if is_hands_free(script)]
FMT = PcmFormat()


def test_the_bedtime_scan_and_the_short_scan_are_hands_free() -> None:
    assert {"bedtime-body-scan", "body-scan-short"} <= {s.id for s in HANDS_FREE}


@pytest.fixture(scope="module", params=["pyttsx3", "piper"])
def rendered(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, TrackStore, SpeechEngine, dict[str, RenderReport]]:
    name: str = request.param
    engine = make_engine(name)
    store = TrackStore(tmp_path_factory.mktemp(f"tracks-{name}"))
    reports = {s.id: store.render(s, variant_for(s, Preferences()), engine) for s in HANDS_FREE}
    return name, store, engine, reports


def _decoded(store: TrackStore, key: str) -> tuple[np.ndarray, int]:
    sound = miniaudio.mp3_read_file_s16(str(store.root / f"{key}.mp3"))
    assert (sound.nchannels, sound.sample_rate) == (1, FMT.rate)
    return np.asarray(sound.samples, dtype=np.int16), sound.sample_rate


def test_every_track_lasts_what_its_manifest_says(rendered) -> None:  # type: ignore[no-untyped-def]
    _, store, _, reports = rendered
    for report in reports.values():
        manifest = json.loads((store.root / f"{report.track.key}.json").read_text())
        samples, rate = _decoded(store, report.track.key)
        heard_ms = 1000 * len(samples) / rate
        assert manifest["duration_ms"] == report.track.duration_ms
        assert abs(heard_ms - report.track.duration_ms) <= 0.01 * report.track.duration_ms
        # Nothing cut short either: LAME only adds its fixed delay and one frame of padding.
        assert report.track.duration_ms * rate / 1000 <= len(samples) - ENCODER_DELAY_FRAMES + 2


def _silent_run_ms(samples: np.ndarray, rate: int, around: int) -> float:
    """The length of the silence (10 ms windows under -55 dBFS) that holds sample `around`."""
    window = rate // 100
    x = samples.astype(np.float64) / 32768
    whole = len(x) // window * window
    power = (x[:whole].reshape(-1, window) ** 2).mean(axis=1)
    quiet = power < 10 ** (-55 / 10)
    i = around // window
    if not quiet[i]:
        return 0.0
    left = i
    while left > 0 and quiet[left - 1]:
        left -= 1
    right = i
    while right + 1 < len(quiet) and quiet[right + 1]:
        right += 1
    return (right - left + 1) * 10.0


def _pause_steps(script: Script) -> list[int]:
    return [i for i, step in enumerate(script.steps) if isinstance(step, Pause)]


def test_every_pause_step_is_silence_of_its_length(rendered) -> None:  # type: ignore[no-untyped-def]
    name, store, _, reports = rendered
    for script_id, report in reports.items():
        script = LIBRARY.get(script_id)
        assert script is not None
        samples, rate = _decoded(store, report.track.key)
        chapters = {c.step: c.ms for c in report.track.chapters}
        checked = 0
        for index in _pause_steps(script):
            if index not in chapters or index - 1 in _pause_steps(script):
                continue  # left out of this variant, or heard together with the pause before it
            # A run of pause steps one after another is one silence.
            wanted_ms = 0.0
            following = index
            while following in chapters and isinstance(script.steps[following], Pause):
                step = script.steps[following]
                assert isinstance(step, Pause)
                wanted_ms += 1000 * silence_seconds(step, Preferences())
                following += 1
            middle = round((chapters[index] + wanted_ms / 2) * rate / 1000) + ENCODER_DELAY_FRAMES
            heard = _silent_run_ms(samples, rate, middle)
            # The pause itself, plus at most the quiet edges kept around the words either side.
            assert wanted_ms - 30 <= heard <= wanted_ms + 400, (name, script_id, index, heard)
            checked += 1
        assert checked >= 3, (script_id, checked)


def test_chapters_follow_the_script_in_order(rendered) -> None:  # type: ignore[no-untyped-def]
    _, _, _, reports = rendered
    for script_id, report in reports.items():
        script = LIBRARY.get(script_id)
        assert script is not None
        steps = [c.step for c in report.track.chapters]
        offsets = [c.ms for c in report.track.chapters]
        assert steps == sorted(steps) and offsets == sorted(offsets)
        assert steps[0] == 0 and offsets[0] > 0  # the content note comes first
        assert offsets[-1] <= report.track.duration_ms


def test_a_second_render_does_nothing_and_a_pace_change_renders_no_speech(rendered) -> None:  # type: ignore[no-untyped-def]
    _, store, engine, reports = rendered
    script = LIBRARY.get("body-scan-short")
    assert script is not None
    again = store.render(script, variant_for(script, Preferences()), engine)
    assert not again.rendered and again.track == reports[script.id].track
    slower = store.render(script, variant_for(script, Preferences(pace=1.25)), engine)
    assert slower.rendered and slower.clips_rendered == 0 and slower.clips_reused > 10
    assert slower.track.key != again.track.key
    assert slower.track.duration_ms > again.track.duration_ms


def test_editing_one_step_renders_one_clip(rendered) -> None:  # type: ignore[no-untyped-def]
    _, store, engine, _ = rendered
    script = LIBRARY.get("body-scan-short")
    assert script is not None
    index = next(i for i, s in enumerate(script.steps) if isinstance(s, Say) and i > 2)
    step = script.steps[index]
    assert isinstance(step, Say)
    edited_step = dataclasses.replace(step, parts=("Let your shoulders soften, just a little.",))
    steps = (*script.steps[:index], edited_step, *script.steps[index + 1 :])
    edited = dataclasses.replace(script, steps=steps)
    report = store.render(edited, variant_for(edited, Preferences()), engine)
    assert report.rendered and report.clips_rendered == 1


def test_a_sleep_timer_variant_ends_where_asked_and_fades(rendered) -> None:  # type: ignore[no-untyped-def]
    _, store, engine, reports = rendered
    script = LIBRARY.get("bedtime-body-scan")
    assert script is not None
    full = reports[script.id].track
    timer = Variant(Preferences(), fade=True, until_ms=120_000)
    report = store.render(script, timer, engine)
    assert report.clips_rendered == 0
    assert report.track.duration_ms == 120_000 < full.duration_ms
    assert all(c.ms < 120_000 for c in report.track.chapters)


def _tone(seconds: float, amplitude: float) -> bytes:
    t = np.arange(round(seconds * FMT.rate)) / FMT.rate
    return (np.sin(2 * math.pi * 440 * t) * amplitude * 32767).astype("<i2").tobytes()


def test_loudness_is_evened_to_the_target() -> None:
    quiet, loud = level_to(_tone(1, 0.05), FMT), level_to(_tone(1, 0.9), FMT)
    assert abs(gated_rms_dbfs(quiet, FMT) - gated_rms_dbfs(loud, FMT)) < 0.5
    assert abs(gated_rms_dbfs(loud, FMT) + 20) < 0.5
    assert level_to(FMT.silence(500), FMT) == FMT.silence(500)


def test_a_fade_ends_in_silence_and_leaves_the_start_alone() -> None:
    tone = _tone(3, 0.5)
    faded = np.frombuffer(fade_out(tone, FMT, 1000), dtype="<i2")
    original = np.frombuffer(tone, dtype="<i2")
    assert np.array_equal(faded[: FMT.rate], original[: FMT.rate])
    assert np.abs(faded[-50:]).max() < 200
    assert np.abs(faded[-FMT.rate // 2 :]).max() < np.abs(original[-FMT.rate // 2 :]).max()


def test_silence_is_exact_to_the_frame() -> None:
    assert FMT.frames(FMT.silence(333.3333)) == 7350
    assert FMT.ms(FMT.silence(30_000)) == 30_000


def test_each_breath_phase_lasts_its_length_however_long_the_cue_takes(tmp_path: Path) -> None:
    """Box breathing rendered as a track: from the start of each cue ("Breathe in") to the start
    of the next is the phase the script asks for, to within a few milliseconds."""
    script = LIBRARY.get("box-breathing")
    assert script is not None
    engine = make_engine("espeak")
    store = TrackStore(tmp_path)
    timeline = track_timeline(script, Variant())
    report = store.render(script, Variant(), engine)
    samples, rate = _decoded(store, report.track.key)
    phases = [i.phase_ms for i in timeline.items if isinstance(i, Silence) and i.phase_ms]
    assert len(phases) >= 8 and set(phases) == {4000}
    # Onsets: a loud 10 ms window after at least 400 ms of quiet.
    window = rate // 100
    x = samples.astype(np.float64) / 32768
    power = (x[: len(x) // window * window].reshape(-1, window) ** 2).mean(axis=1)
    loud = power > 10 ** (-45 / 10)
    onsets = [i * 10 for i in range(40, len(loud)) if loud[i] and not loud[i - 40 : i].any()]
    gaps = [b - a for a, b in itertools.pairwise(onsets)]
    phase_gaps = [g for g in gaps if 3000 < g < 5000]
    assert len(phase_gaps) >= len(phases) // 2
    assert all(abs(g - 4000) <= 60 for g in phase_gaps), phase_gaps


def test_a_chosen_voice_renders_in_the_engines_own_voice_of_that_kind(tmp_path: Path) -> None:
    from skill.alexa.app import local_tracks
    from skill.settings import Settings

    script = bundle("en-US").library.get("body-scan-short")
    assert script is not None
    usual, man = Preferences(), Preferences(voice="man")
    espeak = local_tracks(
        Settings(db_path=tmp_path / "s.sqlite3", audio_dir=tmp_path / "a", speech_engine="espeak")
    )
    first = espeak.track(script, variant_for(script, usual))
    second = espeak.track(script, variant_for(script, man))
    assert first is not None and second is not None and first.key != second.key
    heard = [miniaudio.decode_file(str(tmp_path / "a" / f"{t.key}.mp3")) for t in (first, second)]
    assert heard[0].samples != heard[1].samples  # another voice, not the same sound renamed
    # pyttsx3 has one voice here: the choice changes nothing, and nothing is rendered twice.
    pyttsx3 = local_tracks(Settings(db_path=tmp_path / "s.sqlite3", audio_dir=tmp_path / "b"))
    plain = pyttsx3.track(script, variant_for(script, usual))
    chosen = pyttsx3.track(script, variant_for(script, man))
    assert plain is not None and chosen is not None and plain.key == chosen.key
