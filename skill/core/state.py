"""What the skill remembers: across sessions (per user) and within one session."""

from __future__ import annotations

import re
from collections.abc import Container, Mapping
from dataclasses import field
from datetime import datetime
from enum import StrEnum
from typing import Any

from skill.core.people import SELF, Person, Playing, Resume
from skill.core.position import Position
from skill.core.preferences import Preferences
from skill.core.script import Expect
from skill.record import mutable_record, record

STATE_VERSION = 2
"""2: people (the account holder and people added by name), each with their own state."""


@mutable_record
class UserState:
    """Kept between sessions, per account: the account holder and the people added to it.
    Never holds what a person said (safety.md P1)."""

    first_visit_done: bool = False
    people: dict[str, Person] = field(default_factory=lambda: {SELF: Person()})

    @classmethod
    def of(
        cls,
        first_visit_done: bool = False,
        resume: Resume | None = None,
        preferences: Preferences | None = None,
        playing: Playing | None = None,
    ) -> UserState:
        """An account with its holder alone, as every account was before people."""
        holder = Person(None, preferences or Preferences(), resume, playing)
        return cls(first_visit_done, {SELF: holder})

    def person(self, key: str = SELF) -> Person:
        """The person with this key (the holder, if there is no such person any more)."""
        found = self.people.get(key) or self.people.get(SELF)
        if found is None:
            found = self.people[SELF] = Person()
        return found

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the persistence adapter."""
        return {
            "version": STATE_VERSION,
            "first_visit_done": self.first_visit_done,
            "people": {key: person.to_dict() for key, person in self.people.items()},
        }

    @classmethod
    def from_dict(cls, data: Any) -> UserState:
        """Read stored data of any version; what can't be read falls back to defaults.

        Version 1 (before people) kept the holder's preferences, resume point and track at the
        top level; they become the holder's own."""
        if not isinstance(data, dict):
            return cls()
        people = data.get("people")
        if isinstance(people, dict):
            found = {str(k): Person.from_dict(v) for k, v in people.items()}
        else:
            found = {SELF: Person.from_dict({**data, "name": None})}
        found.setdefault(SELF, Person())
        found[SELF].name = None
        return cls(bool(data.get("first_visit_done", False)), found)


class Mode(StrEnum):
    """What the conversation is doing right now."""

    MENU = "menu"
    EXERCISE = "exercise"
    PAUSED = "paused"
    CHOOSING = "choosing"
    RESUME_OFFER = "resume_offer"
    FINISHED = "finished"
    CRISIS = "crisis"
    CONFIRM_DELETE = "confirm_delete"
    CONFIRM_REMOVE = "confirm_remove"
    """ "Remove Grandpa?" was asked; the session's offer holds his key."""
    REMINDER_TIME = "reminder_time"
    """ "What time should the reminder be?" was asked; the session's offer holds whose reminder
    it is, and its script the exercise to be reminded of, if one was named."""


_MODES, _EXPECTS = frozenset(Mode), frozenset(Expect)  # built once, not on every request


class BadSession(ValueError):
    """Session attributes the skill did not write. `field` names the first wrong one; the
    message never holds its value, which may be what a person said (safety.md P2)."""

    def __init__(self, field: str) -> None:
        super().__init__(f"session attribute {field!r} is not one the skill writes")
        self.field = field


@record
class KnownContent:
    """What session attributes may name in one locale (`SessionState.checked`)."""

    steps: Mapping[str, int]
    """Every script's id, and how many steps it has."""
    replies: Container[str] = frozenset()
    """Phrase keys said with no values filled in: what `last_reply` may hold."""
    crises: Container[str] = frozenset()
    """Crisis categories: what `crisis` may hold."""


_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
"""How a person's key (`people.identify`) and a control id are written."""
_UNDER_WAY = frozenset({Mode.EXERCISE, Mode.PAUSED})
"""Modes in which an exercise goes on: its script and its positions belong together."""


