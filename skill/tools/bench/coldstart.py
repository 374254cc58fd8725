"""`steady bench coldstart`: a fresh process, from start to its first response.

Each target runs in a new interpreter, several times, after one untimed run (which makes the
SQLite file and its secret, and fills the disk cache):

- `lambda`: import `skill.lambda_function` and call `handler` with a launch event;
- `web`:    `create_app()` and one test-client POST of the launch (verification off: its own
            cost is `steady bench verify`'s);
- `say`:    `steady say "open steady ground"`, timed as its user feels it;
- `serve`:  `steady serve` (the production server, `steady serve`'s defaults) until `GET /healthz`
            answers 200, which checks storage and scripts; then it is stopped.

All but `say` run next to the hello-world skill (`skill.tools.bench.hello`) started the same way
(for `serve`, on the same production server, until its own `/healthz` answers).
The figure is the wall clock from starting the process to its response reaching the bench (a
Lambda cold start is the runtime's start, the imports and the first call; the interpreter's exit
after it is no part of one, and is not counted); the time from the first line of the child to its
response is shown beside it. `steady say` is timed to its exit, as its user waits for the prompt.

Bytecode matters as much as the skill's own work. `cached`: the children read and write
compiled bytecode in a private cache (the untimed run fills it), as an installed wheel does.
`source`: nothing new is written, so modules without a `__pycache__` of their own are compiled
on every start, as in a Lambda function whose package holds only `.py` files.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from skill.record import record
from skill.tools.bench.latency import ratio, verdict
from skill.tools.bench.servers import seconds_to_healthy

TARGETS = ("lambda", "web", "say", "serve")
MODES = ("cached", "source")
SNAPSHOTS = ("kept", "off")
"""`kept`: the children share a snapshot folder (content/snapshot.py), made by the untimed
first start, as on a machine that has started the skill before or in the Lambda code
`steady package` writes; `off`: every start parses and checks everything itself."""
RATIO_GOAL = 1.5
"""A cold start may take at most this many times hello-world's."""
SAY_GOAL = 0.6
"""Seconds `steady say "open steady ground"` may take."""

_LAUNCH = {
    "version": "1.0",
    "session": {
        "new": True,
        "sessionId": "amzn1.echo-api.session.steady-bench-cold",
        "application": {"applicationId": "amzn1.ask.skill.steady-bench"},
        "user": {"userId": "amzn1.ask.account.steady-bench-cold"},
    },
    "context": {
        "System": {
            "application": {"applicationId": "amzn1.ask.skill.steady-bench"},
            "user": {"userId": "amzn1.ask.account.steady-bench-cold"},
            "device": {"deviceId": "amzn1.ask.device.steady-bench", "supportedInterfaces": {}},
            "apiEndpoint": "https://api.amazonalexa.com",
        }
    },
    "request": {
        "type": "LaunchRequest",
        "requestId": "amzn1.echo-api.request.steady-bench-cold",
        "timestamp": "2026-01-01T00:00:00Z",
        "locale": "en-US",
    },
}

_PROLOGUE = "import time\nstarted = time.perf_counter()\nimport json, sys\n"
_EPILOGUE = (
    "took = time.perf_counter() - started\n"
    "assert 'response' in result, result\n"
    "print(json.dumps({'seconds': took}), flush=True)\n"
)
CHILDREN = {
    ("lambda", "steady"): "from skill.lambda_function import handler\n"
    "result = handler(json.loads(sys.argv[1]), None)\n",
    ("lambda", "hello"): "from skill.tools.bench.hello import handler\n"
    "result = handler(json.loads(sys.argv[1]), None)\n",
    ("web", "steady"): "from skill.web import create_app\n"
    "result = create_app().test_client().post('/alexa', json=json.loads(sys.argv[1])).get_json()\n",
    ("web", "hello"): "from skill.tools.bench.hello import create_app\n"
    "result = create_app().test_client().post('/alexa', json=json.loads(sys.argv[1])).get_json()\n",
}
"""What each child runs between its first line and its first response."""


@record
class ColdStart:
    """One target started fresh `runs` times: wall seconds of each process, and seconds from
    its first line to its response (None for `steady say`)."""

    target: str
    mode: str
    snapshots: str
    steady_wall: tuple[float, ...]
    steady_inside: tuple[float, ...] | None
    hello_wall: tuple[float, ...]
    hello_inside: tuple[float, ...] | None

    @property
    def steady_s(self) -> float:
        return statistics.median(self.steady_wall)

    @property
    def hello_s(self) -> float:
        return statistics.median(self.hello_wall)

    @property
    def ratio(self) -> float:
        return ratio(self.steady_s, self.hello_s)

    @property
    def goal(self) -> str:
        return f"< {SAY_GOAL:g} s" if self.target == "say" else f"<= {RATIO_GOAL:g}x"

    @property
    def met(self) -> bool:
        return self.steady_s < SAY_GOAL if self.target == "say" else self.ratio <= RATIO_GOAL

    def to_dict(self) -> dict[str, object]:
        def inside(values: tuple[float, ...] | None) -> float | None:
            return round(statistics.median(values), 4) if values else None

        return {
            "target": self.target,
            "bytecode": self.mode,
            "snapshots": self.snapshots,
            "runs": len(self.steady_wall),
            "steady_s": round(self.steady_s, 4),
            "steady_inside_s": inside(self.steady_inside),
            "hello_s": round(self.hello_s, 4),
            "hello_inside_s": inside(self.hello_inside),
            "ratio": round(self.ratio, 2),
            "goal": self.goal,
            "met": self.met,
        }


