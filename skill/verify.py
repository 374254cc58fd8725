"""Checks that a request really comes from Alexa, as Amazon requires of web-hosted skills."""

from __future__ import annotations

import base64
import functools
import posixpath
import threading
import urllib.parse
import urllib.request
import warnings
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import certifi
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509 import verification

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
FAILED_CHAIN_RETRY_SECONDS = 60
MAX_CACHED_CHAINS = 32


class VerificationError(Exception):
    """A request failed verification; `reason` is short enough for a 400 response body."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class SigningKey:
    """The public key of a validated signing certificate, trusted until `valid_until`."""

    public_key: rsa.RSAPublicKey
    valid_until: datetime


def check_cert_url(url: str) -> None:
    """Reject a SignatureCertChainUrl that does not point into Amazon's echo.api bucket."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise VerificationError("signature certificate URL is malformed") from exc
    if parts.scheme.lower() != "https":
        raise VerificationError("signature certificate URL must use https")
    if (parts.hostname or "").lower() != CERT_URL_HOST:
        raise VerificationError(f"signature certificate URL must be on {CERT_URL_HOST}")
    if port is not None and port != 443:
        raise VerificationError("signature certificate URL must use port 443")
    if not posixpath.normpath(parts.path).startswith(CERT_URL_PATH_PREFIX):
        raise VerificationError(f"signature certificate URL must be under {CERT_URL_PATH_PREFIX}")


def fetch_pem(url: str, timeout: float = FETCH_TIMEOUT_SECONDS) -> bytes:
    """Download a certificate chain, refusing anything larger than `MAX_CHAIN_BYTES`."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
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


@dataclass(frozen=True)
class _CachedChain:
    key: SigningKey | None
    failure: str
    expires: datetime


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
    ) -> None:
        self._skill_id = skill_id
        self._fetch_chain = fetch_chain
        self._trust_store = trust_store
        self._clock = clock
        self._verify_signature = verify_signature
        self._max_skew = timedelta(seconds=max_skew_seconds)
        self._lock = threading.Lock()
        self._chains: OrderedDict[str, _CachedChain] = OrderedDict()

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
            check_cert_url(url)
            self._check_signature(self._signing_key(url, now), signature, body)
            self._check_timestamp(envelope, now)
        self._check_skill_id(envelope)

    def _signing_key(self, url: str, now: datetime) -> SigningKey:
        with self._lock:
            cached = self._chains.get(url)
        if cached is None or now >= cached.expires:
            cached = self._load_chain(url, now)
            with self._lock:
                self._chains[url] = cached
                self._chains.move_to_end(url)
                while len(self._chains) > MAX_CACHED_CHAINS:
                    self._chains.popitem(last=False)
        if cached.key is None:
            raise VerificationError(cached.failure)
        return cached.key

    def _load_chain(self, url: str, now: datetime) -> _CachedChain:
        try:
            key = validate_chain(self._fetch(url), self._store(), now)
        except VerificationError as exc:
            retry_at = now + timedelta(seconds=FAILED_CHAIN_RETRY_SECONDS)
            return _CachedChain(None, exc.reason, retry_at)
        return _CachedChain(key, "", key.valid_until)

    def _fetch(self, url: str) -> bytes:
        try:
            return self._fetch_chain(url)
        except VerificationError:
            raise
        except Exception as exc:  # network, HTTP and timeout errors all mean the same here
            raise VerificationError("could not fetch signature certificate chain") from exc

    def _store(self) -> verification.Store:
        with self._lock:
            if self._trust_store is None:
                self._trust_store = certifi_store()
            return self._trust_store

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
