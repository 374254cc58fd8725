"""Rendered tracks found in S3, in the layout `steady render --upload s3://bucket/prefix` writes.

Lambda has no folder of tracks, so this `TrackLookup` reads a track's manifest
(`<prefix><key>.json`) from the bucket and checks that its MP3 (`<prefix><key>.mp3`) is there
too. The key is the same content address `TrackStore` uses, so finding a track needs no index.
Nothing is rendered here: tracks rendered ahead (and uploaded) are played, and any other variant
is spoken in turns. Devices fetch the MP3 from `STEADY_AUDIO_BASE_URL` (CloudFront in front of
the bucket, see docs/deployment.md), so the conversation builds its URL as for a local folder.

boto3 is imported only when the first client is made.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from skill.audio.engines.base import EngineError, SpeechEngine
from skill.audio.pcm import AudioError
from skill.audio.tracks import EnginesByVoice, recipe_of, track_of_manifest
from skill.audio.upload import parse_s3_url
from skill.core.handsfree import Track, Variant
from skill.core.script import Script

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 1
READ_TIMEOUT = 2
MAX_ATTEMPTS = 2
"""Like the DynamoDB store, the client gives up fast (2 tries in all): Alexa waits 8 s for the
whole answer, and a bucket that does not answer costs the listener spoken turns, not silence."""
CACHE_SIZE = 256
"""Tracks found are remembered (a key's bytes never change); this many, the oldest dropped."""
MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound"})
"""How S3 says a key is not there (HEAD has no body, so only its status: "404")."""
MAX_ERROR_CHARS = 300
NO_BOTO3 = "boto3 is not installed: pip install 'steady-ground[aws]'"


def track_key(script: Script, variant: Variant, engine: SpeechEngine) -> str:
    """The key of the script's track for this variant and engine, as a local folder keys it."""
    return recipe_of(script, variant, engine).key


class S3Tracks:
    """The conversation's lookup of tracks rendered ahead and uploaded to `bucket` under
    `prefix` ("" or ending in "/"). `engine` makes the engine the tracks were rendered with, in
    the kind of voice a listener chose (None: the usual); `client` is a boto3 S3 client (tests
    pass one pointed at moto), else one for the environment's region is made on first use."""

    def __init__(
        self,
        bucket: str,
        prefix: str,
        engine: Callable[[str | None], SpeechEngine],
        client: Any | None = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self.engine = EnginesByVoice(engine)
        """The engine the tracks were rendered with, in the kind of voice a listener chose."""
        self._client = client
        self._found: dict[str, Track] = {}
        self._lock = threading.Lock()
        self._broken = False

    @classmethod
    def at(
        cls,
        url: str,
        engine: Callable[[str | None], SpeechEngine],
        client: Any | None = None,
    ) -> S3Tracks:
        """The tracks under `s3://bucket/prefix`; a malformed address raises UploadError."""
        bucket, prefix = parse_s3_url(url)
        return cls(bucket, prefix, engine, client)

    def track(self, script: Script, variant: Variant) -> Track | None:
        if self._broken:
            return None
        try:
            key = track_key(script, variant, self.engine(variant.preferences.voice))
        except (EngineError, AudioError) as error:
            self._broken = True
            logger.warning("Hands-free audio is off: %s", error)
            return None
        return self.find(key)

    def find(self, key: str) -> Track | None:
        """The track with this key, if its manifest and its MP3 are both in the bucket."""
        with self._lock:
            known = self._found.get(key)
        if known is not None:
            return known
        try:
            manifest = self._read(f"{self.prefix}{key}.json")
            if manifest is None or not self._exists(f"{self.prefix}{key}.mp3"):
                return None
        except _LookupFailed as failure:
            logger.warning("Track %s could not be looked up: %s", key, failure)
            return None
        try:
            found = track_of_manifest(json.loads(manifest))
        except (ValueError, KeyError, TypeError) as error:
            logger.warning("Manifest of track %s is unreadable (%s)", key, error)
            return None
        if found.key != key:
            logger.warning("Manifest %s.json names another track, %s", key, found.key)
            return None
        with self._lock:
            if len(self._found) >= CACHE_SIZE:
                del self._found[next(iter(self._found))]
            self._found[key] = found
        return found

    def _read(self, name: str) -> bytes | None:
        """The object's bytes, or None when it is not there."""
        response = self._request("get_object", name)
        if response is None:
            return None
        from botocore.exceptions import BotoCoreError

        try:
            with response["Body"] as body:
                data: bytes = body.read()
        except (BotoCoreError, OSError) as error:  # the connection broke while reading
            raise _LookupFailed(f"s3://{self.bucket}/{name}: {type(error).__name__}") from error
        return data

    def _exists(self, name: str) -> bool:
        return self._request("head_object", name) is not None

    def _request(self, operation: str, name: str) -> dict[str, Any] | None:
        """One S3 request for `name`; None when the key is missing, `_LookupFailed` for any
        other fault (no boto3, no region or credentials, no connection, access denied)."""
        try:
            from botocore.exceptions import BotoCoreError, ClientError
        except ImportError as error:
            self._broken = True
            raise _LookupFailed(NO_BOTO3) from error
        where = f"s3://{self.bucket}/{name}"
        try:
            response: dict[str, Any] = getattr(self._s3(), operation)(Bucket=self.bucket, Key=name)
        except ClientError as error:
            details = error.response.get("Error", {})
            code = str(details.get("Code", "Unknown"))
            if code in MISSING_CODES:
                return None
            message = str(details.get("Message", "")).strip()[:MAX_ERROR_CHARS]
            text = f"{where}: {code}: {message}" if message else f"{where}: {code}"
            raise _LookupFailed(text) from error
        except BotoCoreError as error:
            reason = str(error)[:MAX_ERROR_CHARS]
            raise _LookupFailed(f"{where}: {type(error).__name__}: {reason}") from error
        except ImportError as error:
            self._broken = True
            raise _LookupFailed(NO_BOTO3) from error
        return response

    def _s3(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = default_client()
            return self._client


class _LookupFailed(Exception):
    """S3 could not be asked, or refused for a reason other than a missing key."""


def default_client() -> Any:
    """An S3 client for the environment's region and credentials that gives up fast."""
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        retries={"total_max_attempts": MAX_ATTEMPTS, "mode": "standard"},
    )
    return boto3.session.Session().client("s3", config=config)
