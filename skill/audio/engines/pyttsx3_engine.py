"""pyttsx3 driving Debian's espeak-ng library: the default engine, offline and fast.

Its quirks, as measured (../shared/design/audio.md), and what is done about each:
- a fresh process can write a header-only file and lose its rate: one warm-up render right after
  `init()`, and every file's frame count is checked (an empty file is rendered once more);
- rate changes are applied at random: `Synchronize()` after every `setProperty`;
- only the last `save_to_file` before `runAndWait` is written: one file per `runAndWait`;
- "Audio saved to ..." on stdout: stdout is redirected while a render runs;
- SSML is read aloud as text: only plain text is ever given;
- two threads at once hang or kill the process: one lock for the whole process;
- a child forked after `init()` hangs: the engine refuses to run in a forked child;
- time grows with the square of the text's length: callers render a sentence or a step at a time.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import threading
import wave
from pathlib import Path
from typing import Any

from skill.audio.engines.base import EngineError, check_rate
from skill.audio.pcm import PcmFormat

DEFAULT_RATE_WPM = 160
"""Speaking rate in words per minute at rate 1.0; calmer than pyttsx3's 200."""
MIN_RATE_WPM, MAX_RATE_WPM = 80, 450
"""The range espeak-ng accepts for its rate parameter."""
DEFAULT_TIMEOUT_SECONDS = 30.0
"""How long one render may take; a sentence takes milliseconds."""
FORMAT = PcmFormat(rate=22_050)
"""What espeak-ng writes: 22,050 Hz, mono, 16-bit."""


class EspeakLibrary:
    """The process's one pyttsx3 engine and the lock every use of it must hold.

    espeak-ng keeps global state and pyttsx3 shares one engine per process, so every user in
    the process goes through the one instance, `LIBRARY`.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._engine: Any = None
        self._pid = 0
        self._finished = threading.Event()
        self._rate_wpm: int | None = None

    def save(self, text: str, path: Path, rate_wpm: int, timeout_seconds: float) -> None:
        """Render `text` to a WAV at `path`; the caller holds `lock`."""
        engine = self._started()
        if rate_wpm != self._rate_wpm:
            self._set_rate(engine, rate_wpm)
        self._finished.clear()
        # pyttsx3 prints "Audio saved to ..." from espeak's thread just before it reports
        # the finished utterance, so stdout (of the whole process, briefly) stays redirected
        # until then.
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                engine.save_to_file(text, str(path))
                engine.runAndWait()
            except Exception as error:
                raise EngineError(f"pyttsx3 failed to render {text[:40]!r}: {error}") from error
            # Usually runAndWait has waited for the file; this is the safety net.
            finished = self._finished.wait(timeout_seconds)
        if not finished:
            self._abandon(engine)
            raise EngineError(
                f"espeak-ng did not finish rendering {text[:40]!r} within {timeout_seconds:g} s"
            )

    def _started(self) -> Any:
        if self._engine is not None and self._pid != os.getpid():
            raise EngineError(
                "the speech engine was started before this process was forked; "
                "start worker processes with 'spawn' or 'forkserver'"
            )
        if self._engine is None:
            try:
                import pyttsx3

                engine = pyttsx3.init("espeak")
                engine.connect("finished-utterance", self._on_finished)
                # Without this empty first run, later rate changes are dropped.
                engine.runAndWait()
            except Exception as error:
                raise EngineError(f"could not start pyttsx3 with espeak-ng: {error}") from error
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


LIBRARY = EspeakLibrary()


def read_wav(path: Path, fmt: PcmFormat = FORMAT) -> bytes:
    """The frames of a WAV file, which must be in `fmt`."""
    try:
        with wave.open(str(path), "rb") as source:
            shape = (source.getframerate(), source.getnchannels(), source.getsampwidth())
            if shape != (fmt.rate, fmt.channels, fmt.width):
                raise EngineError(f"{path.name} is (rate, channels, width) {shape}, not {fmt}")
            return source.readframes(source.getnframes())
    except (wave.Error, EOFError) as error:
        raise EngineError(f"{path.name} is not a readable WAV file: {error}") from error


class Pyttsx3Engine:
    """The local espeak-ng voice through pyttsx3 (the default engine)."""

    name = "pyttsx3"
    format = FORMAT

    def __init__(self, voice: str = "default", timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS):
        if voice != "default":
            raise EngineError(f"pyttsx3 offers only its default voice here, not {voice!r}")
        self.voice = voice
        self.timeout_seconds = timeout_seconds
        self._warmed = False

    def render(self, text: str, rate: float = 1.0) -> bytes:
        """`text` as PCM; blank text is no audio at all."""
        rate_wpm = rate_to_wpm(check_rate(rate))
        if not text.strip():
            return b""
        with tempfile.TemporaryDirectory(prefix="steady-tts-") as scratch:
            path = Path(scratch) / "clip.wav"
            with LIBRARY.lock:
                if not self._warmed:
                    # A fresh process's first file can come out header-only (audio.md).
                    LIBRARY.save("Ready.", path, rate_wpm, self.timeout_seconds)
                    self._warmed = True
                for _attempt in range(2):
                    LIBRARY.save(text, path, rate_wpm, self.timeout_seconds)
                    pcm = read_wav(path)
                    if pcm:
                        return pcm
        raise EngineError(f"espeak-ng wrote no audio for {text[:40]!r}, twice")


def rate_to_wpm(rate: float) -> int:
    """The espeak-ng words-per-minute for a rate relative to our calm default."""
    return min(max(round(DEFAULT_RATE_WPM * rate), MIN_RATE_WPM), MAX_RATE_WPM)
