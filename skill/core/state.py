"""What the skill remembers: across sessions (per user) and within one session."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from skill.core.people import SELF, Person, Playing, Resume
from skill.core.position import Position
from skill.core.preferences import Preferences

STATE_VERSION = 2
"""2: people (the account holder and people added by name), each with their own state."""


@dataclass
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


@dataclass
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
    """Something just offered that "yes" would accept (a control id)."""
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
        if not isinstance(data, dict):
            return cls()
        try:
            mode = Mode(data.get("mode", "menu"))
        except ValueError:
            mode = Mode.MENU
        choices = data.get("choices")
        waiting = data.get("waiting")
        script = data.get("script")
        return cls(
            mode=mode,
            script_id=script if isinstance(script, str) else None,
            at=Position.from_dict(data.get("at")),
            segment_start=Position.from_dict(data.get("segment_start")),
            waiting=waiting if waiting in ("anything", "feeling") else None,
            choices=[c for c in choices if isinstance(c, str)] if isinstance(choices, list) else [],
            last_reply=str(data.get("last_reply", "")),
            crisis=data.get("crisis") if isinstance(data.get("crisis"), str) else None,
            preferences=Preferences.from_dict(data["preferences"])
            if isinstance(data.get("preferences"), dict)
            else None,
            offer=data.get("offer") if isinstance(data.get("offer"), str) else None,
            followup=bool(data.get("followup", False)),
            segment_sent=data.get("segment_sent")
            if isinstance(data.get("segment_sent"), str)
            else None,
            segment_intro=bool(data.get("segment_intro", False)),
            person=data["person"] if isinstance(data.get("person"), str) else SELF,
        )
