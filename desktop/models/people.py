"""Who owns a plan and who leads its actions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import Base, utcnow
from desktop.models.enums import OrganisationKind

if TYPE_CHECKING:
    from desktop.models.plan import Plan


class Partnership(Base):
    """A community safety partnership. A store normally holds one; the demo holds two."""

    __tablename__ = "partnership"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(40), default="")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    default_marking: Mapped[str] = mapped_column(String(40), default="OFFICIAL")
    rag_scheme: Mapped[str] = mapped_column(String(20), default="rag")
    disclosure_rule: Mapped[str] = mapped_column(String(40), default="lt5_secondary")
    implications_template: Mapped[str] = mapped_column(String(40), default="durham_council")
    notice_contact: Mapped[str] = mapped_column(String(200), default="the Community Safety Team")
    clear_days: Mapped[int] = mapped_column(Integer, default=5)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    plans: Mapped[list[Plan]] = relationship(back_populates="partnership")


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(60), default="")
    kind: Mapped[OrganisationKind] = mapped_column(
        Enum(OrganisationKind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=OrganisationKind.OTHER,
    )

    people: Mapped[list[Person]] = relationship(back_populates="organisation")

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class Person(Base):
    """A lead officer or contact. Many leads are roles ("Chair / Vice Chair"), so the name is optional."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200), default=None)
    job_title: Mapped[str] = mapped_column(String(200), default="")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), default=None)
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation | None] = relationship(back_populates="people")

    @property
    def display_name(self) -> str:
        """"Name (Org)" for named people, "Role, Org" for roles, as the partnership documents write them."""
        org = self.organisation.display_name if self.organisation else ""
        if self.name:
            return f"{self.name} ({org})" if org else self.name
        title = self.job_title or "Unnamed lead"
        return f"{title}, {org}" if org else title

