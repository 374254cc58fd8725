"""Rendered tracks on disk: `<root>/<key>.mp3` and its manifest `<root>/<key>.json`.

The key is the recipe's content address, so finding a track needs no index: plan the
script's timeline, and look for the key. `LocalTracks` is the conversation's `TrackLookup`.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from skill.audio.cache import ClipCache, write_atomically
from skill.audio.engines.base import EngineError, SpeechEngine
from skill.audio.mp3 import BITRATE_KBPS, encode
from skill.audio.pcm import AudioError
from skill.audio.track import Progress, Recipe, plan, render
from skill.core.handsfree import FADE_SECONDS, Chapter, Track, Variant, track_timeline
from skill.core.script import Script
from skill.record import record

logger = logging.getLogger(__name__)

MANIFEST_VERSION = 1


@record
class RenderReport:
    """What rendering one track did."""

    track: Track
    script_id: str
    rendered: bool
    """False when the track was already there (nothing was done)."""
    clips_rendered: int
    clips_reused: int
    seconds: float


class TrackStore:
    """The folder of rendered tracks and their clip cache."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.clips = ClipCache(root)

    def recipe(self, script: Script, variant: Variant, engine: SpeechEngine) -> Recipe:
        return recipe_of(script, variant, engine)

    def find(self, key: str) -> Track | None:
        """The track with this key, if its MP3 and manifest are both there and readable."""
        if not (self.root / f"{key}.mp3").is_file():
            return None
        try:
            data = json.loads((self.root / f"{key}.json").read_text(encoding="utf-8"))
            return track_of_manifest(data)
        except (OSError, ValueError, KeyError, TypeError) as error:
            logger.warning(
                "Manifest of track %s is unreadable (%s); it will be rendered", key, error
            )
            return None

    def render(
        self,
        script: Script,
        variant: Variant,
        engine: SpeechEngine,
        progress: Progress | None = None,
    ) -> RenderReport:
        """Make sure the script's track for this variant exists; render what is missing."""
        started = time.perf_counter()
        recipe = self.recipe(script, variant, engine)
        found = self.find(recipe.key)
        if found is not None:
            reused = len(recipe.clips)
            return RenderReport(found, script.id, False, 0, reused, time.perf_counter() - started)
        sound = render(recipe, engine, self.clips, progress)
        chapters = tuple(Chapter(ms, step) for ms, step in sound.chapters)
        track = Track(recipe.key, sound.duration_ms, chapters)
        write_atomically(self.root / f"{recipe.key}.mp3", encode(sound.pcm, sound.format))
        manifest = _manifest(track, script, variant, recipe)
        write_atomically(self.root / f"{recipe.key}.json", json.dumps(manifest, indent=1).encode())
        return RenderReport(
            track,
            script.id,
            True,
            sound.clips_rendered,
            sound.clips_reused,
            time.perf_counter() - started,
        )


def _manifest(track: Track, script: Script, variant: Variant, recipe: Recipe) -> dict[str, Any]:
    return {
        "version": MANIFEST_VERSION,
        "key": track.key,
        "script": script.id,
        "title": script.title,
        "variant": variant.key,
        "preferences": variant.to_dict(),
        "engine": recipe.engine,
        "voice": recipe.voice,
        "sample_rate": recipe.format.rate,
        "bitrate_kbps": BITRATE_KBPS,
        "duration_ms": track.duration_ms,
        "chapters": [{"ms": c.ms, "step": c.step} for c in track.chapters],
    }


def recipe_of(script: Script, variant: Variant, engine: SpeechEngine) -> Recipe:
    """The recipe of a script's track for this variant and engine (its key names the track
    wherever it is kept: a local folder or a bucket)."""
    fade = round(FADE_SECONDS * 1000) if variant.fade else 0
    return plan(track_timeline(script, variant), engine, fade, variant.until_ms)


def track_of_manifest(data: dict[str, Any]) -> Track:
    """A track from its manifest (`<key>.json`)."""
    chapters = tuple(Chapter(int(c["ms"]), int(c["step"])) for c in data["chapters"])
    return Track(str(data["key"]), int(data["duration_ms"]), chapters)


class EnginesByVoice:
    """One speech engine per kind of voice a listener chose, made on first use (thread-safe:
    one lookup serves every request thread)."""

    def __init__(self, factory: Callable[[str | None], SpeechEngine]) -> None:
        self._factory = factory
        self._engines: dict[str | None, SpeechEngine] = {}
        self._lock = threading.Lock()

    def __call__(self, voice: str | None = None) -> SpeechEngine:
        with self._lock:
            if voice not in self._engines:
                self._engines[voice] = self._factory(voice)
            return self._engines[voice]


class LocalTracks:
    """The conversation's lookup of rendered tracks, rendering on demand when allowed.

    On demand, a missing variant is rendered during the request: with the clips cached that
    is joining and encoding only. A render that fails is logged once and the exercise is
    spoken in turns instead; nothing the listener hears waits on a broken engine twice.
    """

    def __init__(
        self,
        store: TrackStore,
        engine: Callable[[str | None], SpeechEngine],
        on_demand: bool = True,
    ) -> None:
        self.store = store
        self.engine = EnginesByVoice(engine)
        """The engine speaking in the kind of voice a listener chose (None: the usual)."""
        self.on_demand = on_demand
        self._lock = threading.Lock()
        self._broken = False

    def track(self, script: Script, variant: Variant) -> Track | None:
        if self._broken:
            return None
        try:
            engine = self.engine(variant.preferences.voice)
            found = self.store.find(self.store.recipe(script, variant, engine).key)
            if found is not None or not self.on_demand:
                return found
            with self._lock:
                return self.store.render(script, variant, engine).track
        except (EngineError, AudioError, OSError) as error:
            self._broken = True
            logger.warning("Hands-free audio is off: %s", error)
            return None
