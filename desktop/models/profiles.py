"""Offender-profile appendices: a cohort, its subjects and the aggregate tables a partnership entered directly.

Direct identifiers (name, date of birth, PNC/CRO/prison numbers, address, postcode) live only here, inside the
encrypted store. Nothing in this module formats or exports them; the disclosure services decide what may leave.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import Base, utcnow
from desktop.models.sealed import SealedDate, SealedText

if TYPE_CHECKING:
    from desktop.models.plan import Plan

FLAG_SEPARATOR = ";"


class ProfileAppendix(Base):
    """An offender-profile appendix of a plan ("Appendix 3 – Offender profiles") and the cohort it describes."""

    __tablename__ = "profile_appendix"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    cohort_label: Mapped[str] = mapped_column(String(300), default="")
    cohort_size: Mapped[int | None] = mapped_column(Integer, default=None)
    reoffended_count: Mapped[int | None] = mapped_column(Integer, default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Who may see it on a shared server (row-level security, desktop.store.policies): "partner" appendices are
    # visible to partner agencies, "restricted" ones to the database role that created them (owner_role) alone.
    marking: Mapped[str] = mapped_column(String(20), default="restricted", server_default="restricted")
    owner_role: Mapped[str] = mapped_column(String(63), default="", server_default="")

    plan: Mapped[Plan] = relationship()
    subjects: Mapped[list[ProfileSubject]] = relationship(
        back_populates="appendix", order_by="ProfileSubject.id", cascade="all, delete-orphan"
    )
    tables: Mapped[list[AggregateTable]] = relationship(
        back_populates="appendix", order_by="AggregateTable.position", cascade="all, delete-orphan"
    )


class ProfileSubject(Base):
    """One offender in a profile. Direct identifiers are never exported; quasi-identifiers only once generalised."""

    __tablename__ = "profile_subject"

    id: Mapped[int] = mapped_column(primary_key=True)
    appendix_id: Mapped[int] = mapped_column(ForeignKey("profile_appendix.id", ondelete="CASCADE"), index=True)
    # Direct identifiers.
    # Sealed client-side on a server (models.sealed); plain columns inside the encrypted SQLite file.
    name: Mapped[str] = mapped_column(SealedText(200, "name"), default="")
    date_of_birth: Mapped[dt.date | None] = mapped_column(SealedDate("date_of_birth"), default=None)
    pnc_id: Mapped[str] = mapped_column(SealedText(20, "pnc_id"), default="")
    cro_number: Mapped[str] = mapped_column(SealedText(20, "cro_number"), default="")
    prison_number: Mapped[str] = mapped_column(SealedText(20, "prison_number"), default="")
    address: Mapped[str] = mapped_column(SealedText(None, "address"), default="")
    postcode: Mapped[str] = mapped_column(SealedText(10, "postcode"), default="")
    # Quasi-identifiers.
    age: Mapped[int | None] = mapped_column(Integer, default=None)
    gender: Mapped[str] = mapped_column(String(40), default="")
    district: Mapped[str] = mapped_column(String(120), default="")
    # Attributes: flags as "PPO;IOM", offences as JSON {"Shoplifting": 3}, needs as JSON ["Accommodation"].
    flags: Mapped[str] = mapped_column(Text, default="")
    offences_json: Mapped[str] = mapped_column(Text, default="{}")
    needs_json: Mapped[str] = mapped_column(Text, default="[]")

    appendix: Mapped[ProfileAppendix] = relationship(back_populates="subjects")

    @property
    def flag_list(self) -> list[str]:
        return [f.strip() for f in self.flags.split(FLAG_SEPARATOR) if f.strip()]

    @flag_list.setter
    def flag_list(self, flags: list[str]) -> None:
        self.flags = FLAG_SEPARATOR.join(f.strip() for f in flags if f.strip())

    @property
    def offences(self) -> dict[str, int]:
        raw = json.loads(self.offences_json or "{}")
        return {str(k): int(v) for k, v in raw.items()} if isinstance(raw, dict) else {}

    @offences.setter
    def offences(self, counts: dict[str, int]) -> None:
        self.offences_json = json.dumps({k: int(v) for k, v in counts.items()}, sort_keys=True)

    @property
    def needs(self) -> list[str]:
        raw = json.loads(self.needs_json or "[]")
        return [str(n) for n in raw] if isinstance(raw, list) else []

    @needs.setter
    def needs(self, needs: list[str]) -> None:
        self.needs_json = json.dumps(list(needs))


class AggregateTable(Base):
    """A count table entered directly (the partnership holds only aggregates, e.g. "HMP location of offenders").

    ``total_row``: the columns add up (each person is in one row), so a Total row is published.
    ``total_column``: the rows add up (each person is in one column), so a Total column is published.
    A multiple-response table (flags, offence types) has no Total row.
    """

    __tablename__ = "aggregate_table"

    id: Mapped[int] = mapped_column(primary_key=True)
    appendix_id: Mapped[int] = mapped_column(ForeignKey("profile_appendix.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    row_header: Mapped[str] = mapped_column(String(120), default="")
    row_labels_json: Mapped[str] = mapped_column(Text, default="[]")
    column_labels_json: Mapped[str] = mapped_column(Text, default="[]")
    total_row: Mapped[bool] = mapped_column(Boolean, default=True)
    total_column: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    appendix: Mapped[ProfileAppendix] = relationship(back_populates="tables")
    cells: Mapped[list[AggregateCell]] = relationship(
        back_populates="table", order_by="AggregateCell.id", cascade="all, delete-orphan"
    )

    @property
    def row_labels(self) -> list[str]:
        return [str(v) for v in json.loads(self.row_labels_json or "[]")]

    @row_labels.setter
    def row_labels(self, labels: list[str]) -> None:
        self.row_labels_json = json.dumps(list(labels))

    @property
    def column_labels(self) -> list[str]:
        return [str(v) for v in json.loads(self.column_labels_json or "[]")]

    @column_labels.setter
    def column_labels(self, labels: list[str]) -> None:
        self.column_labels_json = json.dumps(list(labels))


class AggregateCell(Base):
    __tablename__ = "aggregate_cell"
    __table_args__ = (UniqueConstraint("table_id", "row_index", "column_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("aggregate_table.id", ondelete="CASCADE"), index=True)
    row_index: Mapped[int] = mapped_column(Integer)
    column_index: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer, default=0)

    table: Mapped[AggregateTable] = relationship(back_populates="cells")
