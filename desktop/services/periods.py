"""Reporting periods (quarters): adding, closing (which freezes a hash-chained snapshot) and who is outstanding."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import Action, Objective, Plan, Priority, ReportingPeriod, Snapshot
from desktop.services import audit
from desktop.services.actor import Actor, named_person
from desktop.services.errors import NotFound, PeriodClosed, ValidationError
from desktop.services.freeze import freeze_plan
from desktop.services.frozen import PlanSnapshotData
from desktop.services.indicators import freeze_indicators
from desktop.services.quarter_status import quarter_statuses


def add_period(
    session: Session,
    actor: Actor,
    plan: Plan,
    label: str,
    start: dt.date,
    end: dt.date,
    returns_deadline: dt.date | None = None,
) -> ReportingPeriod:
    label = label.strip()
    if not label:
        raise ValidationError("A quarter needs a label such as 2015/16 Q3.", field="label")
    if end < start:
        raise ValidationError("A quarter cannot end before it starts.", field="end_date")
    for other in plan.periods:
        if other.label == label:
            raise ValidationError(f"This plan already has a quarter called {label}.", field="label")
        if start <= other.end_date and other.start_date <= end:
            raise ValidationError(f"The dates overlap {other.label}.", field="start_date")
    period = ReportingPeriod(plan=plan, label=label, start_date=start, end_date=end, returns_deadline=returns_deadline)
    session.add(period)
    session.flush()
    audit.record(session, actor, "create", "reporting_period", period.id,
                 after={"plan_id": plan.id, "label": label, "start": start.isoformat(), "end": end.isoformat()})
    return period


def plan_actions(session: Session, plan: Plan) -> list[Action]:
    return list(
        session.scalars(
            select(Action)
            .join(Priority, Action.priority_id == Priority.id)
            .join(Objective, Priority.objective_id == Objective.id)
            .where(Objective.plan_id == plan.id)
            .order_by(Objective.position, Priority.position, Action.position)
        )
    )


def outstanding(session: Session, period: ReportingPeriod) -> list[Action]:
    """Actions still awaiting an update in ``period``, in plan order, by the one rule of
    :func:`desktop.services.quarter_status.is_awaiting_update` (completed, cancelled and deferred ones are not
    chased)."""
    due = {st.action_id for st in quarter_statuses(session, period) if st.awaiting}
    return [a for a in plan_actions(session, period.plan) if a.id in due]


def snapshots(session: Session, plan_id: int) -> list[Snapshot]:
    return list(session.scalars(select(Snapshot).where(Snapshot.plan_id == plan_id).order_by(Snapshot.sequence)))


def snapshot_data(session: Session, period: ReportingPeriod) -> PlanSnapshotData:
    snap = session.scalars(select(Snapshot).where(Snapshot.period_id == period.id)).first()
    if snap is None:
        raise NotFound(f"{period.label} has not been closed, so there is no frozen snapshot to publish.")
    return PlanSnapshotData.from_json(snap.payload)


def close_period(
    session: Session, actor: Actor, period: ReportingPeriod, *, closed_at: dt.datetime | None = None
) -> Snapshot:
    """Freeze the quarter: write its snapshot (hash-chained to the plan's previous one) and lock its updates."""
    if period.is_closed:
        raise PeriodClosed(f"{period.label} is already closed.")
    plan = period.plan
    earlier_open = [p.label for p in plan.periods if p.end_date < period.start_date and not p.is_closed]
    if earlier_open:
        raise ValidationError(f"Close {', '.join(earlier_open)} first; quarters close in order.", field="period")
    chain = snapshots(session, plan.id)
    previous = PlanSnapshotData.from_json(chain[-1].payload) if chain else None
    closed_at = closed_at or dt.datetime.now(dt.UTC).replace(microsecond=0)
    data = freeze_plan(session, plan, period, previous, closed_at=closed_at,
                       closed_by=named_person(session, actor))
    indicators = freeze_indicators(session, plan, as_at=period.end_date)
    if indicators:
        data = dataclasses.replace(data, extra={**data.extra, "indicators": indicators})
    payload = data.to_json()
    snap = Snapshot(
        period_id=period.id,
        plan_id=plan.id,
        sequence=(chain[-1].sequence + 1) if chain else 1,
        payload=payload,
        sha256=hashlib.sha256(payload.encode("utf-8")).hexdigest(),
        previous_sha256=chain[-1].sha256 if chain else "",
        created_by_id=actor.person_id,
    )
    session.add(snap)
    period.closed_at = closed_at
    period.closed_by_id = actor.person_id
    session.flush()
    audit.record(session, actor, "close_period", "reporting_period", period.id,
                 after={"label": period.label, "snapshot_sha256": snap.sha256})
    return snap


@dataclass(frozen=True)
class ClosedQuarter:
    label: str
    sha256: str  # the new snapshot's digest


def close_quarter(session: Session, actor: Actor, period_id: int,
                  progress: Callable[[float, str], object] | None = None) -> ClosedQuarter:
    """Close the quarter with id ``period_id`` (see :func:`close_period`), reporting progress to ``progress``."""
    period = session.get(ReportingPeriod, period_id)
    if period is None:
        raise NotFound("That quarter is no longer in the store.")
    if progress is not None:
        progress(0.2, f"Freezing {period.label}")
    return ClosedQuarter(period.label, close_period(session, actor, period).sha256)


@dataclass(frozen=True)
class SnapshotProblem:
    plan_id: int
    message: str


def verify_snapshots(session: Session) -> list[SnapshotProblem]:
    problems: list[SnapshotProblem] = []
    for plan_id in session.scalars(select(Snapshot.plan_id).distinct()):
        previous = ""
        for snap in snapshots(session, plan_id):
            label = snap.period.label if snap.period else f"snapshot {snap.sequence}"
            if hashlib.sha256(snap.payload.encode("utf-8")).hexdigest() != snap.sha256:
                problems.append(SnapshotProblem(plan_id, f"the frozen snapshot of {label} has been altered"))
            if snap.previous_sha256 != previous:
                problems.append(SnapshotProblem(plan_id, f"the snapshot of {label} does not follow the one before"))
            if snap.period is None or not snap.period.is_closed:
                problems.append(SnapshotProblem(plan_id, f"{label} has a snapshot but is not closed"))
            previous = snap.sha256
    return problems
