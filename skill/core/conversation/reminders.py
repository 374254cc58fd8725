"""Daily reminders for a person: "remind Mom every night at nine to do her body scan".

The conversation decides whose reminder and when; the adapter talks to Alexa's Reminders API
and says how it went (`SpeakReminders`), since only it may make network calls.
"""

from __future__ import annotations

import re

from skill.core.conversation.actions import ReminderOp, Speak, SpeakReminders
from skill.core.conversation.people import choose_person_for_reminder
from skill.core.conversation.turn import Turn
from skill.core.selection import select
from skill.core.timeline import Timeline

VAGUE_TIMES = {"MO": "08:00", "AF": "14:00", "EV": "19:00", "NI": "21:00"}
"""What "every morning", "in the afternoon", "every evening" and "every night" mean here."""
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


LATER_PARTS = frozenset({"afternoon", "evening", "night"})
"""Parts of the day that make a bare hour an afternoon or evening one ("every night at nine")."""


def time_of_day(at: str | None, part: str | None = None) -> str | None:
    """An AMAZON.TIME value as "HH:MM", or None when there is no clear time. Alexa gives a bare
    hour as said ("nine" is 09:00); the part of the day said with it settles it."""
    if at is None:
        return None
    if at in VAGUE_TIMES:
        return VAGUE_TIMES[at]
    match = _CLOCK.match(at.strip())
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    hour = int(match[1])
    if part in LATER_PARTS and 1 <= hour < 12:
        hour += 12
    return f"{hour:02d}:{match[2]}"


def _listening(turn: Turn, speech: SpeakReminders) -> Speak:
    return Speak(speech, Timeline().say(turn.say("menu_reprompt")), listen=True)


def set_reminder(turn: Turn) -> Speak:
    at = time_of_day(turn.event.at, turn.event.day_part)
    if at is None:
        return turn.reply(turn.speech("reminder_when"), turn.say("reminder_when"))
    key = choose_person_for_reminder(turn)
    wanted = turn.event.exercise
    chosen = select(turn.library, wanted.resolved, wanted.words, None) if wanted else None
    title = chosen.script.title if chosen is not None and chosen.script is not None else None
    name = turn.user.person(key).name
    return _listening(turn, SpeakReminders(ReminderOp.SET, key, name, at, title))


def list_reminders(turn: Turn) -> Speak:
    return _listening(turn, SpeakReminders(ReminderOp.LIST, turn.session.person))


def cancel_reminder(turn: Turn) -> Speak:
    key = choose_person_for_reminder(turn)
    name = turn.user.person(key).name
    return _listening(turn, SpeakReminders(ReminderOp.CANCEL, key, name))
