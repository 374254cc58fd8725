"""Replies several rules share: the menu, a choice, starting and continuing an exercise, goodbye."""

from __future__ import annotations

from skill.core.conversation.actions import Speak
from skill.core.conversation.people import greeting
from skill.core.conversation.playback import start_track
from skill.core.conversation.turn import Turn
from skill.core.position import Position
from skill.core.script import Script
from skill.core.state import Mode
from skill.core.timeline import Speech, Timeline
from skill.core.wordlists import plain_words

QUIET_TAGS = frozenset({"bedtime", "quiet"})
"""Scripts with these tags end the session when they finish, with no question."""


def offer_menu(turn: Turn, before: Timeline | None = None, key: str = "menu_offer") -> Speak:
    """Offer the kinds of exercise and listen."""
    session = turn.session
    session.mode = Mode.MENU
    session.script_id = None
    session.waiting = None
    session.last_reply = key
    speech = (before or Timeline()).say(turn.say(key))
    return turn.reply(speech, turn.say("menu_reprompt"))


def offer_choice(turn: Turn, options: list[Script], before: Timeline | None = None) -> Speak:
    """A short choice between a few scripts."""
    turn.session.mode = Mode.CHOOSING
    turn.session.choices = [s.id for s in options]
    turn.session.waiting = None
    names = turn.phrases.list_titles([s.title for s in options])
    speech = (before or Timeline()).say(turn.say("choice", options=names))
    return turn.reply(speech, turn.say("choice_reprompt", options=names))


def start(
    turn: Turn, script: Script, at: Position | None = None, before: Timeline | None = None
) -> Speak:
    """Begin (or pick up) a script and speak its first segment."""
    if turn.person.last_script != script.id:
        turn.person.last_script = script.id
        turn.store = True
    hello = greeting(turn, script)
    if hello is not None:
        before = hello.extend(before or Timeline())
    if at is None or at == Position():
        streamed = start_track(turn, script, before)
        if streamed is not None:
            return streamed
    session = turn.session
    session.mode = Mode.EXERCISE
    session.script_id = script.id
    session.choices = []
    session.offer = None  # whatever was offered before ("remove Grandpa?") is not this
    session.at = at or Position()
    if session.at == Position():
        return play(turn, script, before, intro=True)
    speech = (before or Timeline()).say(turn.say("resume_start", title=script.title))
    return play(turn, script, speech)


def play(
    turn: Turn,
    script: Script,
    before: Timeline | None = None,
    intro: bool = False,
    ack: str | None = None,
) -> Speak:
    """Speak the next segment from the session's position, and say what the listener can do.

    `ack` (a short thanks for an answer) is left out when the script's own next words
    already thank the listener, so nobody hears "Thank you. Thank you."
    """
    session = turn.session
    segment = turn.segment(script, intro=intro)
    session.mode = Mode.EXERCISE
    session.segment_start = session.at
    session.segment_intro = intro
    sent = turn.event.time
    session.segment_sent = sent.isoformat() if sent else None
    session.at = segment.end
    session.waiting = segment.waiting.expect.value if segment.waiting else None
    speech = before or Timeline()
    if ack and not _starts_with_thanks(turn, segment.timeline):
        speech.say(ack)
    speech.extend(segment.timeline)
    if segment.waiting is not None:
        return turn.reply(speech, segment.waiting.reprompt or turn.say("ask_reprompt"))
    if segment.finished:
        session.mode = Mode.FINISHED
        if turn.event.time is not None:
            turn.person.finished(script.id, turn.event.time.date())
            turn.store = True
        if turn.person.resume is not None:
            turn.person.resume = None
            turn.store = True
        if QUIET_TAGS & script.tags or turn.preferences.bedtime:
            farewell = turn.say("finished_quiet")
            if not _ends_with(speech, farewell):  # never "Rest well. Rest well."
                speech.say(farewell)
            return turn.reply(speech, end=True)
        speech.say(turn.say("finished_offer"))
        return turn.reply(speech, turn.say("finished_reprompt"))
    speech.say(turn.say("continue_prompt"))
    return turn.reply(speech, turn.say("continue_reprompt"))


def _ends_with(timeline: Timeline, words: str) -> bool:
    """Whether the last words of `timeline` are `words` (ignoring case and punctuation)."""
    spoken = [item.text for item in timeline.items if isinstance(item, Speech)]
    return bool(spoken) and plain_words(spoken[-1]).endswith(plain_words(words))


def _starts_with_thanks(turn: Turn, timeline: Timeline) -> bool:
    first = timeline.first_words.lower()
    return any(first.startswith(word) for word in turn.phrases.variants("ack_openings"))


def goodbye(turn: Turn) -> Speak:
    """End kindly in one turn, keeping an unfinished exercise for next time."""
    unfinished = turn.session.mode in (Mode.EXERCISE, Mode.PAUSED) and turn.script is not None
    turn.remember_stop()
    key = "goodbye_resume_later" if unfinished else "goodbye"
    turn.session.mode = Mode.MENU
    return turn.reply(turn.speech(key), end=True)
