"""The one small interface every speech engine offers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # numpy comes with it: not for a command that only names the engines
    from skill.audio.pcm import PcmFormat

MIN_RATE, MAX_RATE = 0.5, 2.0
"""How much faster (above 1) or slower (below 1) than its natural pace an engine may speak."""


class EngineError(Exception):
    """The engine is missing, failed, or gave no audio; the message says which and why."""


class SpeechEngine(Protocol):
    """Turns the text of one timeline item into PCM.

    `name` and `voice` are part of every cache key, with the rate and the format, so two
    engines (or two voices) never share a clip. `render` is given plain text (never SSML) and
    returns 16-bit little-endian PCM in `format`, the engine's own leading and trailing silence
    included. An engine is used from one thread at a time.
    """

    @property
    def name(self) -> str: ...

    @property
    def voice(self) -> str: ...

    @property
    def format(self) -> PcmFormat: ...

    def render(self, text: str, rate: float = 1.0) -> bytes:
        """`text` spoken at `rate` times the engine's natural pace, as PCM."""
        ...


def check_rate(rate: float) -> float:
    """`rate`, if it is within the bounds every engine accepts."""
    if not MIN_RATE <= rate <= MAX_RATE:
        raise EngineError(f"speaking rate must be from {MIN_RATE} to {MAX_RATE}, not {rate}")
    return rate
