"""Reading an Alexa request as a conversation event, the crisis check of its words included."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ask_sdk_model import Intent, IntentRequest, RequestEnvelope, Slot

from skill.core.conversation.events import Event, EventKind, Heard, Playback, Player
from skill.core.safety.categories import Assessment

if TYPE_CHECKING:  # the crisis check loads with the first words (content/bundle.py)
    from skill.core.safety.classifier import CrisisClassifier

K = EventKind

INTENT_EVENTS: Mapping[str, EventKind] = {
    "StartExerciseIntent": K.START_EXERCISE,
    "AnswerIntent": K.ANSWER,
    "FeelingIntent": K.FEELING,
    "CrisisIntent": K.CRISIS,
    "ListExercisesIntent": K.LIST,
    "AboutIntent": K.ABOUT,
    "DeleteDataIntent": K.DELETE_DATA,
    "ControlIntent": K.CONTROL,
    "SkipRegionIntent": K.SKIP_REGION,
    "SleepTimerIntent": K.SLEEP_TIMER,
    "AddPersonIntent": K.ADD_PERSON,
    "RemovePersonIntent": K.REMOVE_PERSON,
    "PersonSettingsIntent": K.PERSON_SETTINGS,
    "IdentifyPersonIntent": K.IDENTIFY,
    "RequestIntent": K.REQUEST,
    "MoreIntent": K.MORE,
    "SetUpByIntent": K.SET_UP_BY,
    "SameAgainIntent": K.AGAIN,
    "HistoryIntent": K.HISTORY,
    "SetReminderIntent": K.SET_REMINDER,
    "ReminderTimeIntent": K.REMINDER_TIME,
    "ListRemindersIntent": K.LIST_REMINDERS,
    "CancelReminderIntent": K.CANCEL_REMINDER,
    "AMAZON.HelpIntent": K.HELP,
    "AMAZON.StopIntent": K.STOP,
    "AMAZON.NavigateHomeIntent": K.STOP,
    "AMAZON.CancelIntent": K.CANCEL,
    "AMAZON.FallbackIntent": K.FALLBACK,
    "AMAZON.NextIntent": K.NEXT,
    "AMAZON.PreviousIntent": K.BACK,
    "AMAZON.RepeatIntent": K.REPEAT,
    "AMAZON.StartOverIntent": K.START_OVER,
    "AMAZON.PauseIntent": K.PAUSE,
    "AMAZON.ResumeIntent": K.RESUME,
    "AMAZON.YesIntent": K.YES,
    "AMAZON.NoIntent": K.NO,
}
"""Every intent of the interaction model, and the event it is (a test holds the two together)."""

REQUEST_EVENTS: Mapping[str, EventKind] = {
    "LaunchRequest": K.LAUNCH,
    "SessionEndedRequest": K.SESSION_ENDED,
    "AlexaSkillEvent.SkillDisabled": K.SKILL_DISABLED,
}
"""Requests other than intents that the conversation answers."""

PLAYBACK_PREFIXES = ("AudioPlayer.", "PlaybackController.")
"""Requests from the device's audio player: playback events, never spoken to."""

PLAYING = frozenset({"PLAYING", "BUFFER_UNDERRUN"})
MAX_MINUTES = 120.0


def request_type(envelope: RequestEnvelope) -> str:
    """The request's type ("LaunchRequest", "IntentRequest", ...)."""
    request = envelope.request
    return str(request.object_type) if request is not None else ""


def intent_of(envelope: RequestEnvelope) -> Intent | None:
    """The intent of an IntentRequest, or None for any other request."""
    request = envelope.request
    if isinstance(request, IntentRequest) and request.intent is not None:
        intent: Intent = request.intent
        return intent
    return None


def intent_name(envelope: RequestEnvelope) -> str | None:
    """The intent's name, or None when the request is not an intent."""
    intent = intent_of(envelope)
    return str(intent.name) if intent is not None and intent.name else None


def event_kind(envelope: RequestEnvelope) -> EventKind | None:
    """The event a request is, or None for requests that are not part of the conversation."""
    kind = request_type(envelope)
    if kind == "IntentRequest":
        # An intent this code does not know (a model newer than the code, or a made-up name)
        # is words the skill could not place: a fallback, its slots still crisis-checked.
        return INTENT_EVENTS.get(intent_name(envelope) or "", K.FALLBACK)
    if kind.startswith(PLAYBACK_PREFIXES):
        return K.PLAYBACK
    return REQUEST_EVENTS.get(kind)


def heard(slot: Slot | None) -> Heard | None:
    """A filled slot's words, with its first entity-resolution match if there is one."""
    if slot is None or not slot.value:
        return None
    resolutions = slot.resolutions.resolutions_per_authority if slot.resolutions else None
    for authority in resolutions or []:
        code = authority.status.code if authority.status else None
        value = authority.values[0].value if authority.values else None
        if code is not None and code.value == "ER_SUCCESS_MATCH" and value is not None:
            return Heard(str(slot.value), str(value.id) if value.id is not None else None)
    return Heard(str(slot.value))


