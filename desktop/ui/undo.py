"""Undo and redo for edits, on a QUndoStack.

An undo is not a rewind: it is one more audited edit through ``services.plans`` with the reason "Undo" (and a redo
one with "Redo"), so the audit trail shows everything that happened. Quarterly updates are append-only and never on
the stack; a correction is a newer update.

Commands are pushed after their change has been applied (by the dialog, which needs the validation errors), so the
first ``redo()`` that ``QUndoStack.push`` makes is skipped.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import Action, ActionStatus, Objective, Organisation, Person, Priority
from desktop.models.base import Base
from desktop.services import plans
from desktop.services.actor import Actor
from desktop.services.errors import PathwaysError, ValidationError
from desktop.ui.workspace import Change, Workspace

log = logging.getLogger("pathways.undo")

UNDO = "Undo"
REDO = "Redo"


class UndoStack(QUndoStack):
    """Signals:
        failed(str): an undo or redo could not be applied (the message says why); the command was dropped.
    """

    failed = Signal(str)

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace

    def push_applied(self, command: ServiceCommand) -> None:
        """Record a change that has already been made."""
        command.skip_next_redo = True
        self.push(command)


class ServiceCommand(QUndoCommand):
    """A change made through services; subclasses say how to make it and how to reverse it."""

    def __init__(self, stack: UndoStack, text: str) -> None:
        super().__init__(text)
        self.stack = stack
        self.skip_next_redo = False

    # Subclasses implement these two; each runs inside one unit of work and returns what it touched.
    def forward(self, session: Session, actor: Actor, reason: str) -> Change:
        raise NotImplementedError

    def backward(self, session: Session, actor: Actor, reason: str) -> Change:
        raise NotImplementedError

    def redo(self) -> None:
        if self.skip_next_redo:
            self.skip_next_redo = False
            return
        self._apply(self.forward, REDO)

    def undo(self) -> None:
        self._apply(self.backward, UNDO)

    def _apply(self, step: Callable[[Session, Actor, str], Change], reason: str) -> None:
        workspace = self.stack.workspace
        try:
            with workspace.session() as session:
                change = step(session, workspace.actor, reason)
        except PathwaysError as exc:
            # Qt removes an obsolete command from the stack once undo()/redo() returns.
            self.setObsolete(True)
            self.stack.failed.emit(f"{reason} of “{self.text()}” was not possible: {exc}")
            return
        workspace.apply(change)


def _get(session: Session, entity: type[Base], entity_id: int) -> Any:
    obj = session.get(entity, entity_id)
    if obj is None:
        raise ValidationError(f"That {entity.__name__.lower()} no longer exists.")
    return obj


def _change_for(entity: type[Base], entity_id: int) -> Change:
    if entity is Action:
        return Change(action_ids=frozenset({entity_id}))
    if entity in (Objective, Priority):
        return Change(structure=True)
    if entity in (Person, Organisation):
        return Change(people=True)
    return Change(plans=True, structure=True)


class EditCommand(ServiceCommand):
    """Changed fields of one entity (``previous`` is what ``services.plans.edit`` returned)."""

    def __init__(self, stack: UndoStack, text: str, entity: type[Base], entity_id: int,
                 changes: Mapping[str, Any], previous: Mapping[str, Any]) -> None:
        super().__init__(stack, text)
        self.entity, self.entity_id = entity, entity_id
        self.changes, self.previous = dict(changes), dict(previous)

    def forward(self, session: Session, actor: Actor, reason: str) -> Change:
        plans.edit(session, actor, _get(session, self.entity, self.entity_id), self.changes, reason)
        return _change_for(self.entity, self.entity_id)

    def backward(self, session: Session, actor: Actor, reason: str) -> Change:
        plans.edit(session, actor, _get(session, self.entity, self.entity_id), self.previous, reason)
        return _change_for(self.entity, self.entity_id)


@dataclass(frozen=True)
class ActionState:
    """The editable state of an action: fields, leads (primary first) and critical pathways."""

    fields: dict[str, Any]
    lead_ids: tuple[int, ...]
    pathways: tuple[str, ...]


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


class ActionEditCommand(ServiceCommand):
    def __init__(self, stack: UndoStack, text: str, action_id: int, before: ActionState, after: ActionState) -> None:
        super().__init__(stack, text)
        self.action_id, self.before, self.after = action_id, before, after

    def forward(self, session: Session, actor: Actor, reason: str) -> Change:
        action = _get(session, Action, self.action_id)
        apply_action_state(session, actor, action, self.after, self.before, reason)
        return Change(action_ids=frozenset({self.action_id}))

    def backward(self, session: Session, actor: Actor, reason: str) -> Change:
        action = _get(session, Action, self.action_id)
        apply_action_state(session, actor, action, self.before, self.after, reason)
        return Change(action_ids=frozenset({self.action_id}))


class AddActionCommand(ServiceCommand):
    """Undo removes the new action (refused once it has updates); redo adds it again (it gets a new id)."""

    def __init__(self, stack: UndoStack, text: str, action_id: int, priority_id: int, state: ActionState) -> None:
        super().__init__(stack, text)
        self.action_id, self.priority_id, self.state = action_id, priority_id, state

    def forward(self, session: Session, actor: Actor, reason: str) -> Change:
        priority = _get(session, Priority, self.priority_id)
        f = self.state.fields
        action = plans.add_action(
            session, actor, priority, str(f.get("code", "")), str(f.get("text", "")),
            progress_measures=str(f.get("progress_measures", "")).splitlines(),
            expected_outcome=str(f.get("expected_outcome", "")),
            leads=[_get(session, Person, pid) for pid in self.state.lead_ids],
            lead_organisation=(_get(session, Organisation, f["lead_organisation_id"])
                               if f.get("lead_organisation_id") else None),
            resources=str(f.get("resources", "")),
            start_date=_date(f.get("start_date")), due_date=_date(f.get("due_date")),
            timescale=str(f.get("timescale", "")), status=ActionStatus(f.get("status", ActionStatus.NOT_STARTED)),
            pathways=list(self.state.pathways), reason=reason,
        )
        self.action_id = action.id
        return Change(action_ids=frozenset({action.id}))

    def backward(self, session: Session, actor: Actor, reason: str) -> Change:
        plans.delete(session, actor, _get(session, Action, self.action_id), reason)
        return Change(removed=frozenset({self.action_id}))


class AddNodeCommand(ServiceCommand):
    """An added objective or priority. Undo removes it only while it is still empty."""

    def __init__(self, stack: UndoStack, text: str, entity: type[Objective] | type[Priority], entity_id: int,
                 parent_id: int, values: Mapping[str, Any]) -> None:
        super().__init__(stack, text)
        self.entity, self.entity_id, self.parent_id, self.values = entity, entity_id, parent_id, dict(values)

    def forward(self, session: Session, actor: Actor, reason: str) -> Change:
        if self.entity is Objective:
            from desktop.models import Plan

            plan = _get(session, Plan, self.parent_id)
            obj: Base = plans.add_objective(session, actor, plan, self.values.get("code", ""),
                                            self.values.get("title", ""), self.values.get("description", ""))
        else:
            objective = _get(session, Objective, self.parent_id)
            obj = plans.add_priority(session, actor, objective, self.values.get("code", ""),
                                     self.values.get("text", ""), self.values.get("strand", "both"))
        self.entity_id = int(getattr(obj, "id"))  # noqa: B009 — Base has no declared id
        return Change(structure=True)

    def backward(self, session: Session, actor: Actor, reason: str) -> Change:
        obj = _get(session, self.entity, self.entity_id)
        if isinstance(obj, Objective) and obj.priorities:
            raise ValidationError("the objective has priorities now; remove them first")
        if isinstance(obj, Priority):
            has_actions = session.scalar(select(Action.id).where(Action.priority_id == obj.id).limit(1))
            if has_actions is not None:
                raise ValidationError("the priority has actions now; remove them first")
        plans.delete(session, actor, obj, reason)
        return Change(structure=True)


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def describe_fields(names: Sequence[str]) -> str:
    words = [n.replace("_id", "").replace("_", " ") for n in names]
    return ", ".join(words[:3]) + ("…" if len(words) > 3 else "")
