"""Settings of a running skill: one table of environment variables, read and checked at start.

Every setting a deployment may change has one row in `VARIABLES` (variable, field, reader, doc).
`Settings.from_env` reads them all and reports every problem at once (`SettingsError`, one line
each naming the variable and what it allows); `settings_table()` prints the rows as the table of
docs/serving.md and the README (`python -m skill.settings`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import MISSING, field, fields
from pathlib import Path

from skill.content.locales import DEFAULT_LOCALE, LOCALES
from skill.record import record

ALEXA_API_HOSTS = frozenset(
    {"api.amazonalexa.com", "api.eu.amazonalexa.com", "api.fe.amazonalexa.com"}
)
"""Where Amazon's device APIs live; a request naming another endpoint is not followed."""
DEFAULT_DB = Path("var") / "steady.sqlite3"
"""The embedded store, relative to the folder the skill runs in."""
DEFAULT_AUDIO_DIR = Path("var") / "audio"
"""Rendered tracks (`<key>.mp3`), relative to the folder the skill runs in."""
AUDIO_KEY = re.compile(r"[0-9a-f]{64}")
"""A rendered track's key: the SHA-256 of its recipe, 64 lowercase hex digits."""
STORES = ("sqlite", "dynamodb")
SPEECH_ENGINES = ("pyttsx3", "espeak", "piper", "polly")  # skill.audio.engines.ENGINES
ON_WORDS = ("on", "true", "yes", "1")
OFF_WORDS = ("off", "false", "no", "0")


@record
class Settings:
    """Everything a deployment may change (see `VARIABLES`). Defaults run locally with no
    account. Built in code, nothing is checked; `from_env` checks every value it reads."""

    skill_id: str | None = None
    verify: bool = True
    db_path: Path = DEFAULT_DB
    store: str = "sqlite"
    dynamodb_table: str | None = None
    id_secret: str | None = field(default=None, repr=False)
    scripts_dir: Path | None = None
    max_body_bytes: int = 128 * 1024
    default_locale: str = DEFAULT_LOCALE
    retention_days: float = 365
    alexa_api_hosts: frozenset[str] = ALEXA_API_HOSTS
    """Amazon's device API hosts the skill asks (code only: they get the device's token)."""
    alexa_api_http: bool = False
    """Allow plain http to those hosts: tests with a local stand-in only (code only)."""
    audio_dir: Path = DEFAULT_AUDIO_DIR
    audio_base_url: str | None = None
    audio_s3: str | None = None
    speech_engine: str = "pyttsx3"
    speech_voice: str | None = None
    render_on_demand: bool = True
    host: str = "127.0.0.1"
    port: int = 5000
    workers: int = 2
    threads: int = 32
    read_timeout: float = 10.0
    log_format: str = "json"
    log_level: str = "info"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then STEADY_* variables (empty ones count as unset), then overrides (flags;
        None: not given), each checked by its row. Raises SettingsError listing every problem."""
        values, problems = read(os.environ if env is None else env, overrides)
        if problems:
            raise SettingsError(problems)
        return cls(**values)  # type: ignore[arg-type]


class SettingsError(ValueError):
    """Settings that cannot be used: one line per problem, each naming its variable."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@record
class Reader:
    """How a variable's text is read: `parse` gives its value, or raises ValueError with the
    reason it is refused (none: "must be `allowed`")."""

    allowed: str
    """What the variable accepts, in words (for errors and the docs)."""
    parse: Callable[[str], object]


def _choice(*options: str) -> Reader:
    def parse(text: str) -> str:
        found = {option.lower(): option for option in options}.get(text.lower())
        if found is None:
            raise ValueError
        return found

    return Reader("one of " + ", ".join(f"`{o}`" for o in options), parse)


def _number(low: float, high: float, what: str, whole: bool = False) -> Reader:
    shape = re.compile(r"\d{1,9}" if whole else r"\d{1,9}(?:\.\d{1,6})?")

    def parse(text: str) -> float | int:
        if not shape.fullmatch(text):
            raise ValueError
        value = int(text) if whole else float(text)
        if not low <= value <= high:
            raise ValueError
        return value

    kind = "a whole number" if whole else "a number"
    return Reader(f"{kind} {what}from {low:.0f} to {high:.0f}", parse)


