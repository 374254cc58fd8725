"""Tests for Alexa request verification."""

from __future__ import annotations

import functools
import json
import ssl
import threading
import time
import urllib.error
import urllib.parse
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import certifi
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.verification import Store

from skill.verify import (
    MAX_CACHED_CHAINS,
    MAX_CHAIN_BYTES,
    MAX_FAILED_CHAINS,
    MAX_FETCHES_IN_FLIGHT,
    RequestVerifier,
    VerificationError,
    certifi_store,
    check_cert_url,
    fetch_pem,
    tls_context,
    validate_chain,
)
from tests.certs_helper import build_leaf, build_root, new_key, sign, to_pem
from tests.serving import serving

REAL_CHAIN = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "echo-api-cert-7.pem"
NOW = datetime(2026, 11, 21, 23, 0, 0, tzinfo=UTC)
NOW_ISO = "2026-11-21T23:00:00Z"
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem"
SKILL_ID = "amzn1.ask.skill.steady-ground"


def certifi_store_certs() -> list[x509.Certificate]:
    with open(certifi.where(), "rb") as bundle, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Parsed a serial number which wasn't positive")
        return x509.load_pem_x509_certificates(bundle.read())


def read_real_chain() -> bytes:
    assert REAL_CHAIN.is_file(), (
        f"fixture {REAL_CHAIN} is missing: the shared/ checkout must sit beside main/"
    )
    return REAL_CHAIN.read_bytes()


# Amazon's private key cannot exist here, so these tests make their own root CA,
# trust it instead of the real roots, and sign requests with a leaf it issued.
@dataclass(frozen=True)
class Pki:
    root_key: rsa.RSAPrivateKey
    root: x509.Certificate
    leaf_key: rsa.RSAPrivateKey
    leaf: x509.Certificate
    other_key: rsa.RSAPrivateKey

    @property
    def store(self) -> Store:
        return Store([self.root])

    def leaf_for(self, dns_name: str, not_before: datetime, not_after: datetime) -> bytes:
        leaf = build_leaf(self.leaf_key, self.root, self.root_key, not_before, not_after, dns_name)
        return to_pem(leaf, self.root)

    @property
    def chain_pem(self) -> bytes:
        return to_pem(self.leaf, self.root)


@pytest.fixture(scope="module")
def pki() -> Pki:
    root_key, leaf_key = new_key(), new_key()
    root = build_root(root_key, NOW - timedelta(days=365), NOW + timedelta(days=3650))
    leaf = build_leaf(leaf_key, root, root_key, NOW - timedelta(days=30), NOW + timedelta(days=300))
    return Pki(root_key, root, leaf_key, leaf, new_key())


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class ServedChain:
    """A fetch_chain that hands back `pem` and records each URL asked for."""

    def __init__(self, pem: bytes) -> None:
        self.pem = pem
        self.urls: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.urls.append(url)
        return self.pem


