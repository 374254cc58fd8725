"""Sessions for someone else: "start a body scan for Mom" on Mom's speaker.

The session is then Mom's: her settings are used and kept, her place in an unfinished exercise
is hers, and the exercise opens by greeting her. A person named for the first time gets a
profile of their own, with the default settings.
"""

from __future__ import annotations

from skill.core.conversation.actions import Speak
from skill.core.conversation.turn import Turn
from skill.core.people import NAME_PREFIX, SELF, VOICE_PREFIX, Person, identify, voice_key
from skill.core.preferences import Control, Preferences
from skill.core.script import Script
from skill.core.state import Mode, SessionState
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


def choose_person_for_reminder(turn: Turn) -> str:
    """Whose reminder: the person named (given a profile if new), else the session's."""
    found = _named(turn)
    if found is None:
        return turn.session.person
    key, name = found
    if key != SELF and key not in turn.user.people:
        turn.user.people[key] = Person(name)
        turn.store = True
    return key


def recognise(turn: Turn) -> None:
    """At the start of a session, a voice Alexa recognises makes it that person's: the profile
    linked to the voice; the account holder's, for the first voice the account hears; else a
    profile of its own (greeted by the name Alexa knows)."""
    if turn.event.voice is None or turn.session != SessionState():
        return
    heard = voice_key(turn.event.voice)
    linked = next((k for k, p in turn.user.people.items() if p.voice == heard), None)
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


def offer_resume(turn: Turn, script: Script) -> Speak:
    """Starting an exercise someone left part way (on another day, another device): ask
    before picking up where they stopped, rather than starting over or carrying on unasked."""
    turn.session.mode = Mode.RESUME_OFFER
    turn.session.script_id = script.id
    speech = greeting(turn, script) or Timeline()
    name = turn.person.name or ""
    speech.say(turn.say("resume_offer_person", name=name, title=script.title))
    return turn.reply(speech, turn.say("resume_reprompt", title=script.title))


def greeting(turn: Turn, script: Script | None = None) -> Timeline | None:
    """ "Hello Mom. Your daughter set up this body scan for you.", when the session is someone
    else's ("This one was set up for you." while nobody has said who sets them up)."""
    if turn.session.person == SELF:
        return None
    name = turn.person.name
    by = set_up_by_words(turn, turn.person.set_up_by)
    if by is not None and script is not None:
        noun = turn.phrases.table["exercise_nouns"].get(script.kind.value, "")
        key = "for_person_by" if name else "for_someone_by"
        return turn.speech(key, name=name or "", by=by, exercise=noun)
    key = "for_person" if name else "for_someone"
    return turn.speech(key, name=name or "")


def set_up_by_words(turn: Turn, set_up_by: str | None) -> str | None:
    """How the greeting names who set a session up: "Your daughter", or "Sam"."""
    if not set_up_by:
        return None
    if set_up_by.startswith(NAME_PREFIX):
        return set_up_by.removeprefix(NAME_PREFIX)
    relations: dict[str, str] = turn.phrases.table["set_up_by_names"]
    return relations.get(set_up_by) or turn.say("set_up_by_other", relation=set_up_by)


# -- managing people: add, remove, settings, and controls for someone ---------------------------


def _named(turn: Turn) -> tuple[str, str | None] | None:
    named = turn.event.person
    return identify(named.words, named.resolved) if named is not None else None


def person_named(turn: Turn) -> str | None:
    """The key of the person the request names, when the account has them (or it is "me")."""
    found = _named(turn)
    if found is None or (found[0] != SELF and found[0] not in turn.user.people):
        return None
    return found[0]


def _name_of(turn: Turn, key: str, fallback: str | None) -> str:
    person = turn.user.people.get(key)
    return (person.name if person else None) or fallback or key.replace("-", " ").title()


def _then_menu(turn: Turn, speech: Timeline) -> Speak:
    if turn.session.mode in (Mode.EXERCISE, Mode.PAUSED):
        return turn.reply(speech, turn.say("continue_reprompt"))
    turn.session.mode = Mode.MENU
    return turn.reply(speech.say(turn.say("menu_reprompt")), turn.say("menu_reprompt"))


def add_person(turn: Turn) -> Speak:
    """ "Add a person called Grandpa": a profile with the default settings."""
    found = _named(turn)
    if found is None or found[0] == SELF:
        return turn.reply(turn.speech("person_who"), turn.say("person_who"))
    key, name = found
    if key in turn.user.people:
        return _then_menu(turn, turn.speech("person_known", name=_name_of(turn, key, name)))
    turn.user.people[key] = Person(name)
    turn.store = True
    return _then_menu(turn, turn.speech("person_added", name=_name_of(turn, key, name)))


def remove_person(turn: Turn) -> Speak:
    """ "Remove Grandpa": asked once, since his settings and progress go with him."""
    found = _named(turn)
    if found is None:
        return turn.reply(turn.speech("person_who"), turn.say("person_who"))
    key, name = found
    if key == SELF:
        return _then_menu(turn, turn.speech("remove_self"))
    if key not in turn.user.people:
        return _then_menu(turn, turn.speech("person_unknown", name=name or key))
    turn.session.mode = Mode.CONFIRM_REMOVE
    turn.session.offer = key
    name = _name_of(turn, key, name)
    return turn.reply(turn.speech("remove_confirm", name=name), turn.say("remove_reprompt"))


