"""One locale's content, loaded once: the LocaleBundle the conversation and the crisis check use.

Every per-locale data file is found down the locale's fallback chain (en-GB, en, the default
language) and read once per process. A server loads every published locale's bundle whole when
it is built, so no listener's first request pays for it; a Lambda cold start loads only what
its one request needs (the crisis check, the needs and the control words wait for words).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from skill.content.files import data_file, model_file, scripts_for
from skill.content.locales import DEFAULT_LOCALE, LOCALES, language_of, well_formed
from skill.content.problems import Problem, errors
from skill.content.reading import data_mapping
from skill.content.script_loader import ScriptLoader
from skill.content.snapshot import remembered
from skill.core.answers import AnswerReader
from skill.core.offers import Offers
from skill.core.phrases import Phrases
from skill.core.safety.helplines import HelplineDirectory
from skill.core.safety.replies import CrisisWording
from skill.core.script import BreathCues, ScriptLibrary
from skill.core.selection import ChoiceWords
from skill.core.wordlists import plain_words
from skill.record import record

if TYPE_CHECKING:
    from skill.core.needs import Needs
    from skill.core.safety.classifier import CrisisClassifier


class InvalidScripts(Exception):
    """The script files have errors; the skill must not start on them."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(errors(problems))} problems in exercise scripts")
        self.problems = problems


@record
class LocaleBundle:
    """Everything the skill says and understands in one locale."""

    locale: str
    library: ScriptLibrary
    phrases: Phrases
    answers: AnswerReader
    choosing: ChoiceWords
    offers: Offers
    crisis_wording: CrisisWording
    helplines: HelplineDirectory
    voices: Mapping[str, str]
    """The voices a person may choose here, by kind ("man": "Matthew")."""

    # Loaded on first use: a request with no words (a launch, "stop", a playback event) is
    # answered without them, so a cold start that answers a launch does not pay for them.

    @cached_property
    def classifier(self) -> CrisisClassifier:
        """The crisis check, which keeps its answers for the names of this library's scripts."""
        from skill.content.crisis_check import classifier  # with the first words said

        check = classifier(self.locale)
        check.remember(name for script in self.library for name in (script.title, *script.aliases))
        return check

    @cached_property
    def controls(self) -> Mapping[str, str]:
        """Every spelling of a spoken control, and its id (`control_words`)."""
        return control_words(self.locale)

    @cached_property
    def needs(self) -> Needs:
        """Everyday words for what people want, and what answers them."""
        return needs(self.locale)

    def load_all(self) -> None:
        """Load what is otherwise loaded on first use (for a process that loads ahead)."""
        _ = self.classifier, self.controls, self.needs


@cache
def phrases(locale: str) -> Phrases:
    """The phrase table of a locale."""
    path = data_file("phrases.yaml", locale)
    return Phrases(data_mapping(path))


@cache
def answers(locale: str) -> AnswerReader:
    """How answers are read in a locale."""
    return AnswerReader.from_data(data_mapping(data_file("answers.yaml", locale)))


@cache
def crisis_wording(locale: str) -> CrisisWording:
    """What the skill says to a crisis in a locale."""
    return CrisisWording.from_data(data_mapping(data_file("crisis_replies.yaml", locale)))


@cache
def helplines() -> HelplineDirectory:
    """Every country's helplines and which countries each locale means."""
    return HelplineDirectory.from_data(data_mapping(data_file("helplines.yaml")))


@cache
def offers() -> Offers:
    """Which exercises are offered at particular moments."""
    return Offers.from_data(data_mapping(data_file("offers.yaml")))


@cache
def choosing(locale: str) -> ChoiceWords:
    """Words for picking from an offer."""
    return ChoiceWords.from_data(data_mapping(data_file("choosing.yaml", locale)))


@cache
def breath_cues(locale: str) -> BreathCues:
    """What a paced breath says at each phase, unless a script says otherwise."""
    data = data_mapping(data_file("breath_cues.yaml", locale))
    return BreathCues(str(data["in"]), str(data["hold"]), str(data["out"]), str(data["rest"]))


