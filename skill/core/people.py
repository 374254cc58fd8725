"""The people an account's sessions are for, and what is kept for each of them.

Every account has its holder (`SELF`); a caregiver can add people by name ("Mom", "Grandpa").
Each person has their own preferences and their own place in an unfinished exercise.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import field, replace
from datetime import date, timedelta
from typing import Any

from skill.core.handsfree import Variant
from skill.core.position import Position
from skill.core.preferences import Preferences
from skill.record import mutable_record, record

SELF = "self"
"""The account holder's key."""
HOLDER_WORDS = frozenset({"me", "us"})
"""Slot ids that mean the account holder: "for me", "for both of us"."""
VOICE_PREFIX = "voice-"
"""Keys of profiles made for a recognised voice nobody has named yet."""
NAME_PREFIX = "name:"
"""Slot ids of first names carry this prefix ("name:sam")."""
_POSSESSIVE = re.compile(r"^(?:my|our|the)\s+", re.IGNORECASE)
_KEY_CHARACTERS = re.compile(r"[^a-z0-9]+")
MAX_KEY_CHARS = 40


def voice_key(person_id: str) -> str:
    """What is kept of a recognised voice's id: a hash, never the id itself (P3)."""
    return hashlib.sha256(person_id.encode()).hexdigest()[:24]


def identify(words: str, resolved: str | None) -> tuple[str, str | None] | None:
    """Whom a request names: their key and how to call them, in the words the caregiver used
    ("my mum" is the profile `mom`, called "Mum"); the holder for "me"; None for nothing.

    One profile per relation or name: "Mom", "my mother" and "mum" are all `mom`."""
    spoken = " ".join(_POSSESSIVE.sub("", words.strip()).split())
    if resolved in HOLDER_WORDS:
        return SELF, None
    if not resolved and not _name_like(re.sub(r"^(?:my|our)\s+", "", words.strip().lower())):
        return None  # "for me while I breathe", "for the office": words, not someone
    basis = resolved.removeprefix(NAME_PREFIX) if resolved else spoken
    key = _KEY_CHARACTERS.sub("-", basis.lower()).strip("-")[:MAX_KEY_CHARS].strip("-")
    if not key or key == SELF:
        return None
    return key, " ".join(part.capitalize() for part in spoken.split()) or None


MAX_NAME_WORDS = 3
NOT_IN_NAMES = frozenset(
    {
        "me",
        "i",
        "im",
        "you",
        "it",
        "this",
        "that",
        "while",
        "when",
        "and",
        "to",
        "of",
        "in",
        "on",
        "at",
        "with",
        "please",
        "now",
        "today",
        "a",
        "an",
        "the",
        "some",
        "something",
        "everyone",
    }
)
"""Words no unlisted name holds: words Alexa put in the person slot that are not someone."""


def _name_like(spoken: str) -> bool:
    words = [w.strip("'").lower() for w in spoken.split()]
    return 0 < len(words) <= MAX_NAME_WORDS and not NOT_IN_NAMES & set(words)


@mutable_record
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


@mutable_record
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


MAX_HEARD = 100
"""How many exercises a person is remembered to have been introduced to (the library is smaller)."""
HISTORY_DAYS = 56
"""Finished exercises are remembered for eight weeks: enough for "this week" and "last time"."""
MAX_HISTORY = 200


@record
class Done:
    """One exercise finished, on one day (no times, no words: what and when, roughly)."""

    day: str
    """The date, YYYY-MM-DD, in the request's own clock."""
    script_id: str