class PemServer(ThreadingHTTPServer):
    """A real HTTP server on 127.0.0.1 that serves `files` and records each request path."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), PemHandler)
        self.files: dict[str, bytes] = {}
        self.redirects: dict[str, str] = {}
        self.hits: list[str] = []

    def url(self, path: str) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def fetch_as_s3(self, url: str) -> bytes:
        """Fetch the path of an s3 URL from this server instead."""
        return fetch_pem(self.url(urllib.parse.urlsplit(url).path))


class PemHandler(BaseHTTPRequestHandler):
    server: PemServer

    def do_GET(self) -> None:
        self.server.hits.append(self.path)
        if self.path in self.server.redirects:
            self.send_response(302)
            self.send_header("Location", self.server.redirects[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = self.server.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/x-pem-file")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[PemServer]:
    pem_server = PemServer()
    with serving(pem_server):
        yield pem_server


def envelope(
    timestamp: object = "2026-11-21T23:00:00Z", skill_id: str = SKILL_ID
) -> dict[str, Any]:
    return {
        "version": "1.0",
        "context": {"System": {"application": {"applicationId": skill_id}}},
        "request": {"type": "LaunchRequest", "requestId": "r1", "timestamp": timestamp},
    }


def signed(key: rsa.RSAPrivateKey, data: dict[str, Any]) -> tuple[dict[str, str], bytes]:
    body = json.dumps(data).encode()
    return {"SignatureCertChainUrl": CERT_URL, "Signature-256": sign(key, body)}, body


def make_verifier(pki: Pki, chain_pem: bytes | None = None, **options: Any) -> RequestVerifier:
    options.setdefault(
        "fetch_chain", ServedChain(pki.chain_pem if chain_pem is None else chain_pem)
    )
    options.setdefault("trust_store", pki.store)
    options.setdefault("clock", Clock())
    return RequestVerifier(SKILL_ID, **options)


def rejection(verify: Callable[[], object]) -> str:
    with pytest.raises(VerificationError) as info:
        verify()
    return info.value.reason


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://s3.amazonaws.com/echo.api/echo-api-cert.pem", None),
        ("https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem", None),
        ("HTTPS://S3.AmazonAWS.com/echo.api/echo-api-cert.pem", None),
        ("https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem", None),
        ("https://s3.amazonaws.com/echo.api/./sub/../echo-api-cert.pem", None),
        ("http://s3.amazonaws.com/echo.api/echo-api-cert.pem", "https"),
        ("ftp://s3.amazonaws.com/echo.api/echo-api-cert.pem", "https"),
        ("https://notamazon.com/echo.api/echo-api-cert.pem", "s3.amazonaws.com"),
        ("https://s3.amazonaws.com.evil.example/echo.api/x.pem", "s3.amazonaws.com"),
        ("https://s3.amazonaws.com@evil.example/echo.api/x.pem", "s3.amazonaws.com"),
        ("https:///echo.api/echo-api-cert.pem", "s3.amazonaws.com"),
        ("https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem", "port 443"),
        ("https://s3.amazonaws.com:port/echo.api/echo-api-cert.pem", "malformed"),
        ("https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem", "/echo.api/"),
        ("https://s3.amazonaws.com/echo-api-cert.pem", "/echo.api/"),
        ("https://s3.amazonaws.com/echo.api/../echo-api-cert.pem", "/echo.api/"),
        ("https://s3.amazonaws.com/echo.api/../../echo.api2/x.pem", "/echo.api/"),
        ("https://s3.amazonaws.com//echo.api/echo-api-cert.pem", "/echo.api/"),
        ("https://s3.amazonaws.com/echo.api", "/echo.api/"),
        ("", "https"),
        # The host checked must be the host fetched, whichever parser reads the URL.
        ("https://evil.example\\@s3.amazonaws.com/echo.api/x.pem", "s3.amazonaws.com"),
        ("https://user@s3.amazonaws.com/echo.api/x.pem", "s3.amazonaws.com"),
        ("https://user:pw@s3.amazonaws.com:443/echo.api/x.pem", "s3.amazonaws.com"),
        ("https://s3.amazonaws.com./echo.api/x.pem", "s3.amazonaws.com"),
        ("https://s3.amazonaws.com:/echo.api/x.pem", "s3.amazonaws.com"),
        ("https://s3.amazonaws.com:0443/echo.api/x.pem", "s3.amazonaws.com"),
        ("https://s3.amazonaws.com/echo.api\\..\\x.pem", "malformed"),
        ("https://s3.amazonaws.com/echo.api/%2e%2e/x.pem", "malformed"),
        ("https://s3.amazonaws.com/echo.api/x.pem?versionId=1", "malformed"),
        ("https://s3.amazonaws.com/echo.api/x.pem#frag", "malformed"),
        ("https://s3.amazonaws.com/echo.api/x y.pem", "malformed"),
        ("https://s3.amazonaws.com/echo.api/é.pem", "malformed"),
    ],
)
def test_cert_url_rules(url: str, problem: str | None) -> None:
    if problem is None:
        check_cert_url(url)
    else:
        assert problem in rejection(lambda: check_cert_url(url))


def test_real_amazon_chain_is_trusted_while_its_leaf_is_valid() -> None:
    key = validate_chain(read_real_chain(), certifi_store(), datetime(2020, 1, 1, tzinfo=UTC))
    assert key.valid_until == datetime(2020, 5, 15, 12, 0, tzinfo=UTC)


def test_real_amazon_chain_is_rejected_once_its_leaf_expired() -> None:
    late = datetime(2021, 1, 1, tzinfo=UTC)
    reason = rejection(lambda: validate_chain(read_real_chain(), certifi_store(), late))
    assert reason == "signature certificate chain is not trusted"


def test_real_amazon_chain_passes_on_to_the_signature_check(pki: Pki) -> None:
    # Default trust store (certifi); the chain is accepted, our own signature is not Amazon's.
    chain = read_real_chain()
    verifier = RequestVerifier(
        SKILL_ID,
        fetch_chain=lambda url: chain,
        clock=lambda: datetime(2020, 1, 1, tzinfo=UTC),
    )
    headers, body = signed(pki.leaf_key, envelope("2020-01-01T00:00:00Z"))
    reason = rejection(lambda: verifier.verify(headers, body, json.loads(body)))
    assert reason == "request signature does not match the body"


def test_genuine_request_is_accepted(pki: Pki) -> None:
    headers, body = signed(pki.leaf_key, envelope())
    make_verifier(pki).verify(headers, body, json.loads(body))


def test_header_names_are_case_insensitive(pki: Pki) -> None:
    headers, body = signed(pki.leaf_key, envelope())
    lowered = {name.lower(): value for name, value in headers.items()}
    make_verifier(pki).verify(lowered, body, json.loads(body))


def test_tampered_body_is_rejected(pki: Pki) -> None:
    headers, body = signed(pki.leaf_key, envelope())
    tampered = body.replace(b"LaunchRequest", b"SessionEndedRequest")
    reason = rejection(lambda: make_verifier(pki).verify(headers, tampered, json.loads(tampered)))
    assert reason == "request signature does not match the body"


def test_signature_by_another_key_is_rejected(pki: Pki) -> None:
    headers, body = signed(pki.other_key, envelope())
    reason = rejection(lambda: make_verifier(pki).verify(headers, body, json.loads(body)))
    assert reason == "request signature does not match the body"


def test_leaf_for_another_host_is_rejected(pki: Pki) -> None:
    chain = pki.leaf_for("evil.example.com", NOW - timedelta(days=1), NOW + timedelta(days=30))
    headers, body = signed(pki.leaf_key, envelope())
    reason = rejection(lambda: make_verifier(pki, chain).verify(headers, body, json.loads(body)))
    assert reason == "signature certificate chain is not trusted"


def test_expired_leaf_is_rejected(pki: Pki) -> None:
    chain = pki.leaf_for(
        "echo-api.amazon.com", NOW - timedelta(days=60), NOW - timedelta(seconds=1)
    )
    headers, body = signed(pki.leaf_key, envelope())
    reason = rejection(lambda: make_verifier(pki, chain).verify(headers, body, json.loads(body)))
    assert reason == "signature certificate chain is not trusted"


def test_leaf_from_an_untrusted_root_is_rejected(pki: Pki) -> None:
    headers, body = signed(pki.leaf_key, envelope())
    verifier = make_verifier(pki, trust_store=certifi_store())
    reason = rejection(lambda: verifier.verify(headers, body, json.loads(body)))
    assert reason == "signature certificate chain is not trusted"


@pytest.mark.parametrize("missing", ["SignatureCertChainUrl", "Signature-256"])
def test_missing_header_is_rejected(pki: Pki, missing: str) -> None:
    headers, body = signed(pki.leaf_key, envelope())
    del headers[missing]
    reason = rejection(lambda: make_verifier(pki).verify(headers, body, json.loads(body)))
    assert reason == f"{missing} header is missing"


@pytest.mark.parametrize("signature", ["not base64!", "QUJDR", "QUJDRA", "QU=JD", "é"])
def test_signature_that_is_not_base64_is_rejected(pki: Pki, signature: str) -> None:
    headers, body = signed(pki.leaf_key, envelope())
    headers["Signature-256"] = signature
    reason = rejection(lambda: make_verifier(pki).verify(headers, body, json.loads(body)))
    assert reason == "Signature-256 header is not valid base64"


def test_truncated_signature_is_rejected(pki: Pki) -> None:
    headers, body = signed(pki.leaf_key, envelope())
    headers["Signature-256"] = headers["Signature-256"][:40]
    reason = rejection(lambda: make_verifier(pki).verify(headers, body, json.loads(body)))
    assert reason == "request signature does not match the body"


@pytest.mark.parametrize(
    "chain",
    [
        b"",
        b"garbage",
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
    ],
)
def test_garbage_chain_is_rejected(pki: Pki, chain: bytes) -> None:
    headers, body = signed(pki.leaf_key, envelope())
    reason = rejection(lambda: make_verifier(pki, chain).verify(headers, body, json.loads(body)))
    assert reason == "signature certificate chain is not valid PEM"


def test_unreachable_chain_is_rejected(pki: Pki, server: PemServer) -> None:
    verifier = make_verifier(pki, fetch_chain=server.fetch_as_s3)
    headers, body = signed(pki.leaf_key, envelope())
    reason = rejection(lambda: verifier.verify(headers, body, json.loads(body)))
    assert reason == "could not fetch signature certificate chain"
    assert server.hits == ["/echo.api/echo-api-cert-12.pem"]


def test_bad_cert_url_is_never_fetched(pki: Pki) -> None:
    fetched = ServedChain(b"")
    verifier = make_verifier(pki, fetch_chain=fetched)
    headers, body = signed(pki.leaf_key, envelope())
    headers["SignatureCertChainUrl"] = "https://evil.example/echo.api/echo-api-cert.pem"
    reason = rejection(lambda: verifier.verify(headers, body, json.loads(body)))
    assert reason == "signature certificate URL must be on s3.amazonaws.com"
    assert fetched.urls == []


@pytest.mark.parametrize(
    "url",
    [
        CERT_URL,
        "HTTPS://S3.AmazonAWS.com:443/echo.api/./sub/../echo-api-cert-12.pem",
        "https://s3.amazonaws.com/echo.api/../echo.api//echo-api-cert-12.pem",
    ],
)
def test_the_url_fetched_is_the_checked_url_rebuilt(pki: Pki, url: str) -> None:
    assert check_cert_url(url) == CERT_URL
    fetched = ServedChain(pki.chain_pem)
    headers, body = signed(pki.leaf_key, envelope())
    make_verifier(pki, fetch_chain=fetched).verify(
        {**headers, "SignatureCertChainUrl": url}, body, json.loads(body)
    )
    assert fetched.urls == [CERT_URL]


def test_backslash_and_userinfo_urls_are_never_fetched(pki: Pki) -> None:
    fetched = ServedChain(pki.chain_pem)
    verifier = make_verifier(pki, fetch_chain=fetched)
    headers, body = signed(pki.leaf_key, envelope())
    for url in [
        "https://evil.example\\@s3.amazonaws.com/echo.api/echo-api-cert-12.pem",
        "https://evil.example@s3.amazonaws.com/echo.api/echo-api-cert-12.pem",
    ]:
        with pytest.raises(VerificationError):
            verifier.verify({**headers, "SignatureCertChainUrl": url}, body, json.loads(body))
    assert fetched.urls == []


@pytest.mark.parametrize(
    ("timestamp", "accepted"),
    [
        ("2026-11-21T23:00:00Z", True),
        ("2026-11-21T22:57:30Z", True),
        ("2026-11-21T23:02:30Z", True),
        ("2026-11-21T22:57:29Z", False),
        ("2026-11-21T23:02:31Z", False),
        ("2026-11-22T00:02:30+01:00", True),
    ],
)
def test_timestamp_must_be_within_150_seconds(pki: Pki, timestamp: str, accepted: bool) -> None:
    headers, body = signed(pki.leaf_key, envelope(timestamp))
    verifier = make_verifier(pki)
    if accepted:
        verifier.verify(headers, body, json.loads(body))
    else:
        reason = rejection(lambda: verifier.verify(headers, body, json.loads(body)))
        assert reason == "request timestamp is too far from now"


@pytest.mark.parametrize(
    ("timestamp", "accepted"),
    [("2026-11-21T22:05:00Z", True), ("2026-11-21T21:59:59Z", False)],
)
def test_skill_events_may_arrive_up_to_an_hour_late(
    pki: Pki, timestamp: str, accepted: bool
) -> None:
    late = envelope(timestamp)
    late["request"]["type"] = "AlexaSkillEvent.SkillDisabled"
    headers, body = signed(pki.leaf_key, late)
    verifier = make_verifier(pki)
    if accepted:
        verifier.verify(headers, body, json.loads(body))
    else:
        assert rejection(lambda: verifier.verify(headers, body, json.loads(body))) == (
            "request timestamp is too far from now"
        )


@pytest.mark.parametrize(
    ("timestamp", "expected"),
    [
        (None, "request timestamp is missing"),
        (1795820400000, "request timestamp is missing"),
        ("yesterday", "request timestamp is not an ISO 8601 time"),
        ("2026-13-01T00:00:00Z", "request timestamp is not an ISO 8601 time"),
    ],
)
def test_missing_or_unreadable_timestamp_is_rejected(
    pki: Pki, timestamp: object, expected: str
) -> None:
    headers, body = signed(pki.leaf_key, envelope(timestamp))
    reason = rejection(lambda: make_verifier(pki).verify(headers, body, json.loads(body)))
    assert reason == expected


def test_request_for_another_skill_is_rejected(pki: Pki) -> None:
    headers, body = signed(pki.leaf_key, envelope(skill_id="amzn1.ask.skill.someone-else"))
    reason = rejection(lambda: make_verifier(pki).verify(headers, body, json.loads(body)))
    assert reason == "request is for a different skill"


def test_skill_id_is_read_from_the_session_when_context_lacks_it(pki: Pki) -> None:
    data = envelope()
    del data["context"]
    data["session"] = {"application": {"applicationId": SKILL_ID}}
    headers, body = signed(pki.leaf_key, data)
    make_verifier(pki).verify(headers, body, json.loads(body))
    data["session"]["application"]["applicationId"] = "amzn1.ask.skill.someone-else"
    headers, body = signed(pki.leaf_key, data)
    reason = rejection(lambda: make_verifier(pki).verify(headers, body, json.loads(body)))
    assert reason == "request is for a different skill"


def test_request_without_skill_id_is_rejected_when_one_is_configured(pki: Pki) -> None:
    data = envelope()
    del data["context"]
    headers, body = signed(pki.leaf_key, data)
    reason = rejection(lambda: make_verifier(pki).verify(headers, body, json.loads(body)))
    assert reason == "request is for a different skill"


def test_any_skill_is_accepted_when_no_skill_id_is_configured(pki: Pki) -> None:
    verifier = RequestVerifier(
        None, fetch_chain=lambda url: pki.chain_pem, trust_store=pki.store, clock=Clock()
    )
    headers, body = signed(pki.leaf_key, envelope(skill_id="amzn1.ask.skill.anyone"))
    verifier.verify(headers, body, json.loads(body))


def test_local_mode_accepts_unsigned_requests() -> None:
    verifier = RequestVerifier(SKILL_ID, verify_signature=False)
    verifier.verify({}, b"", envelope(timestamp="long ago"))


def test_local_mode_still_rejects_another_skill() -> None:
    verifier = RequestVerifier(SKILL_ID, verify_signature=False)
    reason = rejection(lambda: verifier.verify({}, b"", envelope(skill_id="amzn1.ask.skill.x")))
    assert reason == "request is for a different skill"


def test_chain_is_fetched_once_per_url(pki: Pki, server: PemServer) -> None:
    server.files["/echo.api/echo-api-cert-12.pem"] = pki.chain_pem
    verifier = make_verifier(pki, fetch_chain=server.fetch_as_s3)
    for _ in range(2):
        headers, body = signed(pki.leaf_key, envelope())
        verifier.verify(headers, body, json.loads(body))
    assert server.hits == ["/echo.api/echo-api-cert-12.pem"]
    # The cached key is the one used: a chain served from now on is never read.
    server.files["/echo.api/echo-api-cert-12.pem"] = b"garbage"
    verifier.verify(headers, body, json.loads(body))
    assert len(server.hits) == 1


def test_cached_chain_is_fetched_again_once_its_leaf_expires(pki: Pki) -> None:
    fetched = ServedChain(pki.chain_pem)
    clock = Clock()
    verifier = make_verifier(pki, fetch_chain=fetched, clock=clock)
    headers, body = signed(pki.leaf_key, envelope())
    verifier.verify(headers, body, json.loads(body))
    clock.now = pki.leaf.not_valid_after_utc + timedelta(seconds=1)
    stamp = clock.now.isoformat()
    headers, body = signed(pki.leaf_key, envelope(stamp))
    reason = rejection(lambda: verifier.verify(headers, body, json.loads(body)))
    assert reason == "signature certificate chain is not trusted"
    assert len(fetched.urls) == 2


def test_failed_chain_is_remembered_for_a_minute(pki: Pki) -> None:
    fetched = ServedChain(b"garbage")
    clock = Clock()
    verifier = make_verifier(pki, fetch_chain=fetched, clock=clock)
    headers, body = signed(pki.leaf_key, envelope())
    for _ in range(2):
        reason = rejection(lambda: verifier.verify(headers, body, json.loads(body)))
        assert reason == "signature certificate chain is not valid PEM"
    assert len(fetched.urls) == 1
    fetched.pem = pki.chain_pem
    clock.now = NOW + timedelta(seconds=59)
    reason = rejection(lambda: verifier.verify(headers, body, json.loads(body)))
    assert reason == "signature certificate chain is not valid PEM"
    clock.now = NOW + timedelta(seconds=60)
    verifier.verify(headers, body, json.loads(body))
    assert len(fetched.urls) == 2


def test_chain_cache_is_bounded(pki: Pki) -> None:
    fetched = ServedChain(pki.chain_pem)
    verifier = make_verifier(pki, fetch_chain=fetched)
    headers, body = signed(pki.leaf_key, envelope())
    urls = [f"{CERT_URL}.{n}" for n in range(MAX_CACHED_CHAINS + 1)]
    for url in [*urls, urls[-1], urls[1], urls[0]]:
        verifier.verify({**headers, "SignatureCertChainUrl": url}, body, json.loads(body))
    assert fetched.urls == [*urls, urls[0]]


def served_for(good_url: str, pem: bytes) -> ServedChain:
    """A fetch_chain that serves `pem` at `good_url` and garbage anywhere else."""

    class OneGoodUrl(ServedChain):
        def __call__(self, url: str) -> bytes:
            self.urls.append(url)
            return self.pem if url == good_url else b"garbage"

    return OneGoodUrl(pem)


def test_bad_urls_never_evict_a_verified_chain(pki: Pki) -> None:
    fetched = served_for(CERT_URL, pki.chain_pem)
    verifier = make_verifier(pki, fetch_chain=fetched)
    headers, body = signed(pki.leaf_key, envelope())
    verifier.verify(headers, body, json.loads(body))
    for n in range(MAX_CACHED_CHAINS + 8):
        bad = {**headers, "SignatureCertChainUrl": f"{CERT_URL}.bad{n}"}
        reason = rejection(functools.partial(verifier.verify, bad, body, json.loads(body)))
        assert reason == "signature certificate chain is not valid PEM"
    verifier.verify(headers, body, json.loads(body))
    assert fetched.urls.count(CERT_URL) == 1
    assert len(fetched.urls) == 1 + MAX_CACHED_CHAINS + 8


def test_failed_chain_cache_is_bounded(pki: Pki) -> None:
    fetched = ServedChain(b"garbage")
    verifier = make_verifier(pki, fetch_chain=fetched)
    headers, body = signed(pki.leaf_key, envelope())
    urls = [f"{CERT_URL}.{n}" for n in range(MAX_FAILED_CHAINS + 1)]
    for url in [*urls, urls[-1], urls[1], urls[0]]:
        bad = {**headers, "SignatureCertChainUrl": url}
        rejection(functools.partial(verifier.verify, bad, body, json.loads(body)))
    # Only the oldest failure was forgotten, and only it is fetched again.
    assert fetched.urls == [*urls, urls[0]]


class HeldFetch:
    """A fetch_chain that blocks until released, counting calls and the most running at once."""

    def __init__(self, pem: bytes, hold_seconds: float = 5.0) -> None:
        self.pem = pem
        self.hold_seconds = hold_seconds
        self.release = threading.Event()
        self.urls: list[str] = []
        self.running = 0
        self.most_running = 0
        self._lock = threading.Lock()

    def __call__(self, url: str) -> bytes:
        with self._lock:
            self.urls.append(url)
            self.running += 1
            self.most_running = max(self.most_running, self.running)
        try:
            self.release.wait(self.hold_seconds)
            return self.pem
        finally:
            with self._lock:
                self.running -= 1


def wait_until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.005)
    return condition()


def accepts(verifier: RequestVerifier, headers: dict[str, str], body: bytes) -> bool:
    try:
        verifier.verify(headers, body, json.loads(body))
    except VerificationError:
        return False
    return True


def in_threads(calls: list[Callable[[], object]]) -> tuple[list[threading.Thread], list[str]]:
    """Start each call on its own thread; the list fills with the reasons of rejected ones."""
    reasons: list[str] = []

    def run(call: Callable[[], object]) -> None:
        try:
            call()
        except VerificationError as exc:
            reasons.append(exc.reason)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    return threads, reasons


def test_concurrent_requests_for_one_url_wait_for_a_single_fetch(pki: Pki) -> None:
    fetch = HeldFetch(pki.chain_pem)
    verifier = make_verifier(pki, fetch_chain=fetch)
    headers, body = signed(pki.leaf_key, envelope())
    threads, reasons = in_threads(
        [lambda: verifier.verify(headers, body, json.loads(body)) for _ in range(8)]
    )
    # Without single-flight every request would be inside the fetch by now.
    wait_until(lambda: len(fetch.urls) == 8, seconds=0.5)
    fetch.release.set()
    for thread in threads:
        thread.join()
    assert fetch.urls == [CERT_URL]
    assert reasons == []


def test_fetches_in_flight_are_bounded_and_one_more_is_refused_at_once(pki: Pki) -> None:
    fetch = HeldFetch(pki.chain_pem, hold_seconds=3.0)
    verifier = make_verifier(pki, fetch_chain=fetch)
    headers, body = signed(pki.leaf_key, envelope())
    urls = [f"{CERT_URL}.{n}" for n in range(MAX_FETCHES_IN_FLIGHT + 1)]
    requests = [{**headers, "SignatureCertChainUrl": url} for url in urls]
    threads, reasons = in_threads(
        [functools.partial(verifier.verify, r, body, json.loads(body)) for r in requests[:-1]]
    )
    assert wait_until(lambda: len(fetch.urls) == MAX_FETCHES_IN_FLIGHT, seconds=2.0)
    started = time.monotonic()
    reason = rejection(lambda: verifier.verify(requests[-1], body, json.loads(body)))
    assert time.monotonic() - started < 0.5
    assert reason == "too many certificate chain fetches at once"
    fetch.release.set()
    for thread in threads:
        thread.join()
    assert reasons == []
    assert fetch.most_running == MAX_FETCHES_IN_FLIGHT
    verifier.verify(requests[-1], body, json.loads(body))  # a free slot takes it
    assert len(fetch.urls) == MAX_FETCHES_IN_FLIGHT + 1


def test_many_distinct_urls_at_once_leave_no_threads_behind(pki: Pki) -> None:
    fetch = HeldFetch(b"garbage", hold_seconds=0.05)
    verifier = make_verifier(pki, fetch_chain=fetch)
    headers, body = signed(pki.leaf_key, envelope())
    before = threading.active_count()
    requests = [{**headers, "SignatureCertChainUrl": f"{CERT_URL}.{n}"} for n in range(200)]
    threads, reasons = in_threads(
        [functools.partial(verifier.verify, r, body, json.loads(body)) for r in requests]
    )
    for thread in threads:
        thread.join()
    assert len(reasons) == len(requests)
    assert fetch.most_running <= MAX_FETCHES_IN_FLIGHT
    assert wait_until(lambda: threading.active_count() <= before, seconds=2.0)


def test_a_slow_name_lookup_is_cut_off_at_the_fetch_deadline(pki: Pki, server: PemServer) -> None:
    server.files["/echo.api/echo-api-cert-12.pem"] = pki.chain_pem
    lookup_done = threading.Event()

    def fetch_after_slow_lookup(url: str) -> bytes:
        lookup_done.wait(10)  # a resolver that hangs, as a slow DNS server does
        return server.fetch_as_s3(url)

    verifier = make_verifier(pki, fetch_chain=fetch_after_slow_lookup, fetch_timeout=0.3)
    headers, body = signed(pki.leaf_key, envelope())
    started = time.monotonic()
    reason = rejection(lambda: verifier.verify(headers, body, json.loads(body)))
    assert time.monotonic() - started < 1.5
    assert reason == "timed out fetching signature certificate chain"
    # The lookup ends; the download finishes in the background and its chain is kept.
    lookup_done.set()
    assert wait_until(lambda: accepts(verifier, headers, body), seconds=3.0)
    assert server.hits == ["/echo.api/echo-api-cert-12.pem"]


def test_fetch_pem_downloads_over_http(server: PemServer) -> None:
    chain = read_real_chain()
    server.files["/echo.api/echo-api-cert-7.pem"] = chain
    assert fetch_pem(server.url("/echo.api/echo-api-cert-7.pem")) == chain


def test_fetch_pem_accepts_up_to_64_kib_and_refuses_more(server: PemServer) -> None:
    server.files["/largest.pem"] = b"x" * MAX_CHAIN_BYTES
    server.files["/too-large.pem"] = b"x" * (MAX_CHAIN_BYTES + 1)
    assert len(fetch_pem(server.url("/largest.pem"))) == MAX_CHAIN_BYTES
    reason = rejection(lambda: fetch_pem(server.url("/too-large.pem")))
    assert reason == "signature certificate chain is too large"


def test_fetch_pem_does_not_follow_redirects(server: PemServer) -> None:
    server.files["/echo.api/elsewhere.pem"] = b"chain"
    server.redirects["/echo.api/moved.pem"] = server.url("/echo.api/elsewhere.pem")
    with pytest.raises(urllib.error.HTTPError) as info:
        fetch_pem(server.url("/echo.api/moved.pem"))
    info.value.close()
    assert info.value.code == 302
    assert server.hits == ["/echo.api/moved.pem"]


class TlsServer(PemServer):
    """PemServer over TLS, with a certificate for localhost issued by the test root."""

    def __init__(self, pki: Pki, directory: Path) -> None:
        super().__init__()
        cert, key = directory / "localhost.pem", directory / "localhost.key"
        cert.write_bytes(pki.leaf_for("localhost", NOW - timedelta(days=1), NOW + timedelta(1)))
        key.write_bytes(
            pki.leaf_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.socket = context.wrap_socket(self.socket, server_side=True)


def test_every_fetch_reuses_one_tls_context_with_certifi_roots(pki: Pki, tmp_path: Path) -> None:
    context = tls_context()
    assert tls_context() is context
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert len(context.get_ca_certs()) == len(certifi_store_certs())
    handshakes = context.session_stats()["connect"]
    with serving(TlsServer(pki, tmp_path)) as tls:
        url = f"https://localhost:{tls.server_address[1]}/echo.api/x.pem"
        for _ in range(2):
            # The test root is not among certifi's roots, so the handshake must fail.
            with pytest.raises(urllib.error.URLError) as info:
                fetch_pem(url)
            assert isinstance(info.value.reason, ssl.SSLCertVerificationError)
    assert context.session_stats()["connect"] == handshakes + 2
    assert tls.hits == []
