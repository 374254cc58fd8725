"""A bounded load test of the production server (`steady serve`, gunicorn) on 127.0.0.1: a few
thousand requests at concurrency 8, stopping by itself. Zero errors, and memory flat."""

from __future__ import annotations

import http.client
import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from skill.content import bundle
from tests.test_serve import steady
from tests.test_web import intent, launch

REQUESTS = 3000
CONCURRENCY = 8
WARM_UP = 400
MAX_GROWTH_KB = 16 * 1024
"""What the server's processes may grow by between warm-up and the end (allocator noise)."""
WORKERS = 2
"""The production server's default number of worker processes (skill.settings)."""
ERROR = tuple(bundle.phrases("en-US").variants("error"))


def _bodies() -> list[bytes]:
    """A mix of what devices send: launches, exercises started, answers, stops."""
    mix: list[dict[str, Any]] = [
        launch(),
        intent("StartExerciseIntent", {"exercise": "box breathing"}),
        intent("RequestIntent", {"request": "i can't sleep"}),
        intent("FeelingIntent", {"feeling": "anxious"}),
        intent("AMAZON.StopIntent", {}),
    ]
    return [json.dumps(data).encode() for data in mix]


def _memory_kb(pid: int) -> int:
    """Memory of a process and its children (gunicorn's master and workers), each page shared
    by several of them counted once (the sum of their proportional set sizes)."""
    total = 0
    for each in [pid, *_children(pid)]:
        rollup = Path(f"/proc/{each}/smaps_rollup").read_text()
        total += int(next(ln.split()[1] for ln in rollup.splitlines() if ln.startswith("Pss:")))
    return total


def _all_workers_up(pid: int) -> None:
    """Waits until gunicorn has forked every worker (/healthz answers as soon as one is up)."""
    deadline = time.monotonic() + 20
    while len(_children(pid)) < WORKERS:
        assert time.monotonic() < deadline, "the server did not start all its workers"
        time.sleep(0.05)


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(child) for child in text]
    return found


def _send(port: int, bodies: list[bytes], count: int) -> list[str]:
    """`count` requests over one kept-alive connection; the problems seen."""
    problems = []
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        for index in range(count):
            connection.request(
                "POST", "/alexa", bodies[index % len(bodies)], {"Content-Type": "application/json"}
            )
            answer = connection.getresponse()
            data = answer.read()
            if answer.status != 200:
                problems.append(f"HTTP {answer.status}: {data[:80]!r}")
            elif any(phrase.encode() in data for phrase in ERROR):
                problems.append("the apology")
    finally:
        connection.close()
    return problems


def test_thousands_of_requests_at_concurrency_8_without_an_error_or_growing(
    tmp_path: Path,
) -> None:
    bodies = _bodies()
    with steady(tmp_path, STEADY_VERIFY="off") as server:
        _all_workers_up(server.process.pid)
        # Warm-up on many short connections, so that every worker has served some.
        per_connection = len(bodies) * 2
        connections = WARM_UP // per_connection
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            warm = list(
                pool.map(lambda _: _send(server.port, bodies, per_connection), range(connections))
            )
        before = _memory_kb(server.process.pid)
        each = REQUESTS // CONCURRENCY
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            runs = list(pool.map(lambda _: _send(server.port, bodies, each), range(CONCURRENCY)))
        after = _memory_kb(server.process.pid)
    problems = [p for run in [*warm, *runs] for p in run]
    assert problems == []
    assert after - before < MAX_GROWTH_KB, f"grew {after - before} kB over {REQUESTS} requests"
