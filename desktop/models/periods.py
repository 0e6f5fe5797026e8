"""Quarters, the append-only updates recorded in them, and the snapshots that freeze a closed quarter."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Date, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import Base, utcnow
from desktop.models.enums import UpdateSource

if TYPE_CHECKING:
    from desktop.models.people import Person
    from desktop.models.plan import Action, Plan


class ReportingPeriod(Base):
    __tablename__ = "reporting_period"
    __table_args__ = (UniqueConstraint("plan_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    label: Mapped[str] = mapped_column(String(40))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    returns_deadline: Mapped[dt.date | None] = mapped_column(Date, default=None)
    closed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), default=None)

    plan: Mapped[Plan] = relationship(back_populates="periods")
    closed_by: Mapped[Person | None] = relationship()

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class ActionUpdate(Base):
    """One quarterly status return for an action. Append-only: a correction is a newer row, never an edit."""

    __tablename__ = "action_update"
    # Covers "newest update per action within these quarters" without touching the table (rowid is implicit).
    __table_args__ = (Index("ix_action_update_latest", "period_id", "action_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_period.id"), index=True)
    rag: Mapped[str | None] = mapped_column(String(20), default=None)
    forecast_rag: Mapped[str | None] = mapped_column(String(20), default=None)
    suggested_rag: Mapped[str | None] = mapped_column(String(20), default=None)
    suggestion_reason: Mapped[str] = mapped_column(Text, default="")
    percent_complete: Mapped[int | None] = mapped_column(Integer, default=None)
    commentary: Mapped[str] = mapped_column(Text, default="")
    remedial_action: Mapped[str] = mapped_column(Text, default="")
    remedial_owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), default=None)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), default=None)
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    source: Mapped[UpdateSource] = mapped_column(
        Enum(UpdateSource, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=UpdateSource.APP,
    )

    action: Mapped[Action] = relationship(back_populates="updates")
    period: Mapped[ReportingPeriod] = relationship()
    remedial_owner: Mapped[Person | None] = relationship(foreign_keys=[remedial_owner_id])
    author: Mapped[Person | None] = relationship(foreign_keys=[author_id])


class Snapshot(Base):
    """The frozen state of a plan when a quarter closed, hash-chained to the plan's previous snapshot."""

    __tablename__ = "snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_period.id"), unique=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    previous_sha256: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), default=None)

    period: Mapped[ReportingPeriod] = relationship()
