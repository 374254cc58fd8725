"""Speech through Amazon Polly: the voices Alexa listeners already know, rendered in the cloud.

boto3 is imported only here, and only when a client is first needed, so that importing the
audio package (or running offline with espeak or Piper) never loads the AWS SDK.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from skill.audio.engines.base import EngineError, check_rate
from skill.audio.pcm import PcmFormat
from skill.speech.escaping import escape

DEFAULT_VOICE = "Joanna"
DEFAULT_ENGINE = "neural"
SAMPLE_RATE = 16_000
"""Polly's highest PCM rate for neural voices (8000 and 16000 are offered)."""
FORMAT = PcmFormat(rate=SAMPLE_RATE)
MAX_TEXT_CHARS = 3000
"""Longest `Text` sent in one request, markup included. Polly bills 3000 characters of speech
per request (6000 with SSML tags); moto refuses more than 3000 in all, so we keep to that."""
MAX_ERROR_CHARS = 300
"""Polly's messages can list every voice it has; a log line needs only the start."""

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|(?<=[.!?…][\"'”’)])\s+")
_WORD_END = re.compile(r"\s+")


class PollyEngine:
    """A `SpeechEngine` that asks Polly for 16 kHz PCM, one request per 3000 characters.

    `client` is a boto3 Polly client (tests pass one pointed at moto); without one, a client
    for `region` (or the environment's region) is made on the first render.
    """

    def __init__(
        self,
        client: Any = None,
        voice: str = DEFAULT_VOICE,
        engine: str = DEFAULT_ENGINE,
        region: str | None = None,
    ) -> None:
        self._client = client
        self._voice = voice
        self._engine = engine
        self._region = region

    @property
    def name(self) -> str:
        return "polly"

    @property
    def voice(self) -> str:
        """The voice and Polly's engine ("Joanna/neural"): both shape the sound, so both are
        part of every cache key."""
        return f"{self._voice}/{self._engine}"

    @property
    def engine(self) -> str:
        """Polly's own engine ("neural", "standard", ...), which changes the sound."""
        return self._engine

    @property
    def format(self) -> PcmFormat:
        return FORMAT

    def render(self, text: str, rate: float = 1.0) -> bytes:
        """`text` spoken at `rate` times the voice's natural pace; blank text gives b"".

        Polly changes pace only through SSML, so a rate other than 1 wraps the (escaped) text
        in `<prosody rate="NN%">`; at rate 1 the text goes as plain text, untouched.
        """
        check_rate(rate)
        text = text.strip()
        if not text:
            return b""
        pieces = split_text(
            text, lambda piece: len(self._request_text(piece, rate)) <= MAX_TEXT_CHARS
        )
        return b"".join(self._synthesize(self._request_text(piece, rate), rate) for piece in pieces)

    def _request_text(self, text: str, rate: float) -> str:
        if rate == 1.0:
            return text
        return f'<speak><prosody rate="{round(rate * 100)}%">{escape(text)}</prosody></speak>'

    def _synthesize(self, text: str, rate: float) -> bytes:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self._polly().synthesize_speech(
                Engine=self._engine,
                VoiceId=self._voice,
                Text=text,
                TextType="text" if rate == 1.0 else "ssml",
                OutputFormat="pcm",
                SampleRate=str(SAMPLE_RATE),
            )
            with response["AudioStream"] as stream:
                pcm = bytes(stream.read())
        except ClientError as error:
            details = error.response.get("Error", {})
            code = details.get("Code", "Unknown")
            message = _shorten(str(details.get("Message", error)))
            raise EngineError(
                f"Polly refused the request (voice {self._voice!r}, engine {self._engine!r}): "
                f"{code}: {message}"
            ) from error
        except BotoCoreError as error:
            # No credentials, no region, no connection, a timeout: botocore names each one.
            raise EngineError(
                f"Polly could not be asked: {type(error).__name__}: {error}"
            ) from error
        # Polly's PCM is 16-bit; an odd byte at the end is half a sample, and would shift
        # every sample joined after it.
        return pcm[: len(pcm) // 2 * 2]

    def _polly(self) -> Any:
        if self._client is None:
            try:
                import boto3
            except ImportError as error:
                raise EngineError(
                    "boto3 is not installed: pip install 'steady-ground[aws]'"
                ) from error
            self._client = boto3.session.Session().client("polly", region_name=self._region)
        return self._client


def split_text(text: str, fits: Callable[[str], bool]) -> list[str]:
    """`text` in as few pieces as `fits` allows, broken between sentences where possible,
    else between words, else (a single enormous word) between characters."""
    return _pack(text, fits, level=0)


def _pack(text: str, fits: Callable[[str], bool], level: int) -> list[str]:
    if fits(text):
        return [text]
    if level == 0:
        parts, joiner = [p for p in _SENTENCE_END.split(text) if p], " "
    elif level == 1:
        parts, joiner = [p for p in _WORD_END.split(text) if p], " "
    else:
        parts, joiner = list(text), ""
    pieces: list[str] = []
    current = ""
    for part in parts:
        candidate = f"{current}{joiner}{part}" if current else part
        if fits(candidate):
            current = candidate
            continue
        if current:
            pieces.append(current)
            current = ""
        if fits(part):
            current = part
        elif level < 2:
            pieces.extend(_pack(part, fits, level + 1))
        else:
            raise EngineError(f"not even one character fits in a Polly request: {part!r}")
    if current:
        pieces.append(current)
    return pieces


def _shorten(message: str) -> str:
    if len(message) <= MAX_ERROR_CHARS:
        return message
    return message[: MAX_ERROR_CHARS - 1] + "…"
