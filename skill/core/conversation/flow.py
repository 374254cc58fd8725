"""Replies several rules share: the menu, a choice, starting and continuing an exercise, goodbye."""

from __future__ import annotations

from skill.core.conversation.actions import Speak
from skill.core.conversation.people import greeting
from skill.core.conversation.playback import start_track
from skill.core.conversation.turn import Turn
from skill.core.engine import Segment, next_segment
from skill.core.position import Position
from skill.core.script import Say, Script
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


def nothing_again(turn: Turn) -> Speak:
    """ "Same as last time" with no last time: say so, and keep a choice still on offer (a
    person weighing "box breathing or 4-7-8?") rather than dropping it for the menu."""
    before = turn.speech("again_none")
    offered = turn.offered() if turn.session.mode is Mode.CHOOSING else []
    return offer_choice(turn, offered, before) if offered else offer_menu(turn, before)


def offer_choice(turn: Turn, options: list[Script], before: Timeline | None = None) -> Speak:
    """A short choice between a few scripts."""
    turn.session.mode = Mode.CHOOSING
    turn.session.choices = [s.id for s in options]
    turn.session.waiting = None
    names = turn.phrases.list_titles([s.title for s in options])
    key = "choice_one" if len(options) == 1 else "choice"  # one is not "a few to choose from"
    speech = (before or Timeline()).say(turn.say(key, options=names))
    return turn.reply(speech, turn.say(f"{key}_reprompt", options=names))


def start(
    turn: Turn, script: Script, at: Position | None = None, before: Timeline | None = None
) -> Speak:
    """Begin (or pick up) a script and speak its first segment, after the disclaimer if this is
    the account's first use (A1: a one-shot "ask Steady Ground for a body scan" too)."""
    if turn.person.last_script != script.id:
        turn.person.last_script = script.id
        turn.store = True
    opening = greeting(turn, script) or Timeline()
    opening.extend(first_use(turn)).extend(before or Timeline())
    if at is None or at == Position():
        streamed = start_track(turn, script, opening)
        if streamed is not None:
            _introduced(turn, script)  # a track opens with the whole introduction
            return streamed
    # Spoken in turns: a track still in the player (the bedtime scan) would come back over it
    # when the session ends, so it stops.
    turn.stop_audio = turn.stop_audio or turn.event.audio_playing
    if at is None or at == Position():
        return begin(turn, script, opening, whole=at is not None)
    session = turn.session
    session.mode = Mode.EXERCISE
    session.script_id = script.id
    session.choices = []
    session.at = at
    opening.say(turn.say("resume_start", title=script.spoken_title))
    if script.stop_line is not None and not stop_line_said(turn):
        opening.say(_words(script.stop_line))
    return play(turn, script, opening)


def first_use(turn: Turn) -> Timeline:
    """The short disclaimer, the first time the account uses the skill without opening it
    first (safety.md A1); nothing after that."""
    if turn.user.first_visit_done:
        return Timeline()
    turn.user.first_visit_done = True
    turn.store = True
    return turn.speech("disclaimer_short")


def begin(
    turn: Turn,
    script: Script,
    before: Timeline | None = None,
    more: bool = False,
    whole: bool = False,
) -> Speak:
    """Start a script from its beginning. The first time a person does it, or when they ask to
    hear more, the whole introduction: the title, the content note and the steps marked as the
    introduction. Once they have heard that, the script's one-sentence short intro instead.
    Either way the stop line is said once a session (T4). `whole`: every step from the first
    ("start over")."""
    session = turn.session
    session.mode = Mode.EXERCISE
    session.script_id = script.id
    session.choices = []
    session.followup = False
    session.offer = None
    stop, said = script.stop_line, stop_line_said(turn)
    first = 1 if stop is not None and said and not whole else 0
    short = (
        not (more or whole) and script.short_intro is not None and turn.person.has_heard(script.id)
    )
    if short:
        first = max(first, script.intro_end)
        words = [script.short_intro or ""]
        if stop is not None and not said and first > 0:
            words.append(_words(stop))
    else:
        words = [turn.say("more_intro" if more else "opening", title=script.spoken_title)]
    session.at = Position(first)
    return play(turn, script, before, intro=" ".join(words), note=not short)


def stop_line_said(turn: Turn) -> bool:
    """Whether the stop line has been said this session: the first words of every session's
    first exercise include it, and every segment of an exercise is stamped with the time it
    was sent. (With no time stamp, it is said again rather than missed.)"""
    return turn.session.segment_sent is not None


def _words(step: Say) -> str:
    return " ".join(part for part in step.parts if isinstance(part, str))


def _introduced(turn: Turn, script: Script, segment: Segment | None = None) -> None:
    """Remember that the person has heard the script's introduction (a whole track, or a
    segment that reached the end of it), so next time they hear the short one."""
    end = script.intro_end
    if segment is not None and not segment.start.step < end <= segment.end.step:
        return
    if turn.person.introduced(script.id):
        turn.store = True


def play(
    turn: Turn,
    script: Script,
    before: Timeline | None = None,
    intro: str | None = None,
    ack: str | None = None,
    note: bool = True,
) -> Speak:
    """Speak the next segment from the session's position, and say what the listener can do.

    `intro` opens an exercise (followed by its content note, unless `note` is False).
    `ack` (a short thanks for an answer) is left out when the script's own next words
    already thank the listener, so nobody hears "Thank you. Thank you."
    """
    session = turn.session
    segment = next_segment(script, session.at, turn.preferences, turn.budget, intro, note)
    if intro is not None and note and script.intro_end == 0:
        _introduced(turn, script)  # the whole introduction is the content note
    else:
        _introduced(turn, script, segment)
    session.mode = Mode.EXERCISE
    session.segment_start = session.at
    session.segment_intro = intro is not None
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
    key = "goodbye_resume_later" if unfinished and turn.kept else "goodbye"
    turn.session.mode = Mode.MENU
    return turn.reply(turn.speech(key), end=True)
