"""The partnership PKI: root and signer certificates with the usages that document signing needs."""

from __future__ import annotations

import re

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from desktop.services import pki
from desktop.services.errors import ValidationError


def test_root_is_a_ca_that_can_only_sign_certificates(pki_root: pki.CertifiedKey) -> None:
    cert = x509.load_pem_x509_certificate(pki_root.certificate_pem)
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and usage.crl_sign and not usage.digital_signature
    assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey)
    assert cert.issuer == cert.subject
    assert pki.is_ca(pki_root.certificate_pem)


def test_long_partnership_names_fit_the_64_byte_limit() -> None:
    root = pki.create_root("County Durham and Darlington Community Safety Partnership", short_name="CDD CSP")
    assert pki.subject_field(root.certificate_pem, "CN") == "CDD CSP Signing Root"
    assert pki.subject_field(root.certificate_pem, "O") == "County Durham and Darlington Community Safety Partnership"


def test_signer_certificate_names_the_person_and_allows_non_repudiation(
    pki_root: pki.CertifiedKey, signer: pki.SignerMaterial
) -> None:
    cert = x509.load_pem_x509_certificate(signer.certificate_pem)
    subject = cert.subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Jo Bloggs"
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "Durham County Council"
    assert subject.get_attributes_for_oid(NameOID.TITLE)[0].value == "Community Safety Co-ordinator"
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment  # content_commitment is nonRepudiation
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in eku
    assert pki.issued_by(signer.certificate_pem, pki_root.certificate_pem)
    assert pki.can_sign_documents(signer.certificate_pem)
    assert signer.chain_pem == (pki_root.certificate_pem,)


def test_fingerprint_is_sha256_in_colon_form(pki_root: pki.CertifiedKey) -> None:
    fp = pki_root.fingerprint
    assert re.fullmatch(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", fp)
    der = x509.load_pem_x509_certificate(pki_root.certificate_pem).public_bytes(serialization.Encoding.DER)
    assert pki.fingerprint_sha256(der) == fp
    digest = x509.load_der_x509_certificate(der).fingerprint(hashes.SHA256())
    assert fp.replace(":", "") == digest.hex().upper()


def test_pem_and_der_round_trip(pki_root: pki.CertifiedKey) -> None:
    der = pki.to_der(pki_root.certificate_pem)
    assert pki.to_pem(der) == pki_root.certificate_pem


def test_pkcs12_import_returns_key_certificate_and_chain(
    pki_root: pki.CertifiedKey, signer: pki.SignerMaterial
) -> None:
    key = serialization.load_pem_private_key(signer.private_key_pem, None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    data = pkcs12.serialize_key_and_certificates(
        b"jo",
        key,
        x509.load_pem_x509_certificate(signer.certificate_pem),
        [x509.load_pem_x509_certificate(pki_root.certificate_pem)],
        serialization.BestAvailableEncryption(b"s3cret"),
    )
    imported = pki.load_pkcs12(data, "s3cret")
    assert imported.key.certificate_pem == signer.certificate_pem
    assert imported.other_certificates_pem == (pki_root.certificate_pem,)
    with pytest.raises(ValidationError):
        pki.load_pkcs12(data, "wrong")


def test_not_a_certificate_is_a_clear_error() -> None:
    with pytest.raises(ValidationError):
        pki.fingerprint_sha256(b"-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n")
