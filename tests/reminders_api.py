"""A stand-in for Alexa's Reminders API: a real HTTP server on 127.0.0.1 (Amazon's API cannot be
reached from here). The skill calls the request's `apiEndpoint` with the request's token, and the
stand-in keeps the reminders and records every call."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.serving import serving


class RemindersStandIn(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), RemindersHandler)
        self.status = 200
        self.time_zone = "Europe/London"
        self.alerts: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, str, str, Any]] = []
        self.slow = False
        self.created = 0

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class RemindersHandler(BaseHTTPRequestHandler):
    server: RemindersStandIn

    def _answer(self, status: int, body: object = None) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _record(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        token = self.headers.get("Authorization", "")
        self.server.calls.append((self.command, self.path, token, body))
        if self.server.slow:
            time.sleep(3)
        return body

    def do_POST(self) -> None:
        body = self._record()
        if self.server.status != 200:
            return self._answer(self.server.status, {"code": "X", "message": "no"})
        self.server.created += 1
        token = f"alert-{self.server.created}"
        self.server.alerts[token] = {**body, "alertToken": token, "status": "ON"}
        self._answer(200, {"alertToken": token, "status": "ON"})

    def do_GET(self) -> None:
        self._record()
        if self.path.endswith("/settings/System.timeZone"):
            return self._answer(200, self.server.time_zone)
        if self.server.status != 200:
            return self._answer(self.server.status, {"code": "X", "message": "no"})
        self._answer(200, {"alerts": list(self.server.alerts.values()), "totalCount": "1"})

    def do_DELETE(self) -> None:
        self._record()
        token = self.path.rsplit("/", 1)[-1]
        self._answer(200 if self.server.alerts.pop(token, None) else 404)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def reminders_api() -> Iterator[RemindersStandIn]:
    server = RemindersStandIn()
    with serving(server):
        yield server
