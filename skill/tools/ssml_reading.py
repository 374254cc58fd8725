"""What a device's speaker makes of our SSML: the text to say and the pauses, in order.

The simulator's `--speak` plays replies as a device would, from the SSML the skill sent.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from skill.speech.ssml import break_seconds, parse

_BLOCK_TAGS = frozenset({"speak", "p", "s"})


def plain_text_and_pauses(ssml: str) -> list[str | float]:
    """Split our SSML into text to speak and pauses in seconds, in order.

    `<break time="3s"/>` and `time="500ms"` become pauses (a chain of breaks becomes one
    pause); a break without a time only separates words. Any other tag gives its text
    (`<sub>` its alias). Whitespace is collapsed and blank text dropped.

    Raises ValueError for SSML that is not well-formed or a break time we cannot read.
    """
    try:
        root = parse(ssml)
    except ET.ParseError as error:
        raise ValueError(f"SSML is not well-formed: {error}") from error
    raw: list[str | float] = []
    _collect(root, raw)
    parts: list[str | float] = []
    pending = ""
    for piece in [*raw, 0.0]:
        if isinstance(piece, str):
            pending += piece
            continue
        words, pending = " ".join(pending.split()), ""
        if words:
            _append_merging(parts, words)
        if piece > 0:
            _append_merging(parts, piece)
    return parts


def _collect(element: ET.Element, raw: list[str | float]) -> None:
    """Append `element`'s text pieces and pauses to `raw`, in document order."""
    tag = element.tag.rpartition("}")[2].lower()
    if tag == "break":
        time = element.get("time")
        raw.append(_break_seconds(time) if time is not None else " ")
    elif tag == "sub" and element.get("alias") is not None:
        raw.append(element.get("alias", ""))
    else:
        spacer = " " if tag in _BLOCK_TAGS else ""
        raw.append(spacer + (element.text or ""))
        for child in element:
            _collect(child, raw)
            raw.append(child.tail or "")
        raw.append(spacer)


def _append_merging(parts: list[str | float], part: str | float) -> None:
    """Append `part`, joining it to a last part of the same kind (texts by a space)."""
    last = parts[-1] if parts else None
    if isinstance(part, str) and isinstance(last, str):
        parts[-1] = f"{last} {part}"
    elif isinstance(part, float) and isinstance(last, float):
        parts[-1] = last + part
    else:
        parts.append(part)


def _break_seconds(time: str) -> float:
    seconds = break_seconds(time)
    if seconds is None:
        raise ValueError(f'cannot read break time "{time}": use a form like "3s" or "500ms"')
    return seconds
