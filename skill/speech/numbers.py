"""Saying phone numbers digit by digit, group by group, in SSML and as plain text."""

from __future__ import annotations

from skill.core.timeline import Number
from skill.speech.escaping import escape

GROUP_PAUSE = '<break time="300ms"/>'
"""The short pause between the groups of a phone number ("116 <pause> 123")."""


def digits_ssml(written: str) -> str:
    """SSML that says a number digit by digit, with a short pause between its groups.

    "116 123" -> two `<say-as interpret-as="digits">` groups with a 300 ms break between;
    letters ("SHOUT") stay words.
    """
    groups = []
    for runs in Number(written).groups:
        pieces = [
            f'<say-as interpret-as="digits">{run}</say-as>' if run.isdigit() else escape(run)
            for run in runs
        ]
        groups.append(" ".join(pieces))
    return f" {GROUP_PAUSE} ".join(groups)


def digits_text(written: str) -> str:
    """Plain text that reads a number digit by digit ("116 123" -> "1 1 6. 1 2 3.")."""
    groups = []
    for runs in Number(written).groups:
        groups.append(" ".join(" ".join(run) if run.isdigit() else run for run in runs))
    return "".join(f"{group}." for group in groups).replace(".", ". ").strip()
