"""The action editor: every field of an action, its leads and pathways, and its update history as a timeline.

The dialog only gathers what the user typed; :class:`ActionEditorController` hands it to ``services.plans`` (which
holds every rule) and turns a ``ValidationError`` into a message beside the field it names.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.models import ActionStatus
from desktop.services.rag import scheme as rag_scheme
from desktop.services.readmodels import PlanData
from desktop.settings import EDITOR_GEOMETRY
from desktop.ui.action_editor_controller import ActionEditorController
from desktop.ui.undo import ActionState, UndoStack
from desktop.ui.widgets import (
    FieldError,
    LeadsEditor,
    OptionalDateEdit,
    TagPicker,
    TimelineView,
    add_shortcut,
    chooser,
    heading_label,
    named,
    remember_geometry,
)
from desktop.ui.workspace import Workspace


def _text_edit(name: str, accessible: str, lines: int = 3) -> QPlainTextEdit:
    edit = named(QPlainTextEdit(), name, accessible)
    edit.setTabChangesFocus(True)
    height = edit.fontMetrics().lineSpacing() * lines + 14
    edit.setFixedHeight(height)
    return edit


class ActionEditor(QDialog):
    """Signals:
        saved(int): the action was saved (its id).
    """

    saved = Signal(int)

    def __init__(self, workspace: Workspace, stack: UndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("action_editor")
        self.setWindowTitle("Action")
        self.setSizeGripEnabled(True)
        self.controller = ActionEditorController(workspace, stack)
        self.workspace = workspace

        self.heading = heading_label("New action")
        self.context = QLabel()
        self.context.setObjectName("subtle")
        self.context.setWordWrap(True)

        self.priority = chooser("priority", "Priority", 30)
        self.priority_text = named(QLabel(), "priority_text")
        self.priority_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code = named(QLineEdit(), "code", "Code")
        self.code.setMaxLength(40)
        self.code.setMaximumWidth(160)
        self.text = _text_edit("text", "Action", 3)
        self.measures = _text_edit("progress_measures", "Progress measures, one per line", 3)
        self.outcome = _text_edit("expected_outcome", "Expected outcome", 2)
        self.leads = LeadsEditor()
        self.organisation = named(QComboBox(), "lead_organisation", "Lead organisation")
        self.resources = named(QLineEdit(), "resources", "Resources")
        self.start = named(OptionalDateEdit(), "start_date", "Start date")
        self.due = named(OptionalDateEdit(), "due_date", "Due date")
        self.timescale = named(QLineEdit(), "timescale", "Timescale as written in the plan")
        self.timescale.setPlaceholderText("As the plan words it: “End May 2014”, “ongoing”")
        self.status = named(QComboBox(), "status", "Status")
        for status in ActionStatus:
            self.status.addItem(status.label, status)
        self.pathways = TagPicker()
        self.pathways.setAccessibleName("Critical pathways")
        self.reason = named(QLineEdit(), "reason", "Reason for the change")
        self.reason.setPlaceholderText("Optional; recorded in the audit trail")

        self.errors: dict[str, FieldError] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setVerticalSpacing(8)
        self._row(form, "P&riority", self.priority, "priority")
        form.addRow(QLabel("Priority"), self.priority_text)
        self.form = form
        self._row(form, "&Code", self.code, "code")
        self._row(form, "&Action", self.text, "text")
        self._row(form, "Progress &measures", self.measures, "progress_measures")
        self._row(form, "E&xpected outcome", self.outcome, "expected_outcome")
        self._row(form, "&Lead officers", self.leads, "leads", buddy=self.leads.chooser)
        self._row(form, "Lead or&ganisation", self.organisation, "lead_organisation_id")
        self._row(form, "R&esources", self.resources, "resources")
        dates = QHBoxLayout()
        dates.setSpacing(8)
        dates.addWidget(self.start)
        due_label = QLabel("&Due")
        due_label.setBuddy(self.due)
        dates.addWidget(due_label)
        dates.addWidget(self.due)
        dates.addStretch(1)
        dates_widget = QWidget()
        dates_widget.setLayout(dates)
        dates.setContentsMargins(0, 0, 0, 0)
        self._row(form, "S&tart", dates_widget, "start_date", buddy=self.start)
        self.errors["due_date"] = self.errors["start_date"]
        self._row(form, "T&imescale", self.timescale, "timescale")
        self._row(form, "&Status", self.status, "status")
        self._row(form, "Critical &pathways", self.pathways, "pathways")
        self._row(form, "Reason for c&hange", self.reason, "reason")

        form_widget = QWidget()
        form_widget.setObjectName("editor_form")
        form_widget.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no invisible Tab stop between the fields
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(form_widget)

        self.timeline = TimelineView()
        history = QWidget()
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(8, 0, 0, 0)
        history_heading = heading_label("Update &history")
        history_heading.setBuddy(self.timeline)
        history_layout.addWidget(history_heading)
        history_layout.addWidget(self.timeline, 1)
        self.history_panel = history

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(history)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([640, 420])
        self.splitter.setChildrenCollapsible(False)

        self.general_error = FieldError()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setToolTip("Save (Ctrl+S)")
        self.buttons.accepted.connect(self._on_save)
        self.buttons.rejected.connect(self.reject)
        add_shortcut(self, QKeySequence.StandardKey.Save, self._on_save)
        add_shortcut(self, QKeySequence("Ctrl+Return"), self._on_save)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(8)
        layout.addWidget(self.heading)
        layout.addWidget(self.context)
        layout.addWidget(self.splitter, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.general_error, 1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)
        remember_geometry(self, workspace.settings, EDITOR_GEOMETRY, 1080, 760)

    def _row(self, form: QFormLayout, text: str, field: QWidget, key: str, buddy: QWidget | None = None) -> None:
        label = QLabel(text)
        label.setBuddy(buddy or field)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(field)
        error = FieldError(buddy or field)
        column.addWidget(error)
        self.errors[key] = error
        form.addRow(label, box)

    # ---- filling

    def edit_action(self, action_id: int | None, data: PlanData, priority_id: int | None = None) -> None:
        """Show ``action_id`` (or a blank new action under ``priority_id``)."""
        detail = self.controller.load(action_id)
        self.priority.clear()
        for objective in data.structure:
            for priority in objective.priorities:
                label = f"{objective.code} › {priority.code}  {' '.join(priority.text.split())}"
                self.priority.addItem(label if len(label) < 90 else label[:88] + "…", priority.id)
                self.priority.setItemData(self.priority.count() - 1, priority.text, Qt.ItemDataRole.ToolTipRole)
        wanted = detail.priority_id if detail else priority_id
        self.priority.setCurrentIndex(max(0, self.priority.findData(wanted)) if wanted is not None else 0)
        # A new action chooses its priority; an existing one shows where it sits (actions do not move).
        self.form.setRowVisible(0, detail is None)
        self.form.setRowVisible(self.priority_text, detail is not None)
        if detail is not None:
            home = next((o for o in data.structure if o.id == detail.objective_id), None)
            place = next((p for p in home.priorities if p.id == detail.priority_id), None) if home else None
            where = f"{home.code} {' '.join(home.title.split())}" if home else ""
            text = f"{where}\n{place.code}  {' '.join(place.text.split())}" if place else where
            self.priority_text.setToolTip(text)
            self.priority_text.setText("\n".join(line if len(line) <= 80 else line[:79] + "…"
                                                 for line in text.splitlines()))
        self.organisation.clear()
        self.organisation.addItem("None", None)
        for org in data.organisations:
            self.organisation.addItem(org.display_name, org.id)
        scheme = rag_scheme(data.plan.rag_scheme)
        if detail is None:
            self.setWindowTitle("New action")
            self.heading.setText("New action")
            self.context.setText(f"In {data.plan.title}")
            for widget in (self.code, self.resources, self.timescale, self.reason):
                widget.clear()
            for edit in (self.text, self.measures, self.outcome):
                edit.clear()
            self.leads.set_people(data.people, ())
            self.organisation.setCurrentIndex(0)
            self.start.set_value(None)
            self.due.set_value(None)
            self.status.setCurrentIndex(0)
            self.pathways.set_tags(data.pathways, ())
            self.timeline.set_entries((), scheme)
            self.history_panel.setVisible(False)
        else:
            self.setWindowTitle(f"Action {detail.code}")
            self.heading.setText(f"Action {detail.code}".strip())
            self.context.setText(data.plan.title)
            self.code.setText(detail.code)
            self.text.setPlainText(detail.text)
            self.measures.setPlainText("\n".join(detail.progress_measures))
            self.outcome.setPlainText(detail.expected_outcome)
            self.leads.set_people(data.people, detail.lead_ids)
            self.organisation.setCurrentIndex(max(0, self.organisation.findData(detail.lead_organisation_id))
                                              if detail.lead_organisation_id else 0)
            self.resources.setText(detail.resources)
            self.start.set_value(detail.start_date)
            self.due.set_value(detail.due_date)
            self.timescale.setText(detail.timescale)
            self.status.setCurrentIndex(max(0, self.status.findData(detail.status)))
            self.pathways.set_tags(data.pathways, detail.pathways)
            self.reason.clear()
            self.timeline.set_entries(detail.history, scheme)
            self.history_panel.setVisible(True)
        self._clear_errors()
        (self.priority if detail is None else self.code).setFocus()

    def state(self) -> ActionState:
        fields: dict[str, Any] = {
            "code": self.code.text().strip(),
            "text": self.text.toPlainText().strip(),
            "progress_measures": "\n".join(m.strip() for m in self.measures.toPlainText().splitlines() if m.strip()),
            "expected_outcome": self.outcome.toPlainText().strip(),
            "lead_organisation_id": self.organisation.currentData(),
            "resources": self.resources.text().strip(),
            "start_date": self.start.value(),
            "due_date": self.due.value(),
            "timescale": self.timescale.text().strip(),
            "status": self.status.currentData(),
        }
        return ActionState(fields, self.leads.lead_ids(), tuple(self.pathways.chosen()))

    # ---- saving

    def _clear_errors(self) -> None:
        for error in self.errors.values():
            error.clear_message()
        self.general_error.clear_message()

    def _on_save(self) -> None:
        self._clear_errors()
        result = self.controller.save(self.priority.currentData(), self.state(), self.reason.text().strip())
        if not result.ok:
            target = self.errors.get(result.field or "")
            (target or self.general_error).show_message(result.message)
            field = self.findChild(QWidget, result.field or "")
            if field is not None:
                field.setFocus()
            return
        assert result.action_id is not None
        self.saved.emit(result.action_id)
        self.accept()
