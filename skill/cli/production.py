"""The production web server of `steady serve`: gunicorn, with the worker of
skill.cli.whole_requests (gthread, reading each request whole before a thread takes it).

gunicorn must run on the main thread (it installs signal handlers); SIGTERM stops it gracefully.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]
from gunicorn.glogging import Logger  # type: ignore[import-untyped]

from skill.cli.logs import formatter
from skill.cli.whole_requests import WORKER_CONNECTIONS, WholeRequestWorker
from skill.settings import Settings


def worker_for(settings: Settings) -> type[WholeRequestWorker]:
    """The worker class with the settings' read timeout and body limit."""
    limits = {"read_timeout": settings.read_timeout, "max_body": settings.max_body_bytes}
    return type("SteadyWorker", (WholeRequestWorker,), limits)


def logger_for(kind: str) -> type[Logger]:
    """gunicorn's logger, writing its lines in the skill's format (skill.cli.logs)."""

    def setup(self: Logger, cfg: Any) -> None:
        Logger.setup(self, cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(formatter(kind))

    return type("SteadyLogger", (Logger,), {"setup": setup})


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


def options(settings: Settings, on_worker_start: Callable[[int], None]) -> dict[str, Any]:
    """gunicorn's settings for the skill (no control socket: nothing else manages it)."""

    def post_fork(server: Any, worker: Any) -> None:
        worker.arbiter = server  # see WholeRequestWorker.init_signals

    def post_worker_init(worker: Any) -> None:
        on_worker_start(int(worker.age))

    return {
        "bind": [bind_address(settings.host, settings.port)],
        "workers": settings.workers,
        "threads": settings.threads,
        "worker_class": worker_for(settings),
        "worker_connections": WORKER_CONNECTIONS,
        "timeout": 30,
        "graceful_timeout": 30,
        "keepalive": 5,
        "control_socket_disable": True,
        "preload_app": True,
        "proc_name": "steady",
        "accesslog": None,
        "errorlog": "-",
        "loglevel": settings.log_level,
        "logger_class": logger_for(settings.log_format),
        "post_fork": post_fork,
        "post_worker_init": post_worker_init,
    }


class ProductionServer(BaseApplication):  # type: ignore[misc]
    """gunicorn running an app that is already built (in this process, before any worker)."""

    def __init__(self, app: Any, settings: dict[str, Any]) -> None:
        self._app = app
        self._settings = settings
        super().__init__()

    def load_config(self) -> None:
        for name, value in self._settings.items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        return self._app


def serve(app: Any, settings: Settings, on_worker_start: Callable[[int], None]) -> int:
    """Runs until SIGTERM or SIGINT (then stops gracefully); gunicorn's exit status."""
    logging.getLogger("steady").info(
        "serving on %s with %d workers x %d threads",
        bind_address(settings.host, settings.port),
        settings.workers,
        settings.threads,
    )
    # Everything loaded so far moves out of the garbage collector's sight: its passes would
    # write to every object and so copy each worker's share of the preloaded pages (measured:
    # a 2-worker server settles about 27 MB smaller).
    gc.freeze()
    try:
        ProductionServer(app, options(settings, on_worker_start)).run()
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 1
    return 0
