"""Log lines of `steady serve`: one JSON object per line (or plain text), on standard error.

A record that carries `fields` (the turn line of skill.alexa.interceptors) is written as those
fields under its `event` name; any other record as its message. An exception is written as its
type and where it was raised, never its message or a traceback, which may hold what a person
said (safety.md P2).
"""

from __future__ import annotations

import copy
import json
import logging
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}


_ENCODER = json.JSONEncoder(default=str, ensure_ascii=False)
"""Made once: `json.dumps` with options builds a new encoder for every line."""


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, then the event's fields or message."""

    def __init__(self) -> None:
        super().__init__()
        self._second: tuple[int, str] = (-1, "")
        """The last whole second written, and its text up to the seconds (most lines share it)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": self._time(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line["event"] = str(getattr(record, "event", "event"))
            line.update(fields)
        else:
            line["message"] = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            line.update(error=type(record.exc_info[1]).__name__, at=where(record.exc_info[1]))
        return _ENCODER.encode(line)

    def _time(self, created: float) -> str:
        """`created` in UTC as ISO 8601 to the millisecond ("2026-11-30T19:16:07.123+00:00")."""
        second = int(created)
        if second != self._second[0]:  # two threads may both write it: the same text
            text = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")
            self._second = (second, text)
        millis = min(round((created - second) * 1_000_000) // 1000, 999)
        return f"{self._second[1]}.{millis:03d}+00:00"


class TextFormatter(logging.Formatter):
    """Plain lines, with an exception shown the same careful way as in JSON."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        error = record.exc_info[1] if record.exc_info else None
        line = super().format(_without_exc(record) if error else record)
        return f"{line} [{type(error).__name__} at {where(error)}]" if error else line


def _without_exc(record: logging.LogRecord) -> logging.LogRecord:
    bare = copy.copy(record)
    bare.exc_info, bare.exc_text, bare.stack_info = None, None, None
    return bare


def where(error: BaseException) -> str:
    """Where an exception was raised: the last three frames, innermost first."""
    frames = traceback.extract_tb(error.__traceback__)[-3:]
    return " < ".join(f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames)) or "?"


def formatter(kind: str) -> logging.Formatter:
    """The formatter of a `STEADY_LOG_FORMAT`: `json` or `text`."""
    return JsonFormatter() if kind == "json" else TextFormatter()


def configure(kind: str, level: str) -> None:
    """Every log line of this process to standard error, in `kind`, from `level` up."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(kind))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(LEVELS.get(level, logging.ERROR))
    # Neither formatter writes threads, processes or where a call came from: not gathering
    # them for every record is the logging HOWTO's own advice ("Optimization").
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    logging._srcfile = None
