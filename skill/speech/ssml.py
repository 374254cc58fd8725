"""SSML for one Alexa response: rendering a timeline within the platform's limits, and checking.

Text is escaped here, once; silences longer than a break allows become chains of breaks; numbers
are said digit by digit with a short pause between their groups.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from skill.core.timeline import Item, Mark, Name, Number, Silence, Speech, Timeline
from skill.core.timing import speech_seconds
from skill.speech.escaping import escape, quoteattr
from skill.speech.limits import (
    LAST_WORDS_BUDGET_SECONDS,
    MAX_BREAK_SECONDS,
    MAX_RESPONSE_SECONDS,
    MAX_SSML_CHARS,
    SEGMENT_BUDGET_CHARS,
    SEGMENT_BUDGET_SECONDS,
)
from skill.speech.numbers import digits_ssml

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

_BREAK_TIME = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*(ms|s)\s*", re.IGNORECASE)
_CLOSING_PUNCTUATION = frozenset(".,;:?!")


def break_seconds(value: str) -> float | None:
    """Seconds in a break's `time` attribute ("3s", "500ms"), or None if unreadable."""
    found = _BREAK_TIME.fullmatch(value)
    if not found:
        return None
    number = float(found.group(1))
    return number / 1000 if found.group(2).lower() == "ms" else number


@lru_cache(maxsize=1024)
def break_tags(ms: int) -> tuple[str, ...]:
    """A silence as a chain of breaks, none over the limit, in whole milliseconds (each length
    worked out once: a script's silences repeat)."""
    if ms <= 0:
        return ()
    limit_ms = int(MAX_BREAK_SECONDS * 1000)
    count = math.ceil(ms / limit_ms)
    tags = [f'<break time="{limit_ms // 1000}s"/>'] * (count - 1)
    rest = ms - limit_ms * (count - 1)
    tags.append(f'<break time="{rest}ms"/>' if rest % 1000 else f'<break time="{rest // 1000}s"/>')
    return tuple(tags)


def _extend(pieces: list[str], items: Iterable[Item]) -> None:
    """The items' SSML, added to the pieces before them (one loop: a started exercise is about
    80 items, and a call per item was a fifth of rendering it)."""
    for item in items:
        if isinstance(item, Silence):
            pieces.extend(break_tags(item.ms))
        elif isinstance(item, Speech):
            text = escape(item.text)
            if pieces and text[:1] in _CLOSING_PUNCTUATION:
                pieces[-1] += text  # "on 988." not "on 988 ."
            else:
                pieces.append(text)
        elif isinstance(item, Number):
            pieces.append(digits_ssml(item.written))
        elif isinstance(item, Name):
            pieces.append(f'<alexa:name type="first" personId={quoteattr(item.person_id)}/>')
        else:
            assert isinstance(item, Mark)


def body(timeline: Timeline) -> str:
    """The SSML of a timeline without the `<speak>` element around it."""
    pieces: list[str] = []
    _extend(pieces, timeline.items)
    return " ".join(pieces)


def render(timeline: Timeline, voice: str | None = None) -> str:
    """The finished `<speak>` document; in the Alexa voice `voice` ("Matthew") when given."""
    if voice:
        return f"<speak><voice name={quoteattr(voice)}>{body(timeline)}</voice></speak>"
    return f"<speak>{body(timeline)}</speak>"


class ResponseBudget:
    """One Alexa response's worth of an exercise, leaving room for the words around it.

    A segment is built by adding to one timeline and asking, each time, whether more fits; the
    SSML length is kept as the timeline grows instead of rendering it all again each time."""

    def __init__(self) -> None:
        self._local = threading.local()  # one conversation answers many threads at once

    def fits(self, timeline: Timeline, seconds: float, chars: int = 0, last: bool = False) -> bool:
        limit = LAST_WORDS_BUDGET_SECONDS if last else SEGMENT_BUDGET_SECONDS
        if timeline.seconds + seconds > limit:
            return False
        return self.ssml_length(timeline) + chars <= SEGMENT_BUDGET_CHARS

    def ssml_length(self, timeline: Timeline) -> int:
        """`len(render(timeline))`, from what was measured of it before when it only grew."""
        seen: _Measured | None = getattr(self._local, "seen", None)
        if seen is None or seen.timeline is not timeline or len(timeline.items) < seen.counted:
            seen = self._local.seen = _Measured(timeline)
        return seen.length()

    def room(self, timeline: Timeline) -> float:
        return SEGMENT_BUDGET_SECONDS - timeline.seconds


class _Measured:
    """The SSML pieces of a timeline so far, and their length."""

    def __init__(self, timeline: Timeline) -> None:
        self.timeline = timeline
        self.counted = 0
        self.pieces: list[str] = []
        self.chars = 0

    def length(self) -> int:
        for item in self.timeline.items[self.counted :]:
            before = len(self.pieces)
            last = self.pieces[-1] if self.pieces else ""
            _extend(self.pieces, (item,))
            if len(self.pieces) == before and before:  # merged into the last piece, or nothing
                self.chars += len(self.pieces[-1]) - len(last)
            self.chars += sum(len(p) for p in self.pieces[before:])
        self.counted = len(self.timeline.items)
        return len("<speak></speak>") + self.chars + max(len(self.pieces) - 1, 0)


NAME_TAG = "alexa-name"
"""`<alexa:name>` as parsed here: Alexa's SSML uses the prefix without declaring it."""
PERSON_ID_PREFIX = "amzn1.ask.person."


VOICE_NAME = re.compile(r"[A-Z][a-z]+")
"""An Amazon Polly voice name as Alexa takes it ("Matthew")."""


def parse(ssml: str) -> ET.Element:
    """Our SSML as an element tree (`<alexa:name>` read as `<alexa-name>`). For checks and
    tools: no request's path parses SSML, so the XML library is imported here."""
    import xml.etree.ElementTree as ET

    return ET.fromstring(ssml.replace("<alexa:name ", f"<{NAME_TAG} "))


def check(ssml: str) -> list[str]:
    """Every way this SSML breaks the platform's limits; empty when it is fine."""
    import xml.etree.ElementTree as ET

    problems: list[str] = []
    if len(ssml) > MAX_SSML_CHARS:
        problems.append(f"{len(ssml)} characters, over the limit of {MAX_SSML_CHARS}")
    try:
        root = parse(ssml)
    except ET.ParseError as exc:
        return [*problems, f"not valid XML: {exc}"]
    if root.tag != "speak":
        problems.append(f"root element is <{root.tag}>, not <speak>")
    seconds = 0.0
    for element in root.iter():
        if element.tag == NAME_TAG and (
            element.get("type") != "first"
            or not element.get("personId", "").startswith(PERSON_ID_PREFIX)
        ):
            problems.append(f"alexa:name needs type first and a personId: {element.attrib}")
        if element.tag == "voice" and not VOICE_NAME.fullmatch(element.get("name", "")):
            problems.append(f"voice needs the name of an Alexa voice: {element.attrib}")
        if element.tag == "break":
            length = break_seconds(element.get("time", ""))
            if length is None:
                problems.append(f"break with unreadable time {element.get('time')!r}")
            elif length > MAX_BREAK_SECONDS:
                problems.append(f"break of {length:g} s, over the limit of {MAX_BREAK_SECONDS:g} s")
            else:
                seconds += length
    seconds += speech_seconds(" ".join(root.itertext()))
    if seconds > MAX_RESPONSE_SECONDS:
        problems.append(
            f"about {seconds:.0f} s of speech and breaks, over {MAX_RESPONSE_SECONDS:g} s"
        )
    return problems
