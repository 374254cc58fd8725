"""One request's way through the skill: its content, state and event in, its outcome out."""

from __future__ import annotations

from pathlib import Path

from ask_sdk_core.handler_input import HandlerInput

from skill.alexa.persist import Stored
from skill.content.bundle import LocaleBundle, bundle, published_locale
from skill.content.locales import LOCALES, well_formed
from skill.core.conversation.actions import Outcome, State
from skill.core.conversation.events import Event
from skill.core.conversation.rules import Conversation
from skill.core.handsfree import TrackLookup
from skill.record import mutable_record
from skill.speech.ssml import ResponseBudget

EXCHANGE_KEY = "steady.exchange"


@mutable_record
class Exchange:
    """Prepared by the request interceptor, answered by a handler, kept by the response one."""

    locale: str
    """The request's own locale, written the one way: it picks the helplines ("en-NZ" is New
    Zealand's). One that is not well formed is replaced by the locale of the content."""
    bundle: LocaleBundle
    conversation: Conversation
    state: State
    event: Event | None
    """None for requests that are not part of the conversation (system events)."""
    started: float
    stored: Stored | None = None
    """The stored document as read (None: the store could not be read this turn)."""
    outcome: Outcome | None = None

    def __post_init__(self) -> None:
        self.locale = well_formed(self.locale) or self.bundle.locale


def exchange_of(handler_input: HandlerInput) -> Exchange | None:
    """The exchange the request interceptor prepared, if it ran."""
    found = handler_input.attributes_manager.request_attributes.get(EXCHANGE_KEY)
    return found if isinstance(found, Exchange) else None


class Conversations:
    """The conversation of every locale, each on its locale's content, built once."""

    def __init__(
        self,
        default_locale: str,
        scripts_root: Path | None = None,
        tracks: TrackLookup | None = None,
    ) -> None:
        self.default_locale = default_locale
        self._root = scripts_root
        self._tracks = tracks
        self._built: dict[str, tuple[LocaleBundle, Conversation]] = {}

    def preload(self) -> None:
        """Load every published locale now, with the parts a bundle loads on first use (raises
        InvalidScripts on broken scripts), so no listener's first request pays for it."""
        for locale in dict.fromkeys((self.default_locale, *LOCALES)):
            content, _ = self.for_locale(locale)
            content.load_all()

    def for_locale(self, locale: str | None) -> tuple[LocaleBundle, Conversation]:
        """The content and conversation that serve a request's locale (the default when it
        names none); one per published locale, whatever the request says."""
        published = published_locale(well_formed(locale) or self.default_locale)
        built = self._built.get(published)
        if built is None:
            content = bundle(published, self._root)
            built = content, Conversation(content, ResponseBudget(), self._tracks)
            self._built[published] = built
        return built
