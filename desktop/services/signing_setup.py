"""The partnership's signing setup: its root certificate, and a signing certificate for each person who signs.

Keys are created and kept inside the encrypted store; only certificates (public) ever leave it. The audit trail
records what was created, imported or revoked, by whom, with fingerprints and never key material.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import Partnership, Person, SignerCredential, SigningRoot
from desktop.services import audit, pki
from desktop.services.actor import SYSTEM, Actor
from desktop.services.errors import NotFound, ValidationError


def current_root(session: Session, partnership: Partnership) -> SigningRoot | None:
    return session.scalars(
        select(SigningRoot)
        .where(SigningRoot.partnership_id == partnership.id)
        .order_by(SigningRoot.created_at.desc(), SigningRoot.id.desc())
        .limit(1)
    ).first()


def ensure_root(session: Session, partnership: Partnership, *, actor: Actor = SYSTEM) -> SigningRoot:
    """The partnership's signing root, created (EC P-256, 20 years) if it has none yet."""
    existing = current_root(session, partnership)
    if existing is not None:
        return existing
    created = pki.create_root(partnership.name, short_name=partnership.short_name)
    root = SigningRoot(
        partnership_id=partnership.id,
        subject=created.subject,
        certificate_pem=created.certificate_pem,
        private_key_pem=created.private_key_pem,
        fingerprint=created.fingerprint,
    )
    session.add(root)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "signing_root",
        root.id,
        after={"partnership_id": partnership.id, "subject": root.subject, "fingerprint": root.fingerprint},
        reason="partnership signing root created",
    )
    return root


def import_root_pkcs12(
    session: Session, partnership: Partnership, data: bytes, password: str | None, *, actor: Actor = SYSTEM
) -> SigningRoot:
    """Use an existing CA (key and certificate in a PKCS#12 file) as the partnership's signing root."""
    imported = pki.load_pkcs12(data, password)
    if not pki.is_ca(imported.key.certificate_pem):
        raise ValidationError("That certificate is not a certification authority, so it cannot issue signers.")
    root = SigningRoot(
        partnership_id=partnership.id,
        subject=imported.key.subject,
        certificate_pem=imported.key.certificate_pem,
        private_key_pem=imported.key.private_key_pem,
        fingerprint=imported.key.fingerprint,
    )
    session.add(root)
    session.flush()
    audit.record(
        session,
        actor,
        "import",
        "signing_root",
        root.id,
        after={"partnership_id": partnership.id, "subject": root.subject, "fingerprint": root.fingerprint},
        reason="partnership signing root imported from PKCS#12",
    )
    return root


def issue_signer(
    session: Session, person: Person, *, partnership: Partnership | None = None, actor: Actor = SYSTEM
) -> SignerCredential:
    """A new signing certificate for ``person`` from the partnership root (created if needed).

    Earlier credentials of the person stay valid for documents already signed, but are marked revoked so they are
    not used again. ``partnership`` may be left out when the store holds exactly one.
    """
    owner = partnership or _only_partnership(session)
    root = ensure_root(session, owner, actor=actor)
    organisation = person.organisation.name if person.organisation else owner.name
    issued = pki.issue_signer(
        pki.CertifiedKey(root.certificate_pem, root.private_key_pem),
        common_name=signer_name(person),
        organisation=organisation,
        title=person.job_title,
        email=person.email,
    )
    return _store_credential(
        session,
        person,
        issued,
        chain=(root.certificate_pem,),
        root_id=root.id,
        source="issued",
        actor=actor,
        reason="signing certificate issued from the partnership root",
    )


def import_pkcs12(
    session: Session, person: Person, data: bytes, password: str | None, *, actor: Actor = SYSTEM
) -> SignerCredential:
    """Use an existing signing certificate (for example one issued by a partner organisation's own CA)."""
    imported = pki.load_pkcs12(data, password)
    cert = imported.key.certificate_pem
    if pki.is_ca(cert):
        raise ValidationError("That is a certification authority's certificate; import it as the partnership root.")
    if not pki.can_sign_documents(cert):
        raise ValidationError(
            "That certificate cannot sign documents: it needs the digitalSignature and nonRepudiation key usages."
        )
    issuers = _chain_for(cert, imported.other_certificates_pem)
    root_id = _matching_root_id(session, issuers, cert)
    return _store_credential(
        session,
        person,
        imported.key,
        chain=issuers,
        root_id=root_id,
        source="imported",
        actor=actor,
        reason="signing certificate imported from PKCS#12",
    )


