"""Timing figures shared by the speed benches: medians, percentiles and their ratios."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

from skill.record import record


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (`share` from 0 to 1) of some timings."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@record
class Spread:
    """Median and 99th percentile of some timings, in milliseconds."""

    median_ms: float
    p99_ms: float
    count: int

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Spread:
        ms = [s * 1000 for s in seconds]
        return cls(statistics.median(ms) if ms else 0.0, percentile(ms, 0.99), len(ms))

    def to_dict(self) -> dict[str, float | int]:
        return {
            "median_ms": round(self.median_ms, 4),
            "p99_ms": round(self.p99_ms, 4),
            "count": self.count,
        }


def ratio(ours: float, theirs: float) -> float:
    """How many times `theirs` `ours` takes (0 when there is nothing to compare with)."""
    return ours / theirs if theirs > 0 else 0.0


def verdict(met: bool, goal: str) -> str:
    return ("met: " if met else "MISSED: ") + goal