def _pattern(pattern: str, allowed: str) -> Reader:
    shape = re.compile(pattern)

    def parse(text: str) -> str:
        if not shape.fullmatch(text):
            raise ValueError
        return text

    return Reader(allowed, parse)


def _boolean(text: str) -> bool:
    if text.lower() not in ON_WORDS + OFF_WORDS:
        raise ValueError
    return text.lower() in ON_WORDS


def _path(must: str) -> Reader:
    """A `file` path, a `folder` path, or an `existing` folder."""

    def parse(text: str) -> Path:
        path = Path(text)
        if must == "file" and path.is_dir():
            raise ValueError("is a folder; a file is needed")
        if must != "file" and path.exists() and not path.is_dir():
            raise ValueError("is a file; a folder is needed")
        if must == "existing" and not path.exists():
            raise ValueError("no such folder")
        return path

    return Reader("an existing folder" if must == "existing" else f"a {must} path", parse)


BOOLEAN = Reader("`on` or `off` (or true/false, yes/no, 1/0)", _boolean)


@record
class Variable:
    """One row of the settings table."""

    name: str
    field: str
    reader: Reader
    doc: str
    flag: str | None = None
    """The `steady serve` flag that overrides it."""
    secret: bool = False
    """Its value is never shown, not even in an error."""
    unset: str | None = None
    """What an unset variable means, when the default alone does not say."""


V = Variable
# fmt: off
VARIABLES: tuple[Variable, ...] = (
    V("STEADY_HOST", "host", _pattern(r"[A-Za-z0-9_.:-]{1,253}", "an IP address or host name"),
      "the address `steady serve` listens on (`0.0.0.0`: every interface)", "--host"),
    V("STEADY_PORT", "port", _number(1, 65535, "", whole=True), "the port it listens on", "--port"),
    V("STEADY_WORKERS", "workers", _number(1, 32, "", whole=True),
      "server processes (the production server)", "--workers"),
    V("STEADY_THREADS", "threads", _number(1, 256, "", whole=True),
      "threads per process that run requests; a request is read whole before one takes it, so "
      "slow clients hold none", "--threads"),
    V("STEADY_READ_TIMEOUT", "read_timeout", _number(1, 300, "of seconds "),
      "how long a client has to send a whole request, or may stall a read or write, before "
      "its connection is closed"),
    V("STEADY_VERIFY", "verify", BOOLEAN, "check Amazon's signature and timestamp on every "
      "request; `off` is for local testing only", "--no-verify"),
    V("STEADY_SKILL_ID", "skill_id", _pattern(
        r"amzn1\.(?:ask\.skill|echo-sdk-ams\.app)\.[A-Za-z0-9][A-Za-z0-9-]{0,99}",
        "a skill id: `amzn1.ask.skill.` and letters, digits and hyphens"),
      "the only application id accepted", unset="none: any id (local use)"),
    V("STEADY_STORE", "store", _choice(*STORES), "where state that outlives a session is kept "
      "(`dynamodb`: boto3's region and credentials)"),
    V("STEADY_DB", "db_path", _path("file"), "the SQLite state file, relative to "
      "the folder the skill runs in", "--db"),
    V("STEADY_DYNAMODB_TABLE", "dynamodb_table", _pattern(
        r"[A-Za-z0-9_.-]{3,255}", "a DynamoDB table name: 3-255 letters, digits, `_`, `-`, `.`"),
      "the DynamoDB table (key `user_key`, time-to-live on `ttl`); needed by `dynamodb`"),
    V("STEADY_ID_SECRET", "id_secret", _pattern(
        r"\S{32,1024}", "at least 32 characters, no spaces (e.g. `openssl rand -hex 32`)"),
      "the key of the HMAC-SHA256 hashes that user ids are stored and logged as", secret=True,
      unset="SQLite: made on first start, kept in `<db>.id-secret` (0600); DynamoDB: plain "
      "SHA-256, with a warning"),
    V("STEADY_RETENTION_DAYS", "retention_days", _number(1, 3650, "of days "),
      "stored state untouched this long is forgotten"),
    V("STEADY_SCRIPTS", "scripts_dir", _path("existing"),
      "a folder of exercise scripts (one folder per language)", unset="the packaged scripts"),
    V("STEADY_LOCALE", "default_locale", _choice(*LOCALES),
      "the locale of a request that names none"),
    V("STEADY_MAX_BODY_BYTES", "max_body_bytes", _number(4096, 10_485_760, "", whole=True),
      "larger request bodies are refused (Alexa's are a few kilobytes)"),
    V("STEADY_AUDIO_DIR", "audio_dir", _path("folder"),
      "rendered tracks, served under `/audio/`"),
    V("STEADY_AUDIO_BASE_URL", "audio_base_url", _pattern(
        r"(?i:https)://[^\s/?#@]+(?:[/?#]\S*)?", "an https:// URL (devices play only https)"),
      "the public https URL of that `/audio/` folder", unset="none: hands-free audio is off"),
    V("STEADY_AUDIO_S3", "audio_s3", _pattern(
        r"s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](?:/[A-Za-z0-9!_.*'()/-]*)?",
        "`s3://bucket` or `s3://bucket/prefix`"),
      "find tracks in this bucket instead of the folder (nothing is rendered locally)"),
    V("STEADY_SPEECH_ENGINE", "speech_engine", _choice(*SPEECH_ENGINES),
      "what renders hands-free tracks"),
    V("STEADY_SPEECH_VOICE", "speech_voice", _pattern(r"[^\x00-\x1f]{1,200}", "a voice name"),
      "the engine's voice", unset="the engine's default"),
    V("STEADY_RENDER_ON_DEMAND", "render_on_demand", BOOLEAN,
      "render a missing track variant during the request (off: only tracks made ahead)"),
    V("STEADY_LOG_FORMAT", "log_format", _choice("json", "text"),
      "`steady serve`'s log lines: JSON objects, or plain text"),
    V("STEADY_LOG_LEVEL", "log_level", _choice("debug", "info", "warning", "error"),
      "the least important log lines written"),
)
# fmt: on


