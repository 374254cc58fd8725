"""Everyday requests: "I can't sleep", "the five senses thing", "I only have a minute", "the
breathing one again", "surprise me". What the words mean is core/needs.py's (from data); this
module turns it into a start, or a short, specific offer of one or two exercises.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from skill.core.conversation.actions import Speak
from skill.core.conversation.crisis import keep_noticing, respond_to_crisis
from skill.core.conversation.events import EventKind
from skill.core.conversation.flow import nothing_again, offer_choice, offer_menu, start
from skill.core.conversation.people import choose_person
from skill.core.conversation.turn import Turn
from skill.core.fitting import Described, described, narrowed
from skill.core.safety.categories import Category
from skill.core.script import Kind, Script
from skill.core.state import Mode

if TYPE_CHECKING:  # the needs load with the first words (content/bundle.py)
    from skill.core.understood import Need, Understood


def request(turn: Turn) -> Speak:
    """Words that ask for something (RequestIntent carries them whole)."""
    choose_person(turn)
    words = turn.event.words or ""
    reply = understood(turn, words) or something_else(turn, words)
    return reply or offer_menu(turn, key="fallback_menu")


def something_else(turn: Turn, words: str) -> Speak | None:
    """ "Something else", "can we do something different?": others than the exercises just
    offered, or the one in play or just finished; the menu when there is none. None when the
    words ask for something else than other exercises."""
    if not turn.knowledge.choosing.asks_for_others(words):
        return None
    if turn.session.mode is Mode.CHOOSING:
        shown = turn.offered()
    else:
        shown = [turn.script] if turn.script is not None else []
    return others(turn, shown) if shown else offer_menu(turn)


def another_exercise(turn: Turn, words: str) -> Speak | None:
    """ "A longer one this time", or "now something to get me ready for bed", at any step,
    even with a question open: another length of the kind in play, or what the words ask for
    (no exercise's question is answered with a length alone, or with "something to ...")."""
    if not words or not turn.knowledge.needs.asks_for_another(words, turn.library):
        return None
    return understood(turn, words)


def understood(turn: Turn, words: str) -> Speak | None:
    """The reply to words that ask for an exercise in everyday terms; None when they don't."""
    choosing = turn.session.mode is Mode.CHOOSING
    offered = turn.session.choices if choosing else _in_play(turn)
    needs = turn.knowledge.needs
    playing = turn.script.id if turn.script is not None and not choosing else None
    got = needs.understand(words, turn.library, offered, playing)
    # The model keeps only the feeling ("nothing", "away with it"): read as a feeling, unless
    # the words themselves name or describe exercises ("just breathing, nothing fancy" is a
    # kind asked for, not feeling nothing).
    felt = turn.event.kind is EventKind.FEELING and words == turn.event.words
    if felt and not (got.script or got.options):
        got = needs.understand(f"i feel {words}", turn.library, offered)
    if got.referral is not None:  # "i've felt low for weeks": the depression reply, not a need
        return respond_to_crisis(turn, Category(got.referral))
    if got.again:
        return again(turn, got.kind, got.again_as)
    if got.script is not None:
        return start(turn, got.script)
    if got.need is not None:
        return need(turn, got.need)
    if got.options:
        return offer_choice(turn, list(got.options))
    if got.surprise and (noticing := keep_noticing(turn)) is not None:
        return noticing  # "you decide", after "we can stop here, or keep noticing the room"
    if got.surprise and choosing and turn.offered():
        return start(turn, turn.offered()[0])  # "either", "you pick": the one offered first
    if got.surprise:
        return surprise(turn)
    return _of_kind(turn, got)


def _in_play(turn: Turn) -> list[str]:
    """The exercises of the kind in play, which a length said alone picks from ("no, the short
    one", during the bedtime scan, is the short body scan); none when no exercise is."""
    script = turn.script
    return [s.id for s in turn.library.of_kind(script.kind)] if script is not None else []


def again(turn: Turn, kind: Kind | None, said: Described | None = None) -> Speak:
    """ "Again", "the breathing one from earlier": the last exercise (of that kind) this person
    started, finished, left part way or was introduced to, most recent first. A length or place
    said with it picks among that exercise's kind ("that again, but the shorter one")."""
    person = turn.person
    recent = [person.last_script] if person.last_script else []
    recent += [person.resume.script_id] if person.resume else []
    recent += [d.script_id for d in reversed(person.done)] + list(reversed(person.heard))
    for script_id in recent:
        script = turn.library.get(script_id)
        if script is not None and (kind is None or script.kind is kind):
            return start(turn, _as_said(turn, script, said))
    if kind is not None:
        return offer_choice(turn, turn.library.of_kind(kind)[:2])
    fitting = described(turn.library, said) if said is not None else None
    if fitting:  # "a minute before she starts up again", before any exercise: the minute
        return offer_choice(turn, fitting[:2])
    return nothing_again(turn)


def _as_said(turn: Turn, script: Script, said: Described | None) -> Script:
    """`script`, or the one of its kind that fits the length or place said, when it does not."""
    if said is None or not (said.most is not None or said.longest or said.place):
        return script
    fitting = narrowed(turn.library.of_kind(script.kind), said)
    return script if script in fitting or not fitting else fitting[0]


def need(turn: Turn, wanted: Need) -> Speak:
    """A need: start what answers it, or offer two ("Box breathing can help settle things.
    Would you like that, or grounding with your senses?")."""
    if wanted.start is not None:
        script = turn.library.get(wanted.start)
        if script is not None:
            return start(turn, script)
    offered = [(o, turn.library.get(o.script_id)) for o in wanted.offer]
    present = [(o, s) for o, s in offered if s is not None]
    if not present:
        return offer_menu(turn, key="fallback_menu")
    if len(present) == 1:
        return offer_choice(turn, [present[0][1]])
    (first, first_script), (second, second_script) = present[:2]
    session = turn.session
    session.mode = Mode.CHOOSING
    session.choices = [first_script.id, second_script.id]
    session.last_reply = ""
    speech = turn.speech("need_offer", reason=first.reason, other=second.label)
    reprompt = turn.say("need_offer_reprompt", first=first_script.spoken_title, other=second.label)
    return turn.reply(speech, reprompt)


def others(turn: Turn, offered: list[Script], heard: str = "") -> Speak:
    """ "Any other options?" after an offer: the next exercises that suit the need it answered
    (or, for an offer of a kind or one exercise, others of that kind), two at most, not of a
    kind the words turn down ("not breathing, something else") while others are left; the
    menu when none is left."""
    ids = [script.id for script in offered]
    # Two offered answer a need; one in play need not have (it was named, or is the only one).
    suiting = turn.knowledge.needs.instead_of(ids) if len(ids) > 1 else ()
    if not suiting:
        kinds = {script.kind for script in offered}
        suiting = tuple(s.id for kind in kinds for s in turn.library.of_kind(kind))
    fresh = [s for i in suiting if i not in ids and (s := turn.library.get(i)) is not None]
    refused = turn.knowledge.needs.turned_down(heard) if heard else None
    fresh = [s for s in fresh if s.kind is not refused] or fresh
    if not fresh:
        return offer_menu(turn)
    return offer_choice(turn, fresh[:2])


def surprise(turn: Turn) -> Speak:
    """ "Surprise me": any exercise, different for different requests."""
    scripts = sorted(turn.library, key=lambda s: s.id)
    seed = int(hashlib.sha256(turn.event.seed.encode()).hexdigest()[:8], 16)
    return start(turn, scripts[seed % len(scripts)])


def _of_kind(turn: Turn, got: Understood) -> Speak | None:
    if got.kind is None:
        return None
    scripts: list[Script] = turn.library.of_kind(got.kind)
    if len(scripts) == 1:
        return start(turn, scripts[0])
    return offer_choice(turn, scripts[:3]) if scripts else None
