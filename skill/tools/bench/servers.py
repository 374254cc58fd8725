"""The servers of `steady bench http` (the production server in a child process, and a local
server of the bench's certificate chain) and of `steady bench coldstart --target serve`."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from skill.settings import Settings
from skill.tools.serving import free_port, serving

SERVER_CODE = (
    "import sys\nfrom skill.cli.bench import bench_server\nsys.exit(bench_server(sys.argv[1]))\n"
)
"""What a server child runs (the command line owns the production server)."""
WORKERS, THREADS = Settings().workers, Settings().threads
"""The server's processes and threads: `steady serve`'s defaults, for both apps."""


class ChainServer(ThreadingHTTPServer):
    """Serves the bench's certificate chain at any path, as Amazon's bucket serves its own."""

    daemon_threads = True

    def __init__(self, pem: bytes) -> None:
        super().__init__(("127.0.0.1", 0), _ChainHandler)
        self.pem = pem

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/echo.api/steady-bench.pem"


class _ChainHandler(BaseHTTPRequestHandler):
    server: ChainServer

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.server.pem)))
        self.end_headers()
        self.wfile.write(self.server.pem)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def chain_server(pem: bytes) -> Iterator[ChainServer]:
    with serving(ChainServer(pem)) as server:
        yield server


@contextlib.contextmanager
def server(app: str, folder: Path, config: dict[str, Any]) -> Iterator[int]:
    """One app on the production server in a child process: its port, while it runs (stopped
    with SIGTERM, as an operator stops `steady serve`)."""
    port = free_port()
    log = folder / f"{app}.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEADY_")}
    arguments = json.dumps({**config, "app": app, "port": port})
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-c", SERVER_CODE, arguments],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
    try:
        _wait_until_up(port, process, log)
        yield port
    finally:
        _stop(process)


def _wait_until_up(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if _health(port) is not None:
            return
        time.sleep(0.1)
    raise RuntimeError(f"the bench server did not start:\n{log.read_text(errors='replace')}")


def _health(port: int) -> int | None:
    """The status `GET /healthz` answers on 127.0.0.1:`port`, or None when nothing answers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        answer = connection.getresponse()
        answer.read()
        return answer.status
    except OSError:
        return None
    finally:
        connection.close()


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stops a server as an operator stops `steady serve`: SIGTERM, then SIGKILL after 20 s."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _server_command(skill: str, port: int, cwd: Path) -> list[str]:
    if skill == "hello":  # the production server of `steady bench http`, serving hello-world
        config = {"app": "hello", "port": port, "workers": WORKERS, "threads": THREADS}
        config["db"] = str(cwd / "hello.sqlite3")
        return [sys.executable, "-c", SERVER_CODE, json.dumps(config)]
    script = Path(sys.executable).with_name("steady")
    entry = [str(script)] if script.is_file() else [sys.executable, "-m", "skill.cli"]
    return [*entry, "serve", "--host", "127.0.0.1", "--port", str(port)]


def seconds_to_healthy(skill: str, env: dict[str, str], cwd: Path) -> float:
    """Seconds from starting a production server ("steady": `steady serve`; "hello": the
    hello-world app) to its first healthy `/healthz`; it is then stopped with SIGTERM."""
    port = free_port()
    log = cwd / f"serve-{skill}.log"
    began = time.perf_counter()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            _server_command(skill, port, cwd),
            env=env,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
    try:
        while _health(port) != 200:
            if process.poll() is not None or time.perf_counter() - began > 120:
                problem = log.read_text(errors="replace")[-800:]
                raise RuntimeError(f"serve ({skill}) did not start:\n{problem}")
            time.sleep(0.005)
        return time.perf_counter() - began
    finally:
        _stop(process)
