"""The store side of undo and redo: each step is one more audited edit through ``desktop.services.plans`` (with the
reason "Undo" or "Redo"), never a rewind, so the audit trail shows everything that happened.

A :data:`Step` runs inside one unit of work the caller opens (``desktop.ui.undo`` on the main thread) and returns
the id of a record it added, or None. A step that is no longer possible (the record has gone; an objective has
priorities now) raises ``ValidationError`` and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import Action, ActionStatus, Objective, Organisation, Person, Plan, Priority
from desktop.models.base import Base
from desktop.services import plans
from desktop.services.actor import Actor
from desktop.services.errors import ValidationError

Step = Callable[[Session, Actor, str], int | None]  # (session, actor, reason) -> id of an added record, or None


@dataclass(frozen=True)
class ActionState:
    """The editable state of an action: fields, leads (primary first) and critical pathways."""

    fields: dict[str, Any]
    lead_ids: tuple[int, ...]
    pathways: tuple[str, ...]


def _get(session: Session, entity: type[Base], entity_id: int) -> Any:
    obj = session.get(entity, entity_id)
    if obj is None:
        raise ValidationError(f"That {entity.__name__.lower()} no longer exists.")
    return obj


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def apply_action_state(session: Session, actor: Actor, action: Action, target: ActionState,
                       current: ActionState, reason: str) -> None:
    """Move an action from ``current`` to ``target`` with the fewest audited edits."""
    changes = {k: v for k, v in target.fields.items() if current.fields.get(k) != v}
    if changes:
        plans.edit(session, actor, action, changes, reason)
    if target.lead_ids != current.lead_ids:
        people = [_get(session, Person, pid) for pid in target.lead_ids]
        plans.set_leads(session, actor, action, people, reason)
    if target.pathways != current.pathways:
        plans.set_pathways(session, actor, action, list(target.pathways), reason)


def edit_fields(entity: type[Base], entity_id: int, values: Mapping[str, Any]) -> Step:
    """Set the named fields of one record back (or forward) to ``values``."""

    def step(session: Session, actor: Actor, reason: str) -> None:
        plans.edit(session, actor, _get(session, entity, entity_id), dict(values), reason)

    return step


def move_action(action_id: int, target: ActionState, current: ActionState) -> Step:
    """Move an action from ``current`` to ``target`` (an edit undone or redone)."""

    def step(session: Session, actor: Actor, reason: str) -> None:
        apply_action_state(session, actor, _get(session, Action, action_id), target, current, reason)

    return step


def add_action(priority_id: int, state: ActionState) -> Step:
    """Add the action again under its priority, as it was (it gets a new id, which the step returns)."""

    def step(session: Session, actor: Actor, reason: str) -> int:
        f = state.fields
        action = plans.add_action(
            session, actor, _get(session, Priority, priority_id), str(f.get("code", "")), str(f.get("text", "")),
            progress_measures=str(f.get("progress_measures", "")).splitlines(),
            expected_outcome=str(f.get("expected_outcome", "")),
            leads=[_get(session, Person, pid) for pid in state.lead_ids],
            lead_organisation=(_get(session, Organisation, f["lead_organisation_id"])
                               if f.get("lead_organisation_id") else None),
            resources=str(f.get("resources", "")),
            start_date=_date(f.get("start_date")), due_date=_date(f.get("due_date")),
            timescale=str(f.get("timescale", "")), status=ActionStatus(f.get("status", ActionStatus.NOT_STARTED)),
            pathways=list(state.pathways), reason=reason,
        )
        return action.id

    return step


def remove_action(action_id: int) -> Step:
    """Remove an added action (the service refuses once it has updates)."""

    def step(session: Session, actor: Actor, reason: str) -> None:
        plans.delete(session, actor, _get(session, Action, action_id), reason)

    return step


def add_node(entity: type[Objective] | type[Priority], parent_id: int, values: Mapping[str, Any]) -> Step:
    """Add an objective to its plan, or a priority to its objective, again (the step returns the new id)."""

    def step(session: Session, actor: Actor, reason: str) -> int:
        if entity is Objective:
            plan = _get(session, Plan, parent_id)
            return plans.add_objective(session, actor, plan, values.get("code", ""), values.get("title", ""),
                                       values.get("description", "")).id
        objective = _get(session, Objective, parent_id)
        return plans.add_priority(session, actor, objective, values.get("code", ""), values.get("text", ""),
                                  values.get("strand", "both")).id

    return step


def remove_node(entity: type[Objective] | type[Priority], entity_id: int) -> Step:
    """Remove an added objective or priority, only while it is still empty."""

    def step(session: Session, actor: Actor, reason: str) -> None:
        obj = _get(session, entity, entity_id)
        if isinstance(obj, Objective) and obj.priorities:
            raise ValidationError("the objective has priorities now; remove them first")
        if isinstance(obj, Priority):
            has_actions = session.scalar(select(Action.id).where(Action.priority_id == obj.id).limit(1))
            if has_actions is not None:
                raise ValidationError("the priority has actions now; remove them first")
        plans.delete(session, actor, obj, reason)

    return step
