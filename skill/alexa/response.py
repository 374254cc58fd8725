"""Turning the conversation's outcome into an ask-sdk response: SSML, reprompt, directives."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_model import Response
from ask_sdk_model.ui import AskForPermissionsConsentCard

from skill.alexa import reminders
from skill.core.conversation.actions import Outcome, Play, SpeakHelp, SpeakReminders, StopAudio
from skill.core.timeline import Timeline
from skill.speech.ssml import render

if TYPE_CHECKING:
    from ask_sdk_model.interfaces.audioplayer import PlayDirective, StopDirective

HelpSpeech = Callable[[SpeakHelp], Timeline]
"""Composes crisis wording with the helplines of where the person is."""
ReminderSpeech = Callable[[SpeakReminders], tuple[Timeline, bool]]
"""Carries out a reminders request: what to say, and whether the permissions card goes too."""
TrackUrl = Callable[[str], str]
"""The HTTPS address of a rendered track, from its key."""
SUBTITLE = "Steady Ground"


def build_response(
    builder: ResponseFactory,
    outcome: Outcome,
    help_speech: HelpSpeech,
    track_url: TrackUrl | None = None,
    player_event: bool = False,
    reminder_speech: ReminderSpeech | None = None,
    voices: Mapping[str, str] | None = None,
) -> Response:
    """The response for an outcome. Nothing said and nothing asked is an empty response; the
    audio player's events (`player_event`) get directives at most, never speech and never
    shouldEndSession."""
    stops = any(isinstance(action, StopAudio) for action in outcome.actions)
    if stops:
        builder.add_directive(_stop_directive())
    play = next((action for action in outcome.actions if isinstance(action, Play)), None)
    if play is not None and track_url is not None:
        builder.add_directive(_play_directive(play, track_url(play.track)))
    if player_event:
        response: Response = builder.response
        return response
    speak = outcome.speak
    speech = speak.speech
    if isinstance(speech, SpeakHelp):
        speech = help_speech(speech)
    elif isinstance(speech, SpeakReminders):
        assert reminder_speech is not None
        speech, card = reminder_speech(speech)
        if card:  # the only card this skill sends
            builder.set_card(AskForPermissionsConsentCard(permissions=[reminders.SCOPE]))
    voice = (voices or {}).get(speak.voice) if speak.voice else None
    if speech is not None and not speech.empty:
        builder.speak(render(speech, voice))
    if speak.listen and speak.reprompt is not None:
        builder.ask(render(speak.reprompt, voice))
    if speech is not None or speak.listen or play is not None or stops:
        builder.set_should_end_session(not speak.listen)
    response = builder.response
    return response


def _stop_directive() -> StopDirective:
    from ask_sdk_model.interfaces.audioplayer import StopDirective  # see _play_directive

    return StopDirective()


def _play_directive(play: Play, url: str) -> PlayDirective:
    """Play a track from an offset, replacing whatever the device holds. The audio player's
    models (twenty modules) are imported by the first reply that needs them, not at start."""
    from ask_sdk_model.interfaces.audioplayer import (
        AudioItem,
        AudioItemMetadata,
        PlayBehavior,
        PlayDirective,
        Stream,
    )

    stream = Stream(token=play.token, url=url, offset_in_milliseconds=play.offset_ms)
    metadata = AudioItemMetadata(title=play.title, subtitle=SUBTITLE)
    return PlayDirective(PlayBehavior.REPLACE_ALL, AudioItem(stream=stream, metadata=metadata))
