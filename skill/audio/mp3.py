"""MP3 encoding with lameenc (LAME), no ffmpeg: mono, 48 kbps, at the engine's own rate.

48 kbps MPEG-2 at 16, 22.05 or 24 kHz is what both SSML `<audio>` and the AudioPlayer accept.
Encoding at the rate the engine renders avoids resampling (audio.md: LAME would silently
resample 44.1 and 48 kHz to 32 kHz, which Alexa's `<audio>` refuses).
"""

from __future__ import annotations

from skill.audio.pcm import AudioError, PcmFormat

BITRATE_KBPS = 48
ACCEPTED_RATES = frozenset({16_000, 22_050, 24_000})
"""Sample rates Alexa accepts for 48 kbps MP3."""
QUALITY = 5
"""LAME's speed/quality trade-off (2 best ... 7 fastest); speech at 48 kbps barely differs."""
ENCODER_DELAY_FRAMES = 1105
"""Silence LAME adds at the start of every file (measured, audio.md)."""
CHUNK_FRAMES = 1 << 16


def encode(pcm: bytes, fmt: PcmFormat) -> bytes:
    """`pcm` as a 48 kbps mono MP3."""
    if fmt.rate not in ACCEPTED_RATES:
        raise AudioError(
            f"Alexa plays 48 kbps MP3 at {sorted(ACCEPTED_RATES)} Hz only, not {fmt.rate} Hz"
        )
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(BITRATE_KBPS)
    encoder.set_in_sample_rate(fmt.rate)
    encoder.set_out_sample_rate(fmt.rate)
    encoder.set_channels(fmt.channels)
    encoder.set_quality(QUALITY)
    encoder.silence()
    out = bytearray()
    step = CHUNK_FRAMES * fmt.frame_bytes
    for start in range(0, len(pcm), step):
        out += encoder.encode(pcm[start : start + step])
    out += encoder.flush()
    return bytes(out)
