"""Sessions for someone else: "start a body scan for Mom" on Mom's speaker.

The session is then Mom's: her settings are used and kept, her place in an unfinished exercise
is hers, and the exercise opens by greeting her. A person named for the first time gets a
profile of their own, with the default settings.
"""

from __future__ import annotations

from skill.core.conversation.actions import Speak
from skill.core.conversation.turn import Turn
from skill.core.people import NAME_PREFIX, SELF, Person, identify, voice_key
from skill.core.preferences import Control, Preferences
from skill.core.script import Script
from skill.core.state import Mode
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
    found = named(turn)
    if found is None:
        return turn.session.person
    key, name = found
    if key != SELF and key not in turn.user.people:
        turn.user.people[key] = Person(name)
        turn.store = True
    return key


def offer_resume(turn: Turn, script: Script) -> Speak:
    """Starting an exercise someone left part way (on another day, another device): ask
    before picking up where they stopped, rather than starting over or carrying on unasked."""
    turn.session.mode = Mode.RESUME_OFFER
    turn.session.script_id = script.id
    speech = greeting(turn, script) or Timeline()
    name = turn.person.name or ""
    speech.say(turn.say("resume_offer_person", name=name, title=script.spoken_title))
    return turn.reply(speech, turn.say("resume_reprompt", title=script.spoken_title))


def greeting(turn: Turn, script: Script | None = None) -> Timeline | None:
    """ "Hello Mom. Your daughter set up this body scan for you.", when the session is someone
    else's ("This one was set up for you." while nobody has said who sets them up)."""
    if turn.session.person in (SELF, speaker(turn)):
        return None  # their own session: they set it up themselves
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


def speaker(turn: Turn) -> str | None:
    """The key of the person whose voice Alexa recognised in this request, if it is linked."""
    if turn.event.voice is None:
        return None
    heard = voice_key(turn.event.voice)
    return next((key for key, person in turn.user.people.items() if person.voice == heard), None)


def named(turn: Turn) -> tuple[str, str | None] | None:
    """Whom the request names: "me" is whoever is speaking, when Alexa knows their voice."""
    said = turn.event.person
    found = identify(said.words, said.resolved) if said is not None else None
    if found is not None and found[0] == SELF:
        return (speaker(turn) or SELF), None
    return found


def person_named(turn: Turn) -> str | None:
    """The key of the person the request names, when the account has them (or it is "me")."""
    found = named(turn)
    if found is None or (found[0] != SELF and found[0] not in turn.user.people):
        return None
    return found[0]


def name_of(turn: Turn, key: str, fallback: str | None) -> str:
    person = turn.user.people.get(key)
    return (person.name if person else None) or fallback or key.replace("-", " ").title()


def then_menu(turn: Turn, speech: Timeline) -> Speak:
    if turn.session.mode in (Mode.EXERCISE, Mode.PAUSED):
        return turn.reply(speech, turn.say("continue_reprompt"))
    turn.session.mode = Mode.MENU
    return turn.reply(speech.say(turn.say("menu_reprompt")), turn.say("menu_reprompt"))


def add_person(turn: Turn) -> Speak:
    """ "Add a person called Grandpa": a profile with the default settings."""
    found = named(turn)
    if found is None or found[0] == SELF:
        return turn.reply(turn.speech("person_who"), turn.say("person_who"))
    key, name = found
    if key in turn.user.people:
        return then_menu(turn, turn.speech("person_known", name=name_of(turn, key, name)))
    turn.user.people[key] = Person(name)
    turn.store = True
    return then_menu(turn, turn.speech("person_added", name=name_of(turn, key, name)))


def remove_person(turn: Turn) -> Speak:
    """ "Remove Grandpa": asked once, since his settings and progress go with him."""
    found = named(turn)
    if found is None:
        return turn.reply(turn.speech("person_who_remove"), turn.say("person_who_remove"))
    key, name = found
    if key == SELF:
        return then_menu(turn, turn.speech("remove_self"))
    if key not in turn.user.people:
        return then_menu(turn, turn.speech("person_unknown", name=name or key))
    turn.session.mode = Mode.CONFIRM_REMOVE
    turn.session.offer = key
    name = name_of(turn, key, name)
    return turn.reply(turn.speech("remove_confirm", name=name), turn.say("remove_reprompt"))


