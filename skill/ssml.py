"""SSML for one Alexa response: building it within the platform's limits, and checking it."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from skill.scripts import speech_seconds

# The platform's limits (alexa-platform.md), kept here and nowhere else.
MAX_SSML_CHARS = 8000
"""Output speech may hold at most this many characters, tags included."""
MAX_BREAK_SECONDS = 10.0
"""One `<break>` may last at most this long; longer silences are chains."""
MAX_RESPONSE_SECONDS = 240.0
"""Speech plus breaks in one response, at most."""

# What the engine aims for, leaving room for the handler's own words around a segment.
SEGMENT_BUDGET_SECONDS = 200.0
SEGMENT_BUDGET_CHARS = 6500
LAST_WORDS_BUDGET_SECONDS = 215.0
"""A script's closing words may stretch a segment this far, so nobody says "next" only to
hear "that's the end"; the handler's own closing words still fit under the limit."""

_BREAK_TIME = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*(ms|s)\s*", re.IGNORECASE)


def break_seconds(value: str) -> float | None:
    """Seconds in a break's `time` attribute ("3s", "500ms"), or None if unreadable."""
    found = _BREAK_TIME.fullmatch(value)
    if not found:
        return None
    number = float(found.group(1))
    return number / 1000 if found.group(2).lower() == "ms" else number


def _break_tags(seconds: float) -> list[str]:
    """A silence as a chain of breaks, none over the limit, in whole milliseconds."""
    total_ms = round(seconds * 1000)
    if total_ms <= 0:
        return []
    limit_ms = int(MAX_BREAK_SECONDS * 1000)
    count = math.ceil(total_ms / limit_ms)
    tags = []
    for _ in range(count - 1):
        tags.append(f'<break time="{limit_ms // 1000}s"/>')
        total_ms -= limit_ms
    tags.append(
        f'<break time="{total_ms}ms"/>'
        if total_ms % 1000
        else f'<break time="{total_ms // 1000}s"/>'
    )
    return tags


@dataclass
class SpeechBuilder:
    """Collects text and silences for one response, tracking its length."""

    pieces: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def say(self, text: str) -> SpeechBuilder:
        """Add words; the text is escaped here, so pass it plain."""
        text = " ".join(text.split())
        if text:
            self.pieces.append(escape(text))
            self.seconds += speech_seconds(text)
        return self

    def pause(self, seconds: float) -> SpeechBuilder:
        """Add a silence of any length."""
        self.pieces.extend(_break_tags(seconds))
        self.seconds += max(seconds, 0.0)
        return self

    def extend(self, other: SpeechBuilder) -> SpeechBuilder:
        """Add everything of another builder."""
        self.pieces.extend(other.pieces)
        self.seconds += other.seconds
        return self

    @property
    def chars(self) -> int:
        """Characters of the finished SSML."""
        return len(self.build())

    @property
    def empty(self) -> bool:
        """Whether nothing was added."""
        return not self.pieces

    def build(self) -> str:
        """The finished `<speak>` document."""
        return "<speak>" + " ".join(self.pieces) + "</speak>"


def check(ssml: str) -> list[str]:
    """Every way this SSML breaks the platform's limits; empty when it is fine."""
    problems: list[str] = []
    if len(ssml) > MAX_SSML_CHARS:
        problems.append(f"{len(ssml)} characters, over the limit of {MAX_SSML_CHARS}")
    try:
        root = ET.fromstring(ssml)
    except ET.ParseError as exc:
        return [*problems, f"not valid XML: {exc}"]
    if root.tag != "speak":
        problems.append(f"root element is <{root.tag}>, not <speak>")
    seconds = 0.0
    for element in root.iter():
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


def to_plain_text(ssml: str, show_pauses_from: float = 5.0) -> str:
    """What a listener would hear, as text; long silences shown as "(20 s pause)"."""
    try:
        root = ET.fromstring(ssml)
    except ET.ParseError:
        return re.sub(r"<[^>]+>", " ", ssml).strip()
    words: list[str] = []
    silence = 0.0

    def flush() -> None:
        nonlocal silence
        if silence >= show_pauses_from:
            words.append(f"({silence:.0f} s pause)")
        silence = 0.0

    def walk(element: ET.Element) -> None:
        nonlocal silence
        if element.tag == "break":
            silence += break_seconds(element.get("time", "")) or 0.0
        elif element.text and element.text.strip():
            flush()
            words.append(element.text.strip())
        for child in element:
            walk(child)
            if child.tail and child.tail.strip():
                flush()
                words.append(child.tail.strip())

    walk(root)
    flush()
    return re.sub(r"\s+([.,;:?!])", r"\1", " ".join(words))