def remove_confirmed(turn: Turn) -> Speak:
    key = turn.session.offer or ""
    name = _name_of(turn, key, None)
    turn.session.offer = None
    removed = turn.user.people.pop(key, None)
    if removed is not None:
        turn.drop_reminders = list(removed.reminders)
        turn.store = True
    if turn.session.person == key:
        turn.session.person = SELF
    turn.session.mode = Mode.MENU
    return _then_menu(turn, turn.speech("person_removed", name=name))


def remove_declined(turn: Turn) -> Speak:
    key = turn.session.offer or ""
    turn.session.offer = None
    turn.session.mode = Mode.MENU
    return _then_menu(turn, turn.speech("person_kept", name=_name_of(turn, key, None)))


def describe(turn: Turn, prefs: Preferences) -> list[str]:
    """A person's settings in words, only those that differ from the usual."""
    names = turn.phrases.table["setting_names"]
    said = []
    if prefs.pace != 1.0:
        said.append(names["slower" if prefs.pace > 1 else "faster"])
    if prefs.pause_scale != 1.0:
        said.append(names["longer_pauses" if prefs.pause_scale > 1 else "shorter_pauses"])
    for flag in ("shorter_version", "eyes_open", "outward", "no_holds"):
        if getattr(prefs, "shorter" if flag == "shorter_version" else flag):
            said.append(names[flag])
    regions = turn.phrases.table["region_names"]
    if prefs.skip_regions:
        left_out = turn.phrases.join([regions.get(r, r) for r in sorted(prefs.skip_regions)], "and")
        said.append(turn.say("setting_skipping", regions=left_out))
    return said


def person_settings(turn: Turn) -> Speak:
    """ "What are Mom's settings?" (or the session's own person's, or the holder's)."""
    found = _named(turn)
    key = found[0] if found is not None else turn.session.person
    if key != SELF and key not in turn.user.people:
        name = found[1] if found is not None else None
        return _then_menu(turn, turn.speech("person_unknown", name=name or key))
    said = describe(turn, turn.user.person(key).preferences)
    listed = turn.phrases.join(said, "and")
    if key == SELF:
        speech = turn.speech("settings_self" if said else "settings_self_usual", settings=listed)
    else:
        name = _name_of(turn, key, None)
        speech = turn.speech(
            "settings_person" if said else "settings_person_usual", name=name, settings=listed
        )
    return _then_menu(turn, speech)


def names_someone_else(turn: Turn) -> bool:
    """Whether a spoken control names someone other than whom the session is for."""
    found = _named(turn)
    return found is not None and found[0] != turn.session.person


def control_for_someone(turn: Turn) -> Speak:
    """ "Make the pauses longer for Grandpa": his stored settings change; this session's
    exercise (for someone else, or nobody) carries on as it was."""
    found = _named(turn)
    assert found is not None
    key, name = found
    chosen = Control.named(turn.event.setting)
    if chosen is None:
        return turn.reply(turn.speech("controls_help"), turn.say("continue_reprompt"))
    if key != SELF and key not in turn.user.people:
        turn.user.people[key] = Person(name)
    person = turn.user.person(key)
    person.preferences = person.preferences.with_control(chosen)
    turn.store = True
    setting = turn.phrases.table["setting_names"][chosen.value]
    if key == SELF:
        return _then_menu(turn, turn.speech("control_for_self", setting=setting))
    return _then_menu(
        turn, turn.speech("control_for_person", name=_name_of(turn, key, name), setting=setting)
    )


# -- who is speaking, and who sets sessions up ------------------------------------------------


def identify_speaker(turn: Turn) -> Speak:
    """ "I'm Mom": the session is hers from here on, and a voice Alexa recognises is linked to
    her profile, so her settings are used whenever she speaks."""
    found = _named(turn)
    if found is None:
        return turn.reply(turn.speech("identify_who"), turn.say("identify_who"))
    key, name = found
    if key != SELF and key not in turn.user.people:
        turn.user.people[key] = Person(name)
    if key != turn.session.person:
        turn.session.person = key
        turn.session.preferences = None
    turn.store = True
    name = _name_of(turn, key, name) if key != SELF else ""
    self_ = "_self" if key == SELF else ""
    if turn.event.voice is None:
        return _then_menu(turn, turn.speech(f"identified{self_}", name=name))
    link_voice(turn, key, voice_key(turn.event.voice))
    return _then_menu(turn, turn.speech(f"identified_voice{self_}", name=name))


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


def set_up_by(turn: Turn) -> Speak:
    """ "I'm her daughter" or "tell Mom it's from Sam": how her sessions greet her."""
    relation = turn.event.relation
    found = _named(turn)
    key = found[0] if found is not None else turn.session.person
    said = identify(relation.words, relation.resolved) if relation is not None else None
    if key == SELF or said is None or said[0] == SELF:
        return _then_menu(turn, turn.speech("set_up_by_who"))
    if key not in turn.user.people:
        turn.user.people[key] = Person(found[1] if found is not None else None)
    person = turn.user.person(key)
    known = (
        relation is not None and relation.resolved and not relation.resolved.startswith(NAME_PREFIX)
    )
    person.set_up_by = said[0] if known else f"{NAME_PREFIX}{said[1] or said[0].title()}"
    turn.store = True
    by = set_up_by_words(turn, person.set_up_by) or ""
    name = _name_of(turn, key, None)
    return _then_menu(turn, turn.speech("set_up_by_noted", name=name, by=by))