def signer_material_for(session: Session, person: Person) -> pki.SignerMaterial:
    """What sign_pdf needs for ``person``: their newest credential that is not revoked."""
    credential = session.scalars(
        select(SignerCredential)
        .where(SignerCredential.person_id == person.id, SignerCredential.revoked.is_(False))
        .order_by(SignerCredential.created_at.desc(), SignerCredential.id.desc())
        .limit(1)
    ).first()
    if credential is None:
        raise NotFound(f"{signer_name(person)} has no signing certificate yet: issue one in the signing setup.")
    return pki.SignerMaterial(
        certificate_pem=credential.certificate_pem,
        private_key_pem=credential.private_key_pem,
        chain_pem=tuple(_split_pem(credential.chain_pem)),
    )


def root_pem(session: Session, partnership: Partnership) -> bytes:
    """The partnership root certificate (public), for the trust bundle and for verification."""
    root = current_root(session, partnership)
    if root is None:
        raise NotFound(f"{partnership.name} has no signing root yet: set up signing first.")
    return pki.to_pem(root.certificate_pem)


def signer_name(person: Person) -> str:
    """The certificate's common name: the person's name, or their role when the lead is a role."""
    return (person.name or person.job_title or "Unnamed signer").strip()


# ---- helpers


def _store_credential(
    session: Session,
    person: Person,
    key: pki.CertifiedKey,
    *,
    chain: tuple[bytes, ...],
    root_id: int | None,
    source: str,
    actor: Actor,
    reason: str,
) -> SignerCredential:
    for old in session.scalars(
        select(SignerCredential).where(SignerCredential.person_id == person.id, SignerCredential.revoked.is_(False))
    ):
        old.revoked = True
    credential = SignerCredential(
        person_id=person.id,
        root_id=root_id,
        certificate_pem=key.certificate_pem,
        private_key_pem=key.private_key_pem,
        chain_pem=b"".join(pki.to_pem(c) for c in chain),
        source=source,
        fingerprint=key.fingerprint,
        not_after=pki.not_valid_after(key.certificate_pem),
    )
    session.add(credential)
    session.flush()
    audit.record(
        session,
        actor,
        "create" if source == "issued" else "import",
        "signer_credential",
        credential.id,
        after={"person_id": person.id, "subject": key.subject, "fingerprint": key.fingerprint, "source": source},
        reason=reason,
    )
    return credential


def _only_partnership(session: Session) -> Partnership:
    partnerships = list(session.scalars(select(Partnership).limit(2)))
    if len(partnerships) != 1:
        raise ValidationError("Choose the partnership whose root should issue the certificate.", field="partnership")
    return partnerships[0]


def _chain_for(cert: bytes, others: tuple[bytes, ...]) -> tuple[bytes, ...]:
    """The issuers of ``cert`` among ``others``, nearest first, root last."""
    chain: list[bytes] = []
    current = cert
    remaining = list(others)
    while True:
        issuer = next((c for c in remaining if pki.issued_by(current, c)), None)
        if issuer is None:
            return tuple(chain)
        chain.append(issuer)
        remaining.remove(issuer)
        if pki.issued_by(issuer, issuer):
            return tuple(chain)
        current = issuer


def _matching_root_id(session: Session, issuers: tuple[bytes, ...], cert: bytes) -> int | None:
    for root in session.scalars(select(SigningRoot)):
        if pki.issued_by(cert, root.certificate_pem) or any(
            pki.fingerprint_sha256(i) == root.fingerprint for i in issuers
        ):
            return root.id
    return None


def _split_pem(blob: bytes) -> list[bytes]:
    marker = b"-----END CERTIFICATE-----"
    return [part.strip() + b"\n" + marker + b"\n" for part in blob.split(marker) if part.strip()]
