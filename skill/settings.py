"""Settings of a running skill, with embedded defaults and environment overrides."""

from __future__ import annotations

import os
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


@dataclass(frozen=True)
class Settings:
    """Everything a deployment may change. Defaults run locally with no account."""

    skill_id: str | None = None
    """The Alexa skill id requests must carry; None accepts any (local use only)."""
    verify: bool = True
    """Check Amazon's signature and timestamp on every web request."""
    db_path: Path = DEFAULT_DB
    """The embedded SQLite store."""
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

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then STEADY_* environment variables, then explicit overrides."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        if env.get("STEADY_SKILL_ID"):
            values["skill_id"] = env["STEADY_SKILL_ID"]
        if env.get("STEADY_DB"):
            values["db_path"] = Path(env["STEADY_DB"])
        if env.get("STEADY_SCRIPTS"):
            values["scripts_dir"] = Path(env["STEADY_SCRIPTS"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]
