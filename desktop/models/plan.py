"""The delivery plan: plan → objective → priority → action, with leads and critical pathways.

Codes are free text (the sources have gaps such as a missing 3.3 and duplicates such as two 9.75s), so order is
always an explicit ``position``, never derived from the code.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Column, Date, Enum, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import Base, utcnow
from desktop.models.enums import ActionStatus, PlanStatus, Strand

if TYPE_CHECKING:
    from desktop.models.people import Organisation, Partnership, Person
    from desktop.models.periods import ActionUpdate, ReportingPeriod


def _enum(cls: type) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Plan(Base):
    __tablename__ = "plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"))
    title: Mapped[str] = mapped_column(String(300))
    period_label: Mapped[str] = mapped_column(String(40), default="")
    aim: Mapped[str] = mapped_column(Text, default="")
    owning_group: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[PlanStatus] = mapped_column(_enum(PlanStatus), default=PlanStatus.DRAFT)
    version: Mapped[str] = mapped_column(String(20), default="1.0")
    rag_scheme: Mapped[str] = mapped_column(String(20), default="rag")
    source: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    partnership: Mapped[Partnership] = relationship(back_populates="plans")
    objectives: Mapped[list[Objective]] = relationship(
        back_populates="plan", order_by="Objective.position", cascade="all, delete-orphan"
    )
    periods: Mapped[list[ReportingPeriod]] = relationship(
        back_populates="plan", order_by="ReportingPeriod.start_date", cascade="all, delete-orphan"
    )


class Objective(Base):
    __tablename__ = "objective"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    plan: Mapped[Plan] = relationship(back_populates="objectives")
    priorities: Mapped[list[Priority]] = relationship(
        back_populates="objective", order_by="Priority.position", cascade="all, delete-orphan"
    )


class Priority(Base):
    __tablename__ = "priority"

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(ForeignKey("objective.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    strand: Mapped[Strand] = mapped_column(_enum(Strand), default=Strand.BOTH)
    position: Mapped[int] = mapped_column(Integer, default=0)

    objective: Mapped[Objective] = relationship(back_populates="priorities")
    actions: Mapped[list[Action]] = relationship(
        back_populates="priority", order_by="Action.position", cascade="all, delete-orphan"
    )


action_pathway = Table(
    "action_pathway",
    Base.metadata,
    Column("action_id", ForeignKey("action.id", ondelete="CASCADE"), primary_key=True),
    Column("pathway_id", ForeignKey("critical_pathway.id", ondelete="CASCADE"), primary_key=True),
)


class CriticalPathway(Base):
    """Configurable taxonomy of offender needs (the NOMS reducing re-offending pathways by default)."""

    __tablename__ = "critical_pathway"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Action(Base):
    __tablename__ = "action"

    id: Mapped[int] = mapped_column(primary_key=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("priority.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    # One measure per line: the sources put several measures in one cell as separate paragraphs.
    progress_measures: Mapped[str] = mapped_column(Text, default="")
    expected_outcome: Mapped[str] = mapped_column(Text, default="")
    lead_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), default=None)
    resources: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    due_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    # The original wording ("End May 2014", "ongoing") is kept beside the parsed date.
    timescale: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[ActionStatus] = mapped_column(_enum(ActionStatus), default=ActionStatus.NOT_STARTED)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Optimistic concurrency: every recorded update bumps it (services.concurrency), so a second person working
    # from an older view of the action is told instead of silently overwriting the first.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    priority: Mapped[Priority] = relationship(back_populates="actions")
    lead_organisation: Mapped[Organisation | None] = relationship()
    leads: Mapped[list[ActionLead]] = relationship(
        back_populates="action", order_by="ActionLead.position", cascade="all, delete-orphan"
    )
    pathways: Mapped[list[CriticalPathway]] = relationship(
        secondary=action_pathway, order_by="CriticalPathway.position"
    )
    updates: Mapped[list[ActionUpdate]] = relationship(
        back_populates="action", order_by="ActionUpdate.id", cascade="all, delete-orphan"
    )

    @property
    def measures(self) -> list[str]:
        return [m for m in self.progress_measures.splitlines() if m.strip()]

    @property
    def primary_lead(self) -> Person | None:
        return self.leads[0].person if self.leads else None


class ActionLead(Base):
    """A lead officer of an action; the first by position is the primary lead, the rest are joint leads."""

    __tablename__ = "action_lead"

    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    action: Mapped[Action] = relationship(back_populates="leads")
    person: Mapped[Person] = relationship()
