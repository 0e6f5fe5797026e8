"""Undo and redo for edits, on a QUndoStack.

An undo is not a rewind: it is one more audited edit through ``services.plans`` with the reason "Undo" (and a redo
one with "Redo"), so the audit trail shows everything that happened. Quarterly updates are append-only and never on
the stack; a correction is a newer update.

The store side of each step lives in :mod:`desktop.services.undo_steps`; a command here only says which step
undoes or redoes it and what that touched.

Commands are pushed after their change has been applied (by the dialog, which needs the validation errors), so the
first ``redo()`` that ``QUndoStack.push`` makes is skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from desktop.models import Action, Objective, Organisation, Person, Priority
from desktop.models.base import Base
from desktop.services import undo_steps
from desktop.services.errors import PathwaysError
from desktop.services.undo_steps import ActionState as ActionState  # also the action editor's
from desktop.services.undo_steps import Step
from desktop.services.undo_steps import apply_action_state as apply_action_state  # the action editor's
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
    """A change made through services; subclasses say which :data:`~desktop.services.undo_steps.Step` makes it
    again (:meth:`forward`), which reverses it (:meth:`backward`), and what either touches."""

    def __init__(self, stack: UndoStack, text: str) -> None:
        super().__init__(text)
        self.stack = stack
        self.skip_next_redo = False

    def forward(self) -> Step:
        raise NotImplementedError

    def backward(self) -> Step:
        raise NotImplementedError

    def touched(self, undone: bool) -> Change:
        raise NotImplementedError

    def added(self, new_id: int) -> None:
        """A step added its record again, under ``new_id``."""

    def redo(self) -> None:
        if self.skip_next_redo:
            self.skip_next_redo = False
            return
        self._apply(self.forward(), REDO, undone=False)

    def undo(self) -> None:
        self._apply(self.backward(), UNDO, undone=True)

    def _apply(self, step: Step, reason: str, *, undone: bool) -> None:
        """``step`` in one unit of work, audited under the person at the keyboard now."""
        workspace = self.stack.workspace
        try:
            with workspace.session() as unit:
                new_id = step(unit, workspace.actor, reason)
        except PathwaysError as exc:
            # Qt removes an obsolete command from the stack once undo()/redo() returns.
            self.setObsolete(True)
            self.stack.failed.emit(f"{reason} of “{self.text()}” was not possible: {exc}")
            return
        if new_id is not None:
            self.added(new_id)
        workspace.apply(self.touched(undone))


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

    def forward(self) -> Step:
        return undo_steps.edit_fields(self.entity, self.entity_id, self.changes)

    def backward(self) -> Step:
        return undo_steps.edit_fields(self.entity, self.entity_id, self.previous)

    def touched(self, undone: bool) -> Change:
        return _change_for(self.entity, self.entity_id)


class ActionEditCommand(ServiceCommand):
    def __init__(self, stack: UndoStack, text: str, action_id: int, before: ActionState, after: ActionState) -> None:
        super().__init__(stack, text)
        self.action_id, self.before, self.after = action_id, before, after

    def forward(self) -> Step:
        return undo_steps.move_action(self.action_id, self.after, self.before)

    def backward(self) -> Step:
        return undo_steps.move_action(self.action_id, self.before, self.after)

    def touched(self, undone: bool) -> Change:
        return Change(action_ids=frozenset({self.action_id}))


class AddActionCommand(ServiceCommand):
    """Undo removes the new action (refused once it has updates); redo adds it again (it gets a new id)."""

    def __init__(self, stack: UndoStack, text: str, action_id: int, priority_id: int, state: ActionState) -> None:
        super().__init__(stack, text)
        self.action_id, self.priority_id, self.state = action_id, priority_id, state

    def forward(self) -> Step:
        return undo_steps.add_action(self.priority_id, self.state)

    def backward(self) -> Step:
        return undo_steps.remove_action(self.action_id)

    def added(self, new_id: int) -> None:
        self.action_id = new_id

    def touched(self, undone: bool) -> Change:
        ids = frozenset({self.action_id})
        return Change(removed=ids) if undone else Change(action_ids=ids)


class AddNodeCommand(ServiceCommand):
    """An added objective or priority. Undo removes it only while it is still empty."""

    def __init__(self, stack: UndoStack, text: str, entity: type[Objective] | type[Priority], entity_id: int,
                 parent_id: int, values: Mapping[str, Any]) -> None:
        super().__init__(stack, text)
        self.entity, self.entity_id, self.parent_id, self.values = entity, entity_id, parent_id, dict(values)

    def forward(self) -> Step:
        return undo_steps.add_node(self.entity, self.parent_id, self.values)

    def backward(self) -> Step:
        return undo_steps.remove_node(self.entity, self.entity_id)

    def added(self, new_id: int) -> None:
        self.entity_id = new_id

    def touched(self, undone: bool) -> Change:
        return Change(structure=True)


def describe_fields(names: Sequence[str]) -> str:
    words = [n.replace("_id", "").replace("_", " ") for n in names]
    return ", ".join(words[:3]) + ("…" if len(words) > 3 else "")
