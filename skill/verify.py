"""Checks that a request really comes from Alexa, as Amazon requires of web-hosted skills."""

from __future__ import annotations

import base64
import functools
import posixpath
import re
import ssl
import threading
import urllib.parse
import urllib.request
import warnings
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import field
from datetime import UTC, datetime, timedelta
from typing import Any

import certifi
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509 import verification

from skill.record import mutable_record, record

SIGNING_HOST = "echo-api.amazon.com"
CERT_URL_HOST = "s3.amazonaws.com"
CERT_URL_PATH_PREFIX = "/echo.api/"
CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
MAX_SKEW_SECONDS = 150
SKILL_EVENT_SKEW_SECONDS = 3600
"""Skill events (SkillDisabled and the like) may arrive up to an hour after they happened."""
MAX_CHAIN_BYTES = 64 * 1024
FETCH_TIMEOUT_SECONDS = 5.0
"""One deadline for a request waiting on a chain download, name lookup included."""
FAILED_CHAIN_RETRY_SECONDS = 60
MAX_CACHED_CHAINS = 32
"""Chains that passed validation; a failed URL never pushes one out."""
MAX_FAILED_CHAINS = 128
"""URLs that failed, each refused for `FAILED_CHAIN_RETRY_SECONDS` without a new fetch."""
MAX_FETCHES_IN_FLIGHT = 4
"""Chain downloads running at once; a request that needs one more is refused at once."""
_CERT_URL_PATH = re.compile(r"[A-Za-z0-9._~/-]+")


class VerificationError(Exception):
    """A request failed verification; `reason` is short enough for a 400 response body."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@record
class SigningKey:
    """The public key of a validated signing certificate, trusted until `valid_until`."""

    public_key: rsa.RSAPublicKey
    valid_until: datetime


@functools.lru_cache(maxsize=64)
def check_cert_url(url: str) -> str:
    """The URL to fetch for a SignatureCertChainUrl, rebuilt from its checked, normalised parts.

    Only Amazon's echo.api bucket passes: no user name, query, or character that another URL
    parser could read as a different host or path. The last 64 that passed are remembered (a
    refusal is not: it raises each time), as every request names the same URL again.
    """
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise VerificationError("signature certificate URL is malformed") from exc
    if parts.scheme != "https":
        raise VerificationError("signature certificate URL must use https")
    if (parts.hostname or "").lower() == CERT_URL_HOST and port not in (None, 443):
        raise VerificationError("signature certificate URL must use port 443")
    if parts.netloc.lower() not in (CERT_URL_HOST, f"{CERT_URL_HOST}:443"):
        raise VerificationError(f"signature certificate URL must be on {CERT_URL_HOST}")
    if "?" in url or "#" in url or not _CERT_URL_PATH.fullmatch(parts.path):
        raise VerificationError("signature certificate URL is malformed")
    path = posixpath.normpath(parts.path)
    if not path.startswith(CERT_URL_PATH_PREFIX):
        raise VerificationError(f"signature certificate URL must be under {CERT_URL_PATH_PREFIX}")
    return f"https://{CERT_URL_HOST}{path}"


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any) -> None:
        return None  # the 3xx then fails the fetch: only the checked URL is ever read


@functools.cache
def tls_context() -> ssl.SSLContext:
    """TLS settings for chain downloads, trusting certifi's roots, built once per process."""
    return ssl.create_default_context(cafile=certifi.where())


@functools.cache
def _opener() -> urllib.request.OpenerDirector:
    https = urllib.request.HTTPSHandler(context=tls_context())
    return urllib.request.build_opener(https, _RefuseRedirects)


def fetch_pem(url: str, timeout: float = FETCH_TIMEOUT_SECONDS) -> bytes:
    """Download a chain without following redirects, refusing more than `MAX_CHAIN_BYTES`."""
    with _opener().open(url, timeout=timeout) as response:
        data: bytes = response.read(MAX_CHAIN_BYTES + 1)
    if len(data) > MAX_CHAIN_BYTES:
        raise VerificationError("signature certificate chain is too large")
    return data


@functools.cache
def certifi_store() -> verification.Store:
    """The Mozilla roots shipped by certifi, loaded once per process."""
    with open(certifi.where(), "rb") as bundle, warnings.catch_warnings():
        # Some old roots in the bundle (Starfield and Go Daddy G2 among them) have serial
        # number 0, which cryptography still loads but warns about.
        warnings.filterwarnings("ignore", message="Parsed a serial number which wasn't positive")
        return verification.Store(x509.load_pem_x509_certificates(bundle.read()))


def validate_chain(chain_pem: bytes, store: verification.Store, now: datetime) -> SigningKey:
    """Check a PEM chain names echo-api.amazon.com, is valid `now` and leads to `store`."""
    try:
        leaf, *intermediates = x509.load_pem_x509_certificates(chain_pem)
    except ValueError as exc:
        raise VerificationError("signature certificate chain is not valid PEM") from exc
    verifier = (
        verification.PolicyBuilder()
        .store(store)
        .time(now)
        .build_server_verifier(x509.DNSName(SIGNING_HOST))
    )
    try:
        chain = verifier.verify(leaf, intermediates)
    except verification.VerificationError as exc:
        raise VerificationError("signature certificate chain is not trusted") from exc
    public_key = leaf.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise VerificationError("signature certificate does not hold an RSA key")
    return SigningKey(public_key, min(cert.not_valid_after_utc for cert in chain))


@mutable_record
class _Fetch:
    """One chain download, which every request for its URL waits for."""

    done: threading.Event = field(default_factory=threading.Event)
    key: SigningKey | None = None
    failure: str = "could not fetch signature certificate chain"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _dig(data: object, *keys: str) -> object:
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


