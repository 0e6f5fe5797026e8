"""Turning the live plan into the frozen data of a closed quarter (see desktop.services.frozen)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from desktop.models import Action, ActionUpdate, Plan, ReportingPeriod
from desktop.services.frozen import FORMAT_VERSION, FrozenAction, FrozenObjective, FrozenPriority, PlanSnapshotData
from desktop.services.quarter_status import QuarterStatus, quarter_statuses
from desktop.services.rag import scheme
from desktop.services.updates import latest_update


def _freeze_action(
    action: Action,
    update: ActionUpdate | None,
    status: QuarterStatus,
    previous: FrozenAction | None,
    period_label: str,
    direction: str,
) -> FrozenAction:
    lead = action.primary_lead
    rag = status.rag
    previous_rag = previous.rag if previous else None
    if previous is not None and previous.rag == rag and rag is not None:
        since, quarters = previous.rag_since, previous.quarters_at_rag + 1
    else:
        since, quarters = (period_label if rag else None), (1 if rag else 0)
    return FrozenAction(
        id=action.id,
        code=action.code,
        text=action.text,
        progress_measures=tuple(action.measures),
        expected_outcome=action.expected_outcome,
        lead=lead.display_name if lead else "",
        joint_leads=tuple(link.person.display_name for link in action.leads[1:]),
        lead_organisation=action.lead_organisation.display_name if action.lead_organisation else "",
        resources=action.resources,
        start_date=action.start_date.isoformat() if action.start_date else None,
        due_date=action.due_date.isoformat() if action.due_date else None,
        timescale=action.timescale,
        status=action.status.value,
        pathways=tuple(p.name for p in action.pathways),
        rag=rag,
        forecast_rag=update.forecast_rag if update else None,
        suggested_rag=update.suggested_rag if update else None,
        percent_complete=update.percent_complete if update else None,
        commentary=update.commentary if update else "",
        remedial_action=update.remedial_action if update else "",
        remedial_owner=update.remedial_owner.display_name if update and update.remedial_owner else "",
        updated_by=update.author.display_name if update and update.author else "",
        updated_at=update.recorded_at.isoformat(timespec="seconds") if update else None,
        previous_rag=previous_rag,
        direction=direction,
        rag_since=since,
        quarters_at_rag=quarters,
        not_updated_since=status.carried_from,
        awaiting_update=status.awaiting,
    )


def freeze_plan(
    session: Session,
    plan: Plan,
    period: ReportingPeriod,
    previous: PlanSnapshotData | None,
    *,
    closed_at: dt.datetime,
    closed_by: str,
) -> PlanSnapshotData:
    sch = scheme(plan.rag_scheme)
    before = {a.id: a for a in previous.actions()} if previous else {}
    # Each action's status by the one rule (desktop.services.quarter_status): with no update this quarter, the last
    # update's status, commentary and remedial action are carried forward and marked as such.
    statuses = {st.action_id: st for st in quarter_statuses(session, period)}
    objectives = []
    for objective in plan.objectives:
        priorities = []
        for priority in objective.priorities:
            actions = []
            for action in priority.actions:
                status = statuses[action.id]
                update = latest_update(session, action.id, status.rag_from_id) if status.rag_from_id else None
                prior = before.get(action.id)
                direction = sch.compare(status.rag, prior.rag if prior else None)
                actions.append(_freeze_action(action, update, status, prior, period.label, direction))
            priorities.append(
                FrozenPriority(
                    id=priority.id, code=priority.code, text=priority.text, strand=priority.strand.value,
                    rollup_rag=sch.worst(a.rag for a in actions), actions=tuple(actions),
                )
            )
        objectives.append(
            FrozenObjective(
                id=objective.id, code=objective.code, title=objective.title, description=objective.description,
                rollup_rag=sch.worst(a.rag for p in priorities for a in p.actions), priorities=tuple(priorities),
            )
        )
    return PlanSnapshotData(
        format_version=FORMAT_VERSION,
        partnership=plan.partnership.name,
        partnership_short=plan.partnership.short_name,
        plan_id=plan.id,
        plan_title=plan.title,
        plan_period=plan.period_label,
        aim=plan.aim,
        owning_group=plan.owning_group,
        plan_status=plan.status.value,
        plan_version=plan.version,
        rag_scheme=plan.rag_scheme,
        period_label=period.label,
        period_start=period.start_date.isoformat(),
        period_end=period.end_date.isoformat(),
        previous_period_label=previous.period_label if previous else None,
        closed_at=closed_at.isoformat(),
        closed_by=closed_by,
        is_demo=plan.is_demo,
        objectives=tuple(objectives),
        previous_counts=previous.counts() if previous else {},
    )
