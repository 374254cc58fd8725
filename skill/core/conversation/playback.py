"""Hands-free play: streaming a rendered track, and everything said or pressed while it plays.

The device's audio player plays one track per exercise. Its events (started, stopped,
finished...) get no speech at all, and touch only what is kept with the user, since they come
with no session. A token names the person, script, variant and offset of each play; an event
whose token is not the current one (an old play, another skill's track) changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from skill.core.conversation.actions import Play, Speak
from skill.core.conversation.events import EventKind, Playback
from skill.core.conversation.turn import Turn
from skill.core.handsfree import (
    PlayToken,
    Track,
    Variant,
    is_hands_free,
    stretched_exactly,
    variant_for,
)
from skill.core.people import Person, Playing
from skill.core.preferences import Control
from skill.core.script import Pause, Script
from skill.core.state import Mode
from skill.core.timeline import Timeline

REPEAT_GRACE_MS = 4000
"""Within this much of a step's start, "go back" goes to the step before it."""


def start_track(turn: Turn, script: Script, before: Timeline | None = None) -> Speak | None:
    """Stream a hands-free script from the start, where the device can; None where it can't
    (no audio player, or no rendered track): the caller speaks the exercise in turns."""
    if not is_hands_free(script) or not turn.event.player.supported:
        return None
    minutes = turn.event.minutes
    variant = variant_for(script, turn.preferences, minutes)
    track = turn.tracks.track(script, variant)
    if track is None:
        return None
    exact = stretched_exactly(script, variant, minutes, track) if minutes else None
    closer = turn.tracks.track(script, exact) if exact is not None else None
    if exact is not None and closer is not None:
        variant, track = exact, closer  # the speech's real length is known now: meet the length
    speech = (before or Timeline()).say(turn.intro(script))
    return _play(turn, script, variant, track, 0, speech)


def _play(
    turn: Turn, script: Script, variant: Variant, track: Track, offset_ms: int, speech: Timeline
) -> Speak:
    offset_ms = min(max(offset_ms, 0), max(track.duration_ms - 1, 0))
    seed = f"{turn.event.seed}|{script.id}|{variant.key}|{offset_ms}"
    nonce = hashlib.sha256(seed.encode()).hexdigest()[:8]
    who = _listener_key(turn)
    token = str(PlayToken(who, script.id, variant.key, offset_ms, nonce))
    person = turn.user.person(who)
    person.playing = Playing(script.id, variant, token, offset_ms)
    person.resume = None  # a bedtime track is not offered again at the next launch
    turn.store = True
    turn.play = Play(track.key, token, offset_ms, script.title)
    turn.session.mode = Mode.MENU
    turn.session.script_id = None
    return turn.reply(speech, end=True)


def _listener_key(turn: Turn) -> str:
    """Whose track the device holds: the person its token names, when the account still has
    them; otherwise whom the session is for (the player's events have no session)."""
    token = PlayToken.parse(turn.event.player.token)
    if token is not None and token.person in turn.user.people:
        return token.person
    return turn.session.person


def _listener(turn: Turn) -> Person:
    return turn.user.person(_listener_key(turn))


def _current(turn: Turn) -> tuple[Playing, Script] | None:
    """The track the device holds, when it is ours and the current play."""
    playing = _listener(turn).playing
    if playing is None or turn.event.player.token != playing.token:
        return None
    script = turn.library.get(playing.script_id)
    return (playing, script) if script is not None else None


def listening(turn: Turn) -> bool:
    """Whether the device holds our current track (playing, or stopped part way)."""
    return _current(turn) is not None


def playing_now(turn: Turn) -> bool:
    """Whether our current track is playing right now (not stopped part way)."""
    return listening(turn) and turn.event.player.playing


def can_resume(turn: Turn) -> bool:
    """Whether "resume" means the track: one was left unfinished, no spoken exercise is under
    way in this session, and the device can stream."""
    return (
        _listener(turn).playing is not None
        and turn.event.player.supported
        and turn.session.mode in (Mode.MENU, Mode.FINISHED)
    )


def _remember(turn: Turn, playing: Playing, offset_ms: int) -> None:
    if playing.offset_ms != offset_ms:
        playing.offset_ms = offset_ms
        turn.store = True


def player_event(turn: Turn) -> Speak:
    """The audio player's events and buttons: never any speech (alexa-platform.md)."""
    current = _current(turn)
    if current is None:
        return turn.silence()  # stale, foreign or unreadable: ignored safely
    playing, script = current
    player = turn.event.player
    happened = player.playback
    if happened in (Playback.STARTED, Playback.STOPPED, Playback.FAILED):
        _remember(turn, playing, player.offset_ms)
    elif happened is Playback.FINISHED:
        _listener(turn).playing = None
        if turn.event.time is not None:
            _listener(turn).finished(script.id, turn.event.time.date())
        turn.store = True
    elif happened is Playback.PAUSE_PRESSED:
        _remember(turn, playing, player.offset_ms)
        turn.stop_audio = True
    elif happened in (Playback.PLAY_PRESSED, Playback.NEXT_PRESSED, Playback.PREVIOUS_PRESSED):
        kind = {Playback.NEXT_PRESSED: EventKind.NEXT, Playback.PREVIOUS_PRESSED: EventKind.BACK}
        _move(turn, playing, script, kind.get(happened, EventKind.RESUME), Timeline())
    return turn.silence()


