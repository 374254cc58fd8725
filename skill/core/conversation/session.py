"""The session itself: stopping, silence, and forgetting a person."""

from __future__ import annotations

from skill.core.conversation.actions import Speak
from skill.core.conversation.flow import goodbye, offer_menu
from skill.core.conversation.turn import Turn
from skill.core.people import SELF
from skill.core.state import Mode, SessionState, UserState


def stop(turn: Turn) -> Speak:
    return goodbye(turn)


def session_ended(turn: Turn) -> Speak:
    """Silence after the reprompt, or the person walked away: keep the place, say nothing."""
    turn.remember_stop()
    return turn.silence()


def _forget(turn: Turn) -> None:
    turn.drop_reminders = [t for person in turn.user.people.values() for t in person.reminders]
    turn.user = UserState()
    turn.store = False
    turn.forget = True


def skill_disabled(turn: Turn) -> Speak:
    """The person disabled the skill: forget everything stored about them (P3)."""
    _forget(turn)
    return turn.silence()


def delete_data(turn: Turn) -> Speak:
    """ "Delete my data": ask once, so a misheard phrase can't wipe someone's place (P3)."""
    turn.session.mode = Mode.CONFIRM_DELETE
    names = [p.name for key, p in turn.user.people.items() if key != SELF and p.name]
    if names:
        listed = turn.phrases.join(names, "and")
        speech = turn.speech("delete_confirm_people", names=listed)
        return turn.reply(speech, turn.say("delete_confirm_people", names=listed))
    return turn.reply(turn.speech("delete_confirm"), turn.say("delete_confirm"))


def delete_confirmed(turn: Turn) -> Speak:
    _forget(turn)
    turn.session = SessionState()
    return turn.reply(turn.speech("deleted"), turn.say("menu_reprompt"))


def delete_declined(turn: Turn) -> Speak:
    return offer_menu(turn, turn.speech("not_deleted"))
