"""The content-addressed cache of rendered speech clips.

A clip is keyed by everything that shapes its sound (text, engine, voice, rate and format), so
editing one step re-renders one clip, and a change of pace (which only changes silences)
re-renders none. Files are written atomically: a crash never leaves half a clip behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from skill.audio.pcm import PcmFormat


def clip_key(text: str, engine: str, voice: str, rate: float, fmt: PcmFormat) -> str:
    """The cache key of one clip: a SHA-256 of everything that shapes its sound."""
    parts = [engine, voice, round(rate, 4), fmt.rate, fmt.channels, fmt.width, text]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` so readers see the old file or the whole new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)  # served by the web server, read by other processes
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class ClipCache:
    """Raw PCM clips under `root/clips/`, one file per key."""

    def __init__(self, root: Path) -> None:
        self.root = root / "clips"

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.pcm"

    def get(self, key: str) -> bytes | None:
        """The clip, or None when it has not been rendered (or was lost)."""
        try:
            return self._path(key).read_bytes()
        except OSError:
            return None

    def has(self, key: str) -> bool:
        return self._path(key).is_file()

    def put(self, key: str, pcm: bytes) -> None:
        write_atomically(self._path(key), pcm)
