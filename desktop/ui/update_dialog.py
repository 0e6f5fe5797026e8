"""Record a quarterly update for the open quarter, one action after another ("Save and next").

The RAG suggestion and its reason come from ``services.updates.suggest_rag``; the rules (a commentary when the RAG
changes, a remedial action and owner for Red and Amber) are enforced by ``services.updates.record_update``, and any
rule it reports is shown beside its field. The lead officer decides the RAG; both are recorded.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.services.concurrency import TheirUpdate
from desktop.services.rag import RagScheme, RagStatus
from desktop.services.readmodels import HistoryEntry
from desktop.settings import UPDATE_GEOMETRY
from desktop.ui.action_table_model import format_date
from desktop.ui.dialog_base import field_box, side_button
from desktop.ui.icons import icon
from desktop.ui.rag_delegate import rag_icon, rag_pixmap
from desktop.ui.update_controller import CONFLICT, UpdateController, UpdateValues
from desktop.ui.widgets import FieldError, add_shortcut, heading_label, remember_geometry
from desktop.ui.workspace import Workspace


class RagChooser(QWidget):
    """One radio button per status (chip with letter + label). Typing a status's letter picks it.

    Signals:
        chosen(object): the chosen status key (or None).
    """

    chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rag_chooser")
        self.setAccessibleName("RAG status")
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(14)
        self._buttons: dict[str, QRadioButton] = {}
        self._statuses: tuple[RagStatus, ...] = ()
        self.group.buttonToggled.connect(self._on_toggled)

    def set_scheme(self, scheme: RagScheme) -> None:
        for button in self._buttons.values():
            self.group.removeButton(button)
            button.deleteLater()
        self._buttons = {}
        while self._layout.count():
            self._layout.takeAt(0)
        self._statuses = scheme.statuses
        for status in scheme.statuses:
            button = QRadioButton(f"{status.label} ({status.letter})")
            button.setObjectName(f"rag_{status.key}")
            button.setIcon(rag_icon(status))
            button.setIconSize(QSize(30, 20))
            button.setToolTip(status.definition)
            button.setAccessibleName(f"{status.label}, letter {status.letter}")
            button.setAccessibleDescription(status.definition)
            button.setProperty("rag_key", status.key)
            self.group.addButton(button)
            self._layout.addWidget(button)
            self._buttons[status.key] = button
        self._layout.addStretch(1)

    def value(self) -> str | None:
        button = self.group.checkedButton()
        return str(button.property("rag_key")) if button else None

    def set_value(self, key: str | None) -> None:
        if key in self._buttons:
            self._buttons[key].setChecked(True)
        else:
            self.group.setExclusive(False)
            for button in self._buttons.values():
                button.setChecked(False)
            self.group.setExclusive(True)
            self.chosen.emit(None)

    def first_button(self) -> QRadioButton | None:
        return next(iter(self._buttons.values()), None)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        text = event.text().upper()
        if text and text.isalpha():
            matches = [s.key for s in self._statuses if s.letter.upper().startswith(text)]
            if matches:
                current = self.value()
                key = matches[(matches.index(current) + 1) % len(matches)] if current in matches else matches[0]
                self._buttons[key].setChecked(True)
                self._buttons[key].setFocus()
                return
        super().keyPressEvent(event)

    def _on_toggled(self, button: QAbstractButton, checked: bool) -> None:
        if checked:
            self.chosen.emit(button.property("rag_key"))


class UpdateDialog(QDialog):
    """Signals:
        recorded(int): an update was recorded for this action id.
    """

    recorded = Signal(int)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("update_dialog")
        self.setWindowTitle("Record quarterly update")
        self.setSizeGripEnabled(True)
        self.workspace = workspace
        self.controller = UpdateController(workspace)

        self.heading = heading_label("Record update")
        self.progress = QLabel()
        self.progress.setObjectName("subtle")
        self.progress.setAccessibleName("Position in the queue")
        self.action_code = QLabel()
        self.action_code.setObjectName("action_code")
        font = self.action_code.font()
        font.setBold(True)
        self.action_code.setFont(font)
        self.action_text = QLabel()
        self.action_text.setObjectName("action_text")
        self.action_text.setWordWrap(True)
        self.action_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts = QLabel()
        self.facts.setObjectName("subtle")
        self.facts.setWordWrap(True)
        self.last = QLabel()
        self.last.setObjectName("last_update")
        self.last.setWordWrap(True)
        self.last_chip = QLabel()
        card = QFrame()
        card.setObjectName("card")
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(12, 10, 12, 10)
        card_layout.setSpacing(4)
        card_layout.addWidget(self.action_code)
        card_layout.addWidget(self.action_text)
        card_layout.addWidget(self.facts)
        last_row = QHBoxLayout()
        last_row.setSpacing(8)
        last_row.addWidget(self.last_chip, 0, Qt.AlignmentFlag.AlignTop)
        last_row.addWidget(self.last, 1)
        card_layout.addLayout(last_row)
        # After a conflict: the update someone else recorded first, beside the user's own (kept in the form below).
        self.their_update = QLabel()
        self.their_update.setObjectName("their_update")
        self.their_update.setWordWrap(True)
        self.their_update.setTextFormat(Qt.TextFormat.PlainText)
        self.their_update.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.their_chip = QLabel()
        self.theirs_card = QFrame()
        self.theirs_card.setObjectName("card")
        theirs_layout = QHBoxLayout(self.theirs_card)
        theirs_layout.setContentsMargins(12, 10, 12, 10)
        theirs_layout.setSpacing(8)
        theirs_layout.addWidget(self.their_chip, 0, Qt.AlignmentFlag.AlignTop)
        theirs_layout.addWidget(self.their_update, 1)
        self.theirs_card.hide()

        self.rag = RagChooser()
        self.suggestion_chip = QLabel()
        self.suggestion = QLabel()
        self.suggestion.setObjectName("suggestion")
        self.suggestion.setWordWrap(True)
        self.use_suggestion = side_button("&Use suggestion", "use_suggestion")
        self.forecast = QComboBox()
        self.forecast.setObjectName("forecast_rag")
        self.forecast.setAccessibleName("Forecast RAG at the due date")
        self.percent = QSpinBox()
        self.percent.setObjectName("percent_complete")
        self.percent.setAccessibleName("Percent complete")
        self.percent.setRange(-1, 100)
        self.percent.setSpecialValueText("Not given")
        self.percent.setSuffix(" %")
        self.percent.setValue(-1)
        self.percent.setMinimumWidth(110)
        self.percent.setMaximumWidth(200)
        self.commentary = QPlainTextEdit()
        self.commentary.setObjectName("commentary")
        self.commentary.setAccessibleName("Commentary")
        self.commentary.setTabChangesFocus(True)
        self.commentary.setPlaceholderText("What has happened this quarter; needed when the RAG changes")
        self.commentary.setFixedHeight(self.commentary.fontMetrics().lineSpacing() * 4 + 14)
        self.remedial = QPlainTextEdit()
        self.remedial.setObjectName("remedial_action")
        self.remedial.setAccessibleName("Remedial action")
        self.remedial.setTabChangesFocus(True)
        self.remedial.setFixedHeight(self.remedial.fontMetrics().lineSpacing() * 3 + 14)
        self.owner = QComboBox()
        self.owner.setObjectName("remedial_owner")
        self.owner.setAccessibleName("Owner of the remedial action")
        self.owner.setMinimumContentsLength(28)
        self.owner.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.remedial_label = QLabel("Re&medial action")
        self.owner_label = QLabel("Remedial o&wner")

        self.errors: dict[str, FieldError] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setVerticalSpacing(8)
        self._row(form, QLabel("&RAG status"), self.rag, "rag", buddy=self.rag)
        suggestion_row = QHBoxLayout()
        suggestion_row.setSpacing(8)
        suggestion_row.addWidget(self.suggestion_chip, 0, Qt.AlignmentFlag.AlignTop)
        suggestion_row.addWidget(self.suggestion, 1)
        suggestion_row.addWidget(self.use_suggestion, 0, Qt.AlignmentFlag.AlignTop)
        suggestion_widget = QWidget()
        suggestion_widget.setLayout(suggestion_row)
        suggestion_row.setContentsMargins(0, 0, 0, 0)
        form.addRow(QLabel("Suggested"), suggestion_widget)
        self._row(form, QLabel("&Forecast"), self.forecast, "forecast_rag")
        self._row(form, QLabel("% com&plete"), self.percent, "percent_complete")
        self._row(form, QLabel("&Commentary"), self.commentary, "commentary")
        self._row(form, self.remedial_label, self.remedial, "remedial_action")
        self._row(form, self.owner_label, self.owner, "remedial_owner")

        self.general_error = FieldError()
        self.skip_button = QPushButton(icon("next"), "S&kip")
        self.skip_button.setObjectName("skip")
        self.skip_button.setToolTip("Leave this action and go to the next one needing an update")
        self.save_button = QPushButton("&Save")
        self.save_button.setObjectName("save")
        self.next_button = QPushButton(icon("next"), "Save and &next")
        self.next_button.setObjectName("save_next")
        self.next_button.setToolTip("Save and go to the next action needing an update (Ctrl+Enter)")
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("close")
        for button in (self.skip_button, self.save_button, self.close_button):
            button.setAutoDefault(False)
        self.next_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.general_error, 1)
        buttons.addStretch(0)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.next_button)

        note = QLabel("Updates are kept as recorded; to correct one, record a newer update.")
        note.setObjectName("subtle")
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 6, 0)
        body_layout.setSpacing(10)
        body_layout.addWidget(card)
        body_layout.addWidget(self.theirs_card)
        body_layout.addLayout(form)
        body_layout.addStretch(1)
        # The fields scroll when the screen is short (large text); the buttons always stay in view.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not a Tab stop of its own: Tab goes RAG → … → commentary
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(10)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.progress)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        layout.addWidget(note)
        layout.addLayout(buttons)

        self.rag.chosen.connect(self._on_rag_chosen)
        self.percent.valueChanged.connect(self._on_percent_changed)
        self.use_suggestion.clicked.connect(self._on_use_suggestion)
        self.skip_button.clicked.connect(self._on_skip)
        self.save_button.clicked.connect(lambda: self._on_save(advance=False))
        self.next_button.clicked.connect(lambda: self._on_save(advance=True))
        self.close_button.clicked.connect(self.reject)
        add_shortcut(self, QKeySequence("Ctrl+Return"), lambda: self._on_save(advance=True))
        add_shortcut(self, QKeySequence("Ctrl+Enter"), lambda: self._on_save(advance=True))
        add_shortcut(self, QKeySequence.StandardKey.Save, lambda: self._on_save(advance=False))
        self._suggested: str | None = None
        remember_geometry(self, workspace.settings, UPDATE_GEOMETRY, 880, 700)

    def _row(self, form: QFormLayout, label: QLabel, field: QWidget, key: str, buddy: QWidget | None = None) -> None:
        label.setBuddy(buddy or field)
        error = FieldError(field)
        self.errors[key] = error
        form.addRow(label, field_box(field, error))

    # ---- the queue

    def start(self, action_ids: Sequence[int], first: int | None = None) -> bool:
        """Begin with ``first`` (or the first in ``action_ids``); returns False when there is nothing to do."""
        problem = self.controller.period_problem()
        if problem:
            self.general_error.show_message(problem)
            return False
        action_id = self.controller.start(action_ids, first)
        if action_id is None:
            return False
        self._show(action_id)
        return True

    def _show(self, action_id: int) -> None:
        data = self.controller.data
        scheme = data.scheme
        period = data.current_period
        assert period is not None
        detail = self.controller.load(action_id)
        self._clear_errors()
        self.heading.setText(f"Record update · {period.label}")
        remaining = self.controller.remaining()
        self.progress.setText(f"{remaining:,} awaiting an update" if len(self.controller.queue) > 1 else "")
        self.action_code.setText(f"Action {detail.code}".strip())
        self.action_text.setText(detail.text)
        people = {p.id: p.display_name for p in data.people}
        leads = " / ".join(people.get(pid, "") for pid in detail.lead_ids) or "no lead officer"
        due = format_date(detail.due_date) if detail.due_date else (detail.timescale or "no due date")
        self.facts.setText(f"Lead: {leads} · Due: {due} · Status: {detail.status.label}")
        last = detail.history[0] if detail.history else None
        self._show_last(last, scheme)
        self.theirs_card.hide()

        self.rag.set_scheme(scheme)
        self.forecast.clear()
        self.forecast.addItem("Not given", None)
        for status in scheme.statuses:
            self.forecast.addItem(rag_icon(status), f"{status.label} ({status.letter})", status.key)
        self.owner.clear()
        self.owner.addItem("Choose the owner…", None)
        for person in data.people:
            if person.active:
                self.owner.addItem(person.display_name, person.id)
        in_period = last if last and last.period == period.label else None
        self.rag.set_value(in_period.rag if in_period else (last.rag if last else None))
        self.forecast.setCurrentIndex(max(0, self.forecast.findData(last.forecast_rag)) if last else 0)
        self.percent.blockSignals(True)
        self.percent.setValue(last.percent_complete if last and last.percent_complete is not None else -1)
        self.percent.blockSignals(False)
        self.commentary.clear()
        self.remedial.setPlainText(last.remedial_action if last else "")
        owner_id = None
        if last and last.remedial_owner:
            owner_id = next((p.id for p in data.people if p.display_name == last.remedial_owner), None)
        if owner_id is None and detail.lead_ids:
            owner_id = detail.lead_ids[0]
        self.owner.setCurrentIndex(max(0, self.owner.findData(owner_id)) if owner_id else 0)
        self._refresh_suggestion()
        self._on_rag_chosen(self.rag.value())
        self.next_button.setEnabled(True)
        first = self.rag.group.checkedButton() or self.rag.first_button()
        if first is not None:
            first.setFocus()

    def _show_last(self, last: HistoryEntry | None, scheme: RagScheme) -> None:
        if last is None:
            self.last_chip.clear()
            self.last.setText("No update recorded yet.")
            return
        status = scheme.find(last.rag)
        self.last_chip.setPixmap(rag_pixmap(status, 18, self.devicePixelRatioF()))
        pct = f" · {last.percent_complete}% complete" if last.percent_complete is not None else ""
        words = " ".join(last.commentary.split())
        if len(words) > 220:
            words = words[:217] + "…"
        label = status.label if status else "No status"
        self.last.setText(f"Last update ({last.period}): {label}{pct}. {words}")

    def _show_theirs(self, theirs: TheirUpdate | None) -> None:
        """The update that was recorded while the user typed theirs: RAG, % complete, commentary, who and when."""
        if theirs is None:
            self.theirs_card.hide()
            return
        status = self.controller.scheme.find(theirs.rag)
        self.their_chip.setPixmap(rag_pixmap(status, 18, self.devicePixelRatioF()))
        people = {p.id: p.display_name for p in self.controller.data.people}
        who = people.get(theirs.author_id, "someone else") if theirs.author_id is not None else "someone else"
        when = theirs.recorded_at
        if when.tzinfo is not None:
            when = when.astimezone()
        label = status.label if status else "No status"
        pct = f" · {theirs.percent_complete}% complete" if theirs.percent_complete is not None else ""
        words = " ".join(theirs.commentary.split()) or "(no commentary)"
        text = (f"Their update, recorded by {who} at {when:%H:%M} on {format_date(when.date())}: {label}{pct}. "
                f"{words}\nYours is below, not saved yet: review it against theirs, then save again.")
        self.their_update.setText(text)
        self.their_update.setAccessibleName(text)
        self.theirs_card.show()

    # ---- reacting

    def _refresh_suggestion(self) -> None:
        value = self.percent.value()
        suggestion = self.controller.suggest(None if value < 0 else value)
        status = self.controller.scheme.find(suggestion.rag)
        self._suggested = suggestion.rag
        self.suggestion_chip.setPixmap(rag_pixmap(status, 18, self.devicePixelRatioF()))
        label = f"{status.label} ({status.letter})" if status else "No suggestion"
        self.suggestion.setText(f"{label}: {suggestion.reason}")
        self.suggestion.setAccessibleName(f"Suggested status {label}. {suggestion.reason}")
        self.use_suggestion.setEnabled(status is not None and self.rag.value() != suggestion.rag)

    def _on_percent_changed(self, _: int) -> None:
        self._refresh_suggestion()

    def _on_use_suggestion(self) -> None:
        if self._suggested:
            self.rag.set_value(self._suggested)

    def _on_rag_chosen(self, key: object) -> None:
        status = self.controller.scheme.find(key if isinstance(key, str) else None)
        needs = bool(status and status.needs_remedial)
        self.remedial_label.setText("Re&medial action (required)" if needs else "Re&medial action")
        self.owner_label.setText("Remedial o&wner (required)" if needs else "Remedial o&wner")
        self.use_suggestion.setEnabled(self._suggested is not None and key != self._suggested)

    def values(self) -> UpdateValues:
        percent = self.percent.value()
        return UpdateValues(
            rag=self.rag.value(),
            forecast_rag=self.forecast.currentData(),
            percent_complete=None if percent < 0 else percent,
            commentary=self.commentary.toPlainText().strip(),
            remedial_action=self.remedial.toPlainText().strip(),
            remedial_owner_id=self.owner.currentData(),
        )

    def _clear_errors(self) -> None:
        for error in self.errors.values():
            error.clear_message()
        self.general_error.clear_message()

    def _on_save(self, *, advance: bool) -> None:
        if self.controller.detail is None:
            return
        self._clear_errors()
        action_id = self.controller.detail.id
        field, message = self.controller.save(self.values())
        if field == CONFLICT:  # nothing saved; the user's text stays in the form beside theirs
            self.general_error.show_message(message)
            self._show_theirs(self.controller.theirs)
            self.commentary.setFocus()
            return
        if message:
            target = self.errors.get(field or "")
            (target or self.general_error).show_message(message)
            widget = {"rag": self.rag.first_button()}.get(field or "") or self.findChild(QWidget, field or "")
            if widget is not None:
                widget.setFocus()
            return
        self.recorded.emit(action_id)
        if not advance:
            self.accept()
            return
        self._go_next()

    def _on_skip(self) -> None:
        self._go_next()

    def _go_next(self) -> None:
        next_id = self.controller.advance()
        if next_id is None:
            self.progress.setText("All done")
            self.accept()
            return
        self._show(next_id)
