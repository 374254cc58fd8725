"""GET and HEAD /audio/<key>.mp3: rendered tracks, streamed with byte ranges, and nothing else.

Only a regular file named `<64 lowercase hex>.mp3` directly inside the audio folder is served:
any other name, a symlink, a folder or a missing file is a plain-text 404, so manifests, clips and
anything outside the folder stay private. Alexa's AudioPlayer fetches with range requests
(single ranges: `bytes=a-b`, `bytes=a-`, `bytes=-n`); a malformed or multi-range header is
ignored and the whole file is sent, as RFC 9110 allows. Files are read a chunk at a time.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

from flask import Flask, Response, request
from werkzeug.http import http_date

from skill.settings import AUDIO_KEY

NAME = re.compile(rf"(?P<key>{AUDIO_KEY.pattern})\.mp3")
"""The only names served: a track key and `.mp3`, nothing before or after."""
CHUNK = 64 * 1024
"""Bytes read from the file per chunk sent."""
CACHE_CONTROL = "public, max-age=31536000, immutable"
"""A key is the hash of the track's recipe, so the bytes behind a URL never change."""
_RANGE = re.compile(r"\s*bytes\s*=\s*([0-9]*)\s*-\s*([0-9]*)\s*", re.IGNORECASE)
_HUGE = 10**18
"""Larger than any file: stands in for numbers too long to be worth converting."""
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


def register_audio(app: Flask, audio_dir: Path) -> None:
    """Serve the tracks of `audio_dir` at /audio/<key>.mp3 on `app`."""

    @app.route("/audio/", defaults={"name": ""}, methods=["GET", "HEAD"])
    @app.route("/audio/<path:name>", methods=["GET", "HEAD"])
    def audio(name: str) -> Response:
        return serve_track(audio_dir, name)


def serve_track(audio_dir: Path, name: str) -> Response:
    """The answer to a GET or HEAD of /audio/`name` in the current request."""
    opened = open_track(audio_dir, name)
    if opened is None:
        return _plain("not found", 404)
    fd, info = opened
    try:
        etag = f"{name[:16]}-{info.st_size:x}-{info.st_mtime_ns:x}"
        headers = {
            "Accept-Ranges": "bytes",
            "ETag": f'"{etag}"',
            "Last-Modified": http_date(info.st_mtime),
            "Cache-Control": CACHE_CONTROL,
        }
        if _not_modified(etag, int(info.st_mtime)):
            os.close(fd)
            return Response(status=304, headers=headers)
        size = info.st_size
        wanted = None
        if request.method == "GET" and request.headers.get("If-Range", f'"{etag}"') == f'"{etag}"':
            wanted = byte_range(request.headers.get("Range"), size)
        if wanted is not None and not wanted:
            os.close(fd)
            answer = _plain("range not satisfiable", 416)
            answer.headers.update(headers)
            answer.headers["Content-Range"] = f"bytes */{size}"
            return answer
        status = 200 if wanted is None else 206
        wanted = wanted or range(size)
        if status == 206:
            headers["Content-Range"] = f"bytes {wanted.start}-{wanted.stop - 1}/{size}"
        headers["Content-Length"] = str(len(wanted))
        body = FileSlice(fd, wanted)
    except BaseException:
        os.close(fd)
        raise
    return Response(
        body, status=status, headers=headers, mimetype="audio/mpeg", direct_passthrough=True
    )


def open_track(audio_dir: Path, name: str) -> tuple[int, os.stat_result] | None:
    """An open file descriptor and its status for track `name`, or None if it isn't one.

    The name must be a key and `.mp3`; the file must be a regular file (not a symlink, folder or
    device) whose real path is directly inside the real audio folder, and still the same file
    (device and inode) once opened without following symlinks."""
    if not NAME.fullmatch(name):
        return None
    path = audio_dir / name
    try:
        before = os.lstat(path)
        if not stat.S_ISREG(before.st_mode):
            return None
        if Path(os.path.realpath(path)) != Path(os.path.realpath(audio_dir)) / name:
            return None
        fd = os.open(path, _OPEN_FLAGS)
    except (OSError, ValueError):
        return None
    try:
        after = os.fstat(fd)
    except OSError:
        os.close(fd)
        return None
    if not stat.S_ISREG(after.st_mode) or (after.st_dev, after.st_ino) != (
        before.st_dev,
        before.st_ino,
    ):
        os.close(fd)
        return None
    return fd, after


def byte_range(header: str | None, size: int) -> range | None:
    """The bytes a single-range `Range` header asks of a file of `size` bytes.

    None: no header, or one to ignore (malformed, several ranges, another unit). An empty range:
    the request cannot be satisfied (416)."""
    if header is None:
        return None
    match = _RANGE.fullmatch(header)
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        suffix = _number(last)
        return range(max(0, size - suffix), size) if suffix and size else range(0)
    start = _number(first)
    end = _number(last) if last else _HUGE
    if end < start:
        return None
    if start >= size:
        return range(0)
    return range(start, min(end, size - 1) + 1)


class FileSlice:
    """Bytes `wanted` of an open file, read a chunk at a time; the server closes it when done
    (also after a HEAD, which never reads it)."""

    def __init__(self, fd: int, wanted: range) -> None:
        self.fd = fd
        self.wanted = wanted

    def __iter__(self) -> Iterator[bytes]:
        offset, left = self.wanted.start, len(self.wanted)
        while left > 0 and self.fd >= 0:
            chunk = os.pread(self.fd, min(CHUNK, left), offset)
            if not chunk:
                return
            offset += len(chunk)
            left -= len(chunk)
            yield chunk

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def _not_modified(etag: str, mtime: int) -> bool:
    if "If-None-Match" in request.headers:
        return request.if_none_match.contains_weak(etag)
    since = request.if_modified_since
    return since is not None and mtime <= since.timestamp()


def _number(digits: str) -> int:
    return int(digits) if len(digits) <= 18 else _HUGE


def _plain(text: str, status: int) -> Response:
    return Response(f"{text}\n", status=status, mimetype="text/plain")
