"""The partnership's own small PKI: a root certificate and one signing certificate per person.

Keys and certificates travel as PEM bytes; the caller keeps them (inside the encrypted store, never on disk).
EC P-256 is the default key type: signing a delivery-plan update with it takes about a tenth of the time RSA-3072
does (see bench/reports.py), and Adobe Reader, poppler and pyHanko all verify ECDSA signatures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from desktop.services.errors import ValidationError

KeyKind = Literal["ec-p256", "rsa-3072"]
DEFAULT_KEY_KIND: KeyKind = "ec-p256"

ROOT_VALID_YEARS = 20
SIGNER_VALID_YEARS = 5

# Microsoft "Document Signing" and RFC 9336 id-kp-documentSigning; emailProtection because NSS (poppler's pdfsig,
# Firefox) checks signer certificates for the e-mail signer usage.
_MS_DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.4.1.311.10.3.12")
_DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")

_AnyPrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


@dataclass(frozen=True)
class CertifiedKey:
    """A certificate and its private key, both PEM."""

    certificate_pem: bytes
    private_key_pem: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint_sha256(self.certificate_pem)

    @property
    def subject(self) -> str:
        return certificate_subject(self.certificate_pem)


@dataclass(frozen=True)
class SignerMaterial:
    """What signing needs: the signer's certificate and key, and the issuing chain (root last), all PEM."""

    certificate_pem: bytes
    private_key_pem: bytes
    chain_pem: tuple[bytes, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ImportedIdentity:
    """The content of a PKCS#12 file: a key with its certificate, plus any other certificates it carried."""

    key: CertifiedKey
    other_certificates_pem: tuple[bytes, ...]


# ---- creating


def create_root(
    partnership: str,
    *,
    short_name: str = "",
    key_kind: KeyKind = DEFAULT_KEY_KIND,
    valid_years: int = ROOT_VALID_YEARS,
    now: dt.datetime | None = None,
) -> CertifiedKey:
    """A self-signed CA certificate for the partnership, allowed to issue end-entity certificates only."""
    if not partnership.strip():
        raise ValidationError("The partnership needs a name before it can have a signing root.")
    now = now or dt.datetime.now(dt.UTC)
    key = _new_key(key_kind)
    common_name = f"{partnership} Signing Root"
    if len(common_name.encode("utf-8")) > 64 and short_name.strip():
        common_name = f"{short_name.strip()} Signing Root"
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, _cap(common_name, 64)),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _cap(partnership, 64)),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "GB"),
        ]
    )
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * valid_years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
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
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return CertifiedKey(cert.public_bytes(serialization.Encoding.PEM), _key_pem(key))


def issue_signer(
    root: CertifiedKey,
    *,
    common_name: str,
    organisation: str,
    title: str = "",
    email: str = "",
    key_kind: KeyKind = DEFAULT_KEY_KIND,
    valid_years: int = SIGNER_VALID_YEARS,
    now: dt.datetime | None = None,
) -> CertifiedKey:
    """A document-signing certificate for one person, issued by ``root``, with the nonRepudiation key usage."""
    if not common_name.strip():
        raise ValidationError("A signer needs a name (or job title) for their certificate.")
    now = now or dt.datetime.now(dt.UTC)
    root_cert = x509.load_pem_x509_certificate(root.certificate_pem)
    root_key = serialization.load_pem_private_key(root.private_key_pem, password=None)
    if not isinstance(root_key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise ValidationError("The partnership root key is of an unsupported type.")
    root_not_after = root_cert.not_valid_after_utc
    not_after = min(now + dt.timedelta(days=365 * valid_years), root_not_after)
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, _cap(common_name, 64))]
    if organisation.strip():
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, _cap(organisation, 64)))
    if title.strip():
        attributes.append(x509.NameAttribute(NameOID.TITLE, _cap(title, 64)))
    attributes.append(x509.NameAttribute(NameOID.COUNTRY_NAME, "GB"))
    key = _new_key(key_kind)
    public = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attributes))
        .issuer_name(root_cert.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation: pyHanko's default validation requires it
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, _MS_DOCUMENT_SIGNING, _DOCUMENT_SIGNING]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_cert.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
    )
    if email.strip():
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email.strip())]), critical=False)
    cert = builder.sign(root_key, hashes.SHA256())
    return CertifiedKey(cert.public_bytes(serialization.Encoding.PEM), _key_pem(key))


