"""Moving through an exercise: next, repeat, back, start over, pause and resume."""

from __future__ import annotations

from skill.core.conversation import requests
from skill.core.conversation.actions import Speak
from skill.core.conversation.events import EventKind
from skill.core.conversation.flow import offer_menu, play, start
from skill.core.conversation.turn import Turn
from skill.core.engine import skip_question, step_back
from skill.core.position import Position
from skill.core.state import Mode
from skill.core.timeline import Timeline


def no_in_exercise(turn: Turn) -> Speak:
    """ "No" during an exercise is not a goodbye: at a question it passes, otherwise it waits."""
    script, session = turn.script, turn.session
    if script is not None and session.followup:
        session.followup = False
        return play(turn, script)
    if script is not None and session.waiting is not None:
        session.at = skip_question(session.at)
        return play(turn, script, turn.speech("move_on_unknown"))
    return turn.reply(turn.speech("continue_prompt"), turn.say("continue_reprompt"))


def words_between_steps(turn: Turn) -> Speak:
    """Words when no question is open: a brief thanks, and the exercise waits where it is. A
    request said before the first step is done asks for something else instead ("not that,
    something with writing"); "something else", at any step, offers others of its kind."""
    words = turn.event.words or ""
    if turn.event.kind is EventKind.REQUEST and turn.session.segment_start == Position():
        reply = requests.understood(turn, words)
        if reply is not None:
            return reply
    reply = requests.something_else(turn, words)  # "can we do something else?", at any step
    if reply is None:
        reply = requests.another_exercise(turn, words)  # "a longer one this time"
    if reply is not None:
        return reply
    ack = turn.phrases.choose(turn.phrases.variants("ack"), turn.event.seed)
    speech = Timeline().say(ack).say(turn.say("continue_prompt"))
    return turn.reply(speech, turn.say("continue_reprompt"))


def next_step(turn: Turn) -> Speak:
    script, session = turn.script, turn.session
    if script is None:
        return offer_menu(turn)
    if session.followup:
        session.followup = False
    elif session.waiting is not None:
        session.at = skip_question(session.at)
    return play(turn, script)


def repeat(turn: Turn) -> Speak:
    script = turn.script
    if script is None:
        return offer_menu(turn)
    turn.session.at = turn.session.segment_start
    return play(turn, script)


def go_back(turn: Turn) -> Speak:
    script = turn.script
    if script is None:
        return offer_menu(turn)
    turn.session.at = step_back(script, turn.session.segment_start)
    return play(turn, script, turn.speech("went_back"))


def start_over(turn: Turn) -> Speak:
    script = turn.script
    if script is None:
        return offer_menu(turn)
    return start(turn, script, Position(), turn.speech("start_over"))


def pause(turn: Turn) -> Speak:
    turn.session.at = turn.heard_position()
    turn.remember_stop()
    turn.session.mode = Mode.PAUSED
    return turn.reply(turn.speech("paused"), turn.say("paused_reprompt"))


def resume(turn: Turn) -> Speak:
    script = turn.script
    if script is None:
        return offer_menu(turn)
    return play(turn, script)


def resume_saved(turn: Turn) -> Speak:
    """ "Carry on", "pick up where I left off": the exercise left part way, or else the last
    one done, offered again (one "yes" away), or else the menu."""
    saved = turn.person.resume
    script = turn.library.get(saved.script_id) if saved else None
    if saved is not None and script is not None:
        return start(turn, script, at=saved.position)
    last = turn.library.get(turn.person.last_script) if turn.person.last_script else None
    if last is None:
        return offer_menu(turn, key="resume_nothing")
    session = turn.session
    session.mode = Mode.CHOOSING
    session.choices = [last.id]
    session.waiting = None
    session.last_reply = ""
    speech = turn.speech("resume_nothing_again", title=last.spoken_title)
    return turn.reply(speech, turn.say("resume_nothing_again_reprompt", title=last.spoken_title))
