"""A throwaway certificate chain for the benches, and requests signed the way Alexa signs them.

Amazon's signing key cannot exist here, so the benches make their own root, trust it instead of
the real roots, and sign with a leaf for echo-api.amazon.com that it issued (skill/tools/certs.py,
which the tests use too).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from skill.record import record
from skill.tools.certs import ALEXA_SIGNING_HOST, build_leaf, build_root, new_key, sign, to_pem

SIGNING_HOST = ALEXA_SIGNING_HOST
CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
"""Amazon's names, as skill.verify checks them (tests/test_bench.py holds them equal)."""
CERT_URL = "https://s3.amazonaws.com/echo.api/steady-bench.pem"
"""The SignatureCertChainUrl of signed requests: a URL the verifier accepts, never fetched (the
bench's fetch hands back the test chain, or reads it from a local server)."""


@record
class BenchChain:
    """A root, a leaf for echo-api.amazon.com it issued, and the leaf's private key."""

    root: x509.Certificate
    leaf: x509.Certificate
    leaf_key: rsa.RSAPrivateKey

    @classmethod
    def make(cls, now: datetime | None = None) -> BenchChain:
        now = now or datetime.now(UTC)
        root_key, leaf_key = new_key(), new_key()
        root = build_root(root_key, now - timedelta(days=1), now + timedelta(days=30))
        leaf = build_leaf(
            leaf_key, root, root_key, now - timedelta(days=1), now + timedelta(days=7), SIGNING_HOST
        )
        return cls(root, leaf, leaf_key)

    @property
    def pem(self) -> bytes:
        """The chain as Amazon serves it: the leaf, then its issuer."""
        return to_pem(self.leaf, self.root)

    @property
    def root_pem(self) -> bytes:
        return to_pem(self.root)

    def headers(self, body: bytes) -> dict[str, str]:
        """The headers Alexa would send with `body`."""
        return {
            CERT_URL_HEADER: CERT_URL,
            SIGNATURE_HEADER: sign(self.leaf_key, body),
            "Content-Type": "application/json",
        }
