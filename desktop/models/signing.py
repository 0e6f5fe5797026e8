"""Signing keys: the partnership's root certificate and each signer's certificate.

Private keys are stored here, and only here: the store is encrypted as a whole, so they never exist unencrypted on
disk. They are never exported, logged or written to the audit trail.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import Base, utcnow
from desktop.models.sealed import SealedBytes

if TYPE_CHECKING:
    from desktop.models.people import Partnership, Person


class SigningRoot(Base):
    """The partnership's root certificate (created in the app or imported); recipients trust it once."""

    __tablename__ = "signing_root"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    subject: Mapped[str] = mapped_column(String(500))
    certificate_pem: Mapped[bytes] = mapped_column(LargeBinary)
    private_key_pem: Mapped[bytes] = mapped_column(SealedBytes("signing_root.private_key_pem"))  # sealed on a server
    fingerprint: Mapped[str] = mapped_column(String(95))  # SHA-256, "AA:BB:…"
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    partnership: Mapped[Partnership] = relationship()
    credentials: Mapped[list[SignerCredential]] = relationship(back_populates="root")


class SignerCredential(Base):
    """One person's signing certificate and key: issued from the partnership root, or imported from PKCS#12."""

    __tablename__ = "signer_credential"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    root_id: Mapped[int | None] = mapped_column(ForeignKey("signing_root.id"), default=None)  # None: imported
    certificate_pem: Mapped[bytes] = mapped_column(LargeBinary)
    private_key_pem: Mapped[bytes] = mapped_column(SealedBytes("signer_credential.private_key_pem"))
    chain_pem: Mapped[bytes] = mapped_column(LargeBinary, default=b"")  # issuer certificates, root last
    source: Mapped[str] = mapped_column(String(20), default="issued")  # "issued" | "imported"
    fingerprint: Mapped[str] = mapped_column(String(95), default="")
    not_after: Mapped[dt.datetime | None] = mapped_column(default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)

    person: Mapped[Person] = relationship()
    root: Mapped[SigningRoot | None] = relationship(back_populates="credentials")
