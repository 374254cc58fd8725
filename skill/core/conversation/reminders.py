"""Daily reminders for a person: "remind Mom every night at nine to do her body scan".

The conversation decides whose reminder and when; the adapter talks to Alexa's Reminders API
and says how it went (`SpeakReminders`), since only it may make network calls.
"""

from __future__ import annotations

import re

from skill.core.conversation.actions import ReminderOp, Speak, SpeakReminders
from skill.core.conversation.flow import offer_menu
from skill.core.conversation.people import choose_person_for_reminder
from skill.core.conversation.turn import Turn
from skill.core.selection import select
from skill.core.state import Mode
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
    """ "Remind Mom every night at nine to do her body scan". Without a time, ask for one and
    keep whose reminder it is and for which exercise, so "nine p.m." alone finishes it."""
    pending = turn.session.mode is Mode.REMINDER_TIME
    if turn.event.person is not None or not pending:
        key = choose_person_for_reminder(turn)
    else:
        key = turn.session.offer or turn.session.person
    wanted = turn.event.exercise
    chosen = select(turn.library, wanted.resolved, wanted.words, None) if wanted else None
    script = chosen.script if chosen is not None else None
    if script is None and pending:
        script = turn.script
    at = time_of_day(turn.event.at, turn.event.day_part)
    if at is None:
        turn.session.mode = Mode.REMINDER_TIME
        turn.session.offer = key
        turn.session.script_id = script.id if script is not None else None
        ask = "reminder_when_again" if pending else "reminder_when"
        return turn.reply(turn.speech(ask), turn.say("reminder_when_again"))
    if pending:
        _settle(turn)
    name = turn.user.person(key).name
    title = script.title if script is not None else None
    return _listening(turn, SpeakReminders(ReminderOp.SET, key, name, at, title))


def _settle(turn: Turn) -> None:
    turn.session.mode = Mode.MENU
    turn.session.offer = None
    turn.session.script_id = None


def ask_time_again(turn: Turn) -> Speak:
    """Something other than a time, when asked what time: ask once more, plainly."""
    return turn.reply(turn.speech("reminder_when_again"), turn.say("reminder_when_again"))


def no_reminder(turn: Turn) -> Speak:
    """ "No" or "cancel" when asked what time: nothing is set."""
    _settle(turn)
    return offer_menu(turn, turn.speech("reminder_not_set"))


def list_reminders(turn: Turn) -> Speak:
    return _listening(turn, SpeakReminders(ReminderOp.LIST, turn.session.person))


def cancel_reminder(turn: Turn) -> Speak:
    key = choose_person_for_reminder(turn)
    name = turn.user.person(key).name
    return _listening(turn, SpeakReminders(ReminderOp.CANCEL, key, name))
