"""`steady bench requests`: what one request costs in process, next to a hello-world skill.

Both skills run the same envelopes through `skill.alexa.envelope.run` (what the web app and the
Lambda handler call) in this one process, interleaved (Steady Ground, hello-world, Steady
Ground, ...) after a warm-up, once with the SQLite store (a fresh file) and once with the memory
store. The ratio of the medians (and of the 99th percentiles) is the figure: it travels between
machines better than milliseconds do.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope
from ask_sdk_model.services import Serializer

from skill.alexa import persist
from skill.alexa.envelope import CODEC, run
from skill.record import record
from skill.tools.bench.envelopes import AUDIO_BASE_URL, KINDS, LABELS, SKILL_ID, prepare
from skill.tools.bench.hello import SERIALIZER
from skill.tools.bench.latency import Spread, ratio, verdict

STORES = ("sqlite", "memory")
FINISHING = frozenset({"start"})
"""Requests that finish an exercise (box breathing fits one response). Each is sent once before
the listener's stored state is kept, and that state is put back before every later one: each is
then made by a listener who has done that exercise once before (not 200 times, the most a
history holds)."""
MEDIAN_GOAL = 1.5
"""Steady Ground's median may be at most this many times hello-world's, for every request."""
P99_GOAL = 2.0
"""And its 99th percentile at most this many times hello-world's."""


@record
class RequestTiming:
    """One kind of request on one store: Steady Ground's timings next to hello-world's."""

    store: str
    kind: str
    steady: Spread
    hello: Spread

    @property
    def median_ratio(self) -> float:
        return ratio(self.steady.median_ms, self.hello.median_ms)

    @property
    def p99_ratio(self) -> float:
        return ratio(self.steady.p99_ms, self.hello.p99_ms)

    @property
    def met(self) -> bool:
        return self.median_ratio <= MEDIAN_GOAL and self.p99_ratio <= P99_GOAL

    def to_dict(self) -> dict[str, object]:
        return {
            "store": self.store,
            "request": self.kind,
            "steady": self.steady.to_dict(),
            "hello": self.hello.to_dict(),
            "median_ratio": round(self.median_ratio, 2),
            "p99_ratio": round(self.p99_ratio, 2),
            "met": self.met,
        }


@record
class RequestsReport:
    rounds: int
    warmup: int
    timings: tuple[RequestTiming, ...]
    seconds: float

    def to_dict(self) -> dict[str, object]:
        return {
            "bench": "requests",
            "rounds": self.rounds,
            "warmup": self.warmup,
            "goals": {"median_ratio": MEDIAN_GOAL, "p99_ratio": P99_GOAL},
            "timings": [t.to_dict() for t in self.timings],
            "seconds": round(self.seconds, 2),
        }


def steady_skill(store: str, folder: Path) -> CustomSkill:
    """Steady Ground as deployed (hands-free tracks on), with the SQLite store in `folder` or
    the memory store."""
    from skill.alexa.app import build_skill
    from skill.settings import Settings
    from skill.store.memory import MemoryAdapter
    from skill.tools.bench.envelopes import EveryTrack

    settings = Settings(
        skill_id=SKILL_ID, db_path=folder / f"{store}.sqlite3", audio_base_url=AUDIO_BASE_URL
    )
    adapter = MemoryAdapter() if store == "memory" else None
    return build_skill(settings, adapter=adapter, tracks=EveryTrack())


def _keeper(skill: CustomSkill, data: dict[str, Any]) -> Callable[[], None]:
    """Puts back, untimed, the listener's stored state as it is now: finishing an exercise adds
    to the listener's history, so without it every start would find a longer one."""
    adapter = skill.persistence_adapter
    assert adapter is not None
    envelope = CODEC.deserialize(json.dumps(data), RequestEnvelope)
    kept = persist.user_of(persist.load(adapter, envelope))

    def restore() -> None:
        persist.save(adapter, envelope, persist.load(adapter, envelope), kept)

    return restore


def _timed(skill: CustomSkill, data: dict[str, Any], serializer: Serializer = CODEC) -> float:
    started = time.perf_counter()
    run(skill, data, serializer)
    return time.perf_counter() - started


def time_store(
    store: str,
    folder: Path,
    rounds: int,
    warmup: int,
    hello: CustomSkill,
    kinds: Sequence[str] = KINDS,
) -> list[RequestTiming]:
    """Every kind of request, `warmup` untimed rounds then `rounds` timed ones, each round
    sending each envelope to Steady Ground and then to hello-world."""
    skill = steady_skill(store, folder)
    envelopes = prepare(lambda data: run(skill, data), prefix=f"{store}-")
    restore: dict[str, Callable[[], None]] = {}
    for kind in FINISHING.intersection(kinds):
        run(skill, envelopes[kind])
        restore[kind] = _keeper(skill, envelopes[kind])
    steady: dict[str, list[float]] = {kind: [] for kind in kinds}
    plain: dict[str, list[float]] = {kind: [] for kind in kinds}
    for number in range(warmup + rounds):
        for kind in kinds:
            if kind in restore:
                restore[kind]()
            ours, theirs = (
                _timed(skill, envelopes[kind]),
                _timed(hello, envelopes[kind], SERIALIZER),
            )
            if number >= warmup:
                steady[kind].append(ours)
                plain[kind].append(theirs)
    return [
        RequestTiming(store, kind, Spread.of(steady[kind]), Spread.of(plain[kind]))
        for kind in kinds
    ]


def run_bench(
    stores: Sequence[str] = STORES,
    rounds: int = 300,
    warmup: int = 30,
    progress: Callable[[str], None] | None = None,
) -> RequestsReport:
    from skill.tools.bench.hello import hello_skill

    started = time.perf_counter()
    hello = hello_skill()
    timings: list[RequestTiming] = []
    with tempfile.TemporaryDirectory(prefix="steady-bench-") as folder:
        for store in stores:
            if progress is not None:
                progress(f"{store}: {warmup} rounds of warm-up, then {rounds} timed...")
            timings += time_store(store, Path(folder), rounds, warmup, hello)
    return RequestsReport(rounds, warmup, tuple(timings), time.perf_counter() - started)


def render_text(report: RequestsReport) -> str:
    goal = f"median <= {MEDIAN_GOAL:g}x, p99 <= {P99_GOAL:g}x"
    lines = [
        f"Per request in process, {report.rounds} rounds after {report.warmup} of warm-up "
        "(milliseconds; ratio = Steady Ground / hello-world)",
        f"{'store':<7} {'request':<20} {'steady med':>10} {'p99':>7} {'hello med':>9} {'p99':>7} "
        f"{'x med':>6} {'x p99':>6}  goal",
    ]
    for t in report.timings:
        lines.append(
            f"{t.store:<7} {LABELS.get(t.kind, t.kind):<20} {t.steady.median_ms:>10.3f} "
            f"{t.steady.p99_ms:>7.3f} {t.hello.median_ms:>9.3f} {t.hello.p99_ms:>7.3f} "
            f"{t.median_ratio:>6.2f} {t.p99_ratio:>6.2f}  {verdict(t.met, goal)}"
        )
    return "\n".join(lines)
