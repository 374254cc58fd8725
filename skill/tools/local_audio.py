"""`steady chat --speak`: the simulated device's audio player, heard on this machine.

The track the player holds is decoded (miniaudio, no ffmpeg) from where it stands and played in
the background with the first WAV player found, so typing goes on while it plays.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

from skill.tools.player import PlayerState
from skill.tools.tts import PLAYERS

logger = logging.getLogger(__name__)


class TrackSpeaker:
    """Plays what the simulated player plays; stops when it stops."""

    def __init__(self, audio_dir: Path) -> None:
        self.audio_dir = audio_dir
        self._process: subprocess.Popen[bytes] | None = None
        self._playing: tuple[str | None, int] | None = None
        self._scratch = tempfile.TemporaryDirectory(prefix="steady-track-")

    def follow(self, state: PlayerState, offset_ms: int) -> None:
        """Match the player: start (from its offset) what it started, stop what it stopped."""
        if state.activity != "PLAYING" or state.url is None:
            self.stop()
            return
        now = (state.token, state.offset_ms)
        if now == self._playing and self._process is not None:
            return
        self.stop()
        self._playing = now
        self._start(state.url.rsplit("/", 1)[-1], offset_ms)

    def _start(self, name: str, offset_ms: int) -> None:
        import miniaudio

        path = self.audio_dir / name
        player = next((c for c in PLAYERS if shutil.which(c[0])), None)
        if player is None or not path.is_file():
            logger.warning("Cannot play %s here (no player, or no such track)", name)
            return
        try:
            sound = miniaudio.mp3_read_file_s16(str(path))
        except (miniaudio.DecodeError, OSError) as error:
            logger.warning("Cannot decode %s: %s", name, error)
            return
        start = offset_ms * sound.sample_rate // 1000 * sound.nchannels
        wav = Path(self._scratch.name) / "track.wav"
        with wave.open(str(wav), "wb") as out:
            out.setnchannels(sound.nchannels)
            out.setsampwidth(2)
            out.setframerate(sound.sample_rate)
            out.writeframes(sound.samples[start:].tobytes())
        with contextlib.suppress(OSError):
            self._process = subprocess.Popen(
                [*player, str(wav)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout=2)
        self._process = None
        self._playing = None

    def close(self) -> None:
        """Stop playing and remove the decoded track."""
        self.stop()
        self._scratch.cleanup()
