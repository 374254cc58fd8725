"""A throwaway certificate authority and Alexa-style signing certificates, for the tests and
the benches.

Amazon's signing key cannot exist here, so they make their own root CA, trust it instead of the
real roots, and sign requests with a leaf it issued.
"""

from __future__ import annotations

import base64
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ALEXA_SIGNING_HOST = "echo-api.amazon.com"


def new_key() -> rsa.RSAPrivateKey:
    """A fresh 2048-bit RSA key, the size Amazon uses."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def build_root(
    key: rsa.RSAPrivateKey, not_before: datetime, not_after: datetime
) -> x509.Certificate:
    """A self-signed root CA certificate."""
    name = _name("Steady Ground Test Root")
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
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
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def build_leaf(
    key: rsa.RSAPrivateKey,
    issuer: x509.Certificate,
    issuer_key: rsa.RSAPrivateKey,
    not_before: datetime,
    not_after: datetime,
    dns_name: str = ALEXA_SIGNING_HOST,
) -> x509.Certificate:
    """A signing certificate for `dns_name`, issued by `issuer`."""
    return (
        x509.CertificateBuilder()
        .subject_name(_name(dns_name))
        .issuer_name(issuer.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(dns_name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
        .sign(issuer_key, hashes.SHA256())
    )


def to_pem(*certs: x509.Certificate) -> bytes:
    """Certificates concatenated as a PEM chain, leaf first."""
    return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in certs)


def sign(key: rsa.RSAPrivateKey, body: bytes) -> str:
    """The Signature-256 header value Alexa would send for `body`."""
    signature = key.sign(body, padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")
