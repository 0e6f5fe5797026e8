"""The action editor's controller: loads an action for editing and saves the form through ``services.plans`` (which
holds every rule), with undo. A ``ValidationError`` comes back as a message naming the field it concerns.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.models import Action, Organisation, Person, Priority
from desktop.services import plans
from desktop.services.errors import PathwaysError, ValidationError
from desktop.services.readmodels import ActionDetail, action_detail
from desktop.ui.undo import ActionEditCommand, ActionState, AddActionCommand, UndoStack, apply_action_state
from desktop.ui.workspace import Change, Workspace


@dataclass(frozen=True)
class SaveResult:
    action_id: int | None
    field: str | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.action_id is not None and not self.message


class ActionEditorController:
    """Loads an action for editing and saves the form through the services (with undo)."""

    def __init__(self, workspace: Workspace, stack: UndoStack) -> None:
        self.workspace = workspace
        self.stack = stack
        self.detail: ActionDetail | None = None

    def load(self, action_id: int | None) -> ActionDetail | None:
        if action_id is None:
            self.detail = None
        else:
            with self.workspace.session() as session:
                self.detail = action_detail(session, action_id)
        return self.detail

    def save(self, priority_id: int | None, state: ActionState, reason: str) -> SaveResult:
        try:
            if self.detail is None:
                return self._add(priority_id, state, reason)
            return self._edit(self.detail, state, reason)
        except ValidationError as exc:
            return SaveResult(None, exc.field, str(exc))
        except PathwaysError as exc:
            return SaveResult(None, None, str(exc))

    def _add(self, priority_id: int | None, state: ActionState, reason: str) -> SaveResult:
        if priority_id is None:
            return SaveResult(None, "priority", "Choose the priority this action belongs to.")
        f = state.fields
        with self.workspace.session() as session:
            priority = session.get(Priority, priority_id)
            if priority is None:
                return SaveResult(None, "priority", "That priority no longer exists.")
            org = session.get(Organisation, f["lead_organisation_id"]) if f.get("lead_organisation_id") else None
            action = plans.add_action(
                session, self.workspace.actor, priority, f["code"], f["text"],
                progress_measures=str(f["progress_measures"]).splitlines(),
                expected_outcome=f["expected_outcome"],
                leads=[p for p in (session.get(Person, pid) for pid in state.lead_ids) if p is not None],
                lead_organisation=org, resources=f["resources"], start_date=f["start_date"],
                due_date=f["due_date"], timescale=f["timescale"], status=f["status"],
                pathways=list(state.pathways), reason=reason,
            )
            new_id = action.id
        command = AddActionCommand(self.stack, f"Add action {f['code'] or ''}".strip(), new_id, priority_id, state)
        self.stack.push_applied(command)
        self.workspace.apply(Change(action_ids=frozenset({new_id})))
        return SaveResult(new_id)

    def _edit(self, detail: ActionDetail, state: ActionState, reason: str) -> SaveResult:
        before = ActionState(detail.fields(), detail.lead_ids, detail.pathways)
        if before == state:
            return SaveResult(detail.id)
        with self.workspace.session() as session:
            action = session.get(Action, detail.id)
            if action is None:
                return SaveResult(None, None, "That action no longer exists.")
            apply_action_state(session, self.workspace.actor, action, state, before, reason)
        changed = [k for k, v in state.fields.items() if before.fields.get(k) != v]
        if state.lead_ids != before.lead_ids:
            changed.append("leads")
        if state.pathways != before.pathways:
            changed.append("pathways")
        text = f"Edit {detail.code or 'action'}: " + ", ".join(c.replace("_id", "").replace("_", " ") for c in changed)
        self.stack.push_applied(ActionEditCommand(self.stack, text, detail.id, before, state))
        self.workspace.apply(Change(action_ids=frozenset({detail.id})))
        return SaveResult(detail.id)
