"""Rendering many tracks at once, for `steady render` and the render bench."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import field

from skill.audio.engines.base import SpeechEngine
from skill.audio.tracks import RenderReport, TrackStore
from skill.core.handsfree import Variant, variant_for
from skill.core.preferences import Preferences
from skill.core.script import Script
from skill.record import mutable_record

READY_PREFERENCES = (Preferences(), Preferences(pace=1.25))
"""The variants rendered ahead of time: as written, and "slower" (the change most asked for
while a track plays). Other variants are rendered on demand from the cached clips."""


def ready_variants(script: Script) -> list[Variant]:
    return [variant_for(script, prefs) for prefs in READY_PREFERENCES]


@mutable_record
class BatchReport:
    """What a batch render did, for the summary line."""

    tracks: list[RenderReport] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def audio_minutes(self) -> float:
        return sum(report.track.duration_ms for report in self.tracks) / 60_000

    @property
    def clips_rendered(self) -> int:
        return sum(report.clips_rendered for report in self.tracks)

    @property
    def clips_reused(self) -> int:
        return sum(report.clips_reused for report in self.tracks)

    def summary(self) -> str:
        made = sum(1 for report in self.tracks if report.rendered)
        return (
            f"{len(self.tracks)} tracks ({made} new), {self.audio_minutes:.1f} minutes of audio, "
            f"{self.clips_rendered} clips rendered, {self.clips_reused} reused, "
            f"{self.seconds:.1f} s"
        )


def render_all(
    store: TrackStore,
    scripts: Iterable[Script],
    engine: SpeechEngine,
    progress: Callable[[str, int, int], None] | None = None,
) -> BatchReport:
    """Render the ready variants of each script; `progress(script id, clips done, all)`."""
    started = time.perf_counter()
    report = BatchReport()
    for script in scripts:
        for variant in ready_variants(script):

            def step(done: int, total: int, name: str = script.id) -> None:
                if progress is not None:
                    progress(name, done, total)

            report.tracks.append(store.render(script, variant, engine, step))
    report.seconds = time.perf_counter() - started
    return report