@mutable_record
class SessionState:
    """Kept in session attributes for the length of one conversation."""

    mode: Mode = Mode.MENU
    script_id: str | None = None
    at: Position = field(default_factory=Position)
    """Where the exercise goes on from (the end of the last segment)."""
    segment_start: Position = field(default_factory=Position)
    """Where the last segment began, for "repeat" and "go back"."""
    waiting: str | None = None
    """What the last question listens for ("anything" or "feeling"), if one is open."""
    choices: list[str] = field(default_factory=list)
    last_reply: str = ""
    """A key for repeating what was said when no exercise is running."""
    crisis: str | None = None
    """The category of the last crisis reply, for "repeat the number"."""
    preferences: Preferences | None = None
    """Preferences for this session only (after distress, say); None: the stored ones."""
    offer: str | None = None
    """Something just offered that "yes" would accept (a control id), or whom a pending
    question is about (a person's key)."""
    followup: bool = False
    """The open question is an optional follow-up to a feeling just named."""
    segment_sent: str | None = None
    """When the last segment was sent (the request's timestamp), to tell how far a listener
    got before interrupting it."""
    segment_intro: bool = False
    """Whether the last segment began with the exercise's introduction."""
    person: str = SELF
    """Whom this session is for (a key of `UserState.people`)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode.value,
            "script": self.script_id,
            "at": self.at.to_dict(),
            "segment_start": self.segment_start.to_dict(),
            "waiting": self.waiting,
            "choices": list(self.choices),
            "last_reply": self.last_reply,
            "crisis": self.crisis,
            "preferences": self.preferences.to_dict() if self.preferences else None,
            "offer": self.offer,
            "followup": self.followup,
            "segment_sent": self.segment_sent,
            "segment_intro": self.segment_intro,
            "person": self.person,
        }

    @classmethod
    def from_dict(cls, data: Any) -> SessionState:
        """Read back what `to_dict` wrote; anything else is a fresh session."""
        try:
            return cls.read(data)
        except BadSession:
            return cls()

    @classmethod
    def read(cls, data: Any) -> SessionState:
        """Read back what `to_dict` wrote, every field checked for its type and range (a missing
        field is its default). Raises BadSession naming the first field that is wrong."""
        if not isinstance(data, dict):
            raise BadSession("attributes")
        mode = _field(data, "mode", str, Mode.MENU.value)
        if mode not in _MODES:
            raise BadSession("mode")
        choices = _field(data, "choices", list, [])
        if not all(isinstance(c, str) for c in choices):
            raise BadSession("choices")
        waiting = _field(data, "waiting", str)
        if waiting is not None and waiting not in _EXPECTS:
            raise BadSession("waiting")
        offer = _field(data, "offer", str)
        if offer is not None and not _KEY.fullmatch(offer):
            raise BadSession("offer")
        person = _field(data, "person", str, SELF)
        if not _KEY.fullmatch(person):
            raise BadSession("person")
        return cls(
            mode=Mode(mode),
            script_id=_field(data, "script", str),
            at=_position(data, "at"),
            segment_start=_position(data, "segment_start"),
            waiting=waiting,
            choices=list(choices),
            last_reply=_field(data, "last_reply", str, ""),
            crisis=_field(data, "crisis", str),
            preferences=_preferences(data.get("preferences")),
            offer=offer,
            followup=_field(data, "followup", bool, False),
            segment_sent=_time(data, "segment_sent"),
            segment_intro=_field(data, "segment_intro", bool, False),
            person=person,
        )

    def checked(self, known: KnownContent) -> SessionState:
        """This session, when everything it names exists in `known`: its scripts and choices,
        the steps its positions stand at, its reply and its crisis. Raises BadSession naming
        the first field that does not."""
        steps = known.steps
        if self.script_id is not None and self.script_id not in steps:
            raise BadSession("script")
        if len(self.choices) > len(steps) or not all(c in steps for c in self.choices):
            raise BadSession("choices")
        if self.last_reply and self.last_reply not in known.replies:
            raise BadSession("last_reply")
        if self.crisis is not None and self.crisis not in known.crises:
            raise BadSession("crisis")
        # Outside an exercise a position may outlive it: it need only stand in some script.
        length = max(steps.values(), default=0)
        if self.mode in _UNDER_WAY:
            if self.script_id is None:
                raise BadSession("script")
            length = steps[self.script_id]
        asking = self.mode is Mode.EXERCISE and self.waiting is not None
        if self.at.step > length or (asking and self.at.step == length):
            raise BadSession("at")  # an open question stands at a step of its own
        if self.segment_start.step > length:
            raise BadSession("segment_start")
        return self


def _field(data: dict[str, Any], key: str, kind: type, default: Any = None) -> Any:
    """A field of type `kind`; when it is missing, its default (None may stand for None)."""
    value = data.get(key, default)
    if value is None and default is None:
        return None
    if not isinstance(value, kind):
        raise BadSession(key)
    return value


def _position(data: dict[str, Any], key: str) -> Position:
    try:
        return Position.read(data.get(key, {}))
    except ValueError:
        raise BadSession(key) from None


def _time(data: dict[str, Any], key: str) -> str | None:
    """An ISO timestamp with its time zone (the request's own), or None."""
    value: str | None = _field(data, key, str)
    if value is None:
        return None
    try:
        zone = datetime.fromisoformat(value).tzinfo
    except ValueError:
        zone = None
    if zone is None:
        raise BadSession(key)
    return value


def _preferences(data: Any) -> Preferences | None:
    """Preferences exactly as `Preferences.to_dict` writes them (any field may be missing):
    what reading them back would change (a string, a pace out of range) was not written."""
    if data is None:
        return None
    if not isinstance(data, dict):
        raise BadSession("preferences")
    try:
        found = Preferences.from_dict(data)
    except (ArithmeticError, TypeError, ValueError):  # float() of an int too large for one
        raise BadSession("preferences") from None
    written = found.to_dict()
    if not all(key in written and _same(value, written[key]) for key, value in data.items()):
        raise BadSession("preferences")
    return found


def _same(given: object, written: object) -> bool:
    """Whether JSON data came back as written: equal, and of its kind (any number for one)."""
    if isinstance(written, bool) or isinstance(given, bool):
        return given is written
    if isinstance(written, int | float):
        return isinstance(given, int | float) and given == written
    return type(given) is type(written) and given == written
