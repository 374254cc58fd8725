"""One timeline rendered as one track of PCM: speech from the engine (through the clip cache),
exact silence from us, loudness evened clip by clip, and a chapter wherever a step begins.

Rendering happens in two stages, so a track can be found without rendering anything: `plan`
turns a timeline into a `Recipe` whose key hashes every clip key and silence, and `render`
makes the sound. The same recipe always gives the same key, on every machine.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

import numpy as np

from skill.audio.cache import ClipCache, clip_key
from skill.audio.engines.base import SpeechEngine
from skill.audio.mp3 import BITRATE_KBPS, QUALITY
from skill.audio.pcm import PcmFormat, fade_out, level_to, samples
from skill.core.timeline import Mark, Name, Number, Silence, Speech, Timeline
from skill.record import record
from skill.speech.numbers import digits_text

GAP_MS = 350
"""The breath between two pieces of speech with no silence of their own between them."""
EDGE_DBFS = -50.0
"""Quieter than this at a clip's edges is the engine's own silence, trimmed off, so every pause
heard is the pause the script asks for."""
EDGE_KEEP_MS = 30
"""What is kept of a clip's edges after trimming, so no word starts abruptly."""
MIN_PHASE_MS = 500
"""The shortest silence a breath phase keeps after its cue, however long the cue took."""
RECIPE_VERSION = 1
"""Bump when rendering changes in a way the recipe does not show (a new trim or level rule)."""

Progress = Callable[[int, int], None]
"""Called with (clips done, clips in all) as a track renders."""


@record
class Clip:
    text: str
    key: str


@record
class Gap:
    ms: int
    phase_ms: int | None = None
    """Fill the breath phase: this much from the start of the clip before, words included."""


@record
class Chapter:
    step: int


Piece = Clip | Gap | Chapter


@record
class Recipe:
    """Everything a track is made of, in order, and how it ends."""

    pieces: tuple[Piece, ...]
    engine: str
    voice: str
    format: PcmFormat
    fade_ms: int = 0
    until_ms: int | None = None

    @property
    def key(self) -> str:
        """The track's content address (its MP3 is `<key>.mp3`)."""
        parts: list[object] = [
            RECIPE_VERSION,
            self.engine,
            self.voice,
            self.format.rate,
            BITRATE_KBPS,
            QUALITY,
            self.fade_ms,
            self.until_ms,
        ]
        for piece in self.pieces:
            if isinstance(piece, Clip):
                parts.append(piece.key)
            elif isinstance(piece, Gap):
                parts.append(piece.ms if piece.phase_ms is None else [piece.ms, piece.phase_ms])
            else:
                parts.append(f"#{piece.step}")
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()

    @property
    def clips(self) -> list[Clip]:
        return [piece for piece in self.pieces if isinstance(piece, Clip)]


def plan(
    timeline: Timeline,
    engine: SpeechEngine,
    fade_ms: int = 0,
    until_ms: int | None = None,
    rate: float = 1.0,
) -> Recipe:
    """The recipe of a timeline for one engine and voice; nothing is rendered."""
    pieces: list[Piece] = []
    last_spoken = False
    for item in timeline.items:
        if isinstance(item, Mark):
            pieces.append(Chapter(item.position.step))
            continue
        if isinstance(item, Name):
            continue  # only Alexa knows the name; tracks never greet anyone by it
        if isinstance(item, Silence):
            pieces.append(Gap(item.ms, item.phase_ms))
            last_spoken = False
            continue
        text = item.text if isinstance(item, Speech) else digits_text(item.written)
        assert isinstance(item, Speech | Number)
        if last_spoken:
            pieces.append(Gap(GAP_MS))
        key = clip_key(text, engine.name, engine.voice, rate, engine.format)
        pieces.append(Clip(text, key))
        last_spoken = True
    return Recipe(tuple(pieces), engine.name, engine.voice, engine.format, fade_ms, until_ms)


@record
class Rendered:
    """A track's sound and where each step begins."""

    pcm: bytes
    format: PcmFormat
    chapters: tuple[tuple[int, int], ...]
    """(millisecond offset, step) for each step, in order."""
    clips_rendered: int
    clips_reused: int

    @property
    def duration_ms(self) -> int:
        return self.format.ms(self.pcm)


def render(
    recipe: Recipe,
    engine: SpeechEngine,
    cache: ClipCache,
    progress: Progress | None = None,
    rate: float = 1.0,
) -> Rendered:
    """The sound of a recipe; clips come from the cache where they were rendered before."""
    fmt = recipe.format
    parts: list[bytes] = []
    frames = 0
    chapters: list[tuple[int, int]] = []
    rendered = reused = 0
    clips = len(recipe.clips)
    spoken_ms = 0.0  # the length of the clip just placed, for breath phases
    for piece in recipe.pieces:
        if isinstance(piece, Chapter):
            at_ms = round(frames * 1000 / fmt.rate)
            if not chapters or chapters[-1][1] != piece.step:
                chapters.append((at_ms, piece.step))
            continue
        if isinstance(piece, Gap):
            gap_ms = float(piece.ms)
            if piece.phase_ms is not None:
                gap_ms = max(piece.phase_ms - spoken_ms, MIN_PHASE_MS)
            audio = fmt.silence(gap_ms)
            spoken_ms = 0.0
        else:
            cached = cache.get(piece.key)
            if cached is None:
                cached = engine.render(piece.text, rate)
                cache.put(piece.key, cached)
                rendered += 1
            else:
                reused += 1
            audio = level_to(trim_edges(cached, fmt), fmt)
            spoken_ms = 1000 * fmt.frames(audio) / fmt.rate
            if progress is not None:
                progress(rendered + reused, clips)
        parts.append(audio)
        frames += fmt.frames(audio)
    pcm = b"".join(parts)
    if recipe.until_ms is not None:
        pcm = pcm[: fmt.frames_for_ms(recipe.until_ms) * fmt.frame_bytes]
        chapters = [c for c in chapters if c[0] < recipe.until_ms]
    if recipe.fade_ms:
        pcm = fade_out(pcm, fmt, recipe.fade_ms)
    return Rendered(pcm, fmt, tuple(chapters), rendered, reused)


def trim_edges(pcm: bytes, fmt: PcmFormat) -> bytes:
    """A clip without the engine's own silence at either end (all but `EDGE_KEEP_MS`)."""
    x = np.abs(samples(pcm).astype(np.int32))
    loud = np.flatnonzero(x > 32768 * 10 ** (EDGE_DBFS / 20))
    if loud.size == 0:
        return b""
    keep = fmt.frames_for_ms(EDGE_KEEP_MS)
    start = max(int(loud[0]) - keep, 0)
    end = min(int(loud[-1]) + 1 + keep, len(x))
    return pcm[start * fmt.frame_bytes : end * fmt.frame_bytes]
