"""The signing setup service: roots and signer credentials kept inside the encrypted store."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from report_fixtures import make_snapshot
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import AuditEvent, Organisation, Partnership, Person, SignerCredential, SigningRoot
from desktop.reports.delivery_update import SIGNATURE_BOX, UpdateOptions, build_delivery_update
from desktop.reports.signing import sign_pdf, verify_pdf
from desktop.services import pki, signing_setup
from desktop.services.errors import NotFound, ValidationError
from desktop.store import Store


def _people(session: Session) -> tuple[Partnership, Person, Person]:
    partnership = Partnership(name="Safer Hartlepool Partnership", short_name="SHP")
    council = Organisation(name="Hartlepool Borough Council", short_name="HBC")
    clare = Person(
        name="Clare Clark", job_title="Head of Community Safety", organisation=council, email="clare.clark@example.org"
    )
    chair = Person(name=None, job_title="Chair / Vice Chair", organisation=council)
    session.add_all([partnership, council, clare, chair])
    session.flush()
    return partnership, clare, chair


def test_root_is_created_once_and_its_pem_exported(store: Store) -> None:
    with store.session() as session:
        partnership, _, _ = _people(session)
        root = signing_setup.ensure_root(session, partnership)
        again = signing_setup.ensure_root(session, partnership)
        assert again.id == root.id
        pem = signing_setup.root_pem(session, partnership)
        assert pem.startswith(b"-----BEGIN CERTIFICATE-----")
        assert pki.fingerprint_sha256(pem) == root.fingerprint
        assert "CN=Safer Hartlepool Partnership Signing Root" in root.subject


def test_issued_signer_signs_a_document_trusted_by_the_root(store: Store) -> None:
    with store.session() as session:
        partnership, clare, _ = _people(session)
        credential = signing_setup.issue_signer(session, clare)
        assert credential.root_id is not None and not credential.revoked
        material = signing_setup.signer_material_for(session, clare)
        root = signing_setup.root_pem(session, partnership)
    assert pki.certificate_subject(material.certificate_pem) == (
        "C=GB,title=Head of Community Safety,O=Hartlepool Borough Council,CN=Clare Clark"
    )
    pdf = build_delivery_update(make_snapshot(12), UpdateOptions())
    signed = sign_pdf(
        pdf,
        material,
        field_box_on_page1=SIGNATURE_BOX,
        reason="Board update",
        location="Hartlepool",
        signer_role="Head of Community Safety",
        signer_org="Hartlepool Borough Council",
    )
    report = verify_pdf(signed, [root])
    assert report.ok, report.lines()
    assert report.signer_name == "Clare Clark"


def test_a_role_without_a_name_is_named_by_its_title(store: Store) -> None:
    with store.session() as session:
        _, _, chair = _people(session)
        signing_setup.issue_signer(session, chair)
        material = signing_setup.signer_material_for(session, chair)
    assert pki.subject_field(material.certificate_pem, "CN") == "Chair / Vice Chair"


def test_reissuing_revokes_the_previous_credential(store: Store) -> None:
    with store.session() as session:
        _, clare, _ = _people(session)
        first = signing_setup.issue_signer(session, clare)
        second = signing_setup.issue_signer(session, clare)
        assert first.revoked and not second.revoked
        assert signing_setup.signer_material_for(session, clare).certificate_pem == second.certificate_pem


def test_no_credential_is_a_clear_error(store: Store) -> None:
    with store.session() as session:
        partnership, clare, _ = _people(session)
        with pytest.raises(NotFound):
            signing_setup.signer_material_for(session, clare)
        with pytest.raises(NotFound):
            signing_setup.root_pem(session, partnership)


def test_import_pkcs12_keeps_chain_and_links_a_known_root(store: Store) -> None:
    with store.session() as session:
        partnership, clare, chair = _people(session)
        root = signing_setup.ensure_root(session, partnership)
        issued = pki.issue_signer(
            pki.CertifiedKey(root.certificate_pem, root.private_key_pem),
            common_name="Clare Clark",
            organisation="Hartlepool Borough Council",
            key_kind="rsa-3072",
        )
        data = _p12(issued, [root.certificate_pem], b"pass")
        credential = signing_setup.import_pkcs12(session, chair, data, "pass")
        assert credential.source == "imported" and credential.root_id == root.id
        material = signing_setup.signer_material_for(session, chair)
        assert material.chain_pem == (pki.to_pem(root.certificate_pem),)
        with pytest.raises(ValidationError):
            signing_setup.import_pkcs12(session, chair, data, "wrong")
        ca = _p12(pki.CertifiedKey(root.certificate_pem, root.private_key_pem), [], b"pass")
        with pytest.raises(ValidationError):
            signing_setup.import_pkcs12(session, chair, ca, "pass")
        imported_root = signing_setup.import_root_pkcs12(session, partnership, ca, "pass")
        assert imported_root.fingerprint == root.fingerprint


def test_issuing_needs_a_partnership_when_the_store_has_several(store: Store) -> None:
    with store.session() as session:
        _, clare, _ = _people(session)
        session.add(Partnership(name="Second partnership"))
        session.flush()
        with pytest.raises(ValidationError):
            signing_setup.issue_signer(session, clare)


def test_keys_stay_inside_the_encrypted_store_and_out_of_the_audit_trail(store: Store, store_path: Path) -> None:
    with store.session() as session:
        _, clare, _ = _people(session)
        signing_setup.issue_signer(session, clare)
    with store.session() as session:
        events = list(
            session.scalars(select(AuditEvent).where(AuditEvent.entity.in_(["signing_root", "signer_credential"])))
        )
        assert {e.entity for e in events} == {"signing_root", "signer_credential"}
        assert not any("PRIVATE KEY" in (e.before + e.after) for e in events)
        assert session.scalars(select(SigningRoot)).one().private_key_pem.startswith(b"-----BEGIN PRIVATE KEY-----")
        assert session.scalars(select(SignerCredential)).one().private_key_pem.startswith(b"-----BEGIN PRIVATE KEY")
    store.close()
    raw = store_path.read_bytes()
    assert b"PRIVATE KEY" not in raw and b"BEGIN CERTIFICATE" not in raw


def _p12(key: pki.CertifiedKey, chain: list[bytes], password: bytes) -> bytes:
    private = serialization.load_pem_private_key(key.private_key_pem, None)
    return pkcs12.serialize_key_and_certificates(
        b"imported",
        private,  # type: ignore[arg-type]
        x509.load_pem_x509_certificate(key.certificate_pem),
        [x509.load_pem_x509_certificate(c) for c in chain],
        serialization.BestAvailableEncryption(password),
    )
