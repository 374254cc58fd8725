"""A bounded load test of the production server (`steady serve`, gunicorn) on 127.0.0.1: a few
thousand requests at concurrency 8, stopping by itself. Zero errors, and memory flat."""

from __future__ import annotations

import http.client
import json
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


def _rss_kb(pid: int) -> int:
    """Resident memory of a process and its children (gunicorn's master and workers)."""
    total = 0
    for each in [pid, *_children(pid)]:
        status = Path(f"/proc/{each}/status").read_text()
        total += int(next(ln.split()[1] for ln in status.splitlines() if ln.startswith("VmRSS")))
    return total


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
        each = WARM_UP // CONCURRENCY
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            warm = list(pool.map(lambda _: _send(server.port, bodies, each), range(CONCURRENCY)))
        before = _rss_kb(server.process.pid)
        each = REQUESTS // CONCURRENCY
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            runs = list(pool.map(lambda _: _send(server.port, bodies, each), range(CONCURRENCY)))
        after = _rss_kb(server.process.pid)
    problems = [p for run in [*warm, *runs] for p in run]
    assert problems == []
    assert after - before < MAX_GROWTH_KB, f"grew {after - before} kB over {REQUESTS} requests"