def signer_material(signer: CertifiedKey, chain: Sequence[bytes] = ()) -> SignerMaterial:
    return SignerMaterial(signer.certificate_pem, signer.private_key_pem, tuple(to_pem(c) for c in chain))


# ---- importing


def load_pkcs12(data: bytes, password: str | bytes | None) -> ImportedIdentity:
    """Read a PKCS#12 (.p12/.pfx) file: its key, its certificate and any chain certificates."""
    secret = password.encode("utf-8") if isinstance(password, str) else password
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, secret or None)
    except ValueError:
        raise ValidationError("The PKCS#12 file could not be opened: wrong password or not a PKCS#12 file.") from None
    if key is None or cert is None:
        raise ValidationError("The PKCS#12 file must hold both a private key and its certificate.")
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise ValidationError("Only RSA and EC keys can sign documents.")
    return ImportedIdentity(
        key=CertifiedKey(cert.public_bytes(serialization.Encoding.PEM), _key_pem(key)),
        other_certificates_pem=tuple(c.public_bytes(serialization.Encoding.PEM) for c in extra),
    )


# ---- inspecting


def to_pem(certificate: bytes) -> bytes:
    """A certificate given as PEM or DER, as PEM."""
    return _load(certificate).public_bytes(serialization.Encoding.PEM)


def to_der(certificate: bytes) -> bytes:
    return _load(certificate).public_bytes(serialization.Encoding.DER)


def fingerprint_sha256(certificate: bytes) -> str:
    """SHA-256 of the DER certificate as "AA:BB:…", the form Adobe Reader and Windows show."""
    digest = _load(certificate).fingerprint(hashes.SHA256())
    return ":".join(f"{b:02X}" for b in digest)


def certificate_subject(certificate: bytes) -> str:
    """The subject as RFC 4514 text, with the title attribute named rather than shown as an OID."""
    return _load(certificate).subject.rfc4514_string({NameOID.TITLE: "title"})


def subject_field(certificate: bytes, field_name: str) -> str:
    """One attribute of the subject ("CN", "O", "title"), or ""."""
    oid = {"CN": NameOID.COMMON_NAME, "O": NameOID.ORGANIZATION_NAME, "title": NameOID.TITLE}[field_name]
    values = _load(certificate).subject.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def is_ca(certificate: bytes) -> bool:
    try:
        return bool(_load(certificate).extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def can_sign_documents(certificate: bytes) -> bool:
    """Whether the certificate carries digitalSignature and nonRepudiation (needed for trusted validation)."""
    try:
        usage = _load(certificate).extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return bool(usage.digital_signature and usage.content_commitment)


def issued_by(certificate: bytes, issuer: bytes) -> bool:
    try:
        _load(certificate).verify_directly_issued_by(_load(issuer))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def not_valid_after(certificate: bytes) -> dt.datetime:
    return _load(certificate).not_valid_after_utc


# ---- helpers


def _new_key(kind: KeyKind) -> _AnyPrivateKey:
    if kind == "ec-p256":
        return ec.generate_private_key(ec.SECP256R1())
    if kind == "rsa-3072":
        return rsa.generate_private_key(public_exponent=65537, key_size=3072)
    raise ValidationError(f"Unknown key type '{kind}'.")


def _key_pem(key: _AnyPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _load(certificate: bytes) -> x509.Certificate:
    try:
        if certificate.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_certificate(certificate)
        return x509.load_der_x509_certificate(certificate)
    except ValueError:
        raise ValidationError("That is not an X.509 certificate (PEM or DER).") from None


def _cap(text: str, limit: int) -> str:
    """X.520 upper bounds: CN, O and title are at most 64 (cryptography counts UTF-8 bytes)."""
    text = " ".join(text.split())
    if len(text.encode("utf-8")) <= limit:
        return text
    while len(text.encode("utf-8")) > limit - 3:
        text = text[:-1]
    return text.rstrip() + "..."
