"""Speech engines: each turns plain text into PCM in a format it declares (see base.py).

| name      | what                                   | needs                                  |
|-----------|----------------------------------------|----------------------------------------|
| `pyttsx3` | espeak-ng through pyttsx3 (default)    | Debian's espeak-ng (make setup)        |
| `espeak`  | the espeak-ng command line (fallback)  | Debian's espeak-ng                     |
| `piper`   | Piper with the joe voice: far clearer  | the `piper` extra (GPL-3.0; see README)|
| `polly`   | Amazon Polly neural voices, production | boto3 and AWS credentials              |
"""

from __future__ import annotations

from skill.audio.engines.base import EngineError, SpeechEngine

ENGINES = ("pyttsx3", "espeak", "piper", "polly")
DEFAULT_ENGINE = "pyttsx3"


def make_engine(name: str = DEFAULT_ENGINE, voice: str | None = None) -> SpeechEngine:
    """The engine called `name`, with `voice` where given; heavy imports happen only here."""
    if name == "pyttsx3":
        from skill.audio.engines.pyttsx3_engine import Pyttsx3Engine

        return Pyttsx3Engine(voice or "default")
    if name == "espeak":
        from skill.audio.engines.espeak_cli import EspeakCli

        return EspeakCli(voice) if voice else EspeakCli()
    if name == "piper":
        from skill.audio.engines.piper_engine import VOICE, PiperEngine

        if voice not in (None, VOICE):
            raise EngineError(f"Piper here has one voice, {VOICE}, not {voice!r}")
        return PiperEngine()
    if name == "polly":
        from skill.audio.engines.polly_engine import PollyEngine

        return PollyEngine(voice=voice) if voice else PollyEngine()
    raise EngineError(f"no speech engine called {name!r}; choose one of {', '.join(ENGINES)}")
