"""One step of the conversation in progress: the event, the state it changes, and helpers.

Pure: a Turn holds plain objects and builds plain replies; the rules' responders change its
session and user state, and `Conversation.step` turns the result into an Outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from skill.core.answers import AnswerReader
from skill.core.conversation.actions import Play, Speak
from skill.core.conversation.events import Event
from skill.core.engine import Budget, Segment, next_segment, position_heard
from skill.core.handsfree import NoTracks, TrackLookup
from skill.core.offers import Offers
from skill.core.people import Person, Resume
from skill.core.phrases import Phrases
from skill.core.position import Position
from skill.core.preferences import Control, Preferences
from skill.core.script import Script, ScriptLibrary
from skill.core.selection import ChoiceWords
from skill.core.state import Mode, SessionState, UserState
from skill.core.timeline import Timeline
from skill.record import mutable_record

if TYPE_CHECKING:  # the needs load with the first words (content/bundle.py)
    from skill.core.needs import Needs


class Knowledge(Protocol):
    """What the conversation knows of one locale (a content LocaleBundle is one)."""

    @property
    def library(self) -> ScriptLibrary: ...
    @property
    def phrases(self) -> Phrases: ...
    @property
    def answers(self) -> AnswerReader: ...
    @property
    def choosing(self) -> ChoiceWords: ...
    @property
    def offers(self) -> Offers: ...
    @property
    def controls(self) -> Mapping[str, str]: ...
    @property
    def voices(self) -> Mapping[str, str]: ...
    @property
    def needs(self) -> Needs: ...


@mutable_record
class Turn:
    """The conversation while it answers one event."""

    event: Event
    knowledge: Knowledge
    budget: Budget
    session: SessionState
    user: UserState
    store: bool = False
    """Whether `user` changed and should be saved."""
    forget: bool = False
    """Whether everything stored about the person is to be deleted."""
    stop_audio: bool = False
    """Whether a playing track must stop."""
    tracks: TrackLookup = field(default_factory=NoTracks)
    """Rendered tracks of hands-free scripts."""
    kept: bool = True
    """Whether the stored state could be read (see `State.kept`)."""
    play: Play | None = None
    """A track to hand to the device's audio player."""
    drop_reminders: list[str] = field(default_factory=list)
    """Tokens of reminders to delete at Amazon (their person is gone)."""

    # -- reading ---------------------------------------------------------------------------------

    @property
    def phrases(self) -> Phrases:
        return self.knowledge.phrases

    @property
    def library(self) -> ScriptLibrary:
        return self.knowledge.library

    @property
    def script(self) -> Script | None:
        """The exercise this session is about, if any."""
        return self.library.get(self.session.script_id) if self.session.script_id else None

    def offered(self) -> list[Script]:
        """The scripts just offered as a choice, in the order they were offered."""
        return [s for s in map(self.library.get, self.session.choices) if s is not None]

    def say(self, key: str, **values: object) -> str:
        """A phrase variant, chosen by this event's seed."""
        return self.phrases.say(key, self.event.seed, **values)

    def speech(self, key: str, **values: object) -> Timeline:
        """A phrase variant as the start of a reply."""
        return Timeline().say(self.say(key, **values))

    # -- preferences and places ------------------------------------------------------------------

    @property
    def person(self) -> Person:
        """Whom this session is for: their preferences and their place in an exercise."""
        return self.user.person(self.session.person)

    def can_do(self, control: Control) -> bool:
        """Whether this locale can do what a control asks: a voice of the kind asked for, say.
        Every other control always can."""
        kind = Preferences().with_control(control).voice
        return kind is None or kind in self.knowledge.voices

    @property
    def preferences(self) -> Preferences:
        """The preferences in force: this session's, or the listener's stored ones."""
        return self.session.preferences or self.person.preferences

    def change_preferences(self, new: Preferences, remember: bool = True) -> None:
        """Apply for the rest of the session and, when `remember`, for next time too."""
        self.session.preferences = new
        if remember:
            self.person.preferences = new
            self.store = True

    def intro(self, script: Script) -> str:
        """The words that open an exercise ("Here's Box breathing.")."""
        return self.phrases.say("start", script.id, title=script.title)

    def segment(self, script: Script, intro: bool = False) -> Segment:
        """The next segment of `script` from the session's position."""
        opening = self.intro(script) if intro else None
        return next_segment(script, self.session.at, self.preferences, self.budget, opening)

    def heard_position(self) -> Position:
        """Where the listener had got to in the last segment when this event interrupted it:
        the step being heard, estimated from the time between the two requests."""
        session, script, now = self.session, self.script, self.event.time
        if script is None or session.segment_sent is None or now is None:
            return session.segment_start
        try:
            sent = datetime.fromisoformat(session.segment_sent)
        except ValueError:
            return session.segment_start
        elapsed = (now - sent).total_seconds()
        opening = self.intro(script) if session.segment_intro else None
        segment = next_segment(
            script, session.segment_start, self.preferences, self.budget, opening
        )
        return position_heard(segment, elapsed)

    def remember_stop(self) -> None:
        """Keep where an unfinished exercise stopped, so the next launch can offer to resume."""
        script = self.script
        if script is None or self.session.mode not in (Mode.EXERCISE, Mode.PAUSED):
            return
        if self.session.at.step >= len(script.steps):
            self.person.resume = None
        else:
            # At an open question, pick up at that question; otherwise replay the segment
            # that was interrupted, since its end may not have been heard.
            at = self.session.at if self.session.waiting else self.heard_position()
            self.person.resume = Resume(script.id, at)
        self.store = True

    # -- replies ---------------------------------------------------------------------------------

    def reply(self, speech: Timeline, reprompt: str | None = None, end: bool = False) -> Speak:
        """Speech, and either a reprompt (listening) or the end of the session."""
        again = Timeline().say(reprompt) if reprompt and not end else None
        return Speak(None if speech.empty else speech, again, listen=not end)

    @staticmethod
    def silence() -> Speak:
        """Nothing said, nothing asked (events that must not speak)."""
        return Speak(None)
