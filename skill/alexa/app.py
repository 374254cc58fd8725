"""Building the skill object that both the web server and the Lambda handler run."""

from __future__ import annotations

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder

from skill.alexa.country import CountryLookup
from skill.alexa.errors import CalmErrors
from skill.alexa.exchange import Conversations
from skill.alexa.handlers import ConversationTurns, PlaybackEvents, SystemEvents
from skill.alexa.interceptors import KeepTurn, ReadTurn
from skill.settings import Settings


def build_skill(
    settings: Settings, adapter: AbstractPersistenceAdapter | None = None
) -> CustomSkill:
    """The skill, with the embedded SQLite store unless another adapter is given.

    Every published locale's content is loaded here, so broken scripts stop the skill from
    starting (InvalidScripts) and no listener's first request pays for loading.
    """
    if adapter is None:
        from skill.store.sqlite import SqliteAdapter

        adapter = SqliteAdapter(settings.db_path, retention_days=settings.retention_days)
    conversations = Conversations(settings.default_locale, settings.scripts_dir)
    conversations.preload()
    lookup = CountryLookup(settings.alexa_api_hosts, allow_http=settings.alexa_api_http)
    builder = CustomSkillBuilder(persistence_adapter=adapter)
    builder.skill_id = settings.skill_id  # type: ignore[assignment]
    builder.add_global_request_interceptor(ReadTurn(conversations))
    builder.add_global_response_interceptor(KeepTurn())
    builder.add_request_handler(ConversationTurns(lookup))
    builder.add_request_handler(PlaybackEvents(lookup))
    builder.add_request_handler(SystemEvents())
    builder.add_exception_handler(CalmErrors())
    skill: CustomSkill = builder.create()
    return skill
