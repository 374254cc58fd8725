"""What the simulated device remembers between turns, and what one turn gives back."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from typing import Any

from skill.record import mutable_record, record
from skill.tools.player import PlayerState


@mutable_record
class DeviceState:
    """What the device remembers between turns: the open session and its reprompt."""

    session_id: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    reprompt: str | None = None
    reprompted: bool = False
    player: PlayerState = field(default_factory=PlayerState)
    """The audio player: what it holds and how far it got."""
    waited_seconds: float = 0.0
    """Time let pass with `/wait`, added to the clock."""

    @property
    def in_session(self) -> bool:
        return self.session_id is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "attributes": self.attributes,
            "reprompt": self.reprompt,
            "reprompted": self.reprompted,
            "player": self.player.to_dict(),
            "waited_seconds": self.waited_seconds,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DeviceState:
        attributes = data.get("attributes")
        return cls(
            session_id=data.get("session_id") if isinstance(data.get("session_id"), str) else None,
            attributes=attributes if isinstance(attributes, dict) else {},
            reprompt=data.get("reprompt") if isinstance(data.get("reprompt"), str) else None,
            reprompted=bool(data.get("reprompted", False)),
            player=PlayerState.from_dict(data.get("player")),
            waited_seconds=_number(data.get("waited_seconds")),
        )

    @classmethod
    def load(cls, path: Path) -> DeviceState:
        """State kept in a file between `steady say` calls; a missing or bad file starts fresh."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        return cls.from_dict(data) if isinstance(data, dict) else cls()

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=1), encoding="utf-8")


@record
class Reply:
    """What the listener hears after one utterance."""

    text: str
    """Plain text of the speech (SSML stripped)."""
    ssml: str | None
    ended: bool
    """Whether the session closed after this reply."""
    request: dict[str, Any] | None
    """The request envelope sent, as JSON data (None when nothing was sent)."""
    response: dict[str, Any] | None
    playing: str | None = None
    """The player's state after the turn: `[playing: Bedtime body scan 03:12 / 14:48]`."""
    events: tuple[tuple[dict[str, Any], dict[str, Any]], ...] = ()
    """The audio player's events this turn set off, each with the skill's response."""


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0