def _environment(folder: Path, mode: str, snapshots: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEADY_")}
    env.update(
        STEADY_DB=str(folder / "cold.sqlite3"),
        STEADY_VERIFY="off",
        STEADY_LOG_LEVEL="warning",
        STEADY_CACHE_DIR=str(folder / "snapshots") if snapshots == "kept" else "off",
    )
    env.pop("PYTHONPYCACHEPREFIX", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if mode == "cached":
        env["PYTHONPYCACHEPREFIX"] = str(folder / "bytecode")
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _command(target: str, skill: str) -> list[str]:
    if target == "say":
        if skill == "hello":  # the least a command line can do: build, answer, print
            code = (
                "from skill.tools.bench.hello import handler\n"
                "result = handler(json.loads(sys.argv[1]), None)\n"
                "print(result['response']['outputSpeech']['ssml'])\n"
            )
            return [sys.executable, "-c", _PROLOGUE + code, json.dumps(_LAUNCH)]
        script = Path(sys.executable).with_name("steady")
        entry = [str(script)] if script.is_file() else [sys.executable, "-m", "skill.cli"]
        return [*entry, "say", "open steady ground"]
    code = _PROLOGUE + CHILDREN[(target, skill)] + _EPILOGUE
    return [sys.executable, "-c", code, json.dumps(_LAUNCH)]


def start_once(
    target: str, skill: str, env: dict[str, str], cwd: Path
) -> tuple[float, float | None]:
    """One fresh process: its wall seconds, and what it reported of itself."""
    if target == "serve":
        return seconds_to_healthy(skill, env, cwd), None
    began = time.perf_counter()
    if target == "say":
        done = subprocess.run(
            _command(target, skill),
            env=env,
            cwd=cwd,  # a var/ folder of the child's own is made in there
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{target} ({skill}) failed: {done.stderr.strip()[-800:]}")
        return time.perf_counter() - began, None
    with subprocess.Popen(
        _command(target, skill),
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # one pipe: a chatty child cannot fill the other and stall
        text=True,
    ) as child:
        assert child.stdout is not None
        said: list[str] = []
        for line in child.stdout:  # the report is printed, and flushed, once the response is made
            if line.startswith('{"seconds"'):
                wall = time.perf_counter() - began
                report = json.loads(line)
                break
            said.append(line)
        else:
            report = None
        rest, _ = child.communicate(timeout=120)
    if child.returncode != 0 or report is None:
        raise RuntimeError(f"{target} ({skill}) failed: {(''.join(said) + rest).strip()[-800:]}")
    return wall, float(report["seconds"])


def time_target(
    target: str, mode: str, runs: int, folder: Path, snapshots: str = "kept"
) -> ColdStart:
    """`runs` fresh starts of Steady Ground and of hello-world, alternating, after one untimed
    start of each."""
    env = _environment(folder, mode, snapshots)
    timed: dict[str, list[tuple[float, float | None]]] = {"steady": [], "hello": []}
    for number in range(runs + 1):
        for skill in ("steady", "hello"):
            result = start_once(target, skill, env, folder)
            if number > 0:
                timed[skill].append(result)

    def inside(skill: str) -> tuple[float, ...] | None:
        values = [i for _, i in timed[skill] if i is not None]
        return tuple(values) if values else None

    return ColdStart(
        target,
        mode,
        snapshots,
        tuple(w for w, _ in timed["steady"]),
        inside("steady"),
        tuple(w for w, _ in timed["hello"]),
        inside("hello"),
    )


def run_bench(
    targets: Sequence[str] = TARGETS,
    modes: Sequence[str] = MODES,
    runs: int = 5,
    progress: Callable[[str], None] | None = None,
    snapshots: Sequence[str] = SNAPSHOTS,
) -> list[ColdStart]:
    found: list[ColdStart] = []
    with tempfile.TemporaryDirectory(prefix="steady-bench-") as folder:
        for kept in snapshots:
            for mode in modes:
                for target in targets:
                    if progress is not None:
                        progress(
                            f"{target}, bytecode {mode}, snapshots {kept}: "
                            f"{runs} fresh starts of each..."
                        )
                    found.append(time_target(target, mode, runs, Path(folder), kept))
    return found


def render_text(starts: Sequence[ColdStart]) -> str:
    lines = [
        "Cold start, a fresh process to its first response (seconds, median of "
        f"{len(starts[0].steady_wall) if starts else 0} runs; inside = from the first line)",
        f"{'target':<7} {'bytecode':<8} {'snapshots':<9} {'steady':>7} {'inside':>7} "
        f"{'hello':>7} {'inside':>7} {'ratio':>6}  goal",
    ]
    for s in starts:
        steady_in = f"{statistics.median(s.steady_inside):>7.3f}" if s.steady_inside else "      -"
        hello_in = f"{statistics.median(s.hello_inside):>7.3f}" if s.hello_inside else "      -"
        lines.append(
            f"{s.target:<7} {s.mode:<8} {s.snapshots:<9} {s.steady_s:>7.3f} {steady_in} "
            f"{s.hello_s:>7.3f} "
            f"{hello_in} {s.ratio:>6.2f}  {verdict(s.met, s.goal)}"
        )
    return "\n".join(lines)
