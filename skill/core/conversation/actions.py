"""What the conversation decides: its new state, and the actions for the adapters to carry out."""

from __future__ import annotations

from enum import StrEnum

from skill.core.safety.categories import Category
from skill.core.safety.replies import Wording
from skill.core.state import SessionState, UserState
from skill.core.timeline import Timeline
from skill.record import record


@record
class SpeakHelp:
    """Crisis wording with the helplines of where the person is. The adapter finds the device's
    country (a network call, made only here) and composes the words from the helplines."""

    wording: Wording
    category: Category
    in_company: bool = False
    """The session is someone else's: the reply speaks to whoever is in the room too (C6)."""


class ReminderOp(StrEnum):
    SET = "set"
    LIST = "list"
    CANCEL = "cancel"


@record
class SpeakReminders:
    """Set, list or cancel daily reminders through Alexa's Reminders API. The adapter makes the
    calls (a network call, made only here), keeps the reminders' tokens with the person, and
    says how it went, with the permissions card when the permission is missing."""

    op: ReminderOp
    person: str
    """Whose reminder (a key of the account's people)."""
    name: str | None = None
    """How to call them in the reminder ("Mum"); None for the account holder."""
    at: str | None = None
    """The time of day, "HH:MM"."""
    exercise: str | None = None
    """The exercise's title, when one was named."""


@record
class DropReminders:
    """Delete these reminders at Amazon: their person was removed, or the account forgotten.
    Best effort (a network call, made only by the adapter): what can't be reached is logged."""

    tokens: tuple[str, ...]


@record
class Speak:
    """What to say, and whether to listen for an answer afterwards."""

    speech: Timeline | SpeakHelp | SpeakReminders | None
    """None: say nothing."""
    reprompt: Timeline | None = None
    """Said if the listener stays quiet; only when listening."""
    listen: bool = False
    """Keep the session open (otherwise it ends after the speech)."""
    voice: str | None = None
    """The kind of voice the listener chose ("man"), for the adapter to speak in; None for the
    usual voice. Crisis replies are always in the usual voice."""


@record
class Store:
    """Save what is kept between sessions."""

    user: UserState


@record
class Forget:
    """Delete everything stored about this person (P3)."""


@record
class StopAudio:
    """Stop the device's audio player before speaking (a crisis while a track plays, C2)."""


@record
class Play:
    """Hand a rendered track to the device's audio player, from `offset_ms`, replacing whatever
    it holds. The adapter turns the track's key into an HTTPS address."""

    track: str
    """The rendered track's key."""
    token: str
    offset_ms: int
    title: str


Action = Speak | Store | Forget | StopAudio | Play | DropReminders


@record
class State:
    """The conversation's state: this session's, and what is kept between sessions."""

    session: SessionState
    user: UserState
    kept: bool = True
    """Whether what is kept between sessions could be read. When it could not, `user` is a
    stand-in: nothing is saved over the store, so nothing may be promised for next time."""


@record
class Outcome:
    """The state after an event, and what to do about it."""

    state: State
    actions: tuple[Action, ...]
    rule: str = ""
    """The name of the rule that answered (for the log line)."""

    @property
    def speak(self) -> Speak:
        """The one thing said (silence when nothing is)."""
        return next((a for a in self.actions if isinstance(a, Speak)), Speak(None))
