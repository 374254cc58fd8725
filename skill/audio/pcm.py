"""Raw PCM audio: its format, exact silence, loudness and joining.

Every engine hands back 16-bit signed little-endian PCM in a `PcmFormat` it declares; the track
builder joins clips of one format only, so there is no resampling anywhere.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from skill.record import record

TARGET_DBFS = -20.0
"""Every clip of speech is brought to this loudness (gated RMS), so no sentence jumps out."""
PEAK_LIMIT_DBFS = -1.0
"""No sample is allowed above this after the gain."""
GATE_DBFS = -45.0
"""Frames quieter than this are left out of the loudness reading (the gaps between words)."""
GATE_FRAME_SECONDS = 0.02


class AudioError(Exception):
    """Audio that cannot be used: the wrong format, or nothing in it."""


@record
class PcmFormat:
    """The shape of raw PCM: frames per second, channels, and bytes per sample."""

    rate: int = 22_050
    channels: int = 1
    width: int = 2

    def __post_init__(self) -> None:
        if self.width != 2:
            raise AudioError(f"only 16-bit PCM is used, not {self.width * 8}-bit")
        if self.channels != 1:
            raise AudioError(f"only mono PCM is used, not {self.channels} channels")
        if self.rate <= 0:
            raise AudioError(f"sample rate must be positive, not {self.rate}")

    @property
    def frame_bytes(self) -> int:
        return self.channels * self.width

    def frames(self, pcm: bytes) -> int:
        """How many frames `pcm` holds."""
        return len(pcm) // self.frame_bytes

    def ms(self, pcm: bytes) -> int:
        """How long `pcm` lasts, in whole milliseconds."""
        return round(self.frames(pcm) * 1000 / self.rate)

    def frames_for_ms(self, ms: float) -> int:
        return round(ms * self.rate / 1000)

    def silence(self, ms: float) -> bytes:
        """Exactly `ms` milliseconds of silence (to the nearest frame)."""
        return b"\x00" * (self.frames_for_ms(ms) * self.frame_bytes)

    def describe(self) -> str:
        return f"{self.rate} Hz, {self.channels} channel, {self.width * 8}-bit"


def samples(pcm: bytes) -> npt.NDArray[np.int16]:
    """PCM bytes as int16 samples (a view, no copy)."""
    return np.frombuffer(pcm, dtype="<i2")


def dbfs(level: float) -> float:
    """A level in [0, 1] as dBFS (silence is -inf)."""
    return 20 * math.log10(level) if level > 0 else -math.inf


def gated_rms_dbfs(pcm: bytes, fmt: PcmFormat) -> float:
    """The loudness of speech in `pcm`: RMS over the 20 ms frames louder than the gate."""
    x = samples(pcm).astype(np.float64) / 32768.0
    size = max(round(fmt.rate * GATE_FRAME_SECONDS), 1)
    whole = len(x) // size * size
    if whole == 0:
        return -math.inf
    frames = x[:whole].reshape(-1, size)
    power = (frames**2).mean(axis=1)
    loud = power[power > 10 ** (GATE_DBFS / 10)]
    if loud.size == 0:
        return -math.inf
    return dbfs(math.sqrt(float(loud.mean())))


def level_to(pcm: bytes, fmt: PcmFormat, target_dbfs: float = TARGET_DBFS) -> bytes:
    """`pcm` with its gain set so its gated RMS is `target_dbfs`, peaks kept under the limit.

    Near-silent clips are returned unchanged (there is no speech to measure)."""
    loudness = gated_rms_dbfs(pcm, fmt)
    if loudness == -math.inf:
        return pcm
    x = samples(pcm).astype(np.float64)
    gain = 10 ** ((target_dbfs - loudness) / 20)
    peak = float(np.abs(x).max()) / 32768.0
    limit = 10 ** (PEAK_LIMIT_DBFS / 20)
    if peak * gain > limit:
        gain = limit / peak
    return _to_pcm(x * gain)


def fade_out(pcm: bytes, fmt: PcmFormat, ms: float) -> bytes:
    """`pcm` with its last `ms` milliseconds faded smoothly to silence."""
    n = min(fmt.frames_for_ms(ms), fmt.frames(pcm))
    if n <= 0:
        return pcm
    x = samples(pcm).astype(np.float64)
    # A raised-cosine curve: gentler on the ear than a straight line.
    curve = 0.5 * (1 + np.cos(np.linspace(0, math.pi, n)))
    x[-n:] *= curve
    return _to_pcm(x)


def _to_pcm(x: npt.NDArray[np.float64]) -> bytes:
    return bytes(np.clip(np.round(x), -32768, 32767).astype("<i2").tobytes())
