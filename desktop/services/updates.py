"""Recording quarterly updates, and the RAG the app suggests beside the one the lead officer chooses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from desktop.models import (
    Action,
    ActionStatus,
    ActionUpdate,
    Objective,
    Person,
    Priority,
    ReportingPeriod,
    UpdateSource,
)
from desktop.models.base import utcnow
from desktop.services import audit, concurrency
from desktop.services.actor import Actor
from desktop.services.errors import PeriodClosed, ValidationError
from desktop.services.rag import RagScheme, scheme

# Behind by more than this share of the elapsed time → Amber is suggested.
BEHIND_TOLERANCE = 25

# What an imported Red or Amber records as its remedial action when the tracker gave none: the status is kept (a
# plan must not read better than the truth) and the gap shows wherever remedial actions are shown, e.g. exceptions.
REMEDIAL_TO_CONFIRM = "Not given in the imported tracker \u2014 to be confirmed"
# What an imported change of RAG records as its commentary when the tracker gave none.
COMMENTARY_NOT_GIVEN = "No commentary given in the imported tracker \u2014 to be confirmed"


@dataclass(frozen=True)
class Suggestion:
    rag: str | None
    reason: str


def _pick(sch: RagScheme, *preferred: str) -> str | None:
    return next((k for k in preferred if sch.find(k) is not None), None)


class Scheduled(Protocol):
    """What a RAG suggestion reads of an action: an ORM action, or the few columns a bulk update loads."""

    @property
    def status(self) -> ActionStatus: ...
    @property
    def start_date(self) -> dt.date | None: ...
    @property
    def due_date(self) -> dt.date | None: ...
    @property
    def timescale(self) -> str: ...


@dataclass(frozen=True)
class _Schedule:
    status: ActionStatus
    start_date: dt.date | None
    due_date: dt.date | None
    timescale: str


def suggest_rag(action: Scheduled, percent_complete: int | None, as_at: dt.date, sch: RagScheme) -> Suggestion:
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


def check_update(
    sch: RagScheme,
    previous_rag: str | None,
    *,
    rag: str | None,
    forecast_rag: str | None = None,
    percent_complete: int | None = None,
    commentary: str = "",
    remedial_action: str = "",
    has_remedial_owner: bool = False,
    source: UpdateSource = UpdateSource.APP,
) -> tuple[str, str]:
    """The partnership's RAG rules for one update, the same for one entered in the app and many imported.

    A change of RAG needs a commentary; a status that needs a remedial action (Red, Amber…) needs one, and an owner
    for it, except that an imported update may leave the owner to be confirmed (the file may name no lead). Returns
    the commentary and remedial action as recorded (trimmed); raises :class:`ValidationError` on the first breach.
    """
    if rag is not None:
        sch.status(rag)
    if forecast_rag is not None:
        sch.status(forecast_rag)
    if percent_complete is not None and not 0 <= percent_complete <= 100:
        raise ValidationError("Percent complete must be between 0 and 100.", field="percent_complete")
    commentary, remedial_action = commentary.strip(), remedial_action.strip()
    if rag != previous_rag and not commentary:
        raise ValidationError("A change of RAG status needs a commentary explaining it.", field="commentary")
    status = sch.find(rag)
    if status is not None and status.needs_remedial:
        if not remedial_action:
            raise ValidationError(f"{status.label} needs a remedial action.", field="remedial_action")
        if not has_remedial_owner and UpdateSource(source) != UpdateSource.IMPORT:
            raise ValidationError(f"{status.label} needs an owner for the remedial action.", field="remedial_owner")
    return commentary, remedial_action


def _check_period(period: ReportingPeriod, plan_id: int) -> None:
    if period.plan_id != plan_id:
        raise ValidationError(f"{period.label} is not a quarter of this action's plan.", field="period")
    if period.is_closed:
        raise PeriodClosed(f"{period.label} is closed; its updates are frozen.")


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
    _check_period(period, plan.id)
    sch = scheme(plan.rag_scheme)
    previous = latest_update(session, action.id)
    commentary, remedial_action = check_update(
        sch, previous.rag if previous else None, rag=rag, forecast_rag=forecast_rag,
        percent_complete=percent_complete, commentary=commentary, remedial_action=remedial_action,
        has_remedial_owner=remedial_owner is not None, source=source,
    )
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


@dataclass(frozen=True)
class NewUpdate:
    """One update for :func:`record_updates`."""

    action_id: int
    rag: str | None
    forecast_rag: str | None = None
    percent_complete: int | None = None
    commentary: str = ""
    remedial_action: str = ""
    remedial_owner_id: int | None = None


_CHUNK = 500  # ids per IN (...) query, well inside SQLite's limit on bound parameters


def _chunks(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[i:i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def record_updates(
    session: Session,
    actor: Actor,
    period: ReportingPeriod,
    items: Sequence[NewUpdate],
    *,
    source: UpdateSource = UpdateSource.IMPORT,
    reason: str = "",
) -> list[int]:
    """Append many updates to one open quarter with the rules of :func:`record_update` (:func:`check_update` for
    each) and one audit event each, in a few set-based statements: a 5,000-action import spends its time in the
    ORM's unit of work otherwise. Every item is checked before anything is written; returns the new updates' ids.
    """
    if not items:
        return []
    session.flush()
    wanted = list(dict.fromkeys(item.action_id for item in items))
    actions: dict[int, tuple[_Schedule, int]] = {}
    previous: dict[int, str | None] = {}
    for chunk in _chunks(wanted):
        found = session.execute(
            select(Action.id, Action.status, Action.start_date, Action.due_date, Action.timescale, Objective.plan_id)
            .join(Priority, Action.priority_id == Priority.id).join(Objective, Priority.objective_id == Objective.id)
            .where(Action.id.in_(chunk))
        ).all()
        actions.update({r[0]: (_Schedule(ActionStatus(r[1]), r[2], r[3], r[4] or ""), r[5]) for r in found})
        for action_id, rag in session.execute(
            select(ActionUpdate.action_id, ActionUpdate.rag).where(ActionUpdate.action_id.in_(chunk))
            .order_by(ActionUpdate.id)
        ):
            previous[action_id] = rag  # the newest wins, as latest_update reads it
    sch = scheme(period.plan.rag_scheme)
    when = min(dt.date.today(), period.end_date)
    at = utcnow()
    rows: list[dict[str, object]] = []
    priors: list[str | None] = []
    for item in items:
        if item.action_id not in actions:
            raise ValidationError("An action to update no longer exists.", field="action")
        action, plan_id = actions[item.action_id]
        _check_period(period, plan_id)
        priors.append(previous.get(item.action_id))
        commentary, remedial_action = check_update(
            sch, previous.get(item.action_id), rag=item.rag, forecast_rag=item.forecast_rag,
            percent_complete=item.percent_complete, commentary=item.commentary,
            remedial_action=item.remedial_action, has_remedial_owner=item.remedial_owner_id is not None,
            source=source,
        )
        previous[item.action_id] = item.rag
        suggestion = suggest_rag(action, item.percent_complete, when, sch)
        rows.append({
            "action_id": item.action_id, "period_id": period.id, "rag": item.rag, "forecast_rag": item.forecast_rag,
            "suggested_rag": suggestion.rag, "suggestion_reason": suggestion.reason,
            "percent_complete": item.percent_complete, "commentary": commentary, "remedial_action": remedial_action,
            "remedial_owner_id": item.remedial_owner_id, "author_id": actor.person_id,
            "recorded_at": at, "source": UpdateSource(source),
        })
    # As in plans.add_actions: inserted in order on the store's one connection inside this transaction, the new
    # rows get ascending ids above the current maximum.
    highest = session.scalar(select(func.max(ActionUpdate.id))) or 0
    # Core, not ORM, insert: the ORM splits the rows into a batch per run of the same None-valued columns.
    session.execute(insert(cast(Table, ActionUpdate.__table__)), rows)
    ids = list(session.scalars(select(ActionUpdate.id).where(ActionUpdate.id > highest).order_by(ActionUpdate.id)))
    if len(ids) != len(rows):
        raise RuntimeError("updates were recorded by someone else during the import")
    changes = []
    for update_id, row, item, prior in zip(ids, rows, items, priors, strict=True):
        changes.append(audit.Change(
            "record_update", "action_update", update_id, before={"rag": prior},
            after={"action_id": item.action_id, "period": period.label, "rag": item.rag,
                   "forecast_rag": item.forecast_rag, "percent_complete": item.percent_complete,
                   "suggested_rag": row["suggested_rag"], "source": str(source)},
            reason=reason,
        ))
    audit.record_many(session, actor, changes)
    # Each recorded update moves its action's version on, as concurrency.claim does for one: a dialog opened
    # before the import is told its action changed instead of silently overwriting what the import brought.
    for chunk in _chunks(wanted):
        session.execute(
            sql_update(Action).where(Action.id.in_(chunk)).values(version=Action.version + 1)
            .execution_options(synchronize_session=False)
        )
    for key in list(session.identity_map.keys()):  # actions already loaded see their new updates and version
        if key[0] is Action and key[1][0] in actions and (obj := session.identity_map.get(key)) is not None:
            session.expire(obj, ["updates", "version"])
    return ids
