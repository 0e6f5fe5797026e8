"""The detail panel on the right of the plan view: the selected action at a glance, with its two main commands."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.services.queries import ActionRow
from desktop.services.rag import RagScheme
from desktop.ui.action_table_model import DIRECTION_TEXT, DIRECTION_TIP, due_text, format_date
from desktop.ui.icons import icon
from desktop.ui.rag_delegate import describe, rag_pixmap
from desktop.ui.widgets import column_of, heading_label, named, separator


def _value_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                  | Qt.TextInteractionFlag.TextSelectableByKeyboard)
    label.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return label


class DetailPanel(QWidget):
    """Signals:
        edit_requested(int): "Edit action…" for this action id.
        update_requested(int): "Record update…" for this action id.
    """

    edit_requested = Signal(int)
    update_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detail_panel")
        self.setAccessibleName("Selected action")
        self._action_id: int | None = None
        self.stack = QStackedWidget()
        empty = QLabel("Select an action to see its details.")
        empty.setObjectName("placeholder")
        empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty.setWordWrap(True)
        self.stack.addWidget(empty)

        body = QWidget()
        self.heading = heading_label("")
        self.text = _value_label("detail_text")
        self.rag_chip = QLabel()
        self.rag_text = _value_label("detail_rag")
        rag_row = QHBoxLayout()
        rag_row.setSpacing(8)
        rag_row.addWidget(self.rag_chip, 0, Qt.AlignmentFlag.AlignTop)
        rag_row.addWidget(self.rag_text, 1)
        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setVerticalSpacing(6)
        for key, title in (("status", "Status"), ("lead", "Lead officer"), ("organisation", "Organisation"),
                           ("due", "Due"), ("timescale", "Timescale"), ("percent", "Complete"),
                           ("direction", "Direction"), ("updated", "Last updated"), ("pathways", "Pathways"),
                           ("where", "Objective / priority")):
            value = _value_label(f"detail_{key}")
            self.values[key] = value
            name = QLabel(title)
            name.setObjectName("field_name")
            form.addRow(name, value)
        commentary_title = QLabel("Latest commentary")
        commentary_title.setObjectName("field_name")
        self.commentary = _value_label("detail_commentary")
        self.edit_button = named(QPushButton(icon("edit"), "&Edit action…"), "detail_edit")
        self.update_button = named(QPushButton(icon("record-update"), "Record &update…"), "detail_update")
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.update_button)
        buttons.addStretch(1)

        column_of(self.heading, self.text, rag_row, buttons, separator(), form, commentary_title, self.commentary, None,
                  parent=body, margins=(14, 12, 14, 12), spacing=8)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self.stack.addWidget(scroll)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)
        self.edit_button.clicked.connect(lambda: self._action_id and self.edit_requested.emit(self._action_id))
        self.update_button.clicked.connect(lambda: self._action_id and self.update_requested.emit(self._action_id))

    @property
    def action_id(self) -> int | None:
        return self._action_id

    def show_row(self, row: ActionRow | None, scheme: RagScheme, period_label: str = "", *,
                 objective: str = "", priority: str = "", can_update: bool = True) -> None:
        self._action_id = row.id if row else None
        if row is None:
            self.stack.setCurrentIndex(0)
            return
        self.stack.setCurrentIndex(1)
        self.heading.setText(f"Action {row.code}".strip())
        self.text.setText(row.text)
        status = scheme.find(row.rag)
        self.rag_chip.setPixmap(rag_pixmap(status, 22, self.devicePixelRatioF()))
        if status:
            forecast = scheme.find(row.forecast_rag)
            extra = f" · forecast {forecast.label} ({forecast.letter})" if forecast else ""
            self.rag_text.setText(f"{status.label} ({status.letter}){extra}\n{status.definition}")
        else:
            self.rag_text.setText("No RAG status recorded yet.")
        self.rag_text.setAccessibleName(describe(status))
        v = self.values
        v["status"].setText(row.status.label)
        v["lead"].setText(row.lead.replace(" / ", "\n") or "No lead officer")
        v["organisation"].setText(row.organisation or "–")
        due = due_text(row)
        v["due"].setText(f"{due} (overdue)" if row.overdue else due)
        v["timescale"].setText(row.timescale or "–")
        v["percent"].setText(f"{row.percent_complete}%" if row.percent_complete is not None else "–")
        v["direction"].setText(f"{DIRECTION_TEXT.get(row.direction, '')} — {DIRECTION_TIP.get(row.direction, '')}")
        if row.last_updated:
            when = format_date(row.last_updated.date())
            note = f" (in {period_label})" if row.updated_this_period and period_label else ""
            v["updated"].setText(when + note)
        else:
            v["updated"].setText("Never")
        v["pathways"].setText(", ".join(row.pathways) or "–")
        v["where"].setText(f"{objective}\n{priority}".strip() or "–")
        self.commentary.setText(row.commentary or "No commentary yet.")
        self.update_button.setEnabled(can_update)
