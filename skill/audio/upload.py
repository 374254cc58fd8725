"""Upload rendered audio to S3, sending only the files whose bytes changed.

A render writes MP3 tracks named by their content hash and JSON manifests beside them. Sending
them all on every render would waste time and bandwidth, so each file's MD5 is compared with the
ETag S3 already holds (for a single-part upload without KMS, the ETag is the quoted MD5) and only
missing or different files are sent. boto3 is imported lazily, when a default client is made, so
the rest of the project (and its tests) never pay for it or need it installed.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from skill.record import record

CLIPS_DIR = "clips"
"""Directories of this name hold the local cache of rendered sentences; they are never served."""

IMMUTABLE = "public, max-age=31536000, immutable"
"""MP3 names are content hashes, so a name never changes its bytes and caches may keep it."""

_HEADERS: dict[str, dict[str, str]] = {
    ".mp3": {"ContentType": "audio/mpeg", "CacheControl": IMMUTABLE},
    ".json": {"ContentType": "application/json", "CacheControl": "no-cache"},
}
_OTHER_HEADERS = {"ContentType": "application/octet-stream", "CacheControl": "no-cache"}
"""Anything else is sent as opaque bytes and revalidated, since its name says nothing of it."""

_MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound"})
"""head_object has no body to carry an error code, so a missing key shows up as plain "404"."""

_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
"""S3's rule for bucket names: 3-63 lowercase letters, digits, dots and hyphens."""

_CHUNK = 1 << 20


class UploadError(ValueError):
    """An upload that cannot go ahead: a bad destination, a bad source, or S3 saying no."""


@record
class UploadReport:
    """What one upload did, by S3 key, in the order the files were walked."""

    uploaded: tuple[str, ...]
    """Keys sent because S3 lacked them or held different bytes."""
    unchanged: tuple[str, ...]
    """Keys whose bytes S3 already held, so nothing was sent."""
    bytes_sent: int
    """The total size of the bodies sent."""


def parse_s3_url(url: str) -> tuple[str, str]:
    """Split `s3://bucket/prefix` into the bucket and a prefix of "" or "some/path/".

    The prefix always ends in "/" (or is empty) so keys can be built by plain concatenation,
    and a mistyped destination fails here, before any file is read or any request is sent.
    """
    scheme = "s3://"
    if not url.startswith(scheme):
        raise UploadError(f"expected s3://bucket/prefix, got {url!r}")
    bucket, _, prefix = url[len(scheme) :].partition("/")
    if not _BUCKET.fullmatch(bucket):
        raise UploadError(
            f"expected s3://bucket/prefix, got {url!r}: {bucket!r} is not a valid bucket name"
        )
    prefix = prefix.rstrip("/")
    if not prefix:
        return bucket, ""
    if any(part in {"", ".", ".."} for part in prefix.split("/")):
        raise UploadError(
            f"expected s3://bucket/prefix, got {url!r}: the prefix has an empty, '.' or '..' part"
        )
    return bucket, f"{prefix}/"


def upload_changed(
    source: Path,
    url: str,
    client: Any | None = None,
    progress: Callable[[str, bool], None] | None = None,
) -> UploadReport:
    """Send every served file under `source` to `url` whose bytes S3 does not already hold.

    `client` is a boto3 S3 client (a default one is made when it is None); `progress` hears
    each key with True when it was sent and False when it was already there. Any failure,
    local or remote, is raised as `UploadError` with a message fit to show a person.
    """
    bucket, prefix = parse_s3_url(url)
    files = _served_files(source)
    s3 = default_client() if client is None else client
    errors = _aws_errors()
    uploaded: list[str] = []
    unchanged: list[str] = []
    sent = 0
    for path in files:
        key = prefix + path.relative_to(source).as_posix()
        body = _read(path)
        digest = hashlib.md5(body, usedforsecurity=False).hexdigest()
        changed = _remote_etag(s3, bucket, key, errors) != digest
        if changed:
            _put(s3, bucket, key, body, errors)
            uploaded.append(key)
            sent += len(body)
        else:
            unchanged.append(key)
        if progress is not None:
            progress(key, changed)
    return UploadReport(uploaded=tuple(uploaded), unchanged=tuple(unchanged), bytes_sent=sent)