def remove_confirmed(turn: Turn) -> Speak:
    key = turn.session.offer or ""
    name = name_of(turn, key, None)
    turn.session.offer = None
    removed = turn.user.people.pop(key, None)
    if removed is not None:
        turn.drop_reminders = list(removed.reminders)
        turn.store = True
    if turn.session.person == key:
        turn.session.person = SELF
    turn.session.mode = Mode.MENU
    return then_menu(turn, turn.speech("person_removed", name=name))


def remove_declined(turn: Turn) -> Speak:
    key = turn.session.offer or ""
    turn.session.offer = None
    turn.session.mode = Mode.MENU
    return then_menu(turn, turn.speech("person_kept", name=name_of(turn, key, None)))


def describe(turn: Turn, prefs: Preferences) -> list[str]:
    """A person's settings in words, only those that differ from the usual."""
    names = turn.phrases.table["setting_names"]
    said = []
    if prefs.pace != 1.0:
        said.append(names["slower" if prefs.pace > 1 else "faster"])
    if prefs.pause_scale != 1.0:
        said.append(names["longer_pauses" if prefs.pause_scale > 1 else "shorter_pauses"])
    for flag in ("shorter_version", "eyes_open", "outward", "no_holds", "bedtime", "counting"):
        if getattr(prefs, "shorter" if flag == "shorter_version" else flag):
            said.append(names[flag])
    if prefs.voice is not None:
        said.append(names[f"{prefs.voice}_voice"])
    regions = turn.phrases.table["region_names"]
    if prefs.skip_regions:
        left_out = turn.phrases.join([regions.get(r, r) for r in sorted(prefs.skip_regions)], "and")
        said.append(turn.say("setting_skipping", regions=left_out))
    return said


def person_settings(turn: Turn) -> Speak:
    """ "What are Mom's settings?" (or the session's own person's, or the holder's)."""
    found = named(turn)
    key = found[0] if found is not None else turn.session.person
    if key != SELF and key not in turn.user.people:
        name = found[1] if found is not None else None
        return then_menu(turn, turn.speech("person_unknown", name=name or key))
    said = describe(turn, turn.user.person(key).preferences)
    listed = turn.phrases.join(said, "and")
    if key in (SELF, speaker(turn)):
        speech = turn.speech("settings_self" if said else "settings_self_usual", settings=listed)
    else:
        name = name_of(turn, key, None)
        speech = turn.speech(
            "settings_person" if said else "settings_person_usual", name=name, settings=listed
        )
    return then_menu(turn, speech)


def names_someone_else(turn: Turn) -> bool:
    """Whether a spoken control names someone other than whom the session is for."""
    found = named(turn)
    return found is not None and found[0] != turn.session.person


def control_for_someone(turn: Turn) -> Speak:
    """ "Make the pauses longer for Grandpa": his stored settings change; this session's
    exercise (for someone else, or nobody) carries on as it was."""
    found = named(turn)
    assert found is not None
    key, name = found
    chosen = Control.named(turn.event.setting)
    if chosen is None:
        return turn.reply(turn.speech("controls_help"), turn.say("continue_reprompt"))
    if not turn.can_do(chosen):
        return then_menu(turn, turn.speech("voice_unavailable"))
    if key != SELF and key not in turn.user.people:
        turn.user.people[key] = Person(name)
    person = turn.user.person(key)
    person.preferences = person.preferences.with_control(chosen)
    turn.store = True
    setting = turn.phrases.table["setting_names"][chosen.value]
    if key == SELF:
        return then_menu(turn, turn.speech("control_for_self", setting=setting))
    return then_menu(
        turn, turn.speech("control_for_person", name=name_of(turn, key, name), setting=setting)
    )


def set_up_by(turn: Turn) -> Speak:
    """ "I'm her daughter" or "tell Mom it's from Sam": how her sessions greet her."""
    relation = turn.event.relation
    found = named(turn)
    key = found[0] if found is not None else turn.session.person
    said = identify(relation.words, relation.resolved) if relation is not None else None
    if key == SELF or said is None or said[0] == SELF:
        return then_menu(turn, turn.speech("set_up_by_who"))
    if key not in turn.user.people:
        turn.user.people[key] = Person(found[1] if found is not None else None)
    person = turn.user.person(key)
    known = (
        relation is not None and relation.resolved and not relation.resolved.startswith(NAME_PREFIX)
    )
    person.set_up_by = said[0] if known else f"{NAME_PREFIX}{said[1] or said[0].title()}"
    turn.store = True
    by = set_up_by_words(turn, person.set_up_by) or ""
    name = name_of(turn, key, None)
    return then_menu(turn, turn.speech("set_up_by_noted", name=name, by=by))
