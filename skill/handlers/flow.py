"""Replies shared by several handlers: the menu, starting and continuing an exercise."""

from __future__ import annotations

from ask_sdk_model import Response

from skill.engine import Position
from skill.scripts import Script
from skill.ssml import SpeechBuilder
from skill.state import Mode
from skill.turn import Turn


def offer_menu(
    turn: Turn, before: SpeechBuilder | None = None, key: str = "menu_offer"
) -> Response:
    """Offer the kinds of exercise and listen."""
    turn.session.mode = Mode.MENU
    turn.session.script_id = None
    turn.session.waiting = None
    turn.session.last_reply = key
    speech = before or SpeechBuilder()
    speech.say(turn.say(key))
    return turn.reply(speech, turn.say("menu_reprompt"))


def offer_choice(
    turn: Turn, options: list[Script], before: SpeechBuilder | None = None
) -> Response:
    """A short choice between a few scripts."""
    turn.session.mode = Mode.CHOOSING
    turn.session.choices = [s.id for s in options]
    turn.session.waiting = None
    names = turn.phrases.list_titles([s.title for s in options])
    speech = before or SpeechBuilder()
    speech.say(turn.say("choice", options=names))
    return turn.reply(speech, turn.say("choice_reprompt", options=names))


def start(
    turn: Turn, script: Script, at: Position | None = None, before: SpeechBuilder | None = None
) -> Response:
    """Begin (or pick up) a script and speak its first segment."""
    turn.session.mode = Mode.EXERCISE
    turn.session.script_id = script.id
    turn.session.choices = []
    turn.session.at = at or Position()
    if turn.session.at == Position():
        return play(turn, script, before, intro=True)
    speech = before or SpeechBuilder()
    speech.say(turn.say("resume_start", title=script.title))
    return play(turn, script, speech)


def play(
    turn: Turn,
    script: Script,
    before: SpeechBuilder | None = None,
    intro: bool = False,
    ack: str | None = None,
) -> Response:
    """Speak the next segment from the session's position, and say what the listener can do.

    `ack` (a short thanks for an answer) is left out when the script's own next words
    already thank the listener, so nobody hears "Thank you. Thank you."
    """
    session = turn.session
    segment = turn.segment(script, intro=intro)
    session.mode = Mode.EXERCISE
    session.segment_start = session.at
    session.segment_intro = intro
    sent = turn.request_time()
    session.segment_sent = sent.isoformat() if sent else None
    session.at = segment.end
    session.waiting = segment.waiting.expect.value if segment.waiting else None
    speech = before or SpeechBuilder()
    if ack and not _starts_with_thanks(turn, segment.speech):
        speech.say(ack)
    speech.extend(segment.speech)
    if segment.waiting is not None:
        reprompt = segment.waiting.reprompt or turn.say("ask_reprompt")
        return turn.reply(speech, reprompt)
    if segment.finished:
        session.mode = Mode.FINISHED
        if turn.user.resume is not None:
            turn.user.resume = None
            turn.user_dirty = True
        if {"bedtime", "quiet"} & script.tags:
            speech.say(turn.say("finished_quiet"))
            return turn.reply(speech, end=True)
        speech.say(turn.say("finished_offer"))
        return turn.reply(speech, turn.say("finished_reprompt"))
    speech.say(turn.say("continue_prompt"))
    return turn.reply(speech, turn.say("continue_reprompt"))


def _starts_with_thanks(turn: Turn, speech: SpeechBuilder) -> bool:
    first = speech.pieces[0].lower() if speech.pieces else ""
    return any(first.startswith(word) for word in turn.phrases.variants("ack_openings"))


def goodbye(turn: Turn) -> Response:
    """End kindly in one turn, keeping an unfinished exercise for next time."""
    unfinished = turn.session.mode in (Mode.EXERCISE, Mode.PAUSED) and turn.script is not None
    turn.remember_stop()
    key = "goodbye_resume_later" if unfinished else "goodbye"
    turn.session.mode = Mode.MENU
    return turn.reply(SpeechBuilder().say(turn.say(key)), end=True)
