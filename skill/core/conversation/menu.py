"""Outside an exercise: opening the skill, the menu, lists, help, and words said there."""

from __future__ import annotations

from skill.core.conversation import requests
from skill.core.conversation.actions import Speak
from skill.core.conversation.events import EventKind
from skill.core.conversation.flow import offer_choice, offer_menu, play, start
from skill.core.conversation.speakers import hello
from skill.core.conversation.turn import Turn
from skill.core.handsfree import BEDTIME_TAG
from skill.core.people import SELF
from skill.core.script import Kind
from skill.core.state import Mode
from skill.core.timeline import Timeline


def _welcome(turn: Turn) -> Timeline:
    if not turn.kept:  # first visit or not, nobody can tell: claim neither, keep A1
        return turn.speech("welcome").say(turn.say("memory_unavailable"))
    if not turn.user.first_visit_done:
        turn.user.first_visit_done = True
        turn.store = True
        return turn.speech("welcome").say(turn.say("disclaimer"))
    named = hello(turn)
    if named is not None:
        return named.say(turn.say("welcome_back_named"))
    return turn.speech("welcome_back")


def launch(turn: Turn) -> Speak:
    """Welcome (the disclaimer once per person, A1), then offer to pick up or the menu.

    An unfinished bedtime exercise is not offered: falling asleep part way is how it is meant
    to end. "Resume" still picks it up."""
    speech = _welcome(turn)
    resume = turn.person.resume
    script = turn.library.get(resume.script_id) if resume else None
    if script is not None and BEDTIME_TAG not in script.tags:
        turn.session.mode = Mode.RESUME_OFFER
        turn.session.script_id = script.id
        speech.say(turn.say("resume_offer", title=script.spoken_title))
        return turn.reply(speech, turn.say("resume_reprompt", title=script.spoken_title))
    return offer_menu(turn, speech)


def resume_yes(turn: Turn) -> Speak:
    resume, script = turn.person.resume, turn.script
    if script is None or resume is None:
        return offer_menu(turn)
    return start(turn, script, at=resume.position)


def resume_no(turn: Turn) -> Speak:
    """Not picking up: the place is forgotten. Asked while starting that exercise for someone
    ("start the body scan for Mom"), it starts from the beginning instead."""
    turn.person.resume = None
    turn.store = True
    script = turn.script
    if turn.session.person != SELF and script is not None:
        return start(turn, script)
    return offer_menu(turn)


def about(turn: Turn) -> Speak:
    """ "Are you a therapist?": an honest answer (safety.md A1, T10)."""
    if turn.session.mode in (Mode.EXERCISE, Mode.PAUSED) and turn.script is not None:
        return turn.reply(turn.speech("about_short"), turn.say("continue_reprompt"))
    turn.session.mode = Mode.MENU
    return turn.reply(turn.speech("about"), turn.say("menu_reprompt"))


def help_(turn: Turn) -> Speak:
    mode = turn.session.mode
    if mode is Mode.EXERCISE and turn.session.waiting:
        return turn.reply(turn.speech("help_asking"), turn.say("ask_reprompt"))
    if mode in (Mode.EXERCISE, Mode.PAUSED):
        return turn.reply(turn.speech("help_exercise"), turn.say("continue_reprompt"))
    return offer_menu(turn, key="help_menu")


def list_exercises(turn: Turn) -> Speak:
    wanted = turn.event.kind_asked
    kind = wanted if wanted in set(Kind) else None
    if kind is not None:
        scripts = turn.library.of_kind(kind)
        name = turn.phrases.kind_name(kind)
        if not scripts:
            return offer_menu(turn, turn.speech("list_kind_empty", kind=name), key="menu_reprompt")
        if len(scripts) <= 3:
            return offer_choice(turn, scripts)
        titles = turn.phrases.list_titles([s.title for s in scripts])
        turn.session.mode = Mode.CHOOSING
        turn.session.choices = [s.id for s in scripts]
        return turn.reply(
            turn.speech("list_kind", kind=name, titles=titles), turn.say("menu_reprompt")
        )
    counts = [
        turn.say("kind_count", count=turn.phrases.number(found), kind=turn.phrases.kind_name(each))
        for each in Kind
        if (found := len(turn.library.of_kind(each)))
    ]
    kinds = turn.phrases.join(counts, "and")
    turn.session.mode = Mode.MENU
    speech = turn.speech("list_overview", count=len(turn.library), kinds=kinds)
    return turn.reply(speech, turn.say("menu_reprompt"))


def words_outside_exercise(turn: Turn) -> Speak:
    """A feeling named, or words said, when no question is open: thank, then offer."""
    words = turn.event.words or ""
    reply = requests.understood(turn, words) if words else None
    if reply is not None:  # "I feel numb": a need, answered by what fits it
        return reply
    if turn.event.kind is EventKind.FEELING:
        offer = [s for s in map(turn.library.get, turn.knowledge.offers.after_feeling) if s]
        turn.session.mode = Mode.CHOOSING
        turn.session.choices = [s.id for s in offer]
        return turn.reply(turn.speech("feeling_outside"), turn.say("menu_reprompt"))
    return offer_menu(turn, key="fallback_menu")


def fallback_in_exercise(turn: Turn) -> Speak:
    return turn.reply(turn.speech("fallback_exercise"), turn.say("continue_reprompt"))


def repeat_outside(turn: Turn) -> Speak:
    """ "Repeat that": what was last said in this session; with nothing said yet, the exercise
    this person did last ("repeat that" the next time they open the skill), if any."""
    if not turn.session.last_reply and turn.person.last_script:
        return requests.again(turn, None)
    return offer_menu(turn, key=turn.session.last_reply or "nothing_to_repeat")


def no(turn: Turn) -> Speak:
    turn.remember_stop()
    return turn.reply(turn.speech("no_thanks"), end=True)


def next_after_finish(turn: Turn) -> Speak:
    return offer_menu(turn, key="finished_offer")


def anything_else(turn: Turn) -> Speak:
    """Never "I didn't understand": carry on, or offer what the skill can do."""
    if turn.session.mode is Mode.EXERCISE and turn.script is not None:
        return play(turn, turn.script)
    return offer_menu(turn, key="fallback_menu")


def sleep_timer_outside(turn: Turn) -> Speak:
    """A sleep timer asked for with nothing playing: say when it works, and offer the menu."""
    return offer_menu(turn, turn.speech("sleep_timer_nothing"))