def script_loader(locale: str = DEFAULT_LOCALE) -> ScriptLoader:
    """A loader for a locale's script files."""
    return ScriptLoader(breath_cues(locale))


def library(locale: str, root: Path | None = None) -> ScriptLibrary:
    """The scripts of a locale's language; raises InvalidScripts listing every error."""
    return _library(scripts_for(locale, root), breath_cues(locale))


@cache
def _library(folder: Path, cues: BreathCues) -> ScriptLibrary:
    found, problems = ScriptLoader(cues).load_paths([folder])
    if errors(problems):
        raise InvalidScripts(problems)
    return found


def published_locale(locale: str | None) -> str:
    """The published locale whose content serves a request's locale: its own, else the first of
    its language, else the default (also for no locale, or one that is not well formed).
    Content is never loaded once per string a request carries."""
    written = well_formed(locale)
    if written is None:
        return DEFAULT_LOCALE
    if written in LOCALES:
        return written
    language = language_of(written)
    return next((known for known in LOCALES if language_of(known) == language), DEFAULT_LOCALE)


@cache
def bundle(locale: str, scripts_root: Path | None = None) -> LocaleBundle:
    """Everything of one published locale, loaded once per process."""
    return LocaleBundle(
        locale=locale,
        library=library(locale, scripts_root),
        phrases=phrases(locale),
        answers=answers(locale),
        choosing=choosing(locale),
        offers=offers(),
        crisis_wording=crisis_wording(locale),
        helplines=helplines(),
        voices=voices(locale),
    )


def needs(locale: str) -> Needs:
    """A locale's everyday words for needs, descriptions and history (needs.yaml), written out
    by the same normaliser as the crisis check's; read once per file, not once per locale."""
    return _needs(data_file("needs.yaml", locale), data_file("words.yaml", locale))


@cache
def _needs(needs_path: Path, words_path: Path) -> Needs:
    from skill.content.crisis_check import words_normaliser  # with the first words said
    from skill.core.needs_data import needs_from_data

    data = data_mapping(needs_path)
    normalise = words_normaliser(words_path).normalise
    written: dict[str, str] = remembered(
        "needs-words",
        (needs_path.read_bytes(), words_path.read_bytes()),
        lambda: {text: normalise(text) for text in sorted(_texts(data))},
    )
    found = needs_from_data(data, lambda text: written.get(text) or normalise(text))
    return dataclasses.replace(found, normalise=normalise)  # what people say: the normaliser


def _texts(data: object) -> set[str]:
    """Every value in the data, as text: what `needs_from_data` gives the normaliser."""
    found: set[str] = set()
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        else:
            found.add(str(item))
    return found


def voices(locale: str) -> Mapping[str, str]:
    """The Alexa voice of each kind a person may choose in a locale (data/voices.yaml)."""
    by_locale = data_mapping(data_file("voices.yaml"))["alexa"]
    found = by_locale.get(locale, {}) if isinstance(by_locale, dict) else {}
    return {str(kind): str(name) for kind, name in found.items()}


def engine_voices(engine: str) -> Mapping[str, str]:
    """A speech engine's own voice of each kind, for hands-free tracks (data/voices.yaml)."""
    by_engine = data_mapping(data_file("voices.yaml"))["engines"]
    found = by_engine.get(engine, {}) if isinstance(by_engine, dict) else {}
    return {str(kind): str(name) for kind, name in found.items()}


@cache
def control_words(locale: str) -> Mapping[str, str]:
    """Every spelling of a spoken control in the locale's interaction model, and its id:
    Alexa may deliver "slower for my mum" as an exercise for someone, and the words still say
    which control was meant."""
    model = json.loads(model_file(locale).read_text(encoding="utf-8"))
    types = model["interactionModel"]["languageModel"]["types"]
    found: dict[str, str] = {}
    for value in next(t for t in types if t["name"] == "CONTROL_SETTING")["values"]:
        name = value["name"]
        for spelling in (name["value"], *name.get("synonyms", [])):
            found[plain_words(spelling)] = value["id"]
    return found
