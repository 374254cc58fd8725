"""Speech through Debian's `espeak-ng` command line: one process per render.

A process per clip costs a few milliseconds but sidesteps every quirk of driving the espeak
library in-process (lost property changes, header-only files, hangs across threads; see
audio.md), and the CLI's output is byte-identical from run to run, so clips cache well.
"""

from __future__ import annotations

import io
import subprocess
import wave

from skill.audio.engines.base import EngineError, check_rate
from skill.audio.pcm import PcmFormat

BINARY = "espeak-ng"
DEFAULT_VOICE = "en-us"
DEFAULT_WPM = 160
"""Our calm pace at rate 1.0 (espeak's own default, 175, sounds hurried for breathing work)."""
DEFAULT_TIMEOUT_SECONDS = 30.0
"""espeak renders at ~0.002 CPU-seconds per second of audio, so this only trips on a hang."""
FORMAT = PcmFormat(rate=22_050)
"""What espeak-ng writes: 22,050 Hz mono 16-bit."""


class EspeakCli:
    """A `SpeechEngine` that runs `espeak-ng --stdout` and reads the WAV it writes.

    The text goes in on stdin (`--stdin`), never on the command line, so a text that starts
    with "-" is not taken for an option and a long text meets no argument-length limit. There
    is no `-m`: markup is read as words, because engines are only ever given plain text.
    """

    def __init__(
        self,
        voice: str = DEFAULT_VOICE,
        binary: str = BINARY,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        if timeout_seconds <= 0:
            raise ValueError(f"timeout_seconds must be positive, not {timeout_seconds}")
        self._voice = voice
        self._binary = binary
        self._timeout = timeout_seconds

    @property
    def name(self) -> str:
        return "espeak"

    @property
    def voice(self) -> str:
        return self._voice

    @property
    def format(self) -> PcmFormat:
        return FORMAT

    def render(self, text: str, rate: float = 1.0) -> bytes:
        """`text` spoken at `rate` times our calm pace; blank text gives b"" (the caller
        inserts silence of its own length)."""
        wpm = round(DEFAULT_WPM * check_rate(rate))
        if not text.strip():
            return b""
        command = [self._binary, "-v", self._voice, "-s", str(wpm), "--stdout", "--stdin"]
        try:
            done = subprocess.run(
                command,
                input=text.encode("utf-8"),
                capture_output=True,
                timeout=self._timeout,
                check=False,
            )
        except FileNotFoundError as error:
            raise EngineError(
                f"espeak-ng is not installed: run make setup (no program {self._binary!r})"
            ) from error
        except subprocess.TimeoutExpired as error:
            raise EngineError(
                f"espeak-ng did not finish within {self._timeout:g} s "
                f"({len(text)} characters of text)"
            ) from error
        except OSError as error:
            raise EngineError(
                f"espeak-ng could not be started ({self._binary!r}): {error}"
            ) from error
        if done.returncode != 0:
            stderr = done.stderr.decode("utf-8", "replace").strip() or "(nothing on stderr)"
            raise EngineError(f"espeak-ng failed with exit code {done.returncode}: {stderr}")
        pcm = _frames(done.stdout)
        if not pcm:
            raise EngineError(f"espeak-ng gave no audio for {text[:40]!r}")
        return pcm


def _frames(wav: bytes) -> bytes:
    """The PCM frames of the WAV espeak-ng wrote to stdout, after checking its format.

    Written to a pipe, the header cannot be rewound, so its sizes are placeholders (about
    2**30 frames): we read to the end of the data instead of trusting the frame count.
    """
    try:
        with wave.open(io.BytesIO(wav), "rb") as reader:
            found = (reader.getframerate(), reader.getnchannels(), reader.getsampwidth())
            if found != (FORMAT.rate, FORMAT.channels, FORMAT.width):
                raise EngineError(
                    f"espeak-ng wrote {found[0]} Hz, {found[1]} channel, {found[2] * 8}-bit "
                    f"audio, not {FORMAT.describe()}"
                )
            pcm = reader.readframes(reader.getnframes())
    except (wave.Error, EOFError) as error:
        raise EngineError(f"espeak-ng wrote no readable WAV ({len(wav)} bytes): {error}") from error
    # A process cut short could leave half a frame.
    return pcm[: FORMAT.frames(pcm) * FORMAT.frame_bytes]
