"""Local speech: real espeak-ng through pyttsx3, no mocks."""

from __future__ import annotations

import array
import itertools
import logging
import threading
import wave
from pathlib import Path

import pytest

from skill.tools.ssml_reading import plain_text_and_pauses
from skill.tools.tts import LocalVoice

RATE = 22_050
# espeak's output varies by a few samples between runs, and by up to ~20 ms depending on
# what the engine rendered before, so lengths are compared with this tolerance.
TOLERANCE_SECONDS = 0.05


FORMAT = (RATE, 1, 2)
"""(frame rate, channels, bytes per sample) of every WAV we write."""


def read_wav(path: Path) -> tuple[tuple[int, int, int], array.array[int]]:
    """The file's format and its samples."""
    with wave.open(str(path), "rb") as source:
        shape = (source.getframerate(), source.getnchannels(), source.getsampwidth())
        samples = array.array("h", source.readframes(source.getnframes()))
    return shape, samples


def seconds(path: Path) -> float:
    _, samples = read_wav(path)
    return len(samples) / RATE


def longest_zero_run(samples: array.array[int]) -> int:
    runs = (len(list(group)) for value, group in itertools.groupby(samples) if value == 0)
    return max(runs, default=0)


def test_render_wav_writes_speech_as_22khz_mono_16bit(tmp_path: Path) -> None:
    path = tmp_path / "breathe.wav"
    LocalVoice().render_wav("Breathe in slowly.", path)
    shape, samples = read_wav(path)
    assert shape == FORMAT
    assert 0.5 <= len(samples) / RATE <= 5
    assert max(abs(sample) for sample in samples) > 1000


def test_longer_text_gives_longer_audio(tmp_path: Path) -> None:
    voice = LocalVoice()
    sentence = "Notice the floor under your feet. "
    lengths = []
    for count in (1, 2, 4):
        path = tmp_path / f"{count}.wav"
        voice.render_wav(sentence * count, path)
        lengths.append(seconds(path))
    assert lengths[0] < lengths[1] < lengths[2]
    assert lengths[2] > 2 * lengths[0]


def test_faster_rate_gives_shorter_audio_after_earlier_renders(tmp_path: Path) -> None:
    text = "Let your shoulders soften as you breathe out."
    slow, fast = tmp_path / "slow.wav", tmp_path / "fast.wav"
    LocalVoice(rate_wpm=120).render_wav(text, slow)
    LocalVoice(rate_wpm=300).render_wav(text, fast)
    assert seconds(fast) < 0.7 * seconds(slow)


def test_rate_outside_espeak_range_is_refused() -> None:
    with pytest.raises(ValueError, match="rate_wpm"):
        LocalVoice(rate_wpm=20)


@pytest.mark.parametrize("text", ["", "   \n"])
def test_blank_text_renders_short_silence(tmp_path: Path, text: str) -> None:
    path = tmp_path / "blank.wav"
    LocalVoice().render_wav(text, path)
    shape, samples = read_wav(path)
    assert shape == FORMAT
    assert 0 < len(samples) / RATE <= 0.5
    assert not any(samples)


def test_plain_text_and_pauses_splits_text_from_breaks() -> None:
    ssml = '<speak>Hello &amp; welcome.<break time="2s"/>Next<break time="500ms"/></speak>'
    assert plain_text_and_pauses(ssml) == ["Hello & welcome.", 2.0, "Next", 0.5]


def test_plain_text_and_pauses_reads_through_wrappers_and_chains_breaks() -> None:
    ssml = (
        "<speak><prosody rate='slow'><p><s>Feet on the floor.</s><s>Good.</s></p>"
        '<break time="10s"/> <break time="10s"/>'
        '<emphasis>Wel</emphasis>come <sub alias="for example">e.g.</sub> '
        "<unknown-tag>here</unknown-tag><break/>now</prosody></speak>"
    )
    assert plain_text_and_pauses(ssml) == [
        "Feet on the floor. Good.",
        20.0,
        "Welcome for example here now",
    ]


@pytest.mark.parametrize(
    "ssml", ["<speak>Tom & Jerry</speak>", '<speak>a<break time="soon"/></speak>']
)
def test_plain_text_and_pauses_refuses_invalid_ssml(ssml: str) -> None:
    with pytest.raises(ValueError):
        plain_text_and_pauses(ssml)


def test_render_ssml_wav_inserts_exact_silence(tmp_path: Path) -> None:
    voice = LocalVoice()
    first, second = "Breathe in.", "And breathe out."
    voice.render_wav(first, tmp_path / "first.wav")
    voice.render_wav(second, tmp_path / "second.wav")
    speech = seconds(tmp_path / "first.wav") + seconds(tmp_path / "second.wav")

    path = tmp_path / "track.wav"
    duration = voice.render_ssml_wav(f'<speak>{first}<break time="3s"/>{second}</speak>', path)

    shape, samples = read_wav(path)
    assert shape == FORMAT
    assert duration == pytest.approx(len(samples) / RATE)
    assert speech + 3 - TOLERANCE_SECONDS <= duration <= speech + 3 + TOLERANCE_SECONDS
    assert longest_zero_run(samples) >= 3 * RATE


def test_renders_from_two_threads_both_finish(tmp_path: Path) -> None:
    voice = LocalVoice()
    errors: list[BaseException] = []

    def render(name: str) -> None:
        try:
            voice.render_wav(f"This is thread {name}, breathing slowly.", tmp_path / name)
        except BaseException as error:
            errors.append(error)

    threads = [
        threading.Thread(target=render, args=(f"{index}.wav",), daemon=True) for index in (1, 2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert all(seconds(tmp_path / f"{index}.wav") > 0.5 for index in (1, 2))


def test_speak_without_audio_player_warns_once_and_returns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    voice = LocalVoice()
    with caplog.at_level(logging.WARNING, logger="skill.tts"):
        voice.speak("Hello.")
        voice.speak("Hello again.")
    assert [record.levelno for record in caplog.records] == [logging.WARNING]
    assert "no audio player" in caplog.text


def test_speak_without_sound_device_warns_once_and_returns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    aplay = tmp_path / "aplay"
    aplay.write_text("#!/bin/sh\necho 'aplay: audio open error: No such file' >&2\nexit 1\n")
    aplay.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    voice = LocalVoice()
    with caplog.at_level(logging.WARNING, logger="skill.tts"):
        voice.speak("Hello.")
        voice.speak("Hello again.")
    assert len(caplog.records) == 1
    assert "audio open error" in caplog.text
