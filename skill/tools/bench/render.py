"""`steady bench render`: how fast each speech engine renders the longest hands-free script.

For each engine, in a fresh folder: a cold render (engine start-up included), a render of the
slower variant from the cached clips, and a fully cached re-render (the track is already there).
Seconds of audio per second of CPU is the figure that travels between machines.
"""

from __future__ import annotations

import resource
import tempfile
import time
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

from skill.audio.engines import make_engine
from skill.audio.engines.base import EngineError
from skill.audio.tracks import TrackStore
from skill.core.handsfree import variant_for
from skill.core.preferences import Preferences
from skill.core.script import Script
from skill.record import record

GOALS = {"pyttsx3": 10.0, "piper": 60.0}
"""Seconds a cold render of the 15-minute scan may take, per engine."""
CACHED_GOAL = 0.2
"""Seconds a fully cached re-render may take."""
OFFLINE_ENGINES = ("pyttsx3", "espeak", "piper")


@record
class EngineTiming:
    engine: str
    script: str
    audio_seconds: float
    cold_seconds: float
    cold_cpu_seconds: float
    pace_change_seconds: float
    cached_seconds: float
    clips: int
    error: str | None = None

    @property
    def audio_per_cpu_second(self) -> float:
        return self.audio_seconds / self.cold_cpu_seconds if self.cold_cpu_seconds else 0.0

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "audio_per_cpu_second": round(self.audio_per_cpu_second, 1)}


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (espeak-ng runs as one)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def time_engine(name: str, script: Script) -> EngineTiming:
    """Cold, pace-change and cached renders of `script` with engine `name`."""
    with tempfile.TemporaryDirectory(prefix="steady-bench-") as folder:
        store = TrackStore(Path(folder))
        wall, cpu = time.perf_counter(), _cpu()
        try:
            engine = make_engine(name)
            cold = store.render(script, variant_for(script, Preferences()), engine)
        except EngineError as error:
            return EngineTiming(name, script.id, 0, 0, 0, 0, 0, 0, str(error))
        cold_wall, cold_cpu = time.perf_counter() - wall, _cpu() - cpu
        started = time.perf_counter()
        store.render(script, variant_for(script, Preferences(pace=1.25)), engine)
        pace = time.perf_counter() - started
        started = time.perf_counter()
        again = store.render(script, variant_for(script, Preferences()), engine)
        cached = time.perf_counter() - started
        assert not again.rendered
        return EngineTiming(
            name,
            script.id,
            cold.track.duration_ms / 1000,
            cold_wall,
            cold_cpu,
            pace,
            cached,
            cold.clips_rendered,
        )


def run_bench(script: Script, engines: Iterable[str] = OFFLINE_ENGINES) -> list[EngineTiming]:
    return [time_engine(name, script) for name in engines]


def render_text(timings: list[EngineTiming]) -> str:
    lines = [
        f"{'engine':<8} {'audio':>7} {'cold s':>7} {'CPU s':>6} {'audio/CPU-s':>11} "
        f"{'pace s':>7} {'cached s':>9}  goal",
    ]
    for t in timings:
        if t.error:
            lines.append(f"{t.engine:<8} unavailable: {t.error}")
            continue
        goal = GOALS.get(t.engine)
        met = t.cached_seconds < CACHED_GOAL and (goal is None or t.cold_seconds < goal)
        wanted = f"cold < {goal:g} s, cached < {CACHED_GOAL:g} s" if goal else "-"
        verdict = ("met: " if met else "MISSED: ") + wanted if goal else wanted
        lines.append(
            f"{t.engine:<8} {t.audio_seconds / 60:>5.1f}m {t.cold_seconds:>7.2f} "
            f"{t.cold_cpu_seconds:>6.2f} {t.audio_per_cpu_second:>11.1f} "
            f"{t.pace_change_seconds:>7.2f} {t.cached_seconds:>9.4f}  {verdict}"
        )
    return "\n".join(lines)
