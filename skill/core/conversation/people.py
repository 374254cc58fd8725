"""Sessions for someone else: "start a body scan for Mom" on Mom's speaker.

The session is then Mom's: her settings are used and kept, her place in an unfinished exercise
is hers, and the exercise opens by greeting her. A person named for the first time gets a
profile of their own, with the default settings.
"""

from __future__ import annotations

from skill.core.conversation.turn import Turn
from skill.core.people import SELF, Person, identify
from skill.core.timeline import Timeline


def choose_person(turn: Turn) -> None:
    """Make the session the named person's, when the request names someone."""
    named = turn.event.person
    found = identify(named.words, named.resolved) if named is not None else None
    if found is None:
        return
    key, name = found
    if key != turn.session.person:
        turn.session.person = key
        turn.session.preferences = None  # settings for this session only were someone else's
    if key != SELF and key not in turn.user.people:
        turn.user.people[key] = Person(name)
        turn.store = True


def greeting(turn: Turn) -> Timeline | None:
    """ "Hello Mom. This one was set up for you.", when the session is someone else's."""
    if turn.session.person == SELF:
        return None
    name = turn.person.name
    key = "for_person" if name else "for_someone"
    return turn.speech(key, name=name or "")
