"""What happened, in the conversation's own terms: the events an adapter reads from a request."""

from __future__ import annotations

from dataclasses import field
from datetime import datetime
from enum import StrEnum

from skill.core.safety.categories import Assessment
from skill.record import record


class EventKind(StrEnum):
    """Everything a person (or their device) can do to the conversation."""

    LAUNCH = "launch"
    START_EXERCISE = "start_exercise"
    ANSWER = "answer"
    """Words said in answer ("a lamp"), or free words the model could only carry."""
    FEELING = "feeling"
    """A feeling or sensation named ("tingly", "nothing really")."""
    CRISIS = "crisis"
    """A statement the model heard as a crisis; the crisis check decides what it calls for."""
    LIST = "list"
    ABOUT = "about"
    CONTROL = "control"
    """A spoken control: slower, eyes open, no holds..."""
    SKIP_REGION = "skip_region"
    ADD_PERSON = "add_person"
    REMOVE_PERSON = "remove_person"
    PERSON_SETTINGS = "person_settings"
    REQUEST = "request"
    """Words asking for something in everyday terms ("I can't sleep"), carried whole."""
    IDENTIFY = "identify"
    """ "I'm Mom": who is speaking (links a recognised voice to that profile)."""
    SET_UP_BY = "set_up_by"
    """ "I'm her daughter": who sets up sessions for the person, for how they are greeted."""
    AGAIN = "again"
    """ "Same as last time"."""
    HISTORY = "history"
    """ "What have I done this week"."""
    SET_REMINDER = "set_reminder"
    REMINDER_TIME = "reminder_time"
    """A time said alone ("nine p.m."), the answer to "what time should the reminder be?"."""
    LIST_REMINDERS = "list_reminders"
    CANCEL_REMINDER = "cancel_reminder"
    SLEEP_TIMER = "sleep_timer"
    """ "Stop after ten minutes": end the track playing, gently, after a while."""
    HELP = "help"
    STOP = "stop"
    CANCEL = "cancel"
    FALLBACK = "fallback"
    """Words the model could not place, and did not pass on."""
    NEXT = "next"
    BACK = "back"
    REPEAT = "repeat"
    START_OVER = "start_over"
    MORE = "more"
    PAUSE = "pause"
    RESUME = "resume"
    YES = "yes"
    NO = "no"
    DELETE_DATA = "delete_data"
    SESSION_ENDED = "session_ended"
    """Silence after the reprompt, or the person walked away."""
    SKILL_DISABLED = "skill_disabled"
    PLAYBACK = "playback"
    """An event of the device's audio player (started, stopped, finished...): never spoken to."""


@record
class Heard:
    """Words said for one slot, and the listed value they resolved to, if any."""

    words: str
    resolved: str | None = None


class Playback(StrEnum):
    """What the device's audio player, or its buttons, reported (a PLAYBACK event)."""

    STARTED = "started"
    STOPPED = "stopped"
    NEARLY_FINISHED = "nearly_finished"
    FINISHED = "finished"
    FAILED = "failed"
    PLAY_PRESSED = "play_pressed"
    PAUSE_PRESSED = "pause_pressed"
    NEXT_PRESSED = "next_pressed"
    PREVIOUS_PRESSED = "previous_pressed"


@record
class Player:
    """The device's audio player, as the request reports it."""

    supported: bool = False
    """Whether the device can stream audio at all (the AudioPlayer interface)."""
    token: str | None = None
    """The token of the track the player holds (playing or not), if any."""
    offset_ms: int = 0
    """How far into that track the player is."""
    playing: bool = False
    """Whether it is playing right now."""
    playback: Playback | None = None
    """For a PLAYBACK event: what happened."""


@record
class Event:
    """One request, read: what kind of thing it is, what was said, and the crisis check of it."""

    kind: EventKind
    assessment: Assessment = field(default_factory=Assessment)
    """The crisis check of every word of the request (safety.md C1)."""
    exercise: Heard | None = None
    """The exercise asked for ("box breathing", "something for bedtime")."""
    minutes: float | None = None
    """The length asked for, in minutes."""
    person: Heard | None = None
    """Whom the request is for ("for Mom", "for my grandpa")."""
    relation: Heard | None = None
    """Who the caregiver is to them ("I'm her daughter": daughter; "it's from Sam": Sam)."""
    at: str | None = None
    """A time of day, as Alexa fills AMAZON.TIME ("21:00"; "MO", "AF", "EV", "NI" when vague)."""
    day_part: str | None = None
    """The part of the day said with it ("every night at nine": "night")."""
    voice: str | None = None
    """The id of the speaker Alexa recognised by voice (`context.System.person.personId`).
    Used for this turn only: never stored or logged as it is (a hash of it links a profile)."""
    words: str | None = None
    """An answer, a feeling, or free words."""
    setting: str | None = None
    """The control asked for (a ControlIntent id: "slower", "eyes_open").)"""
    region: str | None = None
    """The body region to skip (an id: "chest")."""
    kind_asked: str | None = None
    """The kind of exercise asked about ("breathing")."""
    time: datetime | None = None
    """When the request was sent, as the device stamped it."""
    seed: str = ""
    """Picks phrase variants, repeatably for the same request."""
    player: Player = field(default_factory=Player)
    """The device's audio player."""

    @property
    def audio_playing(self) -> bool:
        """Whether the device's audio player was playing when the request came."""
        return self.player.playing