def _slots(envelope: RequestEnvelope) -> dict[str, Heard]:
    intent = intent_of(envelope)
    found = {name: heard(slot) for name, slot in (intent.slots or {}).items()} if intent else {}
    return {name: value for name, value in found.items() if value is not None}


def said_words(envelope: RequestEnvelope) -> list[str]:
    """Every slot value of the request, as said: for this turn only, never kept (P2)."""
    return [value.words for value in _slots(envelope).values()]


def _minutes(value: Heard | None) -> float | None:
    if value is None:
        return None
    try:
        minutes = float(value.words)
    except ValueError:
        return None
    return minutes if 0 < minutes <= MAX_MINUTES else None


def _time(envelope: RequestEnvelope) -> datetime | None:
    stamp = getattr(envelope.request, "timestamp", None)
    if isinstance(stamp, datetime):
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    return None


PLAYBACK_EVENTS: Mapping[str, Playback] = {
    "AudioPlayer.PlaybackStarted": Playback.STARTED,
    "AudioPlayer.PlaybackStopped": Playback.STOPPED,
    "AudioPlayer.PlaybackNearlyFinished": Playback.NEARLY_FINISHED,
    "AudioPlayer.PlaybackFinished": Playback.FINISHED,
    "AudioPlayer.PlaybackFailed": Playback.FAILED,
    "PlaybackController.PlayCommandIssued": Playback.PLAY_PRESSED,
    "PlaybackController.PauseCommandIssued": Playback.PAUSE_PRESSED,
    "PlaybackController.NextCommandIssued": Playback.NEXT_PRESSED,
    "PlaybackController.PreviousCommandIssued": Playback.PREVIOUS_PRESSED,
}
"""The audio player's events and button presses, and what each is to the conversation."""


def _offset(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _player(envelope: RequestEnvelope) -> Player:
    """The device's audio player: from the request itself for the player's own events (they
    name the track they are about), otherwise from the request's context."""
    context = envelope.context
    device = context.system.device if context and context.system else None
    interfaces = device.supported_interfaces if device else None
    supported = bool(interfaces and interfaces.audio_player is not None)
    state = context.audio_player if context else None
    activity = state.player_activity.value if state and state.player_activity else ""
    token = state.token if state else None
    offset = _offset(state.offset_in_milliseconds) if state else 0
    playback = PLAYBACK_EVENTS.get(request_type(envelope))
    request = envelope.request
    if request_type(envelope).startswith("AudioPlayer."):
        token = getattr(request, "token", None)
        offset = _offset(getattr(request, "offset_in_milliseconds", None))
        current = getattr(request, "current_playback_state", None)
        if current is not None and (token is None or not offset):
            token = token or current.token
            offset = offset or _offset(current.offset_in_milliseconds)
    return Player(
        supported=supported,
        token=str(token) if token else None,
        offset_ms=offset,
        playing=activity in PLAYING,
        playback=playback,
    )


def _voice(envelope: RequestEnvelope) -> str | None:
    system = envelope.context.system if envelope.context else None
    person = system.person if system else None
    found = person.person_id if person else None
    return str(found) if found else None


def read_event(
    envelope: RequestEnvelope, kind: EventKind, check: Callable[[], CrisisClassifier]
) -> Event:
    """The event of a request, with the crisis check of every word said (safety.md C1).
    `check` gives the locale's crisis check, asked for only when there is something to check:
    a request with no words (a launch, "stop") is answered without loading it."""
    slots = _slots(envelope)
    intent = intent_of(envelope)
    values = {name: value.words for name, value in slots.items()}
    assessment = Assessment()
    if kind is K.CRISIS or any(values.values()):
        from skill.core.safety.rule import assess_turn, category_named

        classifier = check()
        listed = [name for name, value in slots.items() if value.resolved]
        words = classifier.rejoiner.texts(intent.name if intent else None, values, listed)
        statement = slots.get("statement")
        assessment = assess_turn(
            classifier,
            words,
            crisis_intent=kind is K.CRISIS,
            resolved=category_named(statement.resolved) if statement else None,
        )
    setting, region, kind_asked = slots.get("setting"), slots.get("region"), slots.get("kind")
    said = slots.get("answer") or slots.get("feeling") or slots.get("request") or setting
    return Event(
        kind=kind,
        assessment=assessment,
        exercise=slots.get("exercise"),
        minutes=_minutes(slots.get("minutes")),
        person=slots.get("person"),
        relation=slots.get("relation"),
        at=slots["time"].words if "time" in slots else None,
        day_part=slots["part"].resolved if "part" in slots else None,
        voice=_voice(envelope),
        words=said.words if said else None,
        setting=setting.resolved if setting else None,
        region=region.resolved if region else None,
        kind_asked=kind_asked.resolved if kind_asked else None,
        time=_time(envelope),
        seed=str(getattr(envelope.request, "request_id", "") or ""),
        player=_player(envelope),
    )
