"""How typed words address the skill: parse_invocation ("open steady ground", "ask ... to")."""

from __future__ import annotations

import re
from typing import Literal

from skill.core.wordlists import alternation
from skill.record import record
from skill.tools.nlu.words import normalise, typed_words

WAKE_WORD = "alexa"


@record
class Invocation:
    """How an utterance addresses the skill ("open steady ground", "ask steady ground to ...")."""

    kind: Literal["launch", "intent", "none"]
    """launch: open the skill; intent: a one-shot request; none: the skill was not named."""
    rest: str
    """The request words for "intent", the whole (normalised) utterance for "none", else ""."""


def parse_invocation(utterance: str, invocation_name: str) -> Invocation:
    """Whether the words open the skill, make a one-shot request to it, or do neither."""
    words = typed_words()
    text = without_wake_word(normalise(utterance))
    name = r"\s+".join(re.escape(word) for word in normalise(invocation_name).split())
    launch = alternation(words.launch_with)
    if text in words.launch_alone or re.fullmatch(rf"(?:{launch})\s+{name}", text):
        return Invocation("launch", "")
    request, joiners = alternation(words.request_with), alternation(words.request_joiners)
    one_shot = re.fullmatch(rf"(?:{request})\s+{name}\s+(?:(?:{joiners})\s+)?(?P<rest>.+)", text)
    if one_shot is not None:
        return Invocation("intent", one_shot.group("rest"))
    return Invocation("none", text)


def without_wake_word(text: str) -> str:
    """Typed words may start with "alexa"; Alexa never passes the wake word to a skill."""
    return text[len(WAKE_WORD) :].lstrip() if text.split(" ", 1)[0] == WAKE_WORD else text
