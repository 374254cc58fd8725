"""Progress, per person: "same as last time", and "what have I done this week" (gentle counts,
no streaks and no scores)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from skill.core.conversation.actions import Speak
from skill.core.conversation.flow import nothing_again, offer_menu, start
from skill.core.conversation.people import choose_person, person_named
from skill.core.conversation.turn import Turn
from skill.core.people import SELF

WEEK_DAYS = 7


def again(turn: Turn) -> Speak:
    """ "Same as last time" (for me, or for Mom): the exercise that person last started."""
    choose_person(turn)
    last = turn.person.last_script
    script = turn.library.get(last) if last else None
    if script is None:
        return nothing_again(turn)
    return start(turn, script)


def history(turn: Turn) -> Speak:
    """ "What have I done this week?": how many times each exercise was finished, in words."""
    key = person_named(turn) or turn.session.person
    person = turn.user.person(key)
    today = turn.event.time.date() if turn.event.time else None
    done = person.done_since(today - timedelta(days=WEEK_DAYS - 1)) if today else []
    counts = Counter(d.script_id for d in done)
    said = []
    for script_id, count in counts.most_common():
        script = turn.library.get(script_id)
        if script is not None:
            said.append(turn.say("did_times", title=script.spoken_title, times=_times(turn, count)))
    name = person.name or ""
    mine = key == SELF
    if not said:
        speech = turn.speech("history_none_self" if mine else "history_none", name=name)
    else:
        listed = turn.phrases.join(said, "and")
        speech = turn.speech("history_self" if mine else "history", name=name, done=listed)
    return offer_menu(turn, speech)


def _times(turn: Turn, count: int) -> str:
    words = turn.phrases.table["times"]
    if count in _SMALL:
        return str(words[_SMALL[count]])
    return str(words["many"]).format(count=turn.phrases.number(count))


_SMALL = {1: "one", 2: "two"}
"""Counts with a word of their own in the phrase table's `times` ("once", "twice")."""
