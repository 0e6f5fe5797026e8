"""Small forms: plan, objective, priority, quarter, person, organisation, preferences and "who am I".

Each is a :class:`FormDialog` whose ``submit`` calls a service; a ``ValidationError`` is shown beside the field it
names and the dialog stays open. All open with ``.open()``; results arrive through ``accepted``/``saved``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.models import Objective, Organisation, OrganisationKind, Person, Priority, Strand
from desktop.services.errors import PathwaysError, ValidationError
from desktop.services.rag import SCHEMES
from desktop.settings import MAX_IDLE_MINUTES, MIN_IDLE_MINUTES, Settings
from desktop.ui import forms_controller
from desktop.ui.dialog_base import field_box
from desktop.ui.filter_bar import STRAND_TEXT
from desktop.ui.forms_controller import Saved
from desktop.ui.undo import AddNodeCommand, EditCommand, UndoStack
from desktop.ui.widgets import FieldError, OptionalDateEdit, count_suffix, heading_label
from desktop.ui.workspace import Change, Workspace

Outcome = tuple[str | None, str] | None  # (field, message) of a broken rule, or None when saved


class FormDialog(QDialog):
    """A heading, a form whose fields each have a message line, and OK/Cancel.

    Signals:
        saved(object): ``submit`` succeeded; carries whatever it stored in ``result``.
    """

    saved = Signal(object)

    def __init__(self, title: str, heading: str, parent: QWidget | None = None, *, ok_text: str = "Save",
                 intro: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("form_dialog")
        self.submit: Callable[[FormDialog], Outcome] = lambda _: None
        self.result_value: Any = None
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, FieldError] = {}
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.form.setVerticalSpacing(8)
        self.general_error = FieldError()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 12)
        layout.setSpacing(10)
        layout.addWidget(heading_label(heading))
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            label.setObjectName("subtle")
            layout.addWidget(label)
        layout.addLayout(self.form)
        layout.addWidget(self.general_error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

    def add_field(self, key: str, label: str, widget: QWidget, *, tip: str = "") -> QWidget:
        widget.setObjectName(key)
        if not widget.accessibleName():
            widget.setAccessibleName(label.replace("&", ""))
        if tip:
            widget.setToolTip(tip)
        text = QLabel(label)
        text.setBuddy(widget)
        error = FieldError(widget)
        box = field_box(widget, error)
        self.fields[key] = widget
        self.errors[key] = error
        self.form.addRow(text, box)
        return widget

    def text(self, key: str) -> str:
        widget = self.fields[key]
        if isinstance(widget, QLineEdit):
            return widget.text().strip()
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText().strip()
        if isinstance(widget, QComboBox):
            return widget.currentText()
        raise TypeError(key)

    def data(self, key: str) -> Any:
        widget = self.fields[key]
        if isinstance(widget, QComboBox):
            return widget.currentData()
        if isinstance(widget, OptionalDateEdit):
            return widget.value()
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        if isinstance(widget, QSpinBox):
            return widget.value()
        return self.text(key)

    def show_error(self, field: str | None, message: str) -> None:
        target = self.errors.get(field or "")
        (target or self.general_error).show_message(message)
        if field in self.fields:
            self.fields[field].setFocus()

    def _on_ok(self) -> None:
        for error in self.errors.values():
            error.clear_message()
        self.general_error.clear_message()
        try:
            outcome = self.submit(self)
        except ValidationError as exc:
            outcome = (exc.field, str(exc))
        except PathwaysError as exc:
            outcome = (None, str(exc))
        if outcome is not None:
            self.show_error(*outcome)
            return
        self.saved.emit(self.result_value)
        self.accept()


def _line(text: str = "", placeholder: str = "", max_length: int = 0) -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    if max_length:
        edit.setMaxLength(max_length)
    return edit


def _area(text: str = "", lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit(text)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 14)
    return edit


def _combo(items: list[tuple[str, Any]], current: Any = None) -> QComboBox:
    combo = QComboBox()
    for text, value in items:
        combo.addItem(text, value)
    if current is not None:
        combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


# ---- plan


def plan_dialog(workspace: Workspace, parent: QWidget | None = None) -> FormDialog:
    partnerships = forms_controller.partnerships(workspace)
    dialog = FormDialog("New plan", "New delivery plan", parent, ok_text="Create plan",
                        intro="A delivery plan holds objectives, priorities and actions, and its quarters.")
    partnership = _combo([*partnerships, ("A new partnership…", None)])
    dialog.add_field("partnership", "&Partnership", partnership)
    new_name = dialog.add_field("name", "New partnership's &name",
                                _line(placeholder="e.g. Safer Hartlepool Partnership"))
    new_name.setEnabled(not partnerships)
    partnership.currentIndexChanged.connect(lambda _: new_name.setEnabled(partnership.currentData() is None))
    dialog.add_field("title", "Plan &title", _line(placeholder="Reducing Re-offending Strategy Delivery Plan"))
    dialog.add_field("period_label", "Plan &period", _line(placeholder="2015–2018", max_length=40))
    dialog.add_field("rag_scheme", "&RAG scheme", _combo([(s.name, s.key) for s in SCHEMES.values()]))

    def submit(d: FormDialog) -> Outcome:
        d.result_value = forms_controller.create_plan(
            workspace, workspace.actor, d.data("partnership"), d.text("name"), d.text("title"),
            period_label=d.text("period_label"), rag_scheme=d.data("rag_scheme"))
        workspace.refresh_plans()
        return None

    dialog.submit = submit
    return dialog


# ---- objectives and priorities


def objective_dialog(workspace: Workspace, stack: UndoStack, parent: QWidget | None = None,
                     objective_id: int | None = None) -> FormDialog:
    assert workspace.data is not None
    plan_id = workspace.data.plan.id
    current: dict[str, Any] = {"code": "", "title": "", "description": ""}
    if objective_id is not None:
        current = forms_controller.values_of(workspace, Objective, objective_id, ("code", "title", "description")) \
            or current
    else:
        current["code"] = f"SO {len(workspace.data.structure) + 1}"
    editing = objective_id is not None
    dialog = FormDialog("Objective", "Edit objective" if editing else "New objective", parent,
                        ok_text="Save" if editing else "Add objective")
    dialog.add_field("code", "&Code", _line(current["code"], "SO 1", 40))
    dialog.add_field("title", "&Title", _area(current["title"], 2))
    dialog.add_field("description", "&Description", _area(current["description"], 3))

    def submit(d: FormDialog) -> Outcome:
        values = {"code": d.text("code"), "title": d.text("title"), "description": d.text("description")}
        saved = forms_controller.save_objective(workspace, workspace.actor, objective_id, plan_id, values)
        return _node_saved(workspace, stack, d, "objective", Objective, objective_id, plan_id, values, saved)

    dialog.submit = submit
    return dialog


def priority_dialog(workspace: Workspace, stack: UndoStack, parent: QWidget | None = None, *,
                    objective_id: int | None = None, priority_id: int | None = None) -> FormDialog:
    assert workspace.data is not None
    structure = workspace.data.structure
    current: dict[str, Any] = {"code": "", "text": "", "strand": Strand.BOTH.value}
    if priority_id is not None:
        found = forms_controller.values_of(workspace, Priority, priority_id, ("code", "text", "strand", "objective_id"))
        if found is not None:
            objective_id = found.pop("objective_id")
            current = found
    elif objective_id is not None:
        objective = next((o for o in structure if o.id == objective_id), None)
        if objective is not None:
            number = objective.code.split()[-1] if objective.code else str(len(structure))
            current["code"] = f"{number}.{len(objective.priorities) + 1}"
    editing = priority_id is not None
    dialog = FormDialog("Priority", "Edit priority" if editing else "New priority", parent,
                        ok_text="Save" if editing else "Add priority")
    objectives = _combo([(f"{o.code}  {' '.join(o.title.split())}"[:90], o.id) for o in structure], objective_id)
    objectives.setEnabled(not editing)
    dialog.add_field("objective", "&Objective", objectives)
    dialog.add_field("code", "&Code", _line(current["code"], "1.1", 40))
    dialog.add_field("text", "&Priority", _area(current["text"], 3))
    dialog.add_field("strand", "&Strand", _combo(list((t, k) for k, t in STRAND_TEXT.items()), current["strand"]))

    def submit(d: FormDialog) -> Outcome:
        values = {"code": d.text("code"), "text": d.text("text"), "strand": Strand(d.data("strand"))}
        parent_id = d.data("objective")
        if parent_id is None:
            return "objective", "Add an objective first: priorities belong to an objective."
        saved = forms_controller.save_priority(workspace, workspace.actor, priority_id, int(parent_id), values)
        return _node_saved(workspace, stack, d, "priority", Priority, priority_id, int(parent_id), values, saved)

    dialog.submit = submit
    return dialog


def _push_edit(stack: UndoStack, text: str, entity: type[Any], entity_id: int, values: dict[str, Any],
               previous: dict[str, Any]) -> None:
    """Put an edit already made on the undo stack: just the fields that changed, with what they were."""
    changed = {k: v for k, v in values.items() if previous.get(k) != v}
    if changed:
        stack.push_applied(EditCommand(stack, text, entity, entity_id, changed, {k: previous[k] for k in changed}))


def _record_saved(workspace: Workspace, stack: UndoStack, d: FormDialog, entity: type[Person | Organisation],
                  entity_id: int | None, values: dict[str, Any], saved: Saved, edit_text: str) -> Outcome:
    """A person or organisation was added or edited: an edit goes on the undo stack; the people lists refresh."""
    d.result_value = saved.id
    if entity_id is not None:
        _push_edit(stack, edit_text, entity, entity_id, values, saved.previous)
    workspace.apply(Change(people=True))
    return None


def _node_saved(workspace: Workspace, stack: UndoStack, d: FormDialog, kind: str,
                entity: type[Objective | Priority], node_id: int | None, parent_id: int, values: dict[str, Any],
                saved: Saved) -> Outcome:
    """An objective or priority was added (``node_id`` None) or edited: put it on the undo stack and refresh the
    plan's structure."""
    label = f"{kind} {values['code']}"
    d.result_value = saved.id
    if node_id is None:
        stack.push_applied(AddNodeCommand(stack, f"Add {label}", entity, saved.id, parent_id, values))
    else:
        _push_edit(stack, f"Edit {label}", entity, node_id, values, saved.previous)
    workspace.apply(Change(structure=True))
    return None


