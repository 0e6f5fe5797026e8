"""Read models for screens and the command line: flat action rows, plan summaries, the tree with roll-ups.

Built with a handful of set-based queries (not per-action lazy loads) so a 10,000-action plan loads quickly.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.models import (
    Action,
    ActionLead,
    ActionStatus,
    ActionUpdate,
    CriticalPathway,
    Objective,
    Organisation,
    Partnership,
    Person,
    Plan,
    Priority,
    ReportingPeriod,
    Strand,
    action_pathway,
)
from desktop.services.errors import NotFound
from desktop.services.rag import scheme


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
    rag_counts: dict[str, int] = field(default_factory=dict)


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


# ---- latest updates, set-based


@dataclass(frozen=True)
class _Latest:
    period_id: int
    rag: str | None
    forecast_rag: str | None
    percent_complete: int | None
    commentary: str
    recorded_at: dt.datetime


def _latest_updates(session: Session, period_ids: list[int], actions: int | None = None) -> dict[int, _Latest]:
    """The newest update per action within ``period_ids`` (a plan's quarters belong to that plan only).

    Quarters are read newest first and the walk stops once ``actions`` actions are found: usually one or two
    quarters, each an ordered scan of the (period_id, action_id) index, instead of grouping every update ever made.
    Columns, not ORM objects: building 10,000 entities costs more than the query itself.
    """
    order = {pid: i for i, pid in enumerate(period_ids)}
    found: dict[int, _Latest] = {}
    for period_id in sorted(period_ids, key=lambda pid: -order[pid]):
        newest = (
            select(func.max(ActionUpdate.id))
            .where(ActionUpdate.period_id == period_id)
            .group_by(ActionUpdate.action_id)
            .scalar_subquery()
        )
        rows = session.execute(
            select(
                ActionUpdate.action_id, ActionUpdate.period_id, ActionUpdate.rag, ActionUpdate.forecast_rag,
                ActionUpdate.percent_complete, ActionUpdate.commentary, ActionUpdate.recorded_at,
            ).where(ActionUpdate.id.in_(newest))
        )
        for row in rows:
            if row[0] not in found:
                found[row[0]] = _Latest(*row[1:])
        if actions is not None and len(found) >= actions:
            break
    return found


def action_rows(session: Session, plan_id: int, as_at: dt.date | None = None) -> list[ActionRow]:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"No plan with id {plan_id}.")
    sch = scheme(plan.rag_scheme)
    today = as_at or dt.date.today()
    periods = periods_of(session, plan_id)
    current = current_period(session, plan_id)
    upto = [p.id for p in periods if current is None or p.start_date <= current.start_date]
    prev = previous_closed(session, plan_id, current)
    n_actions = session.scalar(
        select(func.count(Action.id))
        .join(Priority, Action.priority_id == Priority.id)
        .join(Objective, Priority.objective_id == Objective.id)
        .where(Objective.plan_id == plan_id)
    )
    latest = _latest_updates(session, upto, n_actions)
    previous = _latest_updates(session, [p.id for p in periods if prev and p.start_date <= prev.start_date], n_actions)

    in_plan = (
        select(Action.id)
        .join(Priority, Action.priority_id == Priority.id)
        .join(Objective, Priority.objective_id == Objective.id)
        .where(Objective.plan_id == plan_id)
    )
    people = {p.id: p.display_name for p in session.scalars(select(Person))}
    leads: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for action_id, person_id in session.execute(
        select(ActionLead.action_id, ActionLead.person_id)
        .where(ActionLead.action_id.in_(in_plan))
        .order_by(ActionLead.action_id, ActionLead.position)
    ):
        leads[action_id].append((person_id, people[person_id]))
    orgs = {o.id: o.display_name for o in session.scalars(select(Organisation))}
    pathways: dict[int, list[str]] = defaultdict(list)
    for action_id, name in session.execute(
        select(action_pathway.c.action_id, CriticalPathway.name)
        .join(CriticalPathway, CriticalPathway.id == action_pathway.c.pathway_id)
        .where(action_pathway.c.action_id.in_(in_plan))
        .order_by(CriticalPathway.position)
    ):
        pathways[action_id].append(name)

    query = (
        select(
            Action.id, Objective.id, Objective.code, Priority.id, Priority.code, Priority.strand, Action.code,
            Action.text, Action.lead_organisation_id, Action.start_date, Action.due_date, Action.timescale,
            Action.status, Objective.position, Priority.position, Action.position,
        )
        .join(Priority, Action.priority_id == Priority.id)
        .join(Objective, Priority.objective_id == Objective.id)
        .where(Objective.plan_id == plan_id)
        .order_by(Objective.position, Priority.position, Action.position)
    )
    live = (ActionStatus.COMPLETE, ActionStatus.CANCELLED)
    current_id = current.id if current else None
    rows = []
    for (action_id, objective_id, objective_code, priority_id, priority_code, strand, code, text, org_id,
         start_date, due_date, timescale, status, o_pos, p_pos, a_pos) in session.execute(query):
        update = latest.get(action_id)
        before = previous.get(action_id)
        rag = update.rag if update else None
        previous_rag = before.rag if before else None
        lead_list = leads.get(action_id, [])
        rows.append(
            ActionRow(
                id=action_id,
                objective_id=objective_id,
                objective_code=objective_code,
                priority_id=priority_id,
                priority_code=priority_code,
                strand=Strand(strand).value,
                code=code,
                text=text,
                lead=" / ".join(name for _, name in lead_list),
                lead_ids=tuple(pid for pid, _ in lead_list),
                organisation=orgs.get(org_id or -1, ""),
                organisation_id=org_id,
                start_date=start_date,
                due_date=due_date,
                timescale=timescale,
                status=ActionStatus(status),
                rag=rag,
                forecast_rag=update.forecast_rag if update else None,
                previous_rag=previous_rag,
                direction=sch.compare(rag, previous_rag),
                percent_complete=update.percent_complete if update else None,
                commentary=update.commentary if update else "",
                last_updated=update.recorded_at if update else None,
                updated_this_period=bool(update and update.period_id == current_id),
                overdue=bool(due_date and due_date < today and ActionStatus(status) not in live),
                pathways=tuple(pathways.get(action_id, ())),
                position=(o_pos, p_pos, a_pos),
            )
        )
    return rows


def plan_tree(session: Session, plan_id: int) -> list[ObjectiveNode]:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"No plan with id {plan_id}.")
    sch = scheme(plan.rag_scheme)
    by_priority: dict[int, list[str | None]] = defaultdict(list)
    for row in action_rows(session, plan_id):
        by_priority[row.priority_id].append(row.rag)
    out = []
    for objective in plan.objectives:
        nodes = tuple(
            PriorityNode(p.id, p.code, p.text, sch.worst(by_priority.get(p.id, [])), len(by_priority.get(p.id, [])))
            for p in objective.priorities
        )
        rags = [r for p in objective.priorities for r in by_priority.get(p.id, [])]
        out.append(ObjectiveNode(objective.id, objective.code, objective.title, sch.worst(rags), nodes))
    return out


def plan_summaries(session: Session) -> list[PlanSummary]:
    out = []
    for plan in session.scalars(select(Plan).order_by(Plan.id)):
        periods = periods_of(session, plan.id)
        latest_period = periods[-1] if periods else None
        counts: dict[str, int] = {}
        n_actions = 0
        in_period = _latest_updates(session, [latest_period.id] if latest_period else [])
        priorities = [p for o in plan.objectives for p in o.priorities]
        for priority in priorities:
            for action in priority.actions:
                n_actions += 1
                update = in_period.get(action.id)
                key = (update.rag or "none") if update else "no_update"
                counts[key] = counts.get(key, 0) + 1
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
                rag_counts=counts,
            )
        )
    return out
