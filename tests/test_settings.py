"""Settings: one table of STEADY_* variables, each read, checked and documented from its row."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from skill.audio.engines import ENGINES
from skill.settings import (
    SPEECH_ENGINES,
    VARIABLES,
    Settings,
    SettingsError,
    incomplete,
    settings_table,
)

REPO = Path(__file__).resolve().parent.parent

VALID = {
    "STEADY_HOST": "0.0.0.0",
    "STEADY_PORT": "8080",
    "STEADY_WORKERS": "4",
    "STEADY_THREADS": "64",
    "STEADY_READ_TIMEOUT": "2.5",
    "STEADY_VERIFY": "off",
    "STEADY_SKILL_ID": "amzn1.ask.skill.00000000-1111-2222-3333-444444444444",
    "STEADY_STORE": "dynamodb",
    "STEADY_DB": "/srv/steady/state.sqlite3",
    "STEADY_DYNAMODB_TABLE": "steady-state",
    "STEADY_ID_SECRET": "0123456789abcdef0123456789abcdef",
    "STEADY_RETENTION_DAYS": "30",
    "STEADY_SCRIPTS": str(REPO / "scripts"),
    "STEADY_LOCALE": "en-GB",
    "STEADY_MAX_BODY_BYTES": "65536",
    "STEADY_AUDIO_DIR": "/srv/steady/audio",
    "STEADY_AUDIO_BASE_URL": "https://example.org/audio/",
    "STEADY_AUDIO_S3": "s3://some-bucket/audio",
    "STEADY_SPEECH_ENGINE": "polly",
    "STEADY_SPEECH_VOICE": "Joanna",
    "STEADY_RENDER_ON_DEMAND": "no",
    "STEADY_LOG_FORMAT": "text",
    "STEADY_LOG_LEVEL": "debug",
}


def test_every_variable_has_one_row_and_sets_its_own_field() -> None:
    assert sorted(VALID) == sorted(row.name for row in VARIABLES)
    assert len({row.field for row in VARIABLES}) == len(VARIABLES)
    defaults = Settings.from_env({})
    assert defaults == Settings()
    configured = Settings.from_env(VALID)
    for row in VARIABLES:
        assert getattr(configured, row.field) != getattr(defaults, row.field), row.name


def test_values_are_read_into_their_types() -> None:
    settings = Settings.from_env(VALID)
    assert (settings.port, settings.workers, settings.read_timeout) == (8080, 4, 2.5)
    assert settings.verify is False and settings.render_on_demand is False
    assert settings.db_path == Path("/srv/steady/state.sqlite3")
    assert settings.store == "dynamodb" and settings.default_locale == "en-GB"
    assert Settings.from_env({"STEADY_STORE": "SQLite", "STEADY_VERIFY": "ON"}).verify is True


def test_empty_variables_count_as_unset() -> None:
    assert Settings.from_env(dict.fromkeys(VALID, "")) == Settings()
    assert Settings.from_env({"STEADY_PORT": "  "}) == Settings()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("STEADY_PORT", "0", "must be a whole number from 1 to 65535"),
        ("STEADY_PORT", "65536", "must be a whole number from 1 to 65535"),
        ("STEADY_PORT", "5e3", "must be a whole number from 1 to 65535"),
        ("STEADY_THREADS", "1000", "must be a whole number from 1 to 256"),
        ("STEADY_READ_TIMEOUT", "0.5", "must be a number of seconds from 1 to 300"),
        ("STEADY_VERIFY", "nope", "must be `on` or `off`"),
        ("STEADY_RENDER_ON_DEMAND", "maybe", "must be `on` or `off`"),
        ("STEADY_STORE", "redis", "must be one of `sqlite`, `dynamodb`"),
        ("STEADY_SPEECH_ENGINE", "say", "must be one of `pyttsx3`, `espeak`, `piper`, `polly`"),
        ("STEADY_LOCALE", "fr-FR", "must be one of `en-US`, `en-CA`, `en-GB`, `en-AU`, `en-IN`"),
        ("STEADY_SKILL_ID", "amzn1.ask.skill.", "must be a skill id"),
        ("STEADY_SKILL_ID", "12345", "must be a skill id"),
        ("STEADY_AUDIO_BASE_URL", "http://example.org/audio/", "must be an https:// URL"),
        ("STEADY_AUDIO_BASE_URL", "https://", "must be an https:// URL"),
        ("STEADY_AUDIO_S3", "https://bucket/audio", "must be `s3://bucket`"),
        ("STEADY_AUDIO_S3", "s3://Not_A_Bucket/audio", "must be `s3://bucket`"),
        ("STEADY_DYNAMODB_TABLE", "ab", "must be a DynamoDB table name"),
        ("STEADY_DB", str(REPO), "is a folder; a file is needed"),
        ("STEADY_AUDIO_DIR", str(REPO / "README.md"), "is a file; a folder is needed"),
        ("STEADY_SCRIPTS", str(REPO / "no-such-folder"), "no such folder"),
        ("STEADY_MAX_BODY_BYTES", "100", "must be a whole number from 4096 to 10485760"),
        ("STEADY_LOG_FORMAT", "xml", "must be one of `json`, `text`"),
    ],
)
def test_a_wrong_value_names_its_variable_and_what_is_allowed(
    name: str, value: str, message: str
) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({name: value})
    (problem,) = raised.value.problems
    assert problem.startswith(f"{name}={value}: {message}")


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"STEADY_PORT": "x", "STEADY_WORKERS": "x", "STEADY_VERIFY": "x"})
    assert [p.split("=")[0] for p in raised.value.problems] == [
        "STEADY_PORT",
        "STEADY_WORKERS",
        "STEADY_VERIFY",
    ]


def test_the_secret_is_never_shown() -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"STEADY_ID_SECRET": "too short"})
    assert raised.value.problems == [
        "STEADY_ID_SECRET=(hidden): must be at least 32 characters, no spaces "
        "(e.g. `openssl rand -hex 32`)"
    ]
    settings = Settings.from_env({"STEADY_ID_SECRET": "s" * 40})
    assert settings.id_secret == "s" * 40 and "sss" not in repr(settings)


def test_dynamodb_needs_its_table() -> None:
    alone = Settings.from_env({"STEADY_STORE": "dynamodb"})  # each value is fine by itself
    assert incomplete(alone) == [
        "STEADY_DYNAMODB_TABLE: must be set when STEADY_STORE is `dynamodb`"
    ]
    both = {"STEADY_STORE": "dynamodb", "STEADY_DYNAMODB_TABLE": "steady-state"}
    assert incomplete(Settings.from_env(both)) == incomplete(Settings()) == []


def test_flags_override_the_environment_and_are_checked_the_same_way() -> None:
    env = {"STEADY_PORT": "8080", "STEADY_VERIFY": "on"}
    settings = Settings.from_env(env, port=9090, verify=False, db_path="x.sqlite3", host=None)
    assert (settings.port, settings.verify, settings.db_path) == (9090, False, Path("x.sqlite3"))
    assert settings.host == "127.0.0.1"  # None: the flag was not given
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({}, port=0)
    assert raised.value.problems == [
        "--port 0 (or STEADY_PORT): must be a whole number from 1 to 65535"
    ]


def test_settings_kept_out_of_the_environment_are_only_for_code() -> None:
    in_table = {row.field for row in VARIABLES}
    assert {f.name for f in fields(Settings)} - in_table == {"alexa_api_hosts", "alexa_api_http"}


def test_the_speech_engines_are_the_ones_the_audio_layer_knows() -> None:
    assert tuple(ENGINES) == SPEECH_ENGINES


@pytest.mark.parametrize("document", ["docs/serving.md", "README.md"])
def test_the_docs_carry_the_settings_table_as_the_code_prints_it(document: str) -> None:
    text = (REPO / document).read_text(encoding="utf-8")
    assert settings_table() in text, f"paste `python -m skill.settings` into {document}"
    for row in VARIABLES:
        assert f"`{row.name}`" in text