def default_client() -> Any:
    """An S3 client from the usual AWS configuration (environment, profile, instance role).

    boto3 is imported here and nowhere else, so importing this module stays cheap and works on
    an install without boto3.
    """
    try:
        import boto3
    except ImportError as err:
        raise UploadError("uploading to S3 needs boto3: pip install 'steady-ground[aws]'") from err
    errors = _aws_errors()
    try:
        return boto3.session.Session().client("s3")
    except errors as err:
        raise UploadError(f"cannot make an S3 client: {_describe(err)}") from err


def _served_files(source: Path) -> list[Path]:
    """The regular files under `source` that are served, sorted, for a stable upload order.

    Symlinks are skipped, files and directories alike, so nothing outside the render folder is
    ever published; `clips/` directories are the local sentence cache and are skipped too.
    """
    if not source.is_dir():
        raise UploadError(f"{source} is not a directory of rendered audio")
    return sorted(_walk(source))


def _walk(source: Path) -> Iterator[Path]:
    for folder, dirs, names in os.walk(source, followlinks=False):
        dirs[:] = [name for name in dirs if name != CLIPS_DIR]
        for name in names:
            path = Path(folder, name)
            if not path.is_symlink() and path.is_file():
                yield path


def _read(path: Path) -> bytes:
    """The file's bytes, read once: the same bytes are hashed and sent, so they cannot differ."""
    try:
        return path.read_bytes()
    except OSError as err:
        raise UploadError(f"cannot read {path}: {err.strerror or err}") from err


def _remote_etag(s3: Any, bucket: str, key: str, errors: tuple[type[Exception], ...]) -> str | None:
    """The MD5 hex S3 holds for `key` (its ETag without quotes), or None when it is missing."""
    try:
        head = s3.head_object(Bucket=bucket, Key=key)
    except errors as err:
        if _error_code(err) in _MISSING_CODES:
            return None
        raise _upload_error("check", bucket, key, err) from err
    etag: str = str(head.get("ETag", ""))
    return etag.strip('"')


def _put(s3: Any, bucket: str, key: str, body: bytes, errors: tuple[type[Exception], ...]) -> None:
    """Send one file with the headers its kind needs (see IMMUTABLE for why MP3s cache forever)."""
    headers = _HEADERS.get(Path(key).suffix.lower(), _OTHER_HEADERS)
    try:
        s3.put_object(Bucket=bucket, Key=key, Body=body, **headers)
    except errors as err:
        raise _upload_error("upload", bucket, key, err) from err


def _aws_errors() -> tuple[type[Exception], ...]:
    """botocore's error bases, imported lazily; none when botocore is absent (a fake client)."""
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        return ()
    return (BotoCoreError, ClientError)


def _error_code(err: BaseException) -> str:
    """The AWS error code of a ClientError ("404", "NoSuchBucket", ...), or "" for others."""
    response = getattr(err, "response", None)
    if not isinstance(response, dict):
        return ""
    error = response.get("Error")
    return str(error.get("Code", "")) if isinstance(error, dict) else ""


def _describe(err: BaseException) -> str:
    """A one-line account of a botocore error: the AWS code and message, or botocore's words."""
    code = _error_code(err)
    if not code:
        return f"{type(err).__name__}: {err}"
    response: dict[str, Any] = getattr(err, "response", {})
    message = str(response.get("Error", {}).get("Message", "")).strip()
    return f"{code}: {message}" if message else code


def _upload_error(action: str, bucket: str, key: str, err: BaseException) -> UploadError:
    """Name the bucket and key, and hint at the usual cause when S3 refuses access."""
    text = f"cannot {action} s3://{bucket}/{key}: {_describe(err)}"
    if _error_code(err) in {"403", "AccessDenied"}:
        text += " (the uploader needs s3:GetObject, s3:PutObject and s3:ListBucket on the bucket)"
    return UploadError(text)
