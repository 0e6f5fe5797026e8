"""Read models for screens and the command line: flat action rows, plan summaries, the tree with roll-ups.

Built with a handful of set-based queries (not per-action lazy loads) so a 10,000-action plan loads quickly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import (
    ActionStatus,
    Partnership,
    Plan,
    ReportingPeriod,
)
from desktop.services.errors import NotFound
from desktop.services.quarter_status import StatusCounts, count_statuses, quarter_statuses


@dataclass(frozen=True)
class ActionRow:
    id: int
    objective_id: int
    objective_code: str
    priority_id: int
    priority_code: str
    strand: str
    code: str
    text: str
    lead: str
    lead_ids: tuple[int, ...]
    organisation: str
    organisation_id: int | None
    start_date: dt.date | None
    due_date: dt.date | None
    timescale: str
    status: ActionStatus
    rag: str | None
    forecast_rag: str | None
    previous_rag: str | None
    direction: str
    percent_complete: int | None
    commentary: str
    last_updated: dt.datetime | None
    updated_this_period: bool
    overdue: bool
    pathways: tuple[str, ...]
    position: tuple[int, int, int]
    rag_period: str | None = None  # label of the quarter whose update gave ``rag`` (None: never updated)
    earlier_commentary: str = ""  # commentary and remedial actions of the action's other updates (searched)


@dataclass(frozen=True)
class PeriodInfo:
    id: int
    label: str
    start: dt.date
    end: dt.date
    closed: bool


@dataclass(frozen=True)
class PlanSummary:
    id: int
    title: str
    partnership: str
    period_label: str
    status: str
    rag_scheme: str
    is_demo: bool
    objectives: int
    priorities: int
    actions: int
    periods: tuple[PeriodInfo, ...]
    latest_period: str | None
    rag_counts: dict[str, int] = field(default_factory=dict)  # effective status → actions (see quarter_status)
    carried_counts: dict[str, int] = field(default_factory=dict)  # of those, carried forward with no update
    awaiting_update: int = 0


@dataclass(frozen=True)
class PriorityNode:
    id: int
    code: str
    text: str
    rollup: str | None
    actions: int


@dataclass(frozen=True)
class ObjectiveNode:
    id: int
    code: str
    title: str
    rollup: str | None
    priorities: tuple[PriorityNode, ...]


# ---- periods


def periods_of(session: Session, plan_id: int) -> list[ReportingPeriod]:
    return list(
        session.scalars(
            select(ReportingPeriod).where(ReportingPeriod.plan_id == plan_id).order_by(ReportingPeriod.start_date)
        )
    )


def current_period(session: Session, plan_id: int) -> ReportingPeriod | None:
    """The earliest open quarter, or the latest closed one when every quarter is closed."""
    periods = periods_of(session, plan_id)
    open_ones = [p for p in periods if not p.is_closed]
    if open_ones:
        return open_ones[0]
    return periods[-1] if periods else None


def previous_closed(session: Session, plan_id: int, period: ReportingPeriod | None) -> ReportingPeriod | None:
    closed = [p for p in periods_of(session, plan_id) if p.is_closed]
    if period is not None:
        closed = [p for p in closed if p.end_date < period.start_date]
    return closed[-1] if closed else None


def find_period(session: Session, plan_id: int, label: str) -> ReportingPeriod:
    periods = periods_of(session, plan_id)
    if label == "latest-closed":
        closed = [p for p in periods if p.is_closed]
        if not closed:
            raise NotFound("This plan has no closed quarter yet.")
        return closed[-1]
    if label == "current":
        current = current_period(session, plan_id)
        if current is None:
            raise NotFound("This plan has no quarters yet.")
        return current
    for p in periods:
        if p.label.casefold() == label.strip().casefold():
            return p
    known = ", ".join(p.label for p in periods) or "none"
    raise NotFound(f"No quarter called '{label}' in this plan (quarters: {known}).")


def find_plan(session: Session, ref: str) -> Plan:
    """A plan by id or by a unique part of its title."""
    ref = ref.strip()
    if ref.isdigit():
        plan = session.get(Plan, int(ref))
        if plan is not None:
            return plan
    matches = [p for p in session.scalars(select(Plan)) if ref.casefold() in p.title.casefold()]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFound(f"No plan matches '{ref}'.")
    raise NotFound(f"'{ref}' matches {len(matches)} plans; use more of the title or the plan's id.")


def _latest_counts(session: Session, period: ReportingPeriod | None) -> StatusCounts:
    return count_statuses(quarter_statuses(session, period)) if period is not None else StatusCounts()


def plan_summaries(session: Session) -> list[PlanSummary]:
    out = []
    for plan in session.scalars(select(Plan).order_by(Plan.id)):
        periods = periods_of(session, plan.id)
        latest_period = periods[-1] if periods else None
        priorities = [p for o in plan.objectives for p in o.priorities]
        n_actions = sum(len(p.actions) for p in priorities)
        counts = _latest_counts(session, latest_period)
        partnership = session.get(Partnership, plan.partnership_id)
        out.append(
            PlanSummary(
                id=plan.id,
                title=plan.title,
                partnership=partnership.name if partnership else "",
                period_label=plan.period_label,
                status=plan.status.value,
                rag_scheme=plan.rag_scheme,
                is_demo=plan.is_demo,
                objectives=len(plan.objectives),
                priorities=len(priorities),
                actions=n_actions,
                periods=tuple(PeriodInfo(p.id, p.label, p.start_date, p.end_date, p.is_closed) for p in periods),
                latest_period=latest_period.label if latest_period else None,
                rag_counts=counts.by_rag,
                carried_counts=counts.carried,
                awaiting_update=counts.awaiting,
            )
        )
    return out
