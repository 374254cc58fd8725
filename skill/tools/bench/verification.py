"""`steady bench verify`: what checking one request's signature costs (skill/verify.py).

A generated chain (skill.tools.bench.signing) signs a launch envelope as Alexa would, and the
verifier trusts the chain's root. `warm`: one verifier, its chain already cached, checks the same
request again and again (every request after the first of each chain). `cold`: a new verifier
each time, so each check fetches the chain (handed over in memory, no network), validates it and
then checks the signature (the first request after a start, or once a chain is replaced).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from cryptography.x509.verification import Store

from skill.record import record
from skill.tools.bench.envelopes import SKILL_ID, Listener, launch_request
from skill.tools.bench.latency import Spread, verdict
from skill.tools.bench.signing import BenchChain
from skill.verify import RequestVerifier

WARM_GOAL_MS = 0.3
"""A check with the chain cached may take at most this long (median)."""


@record
class VerifyReport:
    warm: Spread
    cold: Spread

    @property
    def met(self) -> bool:
        return self.warm.median_ms < WARM_GOAL_MS

    def to_dict(self) -> dict[str, object]:
        return {
            "bench": "verify",
            "warm": self.warm.to_dict(),
            "cold": self.cold.to_dict(),
            "goal": {"warm_median_ms": WARM_GOAL_MS},
            "met": self.met,
        }


def _verifier(chain: BenchChain, store: Store) -> Any:
    return RequestVerifier(SKILL_ID, fetch_chain=lambda url: chain.pem, trust_store=store)


def _time(check: Callable[[], object]) -> float:
    started = time.perf_counter()
    check()
    return time.perf_counter() - started


def run_bench(warm: int = 2000, cold: int = 50, chain: BenchChain | None = None) -> VerifyReport:
    """`warm` checks by one verifier (after 50 untimed), `cold` checks each by a new one."""
    chain = chain or BenchChain.make()
    store = Store([chain.root])
    data: dict[str, Any] = Listener("verify").envelope(launch_request(), new=True)
    body = json.dumps(data).encode()
    headers = chain.headers(body)
    kept = _verifier(chain, store)
    for _ in range(50):
        kept.verify(headers, body, data)
    warm_times = [_time(lambda: kept.verify(headers, body, data)) for _ in range(warm)]
    cold_times = [
        _time(lambda: _verifier(chain, store).verify(headers, body, data)) for _ in range(cold)
    ]
    return VerifyReport(Spread.of(warm_times), Spread.of(cold_times))


def render_text(report: VerifyReport) -> str:
    goal = verdict(report.met, f"warm median < {WARM_GOAL_MS:g} ms")
    return "\n".join(
        [
            "Request verification (milliseconds per request)",
            f"{'chain':<6} {'checks':>6} {'median':>8} {'p99':>8}",
            f"{'warm':<6} {report.warm.count:>6} {report.warm.median_ms:>8.3f} "
            f"{report.warm.p99_ms:>8.3f}  {goal}",
            f"{'cold':<6} {report.cold.count:>6} {report.cold.median_ms:>8.3f} "
            f"{report.cold.p99_ms:>8.3f}  (fetch in memory, chain validated, signature)",
        ]
    )