def read(
    env: Mapping[str, str], overrides: Mapping[str, object]
) -> tuple[dict[str, object], list[str]]:
    """The values the environment and the overrides set, and every problem found."""
    values: dict[str, object] = {}
    problems: list[str] = []
    rows = {row.field: row for row in VARIABLES}
    for row in VARIABLES:
        text = env.get(row.name, "").strip()
        if text:
            _take(row, text, f"{row.name}={_shown(row, text)}", values, problems)
    for name, value in overrides.items():
        if value is None:
            continue
        given = rows.get(name)
        if given is None:
            values[name] = value
            continue
        text = ("on" if value else "off") if isinstance(value, bool) else str(value)
        label = f"{given.flag or name} {_shown(given, text)} (or {given.name})"
        _take(given, text, label, values, problems)
    return values, problems


def incomplete(settings: Settings) -> list[str]:
    """What settings lack that only shows in several together (`steady serve` checks it)."""
    if settings.store == "dynamodb" and not settings.dynamodb_table:
        return ["STEADY_DYNAMODB_TABLE: must be set when STEADY_STORE is `dynamodb`"]
    return []


def _take(row: Variable, text: str, label: str, values: dict[str, object], out: list[str]) -> None:
    try:
        values[row.field] = row.reader.parse(text)
    except ValueError as error:
        out.append(f"{label}: {str(error) or f'must be {row.reader.allowed}'}")


def _shown(row: Variable, text: str) -> str:
    return "(hidden)" if row.secret else text if len(text) <= 80 else text[:77] + "..."


def settings_table() -> str:
    """The settings table of docs/serving.md and the README, in Markdown."""
    defaults = {f.name: f.default for f in fields(Settings) if f.default is not MISSING}
    lines = ["| variable | allowed | default | meaning |", "|---|---|---|---|"]
    for row in VARIABLES:
        name = f"`{row.name}`" + (f" (`{row.flag}`)" if row.flag else "")
        value = defaults[row.field]
        shown = ("on" if value else "off") if isinstance(value, bool) else value
        default = row.unset or (f"`{shown}`" if shown is not None else "none")
        lines.append(f"| {name} | {row.reader.allowed} | {default} | {row.doc} |")
    return "\n".join(lines) + "\n"


def audio_url(base: str, key: str) -> str:
    """The public URL of track `key` under `base`, the URL of the /audio/ folder."""
    if not AUDIO_KEY.fullmatch(key):
        raise ValueError(f"not a track key: {key!r}")
    return f"{base.rstrip('/')}/{key}.mp3"


if __name__ == "__main__":
    print(settings_table(), end="")
