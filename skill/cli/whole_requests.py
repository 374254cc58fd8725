"""The gunicorn worker of `steady serve`: gthread, with each request read whole in the event loop
before a thread takes it.

gunicorn's own gthread worker hands each new connection to a thread, which then blocks reading
the request: a few hundred clients that send half a request and wait hold every thread, and
nothing else is answered (measured here: 300 such clients against 64 threads, and /healthz was
still waiting after 15 s). `WholeRequestWorker` reads in the worker's event loop instead, as
waitress does: a connection reaches a thread only once its request is complete, and one that has
not sent it within the read timeout is closed. Slow or silent clients cost a buffer, never a
thread; each worker holds up to `WORKER_CONNECTIONS` of them. A thread's own reads and writes
stall at most the read timeout too (SO_RCVTIMEO, SO_SNDTIMEO), so a client that stops reading a
response cannot hold one for longer.
"""

from __future__ import annotations

import contextlib
import json
import queue
import selectors
import signal
import socket
import struct
import time
from functools import partial
from typing import Any

import gunicorn.http  # type: ignore[import-untyped]
from gunicorn.workers.gthread import TConn, ThreadWorker  # type: ignore[import-untyped]

WORKER_CONNECTIONS = 1000
"""Connections one worker holds at once (kept below the usual limit of 1024 open files)."""
HEAD_LIMIT = 64 * 1024
"""Bytes of request line and headers a client may send."""
RECV_BYTES = 64 * 1024


def request_state(data: bytes, max_body: int) -> str:
    """How far a request has arrived: `more` to wait for, `continue` (its headers ask for
    "100 Continue" before the body), `done` for a thread to take (complete, or refused by the
    parser without reading further), or a reason to refuse it here, before any thread."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return "more" if len(data) <= HEAD_LIMIT else "headers too large"
    fields: dict[str, str] = {}
    for line in data[:end].split(b"\r\n")[1:]:
        name, _, value = line.decode("latin-1").partition(":")
        fields[name.strip().lower()] = value.strip().lower()
    body = data[end + 4 :]
    if "chunked" in fields.get("transfer-encoding", ""):
        if len(body) > max_body + HEAD_LIMIT:
            return f"body larger than {max_body} bytes"
        return "done" if _last_chunk(body) else "more"
    length = fields.get("content-length")
    if length is None or not length.isdigit():
        return "done"
    if int(length) > max_body:
        return f"body larger than {max_body} bytes"
    if len(body) >= int(length):
        return "done"
    return "continue" if not body and fields.get("expect") == "100-continue" else "more"


def _last_chunk(body: bytes) -> bool:
    """Whether a chunked body has arrived up to its last chunk and the blank line after it."""
    at = 0
    while True:
        line_end = body.find(b"\r\n", at)
        if line_end < 0:
            return False
        size_text = body[at:line_end].split(b";")[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return True  # malformed: the parser refuses it
        if size == 0:
            return body.find(b"\r\n\r\n", line_end) >= 0 or body.endswith(b"\r\n", line_end)
        at = line_end + 2 + size + 2
        if at > len(body):
            return False


class Reading:
    """A connection whose request is still arriving."""

    def __init__(self, conn: TConn, data: bytes, deadline: float) -> None:
        self.conn = conn
        self.data = bytearray(data)
        self.deadline = deadline
        self.continued = False


class WholeRequestWorker(ThreadWorker):  # type: ignore[misc]
    """gthread, except that a thread takes a connection only when its request is complete."""

    read_timeout = 10.0
    max_body = 128 * 1024

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reading: dict[int, Reading] = {}

    def enqueue_req(self, conn: TConn) -> None:
        """Every way a connection reaches a thread (new, kept alive, pipelined) passes here:
        its request is read in the event loop first."""
        if self.cfg.is_ssl or conn.is_http2:
            super().enqueue_req(conn)
            return
        held = conn.parser.unreader.take_buffered() if conn.parser is not None else b""
        reading = Reading(conn, held, time.monotonic() + self.read_timeout)
        conn.sock.setblocking(False)
        self.reading[id(conn)] = reading
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._readable, reading))
        if held:
            self._progress(reading)

    def _readable(self, reading: Reading, _sock: object) -> None:
        try:
            chunk = reading.conn.sock.recv(RECV_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:
            self._drop(reading)
            return
        reading.data += chunk
        self._progress(reading)

    def _progress(self, reading: Reading) -> None:
        """Hands a complete request to a thread, or refuses it, or waits for more."""
        state = request_state(bytes(reading.data), self.max_body)
        if state == "more":
            return
        if state == "continue":
            if not reading.continued:
                reading.continued = True
                _send_quietly(reading.conn.sock, b"HTTP/1.1 100 Continue\r\n\r\n")
            return
        self._unwatch(reading)
        if state != "done":
            self._refuse(reading, state)
            return
        conn = reading.conn
        if conn.parser is None:  # what TConn.init does for plain HTTP/1
            conn.parser = gunicorn.http.get_parser(self.cfg, conn.sock, conn.client)
        conn.parser.unreader.unread(bytes(reading.data))
        conn.data_ready = True
        conn.sock.setblocking(True)
        _stall_limits(conn.sock, self.read_timeout)
        super().enqueue_req(conn)

    def _refuse(self, reading: Reading, reason: str) -> None:
        body = json.dumps({"error": reason}).encode()
        head = (
            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        _send_quietly(reading.conn.sock, head.encode() + body)
        self.log.warning("refused request: %s", reason)
        self._close(reading)

    def _unwatch(self, reading: Reading) -> None:
        if self.reading.pop(id(reading.conn), None) is not None:
            self.poller.unregister(reading.conn.sock)

    def _drop(self, reading: Reading) -> None:
        self._unwatch(reading)
        self._close(reading)

    def _close(self, reading: Reading) -> None:
        self.nr_conns -= 1
        reading.conn.close()

    def init_signals(self) -> None:
        """Also heeds a stop that came between the fork and now: the server's own handler took
        it then (gunicorn would leave this worker running until the graceful timeout)."""
        super().init_signals()
        inherited = getattr(getattr(self, "arbiter", None), "SIG_QUEUE", None)
        queued = set()
        while inherited is not None:  # this process's copy of the server's queue
            try:
                queued.add(inherited.get_nowait())
            except queue.Empty:
                break
        if queued & {signal.SIGTERM, signal.SIGINT, signal.SIGQUIT}:
            self.alive = False

    def murder_pending(self) -> None:
        """Also closes connections whose request did not arrive within the read timeout."""
        super().murder_pending()
        now = time.monotonic()
        for reading in [r for r in self.reading.values() if r.deadline <= now]:
            self._drop(reading)

    def set_accept_enabled(self, enabled: bool) -> None:
        """When stopping, connections still sending a request are closed: none was started."""
        super().set_accept_enabled(enabled)
        if not self.alive:
            for reading in list(self.reading.values()):
                self._drop(reading)


def _send_quietly(sock: socket.socket, data: bytes) -> None:
    """A short answer, if the client takes it at once (it may be gone, or not reading)."""
    with contextlib.suppress(OSError):
        sock.send(data)


def _stall_limits(sock: socket.socket, seconds: float) -> None:
    """A blocking read or write on `sock` fails after `seconds` without progress."""
    whole = int(seconds)
    limit = struct.pack("ll", whole, int((seconds - whole) * 1_000_000))
    for option in (socket.SO_RCVTIMEO, socket.SO_SNDTIMEO):
        sock.setsockopt(socket.SOL_SOCKET, option, limit)
