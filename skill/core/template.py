"""Filling `{field}` templates from data files: the one way every spoken reply is put together.

Templates and their fields are plain text; a field may also be a timeline (a pause, a number said
digit by digit). Nothing is escaped here: the speech layer escapes text where it renders SSML.
"""

from __future__ import annotations

import string
from collections.abc import Iterator

from skill.core.timeline import Timeline

_FORMATTER = string.Formatter()


def _pieces(template: str, values: dict[str, object]) -> Iterator[tuple[str, object | None]]:
    for literal, name, _, _ in _FORMATTER.parse(template):
        if name is None:
            yield literal, None
            continue
        if name not in values:
            raise KeyError(f"unknown field {{{name}}} in {template!r}")
        yield literal, values[name]


def fill_text(template: str, **values: object) -> str:
    """The template with its fields filled in, as text."""
    return "".join(
        literal + ("" if value is None else str(value))
        for literal, value in _pieces(template, values)
    )


def fill(template: str, **values: str | Timeline) -> Timeline:
    """The template as a timeline: its words, with text or timeline fields in their places."""
    timeline = Timeline()
    for literal, value in _pieces(template, dict(values)):
        timeline.say(literal)
        if isinstance(value, Timeline):
            timeline.extend(value)
        elif value is not None:
            timeline.say(str(value))
    return timeline
