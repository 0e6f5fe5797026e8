"""Recording quarterly updates, and the RAG the app suggests beside the one the lead officer chooses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import Action, ActionStatus, ActionUpdate, Person, ReportingPeriod, UpdateSource
from desktop.services import audit, concurrency
from desktop.services.actor import Actor
from desktop.services.errors import PeriodClosed, ValidationError
from desktop.services.rag import RagScheme, scheme

# Behind by more than this share of the elapsed time → Amber is suggested.
BEHIND_TOLERANCE = 25


@dataclass(frozen=True)
class Suggestion:
    rag: str | None
    reason: str


def _pick(sch: RagScheme, *preferred: str) -> str | None:
    return next((k for k in preferred if sch.find(k) is not None), None)


def suggest_rag(action: Action, percent_complete: int | None, as_at: dt.date, sch: RagScheme) -> Suggestion:
    """A suggestion only: overdue and not complete → Red; well behind the time elapsed → Amber; else Green."""
    if action.status == ActionStatus.COMPLETE or (percent_complete or 0) >= 100:
        return Suggestion(_pick(sch, "blue", "green"), "The action is complete.")
    if action.status in (ActionStatus.CANCELLED, ActionStatus.DEFERRED):
        return Suggestion(None, f"The action is {action.status.label.lower()}; no status is suggested.")
    if action.status == ActionStatus.NOT_STARTED and action.start_date and action.start_date > as_at:
        return Suggestion(_pick(sch, "grey", "green"), f"Not due to start until {action.start_date:%d %b %Y}.")
    if action.due_date is None:
        return Suggestion(_pick(sch, "green"), f"No due date ({action.timescale or 'ongoing'}); judge by progress.")
    if action.due_date < as_at:
        return Suggestion(_pick(sch, "red"), f"Overdue: it was due by {action.due_date:%d %b %Y} and is not complete.")
    if action.start_date and percent_complete is not None and action.due_date > action.start_date:
        span = (action.due_date - action.start_date).days
        elapsed = max(0, (as_at - action.start_date).days)
        expected = min(100, round(100 * elapsed / span))
        if percent_complete + BEHIND_TOLERANCE < expected:
            return Suggestion(
                _pick(sch, "amber"),
                f"Behind schedule: {percent_complete}% complete with {expected}% of the time gone.",
            )
        return Suggestion(_pick(sch, "green"), f"On schedule: {percent_complete}% complete, {expected}% of time gone.")
    return Suggestion(_pick(sch, "green"), f"Due by {action.due_date:%d %b %Y}; not overdue.")


def latest_update(session: Session, action_id: int, period_id: int | None = None) -> ActionUpdate | None:
    query = select(ActionUpdate).where(ActionUpdate.action_id == action_id)
    if period_id is not None:
        query = query.where(ActionUpdate.period_id == period_id)
    return session.scalars(query.order_by(ActionUpdate.id.desc()).limit(1)).first()


def record_update(
    session: Session,
    actor: Actor,
    action: Action,
    period: ReportingPeriod,
    *,
    rag: str | None,
    forecast_rag: str | None = None,
    percent_complete: int | None = None,
    commentary: str = "",
    remedial_action: str = "",
    remedial_owner: Person | None = None,
    source: UpdateSource = UpdateSource.APP,
    author: Person | None = None,
    as_at: dt.date | None = None,
    recorded_at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> ActionUpdate:
    """Append an update for the open quarter, enforcing the partnership's RAG rules.

    ``expected_version`` is the action's version when the user started (e.g. when the dialog opened): if someone
    else has recorded an update since, :class:`ActionChangedElsewhere` says so and nothing is written.
    """
    plan = action.priority.objective.plan
    if period.plan_id != plan.id:
        raise ValidationError(f"{period.label} is not a quarter of this action's plan.", field="period")
    if period.is_closed:
        raise PeriodClosed(f"{period.label} is closed; its updates are frozen.")
    sch = scheme(plan.rag_scheme)
    if rag is not None:
        sch.status(rag)
    if forecast_rag is not None:
        sch.status(forecast_rag)
    if percent_complete is not None and not 0 <= percent_complete <= 100:
        raise ValidationError("Percent complete must be between 0 and 100.", field="percent_complete")
    commentary, remedial_action = commentary.strip(), remedial_action.strip()
    previous = latest_update(session, action.id)
    if rag != (previous.rag if previous else None) and not commentary:
        raise ValidationError("A change of RAG status needs a commentary explaining it.", field="commentary")
    status = sch.find(rag)
    if status is not None and status.needs_remedial:
        if not remedial_action:
            raise ValidationError(f"{status.label} needs a remedial action.", field="remedial_action")
        if remedial_owner is None:
            raise ValidationError(f"{status.label} needs an owner for the remedial action.", field="remedial_owner")
    concurrency.claim(session, action, period, expected_version)
    when = as_at or min(dt.date.today(), period.end_date)
    suggestion = suggest_rag(action, percent_complete, when, sch)
    update = ActionUpdate(
        action=action,
        period=period,
        rag=rag,
        forecast_rag=forecast_rag,
        suggested_rag=suggestion.rag,
        suggestion_reason=suggestion.reason,
        percent_complete=percent_complete,
        commentary=commentary,
        remedial_action=remedial_action,
        remedial_owner=remedial_owner,
        author_id=author.id if author else actor.person_id,
        source=UpdateSource(source),
    )
    if recorded_at is not None:
        update.recorded_at = recorded_at
    session.add(update)
    session.flush()
    audit.record(
        session, actor, "record_update", "action_update", update.id,
        before={"rag": previous.rag if previous else None},
        after={"action_id": action.id, "period": period.label, "rag": rag, "forecast_rag": forecast_rag,
               "percent_complete": percent_complete, "suggested_rag": suggestion.rag, "source": str(source)},
    )
    return update
