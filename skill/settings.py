"""Settings of a running skill, with embedded defaults and environment overrides."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from skill.content.locales import DEFAULT_LOCALE

ALEXA_API_HOSTS = frozenset(
    {"api.amazonalexa.com", "api.eu.amazonalexa.com", "api.fe.amazonalexa.com"}
)
"""Where Amazon's device APIs live; a request naming another endpoint is not followed."""
DEFAULT_DB = Path("var") / "steady.sqlite3"
"""The embedded store, relative to the folder the skill runs in."""
DEFAULT_AUDIO_DIR = Path("var") / "audio"
"""Rendered tracks (`<key>.mp3`), relative to the folder the skill runs in."""
OFF_WORDS = frozenset({"0", "false", "no", "off"})
AUDIO_KEY = re.compile(r"[0-9a-f]{64}")
"""A rendered track's key: the SHA-256 of its recipe, 64 lowercase hex digits."""


@dataclass(frozen=True)
class Settings:
    """Everything a deployment may change. Defaults run locally with no account."""

    skill_id: str | None = None
    """The Alexa skill id requests must carry; None accepts any (local use only)."""
    verify: bool = True
    """Check Amazon's signature and timestamp on every web request."""
    db_path: Path = DEFAULT_DB
    """The embedded SQLite store."""
    store: str = "sqlite"
    """Where state that outlives a session is kept: `sqlite` (embedded) or `dynamodb`."""
    dynamodb_table: str | None = None
    """The DynamoDB table, when `store` is `dynamodb` (region and credentials: boto3's own)."""
    scripts_dir: Path | None = None
    """A folder of exercise scripts (one folder per language) instead of the packaged ones."""
    max_body_bytes: int = 128 * 1024
    """Larger request bodies are refused; real Alexa requests are a few kilobytes."""
    default_locale: str = DEFAULT_LOCALE
    retention_days: float = 365
    """Stored preferences and resume points untouched this long are forgotten (P3)."""
    alexa_api_hosts: frozenset[str] = ALEXA_API_HOSTS
    """Hosts of Amazon's device APIs that the skill will ask (Device Address, for helplines)."""
    alexa_api_http: bool = False
    """Allow plain http to those hosts: tests with a local stand-in only."""
    audio_dir: Path = DEFAULT_AUDIO_DIR
    """The folder of rendered tracks; only its `<key>.mp3` files are served, under /audio/."""
    audio_base_url: str | None = None
    """The public HTTPS URL of that /audio/ folder (e.g. `https://example.org/audio/`);
    None: hands-free audio cannot be offered (it is never guessed from the request's host)."""
    audio_s3: str | None = None
    """Where rendered tracks are found instead of `audio_dir`: `s3://bucket/prefix`, the
    address `steady render --upload` sent them to (on Lambda, which has no track folder).
    Devices still fetch them from `audio_base_url` (e.g. CloudFront in front of that bucket)."""
    speech_engine: str = "pyttsx3"
    """What renders hands-free tracks: pyttsx3, espeak, piper or polly (skill.audio.engines)."""
    speech_voice: str | None = None
    """The engine's voice; None: the engine's own default."""
    render_on_demand: bool = True
    """Render a missing track variant during the request (fast when its clips are cached);
    off: only tracks rendered ahead with `steady render` are played."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then STEADY_* environment variables, then explicit overrides."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        if env.get("STEADY_SKILL_ID"):
            values["skill_id"] = env["STEADY_SKILL_ID"]
        if env.get("STEADY_DB"):
            values["db_path"] = Path(env["STEADY_DB"])
        if env.get("STEADY_STORE"):
            values["store"] = env["STEADY_STORE"]
        if env.get("STEADY_DYNAMODB_TABLE"):
            values["dynamodb_table"] = env["STEADY_DYNAMODB_TABLE"]
        if env.get("STEADY_SCRIPTS"):
            values["scripts_dir"] = Path(env["STEADY_SCRIPTS"])
        if env.get("STEADY_AUDIO_DIR"):
            values["audio_dir"] = Path(env["STEADY_AUDIO_DIR"])
        if env.get("STEADY_AUDIO_BASE_URL"):
            values["audio_base_url"] = env["STEADY_AUDIO_BASE_URL"]
        if env.get("STEADY_AUDIO_S3"):
            values["audio_s3"] = env["STEADY_AUDIO_S3"]
        if env.get("STEADY_SPEECH_ENGINE"):
            values["speech_engine"] = env["STEADY_SPEECH_ENGINE"]
        if env.get("STEADY_SPEECH_VOICE"):
            values["speech_voice"] = env["STEADY_SPEECH_VOICE"]
        if env.get("STEADY_RENDER_ON_DEMAND"):
            values["render_on_demand"] = env["STEADY_RENDER_ON_DEMAND"].lower() not in OFF_WORDS
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


def audio_url(base: str, key: str) -> str:
    """The public URL of track `key` under `base`, the URL of the /audio/ folder."""
    if not AUDIO_KEY.fullmatch(key):
        raise ValueError(f"not a track key: {key!r}")
    return f"{base.rstrip('/')}/{key}.mp3"
