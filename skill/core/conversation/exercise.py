"""Choosing and starting an exercise, and answering its questions."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from skill.core.answers import Reading, Shape
from skill.core.conversation import controls, requests
from skill.core.conversation.actions import Speak
from skill.core.conversation.events import EventKind
from skill.core.conversation.flow import begin, offer_choice, offer_menu, play, start
from skill.core.conversation.people import (
    choose_person,
    control_for_someone,
    names_someone_else,
    offer_resume,
)
from skill.core.conversation.turn import Turn
from skill.core.engine import after_answer, answers_wanted, skip_question
from skill.core.people import SELF
from skill.core.position import Position
from skill.core.safety.categories import Category
from skill.core.script import Ask, Expect, Script
from skill.core.selection import pick_from, select
from skill.core.state import Mode
from skill.core.timeline import Timeline
from skill.core.wordlists import plain_words


def start_exercise(turn: Turn) -> Speak:
    wanted, minutes = turn.event.exercise, turn.event.minutes
    control = _control_words(turn, wanted.words if wanted else "")
    if control is not None and wanted is not None and not wanted.resolved:
        # "Slower for my mum": Alexa can deliver a control as an exercise for someone.
        turn.event = replace(turn.event, kind=EventKind.CONTROL, setting=control)
        if names_someone_else(turn):
            return control_for_someone(turn)
        return controls.control(turn)
    named = turn.event.person
    if wanted is not None and named is not None and not named.resolved:
        unplaced = not wanted.resolved  # "something quiet for the office": a place
        if unplaced or turn.knowledge.needs.understand(named.words, turn.library).need:
            # ... or "a breathing exercise for sleep": a need Alexa heard as someone unknown.
            reply = requests.understood(turn, f"{wanted.words} for {named.words}")
            if reply is not None:
                return reply
    choose_person(turn)
    if turn.session.mode is Mode.CHOOSING and wanted and not wanted.resolved:
        picked = pick_from(turn.offered(), wanted.words, turn.knowledge.choosing)
        if picked is not None:
            return start(turn, picked)
    if wanted is not None and not wanted.resolved and minutes is None:
        # Words the model could not place ("something I can do at my desk"): everyday terms.
        reply = requests.understood(turn, wanted.words)
        if reply is not None:
            return reply
    if wanted is not None and not wanted.resolved:  # "can we do something different?"
        reply = requests.something_else(turn, wanted.words)
        if reply is not None:
            return reply
    chosen = select(
        turn.library, wanted.resolved if wanted else None, wanted.words if wanted else None, minutes
    )
    if chosen.script is not None:
        unfinished = turn.person.resume
        if turn.session.person != SELF and unfinished and unfinished.script_id == chosen.script.id:
            return offer_resume(turn, chosen.script)
        return start(turn, chosen.script)
    if chosen.options:
        return offer_choice(turn, chosen.options)
    if wanted is None and minutes is None:
        return offer_menu(turn)
    if wanted is not None and not wanted.resolved and minutes is not None:
        # "a five minute scan sitting in my chair": everyday terms with a length the model took
        reply = requests.understood(turn, f"{wanted.words}, {minutes:g} minutes")
        if reply is not None:
            return reply
    return offer_menu(turn, turn.speech("not_found"), key="fallback_menu")


def _control_words(turn: Turn, words: str) -> str | None:
    """The spoken control these words are, if they are one ("slower", "the pauses longer")."""
    return turn.knowledge.controls.get(plain_words(words))


def choose(turn: Turn) -> Speak:
    """An answer to "which would you like?"."""
    options = turn.offered()
    if turn.event.kind in (EventKind.YES, EventKind.RESUME) and options:
        return start(turn, options[0])  # "yes", "go on": the one offered first
    heard = turn.event.words or ""
    others = bool(options) and turn.knowledge.choosing.asks_for_others(heard)
    picked = None if others else pick_from(options, heard, turn.knowledge.choosing)
    if picked is not None:
        return start(turn, picked)
    if others and not _asks_for_one(turn, heard):  # "what else have you got?": not "you pick"
        return requests.others(turn, options, heard)
    reply = requests.understood(turn, heard) if heard else None
    if reply is not None:  # "no, something to help me sleep": another request, not a no
        return reply
    elsewhere = select(turn.library, None, heard, None)
    if elsewhere.script is not None:
        return start(turn, elsewhere.script)
    return offer_choice(turn, options) if options else offer_menu(turn)


def _asks_for_one(turn: Turn, heard: str) -> bool:
    """Whether the words name an exercise, a kind or a need ("neither, the long body scan")."""
    got = turn.knowledge.needs.understand(heard, turn.library)
    return bool(got.script or got.need or got.options or got.kind or got.referral)


def about_the_offer(turn: Turn) -> bool:
    """ "Any other options?" or "not that one, the other one" said to an offer of exercises,
    before any help was given in this session: about the exercises offered, not the other
    helplines the crisis check alone would hear in it."""
    session = turn.session
    return (
        session.mode is Mode.CHOOSING
        and session.crisis is None
        and turn.event.assessment.category is Category.ANOTHER_LINE
        and turn.knowledge.choosing.about_the_offer(turn.event.words or "")
    )


def tell_more(turn: Turn) -> Speak:
    """ "Tell me more about this one": the whole introduction, content note and all, even to a
    listener who has heard it before, then the exercise from there."""
    script = turn.script
    if script is None:
        return offer_menu(turn)
    return begin(turn, script, more=True)


def waiting(turn: Turn) -> bool:
    """Whether the exercise is waiting for an answer."""
    return turn.session.waiting is not None and turn.script is not None


def answer(turn: Turn) -> Speak:
    """Any words answer the open question; they are acknowledged, never repeated or kept."""
    script = turn.script
    assert script is not None
    session = turn.session
    heard = turn.event.words or ""
    reply = requests.another_exercise(turn, heard)  # "a longer one this time": not an answer
    if reply is not None:
        return reply
    # A fallback during a question is words the model could not place: still an answer.
    reading = turn.knowledge.answers.read(heard) if heard else Reading(Shape.THINGS, 1)
    speech = Timeline()
    if session.followup:
        session.followup = False
        return play(turn, script, speech, ack=_ack(turn, script, session.at))
    step = script.steps[session.at.step]
    if not isinstance(step, Ask) or reading.shape is Shape.MOVE_ON:
        session.at = skip_question(session.at)
        return play(turn, script, speech.say(turn.say("move_on")))
    if reading.shape is Shape.NOT_KNOWING:
        if step.expect is not Expect.FEELING:
            session.at = skip_question(session.at)
            return play(turn, script, speech.say(turn.say("move_on_unknown")))
        speech.say(turn.say("feeling_normal"))  # T9: "nothing" is an answer, not a failure
    asked_at = session.at
    ack = None if reading.shape is Shape.NOT_KNOWING else _ack(turn, script, asked_at, step)
    at, more = after_answer(script, asked_at, turn.preferences, reading.count)
    session.at = at
    if more:
        speech.say(ack or "")
        count = int(at.offset)
        left = answers_wanted(step, turn.preferences) - count
        key = "ask_last" if left == 1 else "ask_more"
        left_word = turn.phrases.number(left)
        number = turn.phrases.number(count)
        speech.say(turn.say(key, count=number, left=left_word, Left=left_word.capitalize()))
        return turn.reply(speech, step.reprompt or turn.say("ask_reprompt"))
    if reading.shape is Shape.THINGS and _first_feeling_question(script, asked_at.step):
        session.followup = True  # offered, not imposed: "next" passes it by
        speech.say(ack or "").say(turn.say("followup"))
        return turn.reply(speech, turn.say("followup_reprompt"))
    return play(turn, script, speech, ack=ack)


def _ack(turn: Turn, script: Script, at: Position, step: Ask | None = None) -> str:
    """A short acknowledgement, different from the one before it in the same question."""
    acks = (step.acks if step else ()) or tuple(turn.phrases.variants("ack"))
    base = int(hashlib.sha256(f"{script.id}:{at.step}".encode()).hexdigest()[:6], 16)
    return acks[(base + int(at.offset)) % len(acks)]


def _first_feeling_question(script: Script, index: int) -> bool:
    first = next(
        (
            i
            for i, s in enumerate(script.steps)
            if isinstance(s, Ask) and s.expect is Expect.FEELING
        ),
        None,
    )
    return first == index
