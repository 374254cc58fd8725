"""Building the skill object that both the web server and the Lambda handler run."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder

from skill.country import CountryLookup
from skill.handlers import all_handlers
from skill.handlers.errors import CalmErrors
from skill.helplines import HelplineDirectory
from skill.interceptors import LoadTurn, LogTurn, SaveTurn
from skill.problems import Problem, errors
from skill.safety import classifier_for
from skill.scripts import ScriptLibrary, ScriptLoader
from skill.settings import Settings


class InvalidScripts(Exception):
    """The script files have errors; the skill must not start on them."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(errors(problems))} problems in exercise scripts")
        self.problems = problems


@cache
def _load(folder: Path) -> tuple[ScriptLibrary, tuple[Problem, ...]]:
    library, problems = ScriptLoader().load_paths([folder])
    return library, tuple(problems)


def load_library(scripts_dir: Path, language: str = "en") -> ScriptLibrary:
    """The scripts of one language; raises InvalidScripts listing every error."""
    folder = scripts_dir / language
    if not folder.is_dir():
        folder = scripts_dir / "en"
    library, problems = _load(folder)
    if errors(list(problems)):
        raise InvalidScripts(list(problems))
    return library


def build_skill(
    settings: Settings, adapter: AbstractPersistenceAdapter | None = None
) -> CustomSkill:
    """The skill, with the embedded SQLite store unless another adapter is given."""
    if adapter is None:
        from skill.store.sqlite import SqliteAdapter

        adapter = SqliteAdapter(settings.db_path, retention_days=settings.retention_days)
    load_library(settings.scripts_dir)  # refuse to build on invalid scripts
    # Pay the one-time loading costs now rather than on a listener's first request.
    classifier_for(settings.default_locale.split("-")[0])
    HelplineDirectory.load()

    def library_for(locale: str) -> ScriptLibrary:
        return load_library(settings.scripts_dir, locale.split("-")[0].lower())

    builder = CustomSkillBuilder(persistence_adapter=adapter)
    builder.skill_id = settings.skill_id  # type: ignore[assignment]
    lookup = CountryLookup(settings.alexa_api_hosts, allow_http=settings.alexa_api_http)
    builder.add_global_request_interceptor(LoadTurn(library_for, settings.default_locale, lookup))
    builder.add_global_response_interceptor(SaveTurn())
    builder.add_global_response_interceptor(LogTurn())
    for request_handler in all_handlers():
        builder.add_request_handler(request_handler)
    builder.add_exception_handler(CalmErrors())
    skill: CustomSkill = builder.create()
    return skill
