"""What a match gives back (Match, SlotMatch), and the intent and slot names the matcher knows."""

from __future__ import annotations

from collections.abc import Mapping

from skill.record import record

FALLBACK_INTENT = "AMAZON.FallbackIntent"
ANSWER_INTENT = "AnswerIntent"
FEELING_INTENT = "FeelingIntent"
CRISIS_INTENT = "CrisisIntent"
CONTROL_INTENT = "ControlIntent"
SKIP_REGION_INTENT = "SkipRegionIntent"
STATEMENT_SLOT = "statement"
REQUEST_INTENT = "RequestIntent"
REQUEST_SLOT = "request"


@record
class SlotMatch:
    """One filled slot, as Alexa would send it."""

    name: str
    """The slot's name in the intent ("exercise")."""
    value: str
    """The words as heard (normalised); for AMAZON.NUMBER, digits ("15"); for AMAZON.TIME,
    "HH:MM" ("21:00") or a part of the day ("EV")."""
    resolved_id: str | None
    """The listed value's id (its name when it has no id); None when nothing matched."""
    resolved_name: str | None
    """The listed value's name; None when nothing matched."""
    slot_type: str
    """The slot type ("EXERCISE", "AMAZON.NUMBER")."""


@record
class Match:
    """The intent an utterance was understood as, with the slots that were filled."""

    intent: str
    """Intent name ("StartExerciseIntent", "AMAZON.StopIntent", "AMAZON.FallbackIntent")."""
    slots: Mapping[str, SlotMatch]
    """Filled slots by slot name; slots that were not filled are absent."""
