"""Building the skill object that both the web server and the Lambda handler run."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder

from skill.alexa.country import CountryLookup
from skill.alexa.errors import CalmErrors
from skill.alexa.exchange import Conversations
from skill.alexa.handlers import ConversationTurns, PlaybackEvents, SystemEvents
from skill.alexa.interceptors import KeepTurn, ReadTurn
from skill.alexa.reminders import RemindersApi
from skill.core.handsfree import TrackLookup
from skill.settings import Settings

if TYPE_CHECKING:
    from skill.audio.engines.base import SpeechEngine


STORES = ("sqlite", "dynamodb")


def store_for(settings: Settings) -> AbstractPersistenceAdapter:
    """The persistence adapter the settings choose, filing state under keyed hashes of user ids
    (skill.store.keys); boto3 is imported only for DynamoDB."""
    from skill.store.keys import PLAIN, IdKeys, Rekeyed, secret_file

    secret = settings.id_secret.encode() if settings.id_secret else None
    if settings.store == "sqlite":
        from skill.store.sqlite import SqliteAdapter

        adapter = SqliteAdapter(settings.db_path, retention_days=settings.retention_days)
        if secret is not None:
            return Rekeyed(adapter, IdKeys(secret))
        return Rekeyed(adapter, secret=secret_file(settings.db_path))
    if settings.store == "dynamodb":
        if not settings.dynamodb_table:
            raise ValueError("STEADY_STORE=dynamodb needs STEADY_DYNAMODB_TABLE (the table name)")
        from skill.store.dynamodb import DynamoDbAdapter

        table = DynamoDbAdapter(settings.dynamodb_table, retention_days=settings.retention_days)
        if secret is None:
            logging.getLogger("steady").warning(
                "STEADY_ID_SECRET is not set: DynamoDB items stay keyed by a plain SHA-256 of the "
                "user id; set it to key them with HMAC-SHA256 (items move on their next read)"
            )
        return Rekeyed(table, IdKeys(secret) if secret else PLAIN)
    raise ValueError(f"STEADY_STORE must be one of {', '.join(STORES)}, not {settings.store!r}")


def local_tracks(settings: Settings) -> TrackLookup:
    """The rendered tracks made by the configured speech engine: in `settings.audio_dir`, or,
    when `settings.audio_s3` names a bucket (Lambda has no track folder), uploaded there."""
    from skill.audio.engines import make_engine
    from skill.content.bundle import engine_voices

    def engine(kind: str | None) -> SpeechEngine:
        """The configured engine, in its own voice of the kind a listener chose where it has
        one (data/voices.yaml), else in the configured voice."""
        own = engine_voices(settings.speech_engine).get(kind) if kind else None
        return make_engine(settings.speech_engine, own or settings.speech_voice)

    if settings.audio_s3:
        from skill.audio.s3_tracks import S3Tracks

        return S3Tracks.at(settings.audio_s3, engine)
    from skill.audio.tracks import LocalTracks, TrackStore

    return LocalTracks(TrackStore(settings.audio_dir), engine, settings.render_on_demand)


def build_skill(
    settings: Settings,
    adapter: AbstractPersistenceAdapter | None = None,
    tracks: TrackLookup | None = None,
    every_locale: bool = True,
) -> CustomSkill:
    """The skill, with the embedded SQLite store unless another adapter is given.

    Hands-free scripts are streamed when `settings.audio_base_url` says where devices can
    fetch tracks; `tracks` finds them (by default, the rendered tracks in `settings.audio_dir`,
    rendered on demand by `settings.speech_engine` when `settings.render_on_demand`).

    Every published locale's content is loaded here, so broken scripts stop the skill from
    starting (InvalidScripts) and no listener's first request pays for loading. With
    `every_locale` off (a Lambda instance started for the request that is waiting), only the
    default locale's is, which checks every script; each other locale loads on its first
    request (about 3 ms each).
    """
    if adapter is None:
        adapter = store_for(settings)
    if settings.audio_base_url is None:
        tracks = None
    elif tracks is None:
        tracks = local_tracks(settings)
    conversations = Conversations(settings.default_locale, settings.scripts_dir, tracks)
    if every_locale:
        conversations.preload()
    else:
        conversations.for_locale(settings.default_locale)
    lookup = CountryLookup(settings.alexa_api_hosts, allow_http=settings.alexa_api_http)
    builder = CustomSkillBuilder(persistence_adapter=adapter)
    builder.skill_id = settings.skill_id  # type: ignore[assignment]
    builder.add_global_request_interceptor(ReadTurn(conversations, adapter))
    builder.add_global_response_interceptor(KeepTurn(adapter))
    base = settings.audio_base_url
    reminders = RemindersApi(settings.alexa_api_hosts, allow_http=settings.alexa_api_http)
    builder.add_request_handler(ConversationTurns(lookup, base, reminders))
    builder.add_request_handler(PlaybackEvents(lookup, base, reminders))
    builder.add_request_handler(SystemEvents())
    builder.add_exception_handler(CalmErrors())
    skill: CustomSkill = builder.create()
    return skill


def build_prepared_skill(settings: Settings) -> CustomSkill:
    """The skill, with what it otherwise loads on first need loaded now (the whole crisis
    check): for an instance prepared before anyone waits (skill/lambda_function.py)."""
    from skill.content.crisis_check import prepare_crisis_checks

    skill = build_skill(settings)
    prepare_crisis_checks()
    return skill
