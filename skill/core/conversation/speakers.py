"""Who is speaking: a voice Alexa recognises, and "this is Mum".

A recognised voice (`context.System.person.personId`) makes a session that person's. A voice
nobody has named yet gets a profile of its own until someone says whose it is.
"""

from __future__ import annotations

from skill.core.conversation.actions import Speak
from skill.core.conversation.people import name_of, named, speaker, then_menu
from skill.core.conversation.turn import Turn
from skill.core.people import SELF, VOICE_PREFIX, Person, voice_key
from skill.core.preferences import Preferences
from skill.core.state import SessionState
from skill.core.timeline import Timeline


def recognise(turn: Turn) -> None:
    """At the start of a session, a voice Alexa recognises makes it that person's: the profile
    linked to the voice; the account holder's, for the first voice the account hears; else a
    profile of its own (greeted by the name Alexa knows)."""
    if turn.event.voice is None or turn.session != SessionState():
        return
    heard = voice_key(turn.event.voice)
    linked = speaker(turn)
    if linked is None:
        holder = turn.user.person(SELF)
        if holder.voice is None:
            holder.voice, linked = heard, SELF
        else:
            linked = f"{VOICE_PREFIX}{heard[:8]}"
            turn.user.people[linked] = Person(voice=heard)
        turn.store = True
    turn.session.person = linked


def hello(turn: Turn) -> Timeline | None:
    """ "Hello, Sam." for a voice Alexa recognised: by the profile's name, or by the first name
    only Alexa knows."""
    voice = turn.event.voice
    if voice is None or turn.person.voice != voice_key(voice):
        return None
    speech = Timeline().say(turn.say("hello_voice"))
    if turn.person.name:
        return speech.say(f"{turn.person.name}.")
    return speech.name(voice).say(".")


def identify_speaker(turn: Turn) -> Speak:
    """ "I'm Mom": the session is hers from here on, and a voice Alexa recognises is linked to
    her profile, so her settings are used whenever she speaks."""
    found = named(turn)
    if found is None:
        return turn.reply(turn.speech("identify_who"), turn.say("identify_who"))
    key, name = found
    if key != SELF and key not in turn.user.people:
        turn.user.people[key] = Person(name)
    if key != turn.session.person:
        turn.session.person = key
        turn.session.preferences = None
    turn.store = True
    name = name_of(turn, key, name) if key != SELF else ""
    self_ = "_self" if key == SELF else ""
    if turn.event.voice is None:
        return then_menu(turn, turn.speech(f"identified{self_}", name=name))
    link_voice(turn, key, voice_key(turn.event.voice))
    return then_menu(turn, turn.speech(f"identified_voice{self_}", name=name))


def link_voice(turn: Turn, key: str, heard: str) -> None:
    """Make `heard` the voice of `key` alone. A profile made for the voice before it had a name
    ("voice-…") folds into the named one: what it kept was this same person's."""
    target = turn.user.person(key)
    for other_key, other in list(turn.user.people.items()):
        if other_key == key or other.voice != heard:
            continue
        other.voice = None
        if other_key.startswith(VOICE_PREFIX) and other.name is None:
            fold_into(target, other)
            del turn.user.people[other_key]
    target.voice = heard


def fold_into(target: Person, other: Person) -> None:
    """Keep what an unnamed voice profile had where the named profile has nothing of its own."""
    if target.preferences == Preferences():
        target.preferences = other.preferences
    target.resume = target.resume or other.resume
    target.playing = target.playing or other.playing
    target.last_script = target.last_script or other.last_script
    target.done = sorted([*target.done, *other.done], key=lambda d: d.day)
    target.reminders = [*target.reminders, *other.reminders]
