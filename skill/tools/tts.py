"""Local speech with pyttsx3 and espeak-ng, for trying the skill offline."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import wave
from pathlib import Path
from typing import Any

from skill.tools.ssml_reading import plain_text_and_pauses

logger = logging.getLogger(__name__)

SAMPLE_RATE = 22_050
"""Frames per second of every WAV written here (espeak-ng's own rate)."""

SAMPLE_WIDTH = 2
"""Bytes per sample: 16-bit signed PCM, mono."""

EMPTY_TEXT_SECONDS = 0.1
"""Length of the silent WAV written for empty text (pyttsx3 refuses empty text)."""

DEFAULT_RATE_WPM = 160
"""Speaking rate in words per minute; calmer than pyttsx3's 200 and espeak-ng's 175."""

MIN_RATE_WPM, MAX_RATE_WPM = 80, 450
"""The range espeak-ng accepts for its rate parameter."""

DEFAULT_RENDER_TIMEOUT_SECONDS = 30.0
"""How long one render may take; a sentence takes milliseconds."""

PLAYERS: tuple[tuple[str, ...], ...] = (("aplay", "-q"), ("paplay",), ("pw-play",), ("afplay",))
"""Command lines, tried in order, that play a WAV file given as their last argument."""


class TTSError(Exception):
    """The local speech engine failed or did not finish in time."""


class _EspeakEngine:
    """The process's one pyttsx3 engine and the lock every use of it must hold.

    espeak-ng keeps global state and pyttsx3 shares one engine per process, so every
    `LocalVoice` goes through this object. A process that has initialised the engine must
    not `fork` workers that use it (use the `spawn` or `forkserver` start methods).
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._engine: Any = None
        self._pid = 0
        self._finished = threading.Event()
        self._rate_wpm: int | None = None

    def save(self, text: str, path: Path, rate_wpm: int, timeout_seconds: float) -> None:
        """Render `text` to `path`; the caller holds `lock`."""
        engine = self._started()
        if rate_wpm != self._rate_wpm:
            self._set_rate(engine, rate_wpm)
        self._finished.clear()
        # pyttsx3 prints "Audio saved to ..." from espeak's thread just before it reports
        # the finished utterance, so stdout (of the whole process, briefly) stays redirected
        # until then. One save_to_file per runAndWait: pyttsx3 writes only the last one.
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                engine.save_to_file(text, str(path))
                engine.runAndWait()
            except Exception as error:
                raise TTSError(f"pyttsx3 failed to render {text[:40]!r}: {error}") from error
            # runAndWait may return before espeak, on its own thread, has written the file.
            finished = self._finished.wait(timeout_seconds)
        if not finished:
            self._abandon(engine)
            raise TTSError(
                f"espeak-ng did not finish rendering {text[:40]!r} within {timeout_seconds:g} s"
            )

    def _started(self) -> Any:
        if self._engine is not None and self._pid != os.getpid():
            raise TTSError(
                "the speech engine was started before this process was forked; "
                "start worker processes with 'spawn' or 'forkserver'"
            )
        if self._engine is None:
            try:
                import pyttsx3

                engine = pyttsx3.init("espeak")
                engine.connect("finished-utterance", self._on_finished)
                # Without this empty first run, later rate and voice changes are dropped.
                engine.runAndWait()
            except Exception as error:
                raise TTSError(f"could not start pyttsx3 with espeak-ng: {error}") from error
            self._engine, self._pid, self._rate_wpm = engine, os.getpid(), None
        return self._engine

    def _set_rate(self, engine: Any, rate_wpm: int) -> None:
        engine.setProperty("rate", rate_wpm)
        with contextlib.suppress(ImportError, AttributeError):
            from pyttsx3.drivers import _espeak

            _espeak.Synchronize()
        self._rate_wpm = rate_wpm

    def _on_finished(self, **_: object) -> None:
        self._finished.set()

    def _abandon(self, engine: Any) -> None:
        """Cancel a render that timed out, so it cannot finish into the next one."""
        with contextlib.suppress(Exception):
            engine.stop()
        with contextlib.suppress(ImportError, AttributeError):
            from pyttsx3.drivers import _espeak

            _espeak.Synchronize()


_ENGINE = _EspeakEngine()


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
        with _ENGINE.lock:
            _ENGINE.save(text, path, self.rate_wpm, self.timeout_seconds)

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
