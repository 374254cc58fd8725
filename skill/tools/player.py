"""The simulated device's audio player: what it holds, how far it has got, and the events it
sends (started, stopped, nearly finished, finished), as an Echo does.

Time is the simulator's clock, so `/wait 5m` moves the track on five minutes at once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ask_sdk_model import Request
from ask_sdk_model.interfaces.audioplayer import (
    AudioPlayerState,
    PlaybackFinishedRequest,
    PlaybackNearlyFinishedRequest,
    PlaybackStartedRequest,
    PlaybackStoppedRequest,
    PlayerActivity,
)

from skill.record import mutable_record

NEARLY_FINISHED_MS = 20_000
"""How long before the end a device says the track is nearly finished."""
_WAIT = re.compile(r"^/wait((?:\s*\d+(?:\.\d+)?\s*[a-z]*)+)$")
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]*)")
_UNITS = {
    **dict.fromkeys(("", "s", "sec", "secs", "second", "seconds"), 1),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60),
    **dict.fromkeys(("h", "hour", "hours"), 3600),
}
_KEY = re.compile(r"[0-9a-f]{64}\.mp3")
Durations = Callable[[str], int | None]
"""The length in milliseconds of the track at a URL, when the device can tell."""
RequestFields = Callable[[], dict[str, Any]]
"""The fields every request carries (id, timestamp, locale)."""


def parse_wait(text: str) -> timedelta | None:
    """`/wait 5m`, `/wait 4m 30s`, `/wait 1.5 minutes`: how long to let pass; None otherwise."""
    match = _WAIT.match(text.strip().lower())
    if match is None:
        return None
    seconds = 0.0
    for amount, unit in _AMOUNT.findall(match[1]):
        if unit not in _UNITS:
            return None
        seconds += float(amount) * _UNITS[unit]
    return timedelta(seconds=seconds)


def clock_text(ms: int) -> str:
    seconds = max(ms, 0) // 1000
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


@mutable_record
class PlayerState:
    """What the player holds, kept between `steady say` calls with the rest of the device."""

    token: str | None = None
    url: str | None = None
    title: str = ""
    activity: str = "IDLE"
    offset_ms: int = 0
    """Where the track was at `since` (while playing), or where it stands (otherwise)."""
    since: str | None = None
    duration_ms: int | None = None
    nearly_sent: bool = False

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: Any) -> PlayerState:
        if not isinstance(data, Mapping):
            return cls()
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        try:
            return cls(**fields)
        except TypeError:
            return cls()


class Player:
    """The player's behaviour over a `PlayerState`."""

    def __init__(self, state: PlayerState, durations: Durations) -> None:
        self.state = state
        self.durations = durations

    def offset(self, now: datetime) -> int:
        """Where the track is now."""
        state = self.state
        if state.activity != "PLAYING" or state.since is None:
            return state.offset_ms
        played = (now - datetime.fromisoformat(state.since)).total_seconds() * 1000
        offset = state.offset_ms + round(played)
        return min(offset, state.duration_ms) if state.duration_ms is not None else offset

    def context(self, now: datetime) -> AudioPlayerState | None:
        """What a request's context says about the player."""
        if self.state.token is None:
            return AudioPlayerState(player_activity=PlayerActivity.IDLE)
        return AudioPlayerState(
            offset_in_milliseconds=self.offset(now),
            token=self.state.token,
            player_activity=PlayerActivity(self.state.activity),
        )

    def play(self, token: str, url: str, offset_ms: int, title: str, now: datetime) -> None:
        fresh = PlayerState(
            token, url, title, "PLAYING", offset_ms, now.isoformat(), self.durations(url)
        )
        self.state.__dict__.update(fresh.__dict__)  # the device's own state object, in place

    def stop(self, now: datetime) -> None:
        if self.state.activity == "PLAYING":
            self.state.offset_ms = self.offset(now)
            self.state.activity = "STOPPED"
            self.state.since = None

    def started(self, fields: dict[str, Any]) -> Request:
        return PlaybackStartedRequest(
            offset_in_milliseconds=self.state.offset_ms, token=self.state.token, **fields
        )

    def stopped(self, fields: dict[str, Any]) -> Request:
        return PlaybackStoppedRequest(
            offset_in_milliseconds=self.state.offset_ms, token=self.state.token, **fields
        )

    def catch_up(self, now: datetime, fields: RequestFields) -> list[Request]:
        """The events the track has sent by `now` (nearly finished, finished)."""
        state, end = self.state, self.state.duration_ms
        if state.activity != "PLAYING" or end is None:
            return []
        offset = self.offset(now)
        events: list[Request] = []
        if not state.nearly_sent and offset >= end - NEARLY_FINISHED_MS:
            state.nearly_sent = True
            events.append(
                PlaybackNearlyFinishedRequest(
                    offset_in_milliseconds=offset, token=state.token, **fields()
                )
            )
        if offset >= end:
            state.offset_ms, state.activity, state.since = end, "FINISHED", None
            events.append(
                PlaybackFinishedRequest(offset_in_milliseconds=end, token=state.token, **fields())
            )
        return events

    def status(self, now: datetime) -> str | None:
        """`[playing: Bedtime body scan 03:12 / 14:48]`, or None when nothing is loaded."""
        state = self.state
        if state.token is None:
            return None
        word = {"PLAYING": "playing", "FINISHED": "finished"}.get(state.activity, "paused")
        length = f" / {clock_text(state.duration_ms)}" if state.duration_ms is not None else ""
        return f"[{word}: {state.title} {clock_text(self.offset(now))}{length}]"


def local_durations(folder: Path) -> Durations:
    """Track lengths from the manifests of rendered tracks in `folder` (the URL's last part
    names the track: `<key>.mp3`, with its manifest `<key>.json` beside it)."""

    def duration(url: str) -> int | None:
        name = url.rsplit("/", 1)[-1].split("?", 1)[0]
        if not _KEY.fullmatch(name):
            return None
        try:
            data = json.loads((folder / name.replace(".mp3", ".json")).read_text("utf-8"))
            return int(data["duration_ms"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    return duration