def pause_track(turn: Turn) -> Speak:
    """ "Pause" or "stop" while the track plays: stop it and keep the exact place."""
    current = _current(turn)
    assert current is not None
    _remember(turn, current[0], turn.event.player.offset_ms)
    turn.stop_audio = True
    return turn.reply(Timeline(), end=True)


def move_in_track(turn: Turn) -> Speak:
    """ "Go back", "repeat that", "skip this part", "start over": a step boundary."""
    current = _current(turn)
    assert current is not None
    playing, script = current
    return _move(turn, playing, script, turn.event.kind, Timeline())


def resume_track(turn: Turn) -> Speak:
    """ "Resume" (now, or another day): the exact place the track stopped."""
    playing = _listener(turn).playing
    script = turn.library.get(playing.script_id) if playing else None
    if playing is None or script is None:
        _listener(turn).playing = None
        turn.store = True
        return turn.reply(turn.speech("resume_nothing"), turn.say("menu_reprompt"))
    return _move(turn, playing, script, EventKind.RESUME, Timeline())


def control_track(turn: Turn) -> Speak:
    """ "Slower", "longer pauses"... while the track plays: the other rendering, same step."""
    current = _current(turn)
    assert current is not None
    playing, script = current
    chosen = Control.named(turn.event.setting)
    if chosen is None:
        return turn.reply(Timeline(), end=True)  # nothing to change: let it play on
    old = turn.tracks.track(script, playing.variant)
    step = old.step_at(turn.event.player.offset_ms) if old else 0
    turn.change_preferences(turn.preferences.with_control(chosen))
    variant = Variant(turn.preferences, playing.variant.fade, playing.variant.until_ms)
    new = turn.tracks.track(script, variant)
    if new is None:
        return turn.reply(Timeline(), end=True)
    return _play(
        turn, script, variant, new, new.start_of_step(step), turn.speech(f"control_{chosen.value}")
    )


def _speech_starts(track: Track, script: Script) -> list[int]:
    """Where each step with words begins (silences are passed over, so moves land on words)."""
    starts = [
        chapter.ms
        for chapter in track.chapters
        if chapter.step < len(script.steps) and not isinstance(script.steps[chapter.step], Pause)
    ]
    return sorted(set(starts)) or [0]


def _move(turn: Turn, playing: Playing, script: Script, kind: EventKind, speech: Timeline) -> Speak:
    track = turn.tracks.track(script, playing.variant)
    if track is None:
        _listener(turn).playing = None  # the rendering is gone: speak the exercise instead
        turn.store = True
        return turn.reply(turn.speech("resume_nothing"), turn.say("menu_reprompt"))
    heard = turn.event.player.offset_ms if listening(turn) else playing.offset_ms
    starts = _speech_starts(track, script)
    here = max((i for i, ms in enumerate(starts) if ms <= heard), default=0)
    if kind is EventKind.RESUME:
        offset = heard
    elif kind is EventKind.START_OVER:
        offset = 0
    elif kind is EventKind.NEXT:
        offset = starts[here + 1] if here + 1 < len(starts) else track.duration_ms - 1
    elif kind is EventKind.BACK and heard - starts[here] < REPEAT_GRACE_MS:
        offset = starts[max(here - 1, 0)]
    else:  # "repeat that", or "go back" part way into a step: the start of this step
        offset = starts[here]
    return _play(turn, script, playing.variant, track, offset, speech)


def sleep_timer(turn: Turn) -> Speak:
    """ "Stop after ten minutes" while a track plays: the same track, ending then with a fade."""
    current = _current(turn)
    assert current is not None
    playing, script = current
    minutes = turn.event.minutes
    if minutes is None:
        return turn.reply(Timeline(), end=True)  # no length heard: let it play on
    heard = turn.event.player.offset_ms
    until = heard + round(minutes * 60_000)
    full = turn.tracks.track(script, replace(playing.variant, until_ms=None))
    variant = replace(playing.variant, fade=True, until_ms=until)
    if full is not None and until >= full.duration_ms:
        variant = replace(variant, until_ms=None)  # it ends sooner than that anyway
    track = turn.tracks.track(script, variant)
    if track is None:
        return turn.reply(Timeline(), end=True)
    number = turn.phrases.number(round(minutes)) if minutes == round(minutes) else f"{minutes:g}"
    speech = turn.speech("sleep_timer_set", minutes=number)
    return _play(turn, script, variant, track, heard, speech)