@mutable_record
class Person:
    """What is kept for one person. Never what they said (safety.md P1)."""

    name: str | None = None
    """How the skill names them ("Mom"); None for the account holder."""
    preferences: Preferences = field(default_factory=Preferences)
    resume: Resume | None = None
    """Where an unfinished exercise stopped, offered at the next launch."""
    playing: Playing | None = None
    """The hands-free track last handed to the device for them, if it has not finished."""
    last_script: str | None = None
    """The exercise they last started, for "same as last time"."""
    done: list[Done] = field(default_factory=list)
    """Exercises finished in the last `HISTORY_DAYS`, oldest first."""
    voice: str | None = None
    """A hash of the id of the voice Alexa recognises as theirs (`voice_key`)."""
    reminders: list[str] = field(default_factory=list)
    """The tokens of the daily reminders set for them through Alexa's Reminders API."""
    set_up_by: str | None = None
    """Who sets up their sessions, for the greeting: a relation id ("daughter": "Your daughter
    set up this body scan for you") or a first name ("Sam")."""
    heard: list[str] = field(default_factory=list)
    """The exercises whose full introduction they have heard, most recent last: the next time
    they hear the short one."""

    def copy(self) -> Person:
        """A copy to change without touching this one (faster than a deep copy)."""
        return replace(
            self,
            resume=replace(self.resume) if self.resume else None,
            playing=replace(self.playing) if self.playing else None,
            done=list(self.done),
            reminders=list(self.reminders),
            heard=list(self.heard),
        )

    def has_heard(self, script_id: str) -> bool:
        """Whether they have heard this exercise's introduction before."""
        return script_id in self.heard

    def introduced(self, script_id: str) -> bool:
        """Note that they heard an exercise's introduction; whether that is news."""
        if script_id in self.heard:
            return False
        self.heard = [*self.heard, script_id][-MAX_HEARD:]
        return True

    def finished(self, script_id: str, today: date) -> None:
        """Note a finished exercise, forgetting what is older than the history keeps."""
        oldest = (today - timedelta(days=HISTORY_DAYS)).isoformat()
        kept = [d for d in self.done if d.day > oldest]
        self.done = [*kept, Done(today.isoformat(), script_id)][-MAX_HISTORY:]

    def done_since(self, first_day: date) -> list[Done]:
        return [d for d in self.done if d.day >= first_day.isoformat()]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "preferences": self.preferences.to_dict(),
            "resume": self.resume.to_dict() if self.resume else None,
            "playing": self.playing.to_dict() if self.playing else None,
            "last_script": self.last_script,
            "done": [[d.day, d.script_id] for d in self.done],
            "voice": self.voice,
            "reminders": list(self.reminders),
            "set_up_by": self.set_up_by,
            "heard": list(self.heard),
        }

    @classmethod
    def from_dict(cls, data: Any) -> Person:
        if not isinstance(data, dict):
            return cls()
        name, last, done = data.get("name"), data.get("last_script"), data.get("done")
        voice, reminders = data.get("voice"), data.get("reminders")
        set_up_by = data.get("set_up_by")
        finished = [
            Done(day, script)
            for d in (done if isinstance(done, list) else [])
            if isinstance(d, list) and len(d) == 2
            for day, script in (d,)
            if isinstance(day, str) and isinstance(script, str)
        ]
        return cls(
            name=name if isinstance(name, str) and name.strip() else None,
            preferences=Preferences.from_dict(data.get("preferences")),
            resume=Resume.from_dict(data.get("resume")),
            playing=Playing.from_dict(data.get("playing")),
            last_script=last if isinstance(last, str) else None,
            done=finished,
            voice=voice if isinstance(voice, str) else None,
            reminders=[r for r in reminders if isinstance(r, str)]
            if isinstance(reminders, list)
            else [],
            set_up_by=set_up_by if isinstance(set_up_by, str) and set_up_by.strip() else None,
            heard=_heard(data.get("heard"), finished),
        )


def _heard(data: Any, done: list[Done]) -> list[str]:
    """Exercises heard, as stored; data from before `heard` was kept: those finished."""
    found = data if isinstance(data, list) else [d.script_id for d in done]
    heard: list[str] = []
    for script_id in found:
        if isinstance(script_id, str) and script_id and script_id not in heard:
            heard.append(script_id)
    return heard[-MAX_HEARD:]