class RequestVerifier:
    """Checks signature, certificate chain, timestamp and skill id of each incoming request.

    With `verify_signature=False` (local testing) only the skill id is checked.
    """

    def __init__(
        self,
        skill_id: str | None,
        *,
        fetch_chain: Callable[[str], bytes] = fetch_pem,
        trust_store: verification.Store | None = None,
        clock: Callable[[], datetime] = _utc_now,
        verify_signature: bool = True,
        max_skew_seconds: float = MAX_SKEW_SECONDS,
        fetch_timeout: float = FETCH_TIMEOUT_SECONDS,
    ) -> None:
        self._skill_id = skill_id
        self._fetch_chain = fetch_chain
        self._trust_store = trust_store
        self._clock = clock
        self._verify_signature = verify_signature
        self._max_skew = timedelta(seconds=max_skew_seconds)
        self._fetch_timeout = fetch_timeout
        self._lock = threading.Lock()
        self._good: OrderedDict[str, SigningKey] = OrderedDict()
        self._failed: OrderedDict[str, tuple[str, datetime]] = OrderedDict()
        self._fetches: dict[str, _Fetch] = {}

    def verify(self, headers: Mapping[str, str], body: bytes, envelope: Mapping[str, Any]) -> None:
        """Raise `VerificationError` unless the request is a genuine one for this skill.

        `body` is the raw request body; `envelope` is the same body parsed as JSON.
        """
        if self._verify_signature:
            now = self._clock()
            by_name = {name.lower(): value for name, value in headers.items()}
            url = by_name.get(CERT_URL_HEADER.lower())
            signature = by_name.get(SIGNATURE_HEADER.lower())
            if not url:
                raise VerificationError(f"{CERT_URL_HEADER} header is missing")
            if not signature:
                raise VerificationError(f"{SIGNATURE_HEADER} header is missing")
            self._check_signature(self._signing_key(check_cert_url(url), now), signature, body)
            self._check_timestamp(envelope, now)
        self._check_skill_id(envelope)

    def _signing_key(self, url: str, now: datetime) -> SigningKey:
        """The cached key for `url`, or one fetched on a worker, waited for `fetch_timeout`."""
        with self._lock:
            key = self._good.get(url)
            if key is not None and now < key.valid_until:
                self._good.move_to_end(url)
                return key
            failure, retry_at = self._failed.get(url, ("", now))
            if now < retry_at:
                raise VerificationError(failure)
            fetch = self._fetches.get(url)
            if fetch is None:
                if len(self._fetches) >= MAX_FETCHES_IN_FLIGHT:
                    raise VerificationError("too many certificate chain fetches at once")
                fetch = _Fetch()
                threading.Thread(target=self._load, args=(url, now, fetch), daemon=True).start()
                self._fetches[url] = fetch
        if not fetch.done.wait(self._fetch_timeout):
            raise VerificationError("timed out fetching signature certificate chain")
        if fetch.key is None:
            raise VerificationError(fetch.failure)
        return fetch.key

    def _load(self, url: str, now: datetime, fetch: _Fetch) -> None:
        """Fetch and validate a chain, then cache the outcome, even if nobody waits any more."""
        try:
            chain = self._fetch_chain(url)
            fetch.key = validate_chain(chain, self._trust_store or certifi_store(), now)
        except Exception as exc:  # network, HTTP and timeout errors all mean the same here
            fetch.failure = exc.reason if isinstance(exc, VerificationError) else fetch.failure
        with self._lock:
            del self._fetches[url]
            if fetch.key is not None:
                self._good[url] = fetch.key
                self._good.move_to_end(url)
                if len(self._good) > MAX_CACHED_CHAINS:
                    self._good.popitem(last=False)
            else:
                retry_at = now + timedelta(seconds=FAILED_CHAIN_RETRY_SECONDS)
                self._failed[url] = (fetch.failure, retry_at)
                self._failed.move_to_end(url)
                if len(self._failed) > MAX_FAILED_CHAINS:
                    self._failed.popitem(last=False)
        fetch.done.set()

    @staticmethod
    def _check_signature(key: SigningKey, signature_b64: str, body: bytes) -> None:
        try:
            signature = base64.b64decode(signature_b64, validate=True)
        except ValueError as exc:
            raise VerificationError(f"{SIGNATURE_HEADER} header is not valid base64") from exc
        try:
            key.public_key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature as exc:
            raise VerificationError("request signature does not match the body") from exc

    def _check_timestamp(self, envelope: Mapping[str, Any], now: datetime) -> None:
        stamp = _dig(envelope, "request", "timestamp")
        if not isinstance(stamp, str):
            raise VerificationError("request timestamp is missing")
        try:
            sent = datetime.fromisoformat(stamp)
        except ValueError as exc:
            raise VerificationError("request timestamp is not an ISO 8601 time") from exc
        if sent.tzinfo is None:
            sent = sent.replace(tzinfo=UTC)
        allowed = self._max_skew
        if str(_dig(envelope, "request", "type") or "").startswith("AlexaSkillEvent."):
            # Amazon may deliver skill events (enabled, disabled) up to an hour late.
            allowed = max(allowed, timedelta(seconds=SKILL_EVENT_SKEW_SECONDS))
        if abs(now - sent) > allowed:
            raise VerificationError("request timestamp is too far from now")

    def _check_skill_id(self, envelope: Mapping[str, Any]) -> None:
        if self._skill_id is None:
            return
        skill_id = _dig(envelope, "context", "System", "application", "applicationId")
        if skill_id is None:
            skill_id = _dig(envelope, "session", "application", "applicationId")
        if skill_id != self._skill_id:
            raise VerificationError("request is for a different skill")