# ---- quarters


def quarter_label(start: dt.date) -> str:
    """UK financial-year quarter label: April–June 2015 is "2015/16 Q1"."""
    year = start.year if start.month >= 4 else start.year - 1
    quarter = ((start.month - 4) % 12) // 3 + 1
    return f"{year}/{(year + 1) % 100:02d} Q{quarter}"


def next_quarter(last_end: dt.date | None, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    if last_end is not None:
        start = last_end + dt.timedelta(days=1)
    else:
        today = today or dt.date.today()
        month = ((today.month - 1) // 3) * 3 + 1
        start = dt.date(today.year, month, 1)
    end_month = start.month + 2
    end_year = start.year + (end_month - 1) // 12
    end_month = (end_month - 1) % 12 + 1
    following = dt.date(end_year + (1 if end_month == 12 else 0), 1 if end_month == 12 else end_month + 1, 1)
    return start, following - dt.timedelta(days=1)


def period_dialog(workspace: Workspace, parent: QWidget | None = None) -> FormDialog:
    assert workspace.data is not None
    plan_id = workspace.data.plan.id
    last = workspace.data.periods[-1].end if workspace.data.periods else None
    start, end = next_quarter(last)
    dialog = FormDialog("Open a new quarter", "Open a new quarter", parent, ok_text="Open quarter",
                        intro="Lead officers record their updates for the open quarter until it is closed.")
    dialog.add_field("label", "&Label", _line(quarter_label(start), "2015/16 Q3", 40))
    start_edit = OptionalDateEdit()
    start_edit.set_value(start)
    end_edit = OptionalDateEdit()
    end_edit.set_value(end)
    deadline = OptionalDateEdit()
    deadline.set_value(end + dt.timedelta(days=15))
    dialog.add_field("start_date", "&Starts", start_edit)
    dialog.add_field("end_date", "&Ends", end_edit)
    dialog.add_field("returns_deadline", "Returns &deadline", deadline, tip="When lead officers' updates are due")

    def submit(d: FormDialog) -> Outcome:
        begin, finish = d.data("start_date"), d.data("end_date")
        if begin is None:
            return "start_date", "A quarter needs a start date."
        if finish is None:
            return "end_date", "A quarter needs an end date."
        d.result_value = forms_controller.open_quarter(workspace, workspace.actor, plan_id, d.text("label"), begin,
                                                       finish, d.data("returns_deadline"))
        workspace.apply(Change(periods=True))
        return None

    dialog.submit = submit
    return dialog


# ---- people and organisations


def person_dialog(workspace: Workspace, stack: UndoStack, parent: QWidget | None = None,
                  person_id: int | None = None) -> FormDialog:
    names = ("name", "job_title", "organisation_id", "email", "phone", "active")
    current: dict[str, Any] = {"name": "", "job_title": "", "organisation_id": None, "email": "", "phone": "",
                               "active": True}
    orgs = forms_controller.organisations(workspace)
    if person_id is not None:
        current = forms_controller.values_of(workspace, Person, person_id, names) or current
    editing = person_id is not None
    dialog = FormDialog("Lead officer", "Edit person" if editing else "New person", parent,
                        ok_text="Save" if editing else "Add person",
                        intro="Some leads are roles (“Chair / Vice Chair”): give a name, a job title, or both.")
    dialog.add_field("name", "&Name", _line(current["name"] or ""))
    dialog.add_field("job_title", "&Job title or role", _line(current["job_title"]))
    dialog.add_field("organisation_id", "&Organisation", _combo([("None", None), *orgs], current["organisation_id"]))
    dialog.add_field("email", "&Email", _line(current["email"]))
    dialog.add_field("phone", "&Phone", _line(current["phone"]))
    active = QCheckBox("Can be chosen as a lead officer")
    active.setChecked(bool(current["active"]))
    dialog.add_field("active", "&Active", active)

    def submit(d: FormDialog) -> Outcome:
        values = {"name": d.text("name") or None, "job_title": d.text("job_title"),
                  "organisation_id": d.data("organisation_id"), "email": d.text("email"), "phone": d.text("phone"),
                  "active": d.data("active")}
        if not (values["name"] or values["job_title"]):
            return "name", "A lead needs a name or a role (job title)."
        saved = forms_controller.save_person(workspace, workspace.actor, person_id, values)
        return _record_saved(workspace, stack, d, Person, person_id, values, saved, f"Edit {saved.label}")

    dialog.submit = submit
    return dialog


def organisation_dialog(workspace: Workspace, stack: UndoStack, parent: QWidget | None = None,
                        organisation_id: int | None = None) -> FormDialog:
    current: dict[str, Any] = {"name": "", "short_name": "", "kind": OrganisationKind.OTHER.value}
    if organisation_id is not None:
        current = forms_controller.values_of(workspace, Organisation, organisation_id,
                                             ("name", "short_name", "kind")) or current
    editing = organisation_id is not None
    dialog = FormDialog("Partner organisation", "Edit organisation" if editing else "New organisation", parent,
                        ok_text="Save" if editing else "Add organisation")
    dialog.add_field("name", "&Name", _line(current["name"], "Durham Constabulary"))
    dialog.add_field("short_name", "&Short name", _line(current["short_name"], "Police", 60))
    kinds = [(k.label if k != OrganisationKind.YOS else "Youth offending service", k.value) for k in OrganisationKind]
    kinds = [("CRC (community rehabilitation company)" if v == "crc" else "Police and crime commissioner's office"
              if v == "commissioner" else t, v) for t, v in kinds]
    dialog.add_field("kind", "&Kind", _combo(kinds, current["kind"]))

    def submit(d: FormDialog) -> Outcome:
        values = {"name": d.text("name"), "short_name": d.text("short_name"), "kind": OrganisationKind(d.data("kind"))}
        saved = forms_controller.save_organisation(workspace, workspace.actor, organisation_id, values)
        return _record_saved(workspace, stack, d, Organisation, organisation_id, values, saved,
                             f"Edit {values['name']}")

    dialog.submit = submit
    return dialog


# ---- preferences and identity


def preferences_dialog(settings: Settings, parent: QWidget | None = None) -> FormDialog:
    dialog = FormDialog("Preferences", "Preferences", parent)
    minutes = QSpinBox()
    minutes.setRange(MIN_IDLE_MINUTES, MAX_IDLE_MINUTES)
    minutes.setValue(settings.idle_lock_minutes())
    count_suffix(minutes, "minute")
    dialog.add_field("idle_minutes", "&Lock after", minutes,
                     tip="Close the store and drop its key after this long without keyboard or mouse use")

    def submit(d: FormDialog) -> Outcome:
        settings.set_idle_lock_minutes(int(d.data("idle_minutes")))
        d.result_value = settings.idle_lock_minutes()
        return None

    dialog.submit = submit
    return dialog


def who_am_i_dialog(workspace: Workspace, parent: QWidget | None = None) -> FormDialog:
    dialog = FormDialog("Who are you?", "Who is using Pathways?", parent, ok_text="Use this person",
                        intro="Updates, edits and the audit trail name the person you choose here. Pathways "
                              "remembers it for this store on this computer.")
    items: list[tuple[str, Any]] = [("Not one of the store's people", None), *forms_controller.active_people(workspace)]
    combo = _combo(items, workspace.person_id)
    combo.setMinimumContentsLength(36)
    dialog.add_field("person", "&Person", combo)

    def submit(d: FormDialog) -> Outcome:
        workspace.set_person(d.data("person"))
        d.result_value = d.data("person")
        return None

    dialog.submit = submit
    return dialog
