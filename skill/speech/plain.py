"""What a listener would hear, as plain text: for the simulator, tests and logs of our own words."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from skill.core.timeline import Timeline
from skill.speech.ssml import NAME_TAG, break_seconds, parse, render

NAME_READ = "(your name)"
"""How a recognised speaker's name, which only Alexa knows, reads in plain text."""


def to_plain_text(ssml: str, show_pauses_from: float = 5.0) -> str:
    """SSML as text; long silences shown as "(20 s pause)"."""
    try:
        root = parse(ssml)
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
        elif element.tag == NAME_TAG:
            flush()
            words.append(NAME_READ)
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


def plain_text(timeline: Timeline, show_pauses_from: float = 5.0) -> str:
    """A timeline as text, exactly as its SSML reads."""
    return to_plain_text(render(timeline), show_pauses_from)
