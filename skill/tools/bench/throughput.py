"""`steady bench http`: throughput and latency over HTTP, on the production server.

Two servers run on 127.0.0.1, each the production server `steady serve` starts (gunicorn with the
skill's worker, skill.cli.production), each in a child process started by
`skill.cli.bench.bench_server`:

- Steady Ground with verification on: every request is signed with a generated chain
  (skill.tools.bench.signing), which the server trusts and fetches from a local HTTP server here;
- the hello-world Flask app (skill.tools.bench.hello) without verification.

Both get the same requests (launches, box breathing started, answers mid-exercise, session ends
and PlaybackStopped events of many listeners) from `concurrency` client threads, each on its own
kept-alive connection: a bounded number, in rounds that alternate between the two servers after
an untimed warm-up. The ratio of the throughputs is the figure.
"""

from __future__ import annotations

import http.client
import itertools
import json
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from skill.record import record
from skill.tools.bench.envelopes import KINDS, prepare
from skill.tools.bench.latency import Spread, ratio, verdict
from skill.tools.bench.servers import THREADS, WORKERS, chain_server, server
from skill.tools.bench.signing import BenchChain

CONCURRENCY = 8
THROUGHPUT_GOAL = 0.9
"""Steady Ground with verification must answer at least this share of hello-world's requests
per second (hello-world without verification)."""
APPS = ("steady", "hello")
PER_LISTENER = 10
"""Requests of one kind a listener makes at most: each box breathing started adds to the
listener's history, so starts are spread over enough listeners to keep it short."""


Body = tuple[bytes, dict[str, str]]


@record
class HttpRun:
    """One app's timed requests over all rounds."""

    app: str
    requests: int
    seconds: float
    latency: Spread
    errors: int

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "app": self.app,
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "requests_per_second": round(self.throughput, 1),
            "latency": self.latency.to_dict(),
            "errors": self.errors,
        }


@record
class HttpReport:
    server: str
    concurrency: int
    rounds: int
    steady: HttpRun
    hello: HttpRun

    @property
    def ratio(self) -> float:
        return ratio(self.steady.throughput, self.hello.throughput)

    @property
    def met(self) -> bool:
        return self.ratio >= THROUGHPUT_GOAL and not self.steady.errors

    def to_dict(self) -> dict[str, object]:
        return {
            "bench": "http",
            "server": self.server,
            "concurrency": self.concurrency,
            "rounds": self.rounds,
            "steady": self.steady.to_dict(),
            "hello": self.hello.to_dict(),
            "throughput_ratio": round(self.ratio, 3),
            "goal": {"throughput_ratio": THROUGHPUT_GOAL},
            "met": self.met,
        }


def post(port: int, body: Body) -> dict[str, Any]:
    """One request on a new connection (for setting up listeners)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", "/alexa", body[0], body[1])
        answer = connection.getresponse()
        data = answer.read()
        if answer.status != 200:
            raise RuntimeError(f"HTTP {answer.status} while setting up: {data[:200]!r}")
        found: dict[str, Any] = json.loads(data)
        return found
    finally:
        connection.close()


def signed(chain: BenchChain, data: dict[str, Any]) -> Body:
    """The envelope stamped now and signed, as Alexa sends it."""
    stamped = {**data, "request": {**data["request"]}}
    stamped["request"]["timestamp"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = json.dumps(stamped).encode()
    return body, chain.headers(body)


def load(
    port: int, bodies: Sequence[Body], count: int, concurrency: int
) -> tuple[float, list[float], int]:
    """`count` requests from `concurrency` threads, each on one kept-alive connection: the wall
    seconds, each request's seconds, and how many failed."""
    numbers = itertools.count()
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        failed = 0
        try:
            while (number := next(numbers)) < count:
                body, headers = bodies[number % len(bodies)]
                began = time.perf_counter()
                try:
                    connection.request("POST", "/alexa", body, headers)
                    answer = connection.getresponse()
                    data = answer.read()
                    ok = answer.status == 200 and b'"response"' in data
                except (OSError, http.client.HTTPException):
                    connection.close()  # reconnected by the next request
                    ok = False
                mine.append(time.perf_counter() - began)
                failed += not ok
        finally:
            connection.close()
            with lock:
                latencies.extend(mine)
                errors[0] += failed

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, errors[0]


def run_bench(
    requests: int = 4000,
    concurrency: int = CONCURRENCY,
    rounds: int = 4,
    warmup: int = 200,
    progress: Callable[[str], None] | None = None,
) -> HttpReport:
    """`requests` timed requests to each app, in `rounds` alternating rounds."""
    chain = BenchChain.make()
    listeners = max(1, -(-requests // (len(KINDS) * PER_LISTENER)))
    per_round = max(1, requests // rounds)
    totals: dict[str, tuple[float, list[float], int]] = {app: (0.0, [], 0) for app in APPS}
    with (
        tempfile.TemporaryDirectory(prefix="steady-bench-") as name,
        chain_server(chain.pem) as pem,
    ):
        folder = Path(name)
        (folder / "root.pem").write_bytes(chain.root_pem)
        config = {
            "root": str(folder / "root.pem"),
            "chain_url": pem.url,
            "db": str(folder / "bench.sqlite3"),
            "workers": WORKERS,
            "threads": THREADS,
        }
        with server("steady", folder, config) as steady, server("hello", folder, config) as hello:
            ports = {"steady": steady, "hello": hello}
            if progress is not None:
                progress(f"setting up {listeners} listeners of each kind...")
            envelopes = [
                data
                for number in range(listeners)
                for data in prepare(
                    lambda data: post(steady, signed(chain, data)), prefix=f"http{number}-"
                ).values()
            ]
            bodies = [signed(chain, data) for data in envelopes]
            for app in APPS:
                load(ports[app], bodies, warmup, concurrency)
            for number in range(rounds):
                bodies = [signed(chain, data) for data in envelopes]  # within 150 s of now
                for app in APPS:
                    if progress is not None:
                        progress(f"round {number + 1} of {rounds}: {per_round} requests to {app}")
                    seconds, latencies, errors = load(ports[app], bodies, per_round, concurrency)
                    spent, seen, failed = totals[app]
                    totals[app] = (spent + seconds, seen + latencies, failed + errors)
    runs = {
        app: HttpRun(app, len(seen), spent, Spread.of(seen), failed)
        for app, (spent, seen, failed) in totals.items()
    }
    name = f"gunicorn (skill.cli.production), {WORKERS} workers x {THREADS} threads"
    return HttpReport(name, concurrency, rounds, runs["steady"], runs["hello"])


def render_text(report: HttpReport) -> str:
    goal = verdict(report.met, f"throughput >= {THROUGHPUT_GOAL:g}x hello-world's")
    lines = [
        f"HTTP on 127.0.0.1, {report.server}, concurrency {report.concurrency}, "
        f"{report.rounds} alternating rounds (latency in milliseconds)",
        f"{'app':<30} {'requests':>8} {'req/s':>8} {'median':>8} {'p99':>8} {'errors':>6}",
    ]
    for run, label in (
        (report.steady, "Steady Ground, verified"),
        (report.hello, "hello-world, not verified"),
    ):
        lines.append(
            f"{label:<30} {run.requests:>8} {run.throughput:>8.1f} {run.latency.median_ms:>8.2f} "
            f"{run.latency.p99_ms:>8.2f} {run.errors:>6}"
        )
    lines.append(f"throughput ratio {report.ratio:.2f}  {goal}")
    return "\n".join(lines)
