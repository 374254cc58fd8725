"""Running a real server on 127.0.0.1 in a thread for a while (a test, a bench), and finding a
free port for one in another process."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Protocol, TypeVar

POLL_SECONDS = 0.02
"""How often a serving thread looks for the request to stop: a test waits at most this long."""


class Serving(Protocol):
    def serve_forever(self, poll_interval: float = ...) -> None: ...
    def shutdown(self) -> None: ...
    def server_close(self) -> None: ...


S = TypeVar("S", bound=Serving)


@contextlib.contextmanager
def serving(server: S) -> Iterator[S]:
    """Serve in a background thread; stop, close and join on the way out."""
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": POLL_SECONDS}, daemon=True
    )
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on just now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
