"""Turning the conversation's outcome into an ask-sdk response: SSML, reprompt, directives."""

from __future__ import annotations

from collections.abc import Callable

from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_model import Response
from ask_sdk_model.interfaces.audioplayer import StopDirective

from skill.core.conversation.actions import Outcome, SpeakHelp, StopAudio
from skill.core.timeline import Timeline
from skill.speech.ssml import render

HelpSpeech = Callable[[SpeakHelp], Timeline]
"""Composes crisis wording with the helplines of where the person is."""


def build_response(builder: ResponseFactory, outcome: Outcome, help_speech: HelpSpeech) -> Response:
    """The response for an outcome. Nothing said and nothing asked is an empty response, the
    only kind the audio player's events may get."""
    if any(isinstance(action, StopAudio) for action in outcome.actions):
        builder.add_directive(StopDirective())
    speak = outcome.speak
    speech = speak.speech
    if isinstance(speech, SpeakHelp):
        speech = help_speech(speech)
    if speech is not None and not speech.empty:
        builder.speak(render(speech))
    if speak.listen and speak.reprompt is not None:
        builder.ask(render(speak.reprompt))
    if speech is not None or speak.listen:
        builder.set_should_end_session(not speak.listen)
    response: Response = builder.response
    return response
