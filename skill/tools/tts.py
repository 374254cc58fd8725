"""Local speech for trying the skill offline: replies rendered and played on this machine's
sound device, through the one pyttsx3 engine of skill.audio."""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

from skill.audio.engines.base import EngineError
from skill.audio.engines.pyttsx3_engine import (
    DEFAULT_RATE_WPM,
    DEFAULT_TIMEOUT_SECONDS,
    LIBRARY,
    MAX_RATE_WPM,
    MIN_RATE_WPM,
)
from skill.tools.ssml_reading import plain_text_and_pauses

logger = logging.getLogger(__name__)

SAMPLE_RATE = 22_050
"""Frames per second of every WAV written here (espeak-ng's own rate)."""

SAMPLE_WIDTH = 2
"""Bytes per sample: 16-bit signed PCM, mono."""

EMPTY_TEXT_SECONDS = 0.1
"""Length of the silent WAV written for empty text (pyttsx3 refuses empty text)."""

DEFAULT_RENDER_TIMEOUT_SECONDS = DEFAULT_TIMEOUT_SECONDS

PLAYERS: tuple[tuple[str, ...], ...] = (("aplay", "-q"), ("paplay",), ("pw-play",), ("afplay",))
"""Command lines, tried in order, that play a WAV file given as their last argument."""


TTSError = EngineError
"""The local speech engine failed or did not finish in time."""


class LocalVoice:
    """Renders and plays speech with the local espeak-ng voice.

    Every instance shares the process's one pyttsx3 engine, created on first use.
    """

    def __init__(
        self,
        rate_wpm: int = DEFAULT_RATE_WPM,
        timeout_seconds: float = DEFAULT_RENDER_TIMEOUT_SECONDS,
    ) -> None:
        if not MIN_RATE_WPM <= rate_wpm <= MAX_RATE_WPM:
            raise ValueError(
                f"rate_wpm must be from {MIN_RATE_WPM} to {MAX_RATE_WPM}, not {rate_wpm}"
            )
        if timeout_seconds <= 0:
            raise ValueError(f"timeout_seconds must be positive, not {timeout_seconds}")
        self.rate_wpm = rate_wpm
        """Speaking rate in words per minute."""
        self.timeout_seconds = timeout_seconds
        """Longest wait for one render before `TTSError`."""
        self._sound_warning_given = False

    def render_wav(self, text: str, path: Path) -> None:
        """Write `text` as a 22,050 Hz mono 16-bit WAV; blank text gives a short silence.

        Render time grows with the square of the text's length: render a sentence or a
        step at a time and join them (as `render_ssml_wav` does).
        """
        if not text.strip():
            _write_silence(path, EMPTY_TEXT_SECONDS)
            return
        with LIBRARY.lock:
            LIBRARY.save(text, path, self.rate_wpm, self.timeout_seconds)

    def render_ssml_wav(self, ssml: str, path: Path) -> float:
        """Write our SSML as one WAV, breaks as exact silence; return its length in seconds."""
        parts = plain_text_and_pauses(ssml)
        if not parts:
            _write_silence(path, EMPTY_TEXT_SECONDS)
            return EMPTY_TEXT_SECONDS
        frames = 0
        try:
            with (
                tempfile.TemporaryDirectory(prefix="steady-tts-") as scratch,
                wave.open(str(path), "wb") as out,
            ):
                _set_format(out)
                for index, part in enumerate(parts):
                    if isinstance(part, str):
                        piece = Path(scratch) / f"{index}.wav"
                        self.render_wav(part, piece)
                        audio = _read_frames(piece)
                    else:
                        audio = _silence(part)
                    out.writeframes(audio)
                    frames += len(audio) // SAMPLE_WIDTH
        except BaseException:
            path.unlink(missing_ok=True)  # never leave a truncated track behind
            raise
        return frames / SAMPLE_RATE

    def speak(self, text: str) -> None:
        """Read `text` aloud on this machine's sound device and return when done.

        The text is rendered to a WAV and played with the first of `PLAYERS` found on
        PATH. pyttsx3's own `say()` is not used: on Linux it only shells out to `aplay`,
        and after any `save_to_file` it writes to that file instead of playing. With no
        player or no sound device this logs one warning per voice and returns quietly.
        """
        with tempfile.TemporaryDirectory(prefix="steady-tts-") as scratch:
            wav = Path(scratch) / "speech.wav"
            self.render_wav(text, wav)
            self.play_wav(wav)

    def speak_ssml(self, ssml: str) -> None:
        """Read our SSML aloud, its breaks as exact silence."""
        with tempfile.TemporaryDirectory(prefix="steady-tts-") as scratch:
            wav = Path(scratch) / "speech.wav"
            self.render_ssml_wav(ssml, wav)
            self.play_wav(wav)

    def play_wav(self, wav: Path) -> None:
        """Play a WAV with the first player found; warn once if there is no sound."""
        player = next((command for command in PLAYERS if shutil.which(command[0])), None)
        if player is None:
            names = ", ".join(command[0] for command in PLAYERS)
            self._warn_no_sound(f"no audio player on PATH (looked for {names})")
            return
        seconds = _read_frames_count(wav) / SAMPLE_RATE
        try:
            subprocess.run(
                [*player, str(wav)],
                check=True,
                capture_output=True,
                timeout=seconds + 10,
            )
        except (OSError, subprocess.SubprocessError) as error:
            self._warn_no_sound(f"{player[0]} could not play speech: {_describe(error)}")

    def _warn_no_sound(self, reason: str) -> None:
        if not self._sound_warning_given:
            self._sound_warning_given = True
            logger.warning("Speech is silent on this machine: %s", reason)


def _silence(seconds: float) -> bytes:
    return b"\x00\x00" * round(seconds * SAMPLE_RATE)


def _set_format(out: wave.Wave_write) -> None:
    out.setnchannels(1)
    out.setsampwidth(SAMPLE_WIDTH)
    out.setframerate(SAMPLE_RATE)


def _write_silence(path: Path, seconds: float) -> None:
    with wave.open(str(path), "wb") as out:
        _set_format(out)
        out.writeframes(_silence(seconds))


def _read_frames(path: Path) -> bytes:
    with wave.open(str(path), "rb") as source:
        shape = (source.getnchannels(), source.getsampwidth(), source.getframerate())
        if shape != (1, SAMPLE_WIDTH, SAMPLE_RATE):
            raise TTSError(f"espeak-ng wrote {path.name} as (channels, width, rate) {shape}")
        return source.readframes(source.getnframes())


def _read_frames_count(path: Path) -> int:
    with wave.open(str(path), "rb") as source:
        return source.getnframes()


def _describe(error: BaseException) -> str:
    if isinstance(error, subprocess.CalledProcessError):
        stderr = error.stderr.decode(errors="replace").strip() if error.stderr else ""
        return stderr or f"exit status {error.returncode}"
    return str(error)
