"""A throwaway certificate chain for the benches, and requests signed the way Alexa signs them.

Amazon's signing key cannot exist here, so the benches make their own root, trust it instead of
the real roots, and sign with a leaf for echo-api.amazon.com that it issued (as the tests do
with tests/certs_helper.py, which the installed package does not carry).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

SIGNING_HOST = "echo-api.amazon.com"
CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
"""Amazon's names, as skill.verify checks them (tests/test_bench.py holds them equal)."""
CERT_URL = "https://s3.amazonaws.com/echo.api/steady-bench.pem"
"""The SignatureCertChainUrl of signed requests: a URL the verifier accepts, never fetched (the
bench's fetch hands back the test chain, or reads it from a local server)."""


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass(frozen=True)
class BenchChain:
    """A root, a leaf for echo-api.amazon.com it issued, and the leaf's private key."""

    root: x509.Certificate
    leaf: x509.Certificate
    leaf_key: rsa.RSAPrivateKey

    @classmethod
    def make(cls, now: datetime | None = None) -> BenchChain:
        now = now or datetime.now(UTC)
        root_key, leaf_key = _key(), _key()
        root_name = _name("Steady Ground Bench Root")
        root = (
            x509.CertificateBuilder()
            .subject_name(root_name)
            .issuer_name(root_name)
            .public_key(root_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False
            )
            .sign(root_key, hashes.SHA256())
        )
        leaf = (
            x509.CertificateBuilder()
            .subject_name(_name(SIGNING_HOST))
            .issuer_name(root_name)
            .public_key(leaf_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=7))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(SIGNING_HOST)]), False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), False
            )
            .sign(root_key, hashes.SHA256())
        )
        return cls(root, leaf, leaf_key)

    @property
    def pem(self) -> bytes:
        """The chain as Amazon serves it: the leaf, then its issuer."""
        encoding = serialization.Encoding.PEM
        return self.leaf.public_bytes(encoding) + self.root.public_bytes(encoding)

    @property
    def root_pem(self) -> bytes:
        return self.root.public_bytes(serialization.Encoding.PEM)

    def headers(self, body: bytes) -> dict[str, str]:
        """The headers Alexa would send with `body`."""
        signature = self.leaf_key.sign(body, padding.PKCS1v15(), hashes.SHA256())
        return {
            CERT_URL_HEADER: CERT_URL,
            SIGNATURE_HEADER: base64.b64encode(signature).decode("ascii"),
            "Content-Type": "application/json",
        }
