"""What the skill remembers: across sessions (per user) and within one session."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from skill.core.handsfree import Variant
from skill.core.position import Position
from skill.core.preferences import Preferences

STATE_VERSION = 1


@dataclass
class Resume:
    """Where an unfinished exercise stopped."""

    script_id: str
    position: Position

    def to_dict(self) -> dict[str, Any]:
        return {"script": self.script_id, "position": self.position.to_dict()}

    @classmethod
    def from_dict(cls, data: Any) -> Resume | None:
        if not isinstance(data, dict) or not isinstance(data.get("script"), str):
            return None
        return cls(data["script"], Position.from_dict(data.get("position")))


@dataclass
class Playing:
    """A track handed to the device's audio player, and how far the listener got in it.

    Kept with the user's state, not the session's: the player's own events carry no session."""

    script_id: str
    variant: Variant
    token: str
    """The token of the current play; events with any other token are stale."""
    offset_ms: int = 0
    """Where the listener is, as far as we know (the last event or request that said so)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "script": self.script_id,
            "variant": self.variant.to_dict(),
            "token": self.token,
            "offset_ms": self.offset_ms,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Playing | None:
        if not isinstance(data, dict):
            return None
        script, token, offset = data.get("script"), data.get("token"), data.get("offset_ms")
        if not isinstance(script, str) or not isinstance(token, str):
            return None
        if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
            offset = 0
        return cls(script, Variant.from_dict(data.get("variant")), token, offset)


@dataclass
class UserState:
    """Kept between sessions. Never holds what a person said (safety.md P1)."""

    first_visit_done: bool = False
    resume: Resume | None = None
    preferences: Preferences = field(default_factory=Preferences)
    playing: Playing | None = None
    """The hands-free track last handed to the device, if it has not finished."""

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the persistence adapter."""
        return {
            "version": STATE_VERSION,
            "first_visit_done": self.first_visit_done,
            "resume": self.resume.to_dict() if self.resume else None,
            "preferences": self.preferences.to_dict(),
            "playing": self.playing.to_dict() if self.playing else None,
        }

    @classmethod
    def from_dict(cls, data: Any) -> UserState:
        """Read stored data of any version; what can't be read falls back to defaults."""
        if not isinstance(data, dict):
            return cls()
        return cls(
            first_visit_done=bool(data.get("first_visit_done", False)),
            resume=Resume.from_dict(data.get("resume")),
            preferences=Preferences.from_dict(data.get("preferences")),
            playing=Playing.from_dict(data.get("playing")),
        )


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
        )
