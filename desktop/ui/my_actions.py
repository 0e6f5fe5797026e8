"""My actions: what a lead officer sees — only the actions they lead, and what needs doing this quarter."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.services.queries import ActionRow
from desktop.services.readmodels import PlanData, awaiting_update
from desktop.settings import MY_ACTIONS_HEADER, Settings
from desktop.ui.action_table_model import (
    COL_ACTION,
    COL_LEAD,
    ActionFilter,
    ActionFilterProxy,
    ActionTableModel,
    format_date,
)
from desktop.ui.icons import icon
from desktop.ui.plan_view import make_action_table
from desktop.ui.widgets import SCREEN_MARGINS, column_of, heading_label, named, subtle_label, title_bar


def due_this_quarter(row: ActionRow, data: PlanData) -> bool:
    """Needs the lead's attention this quarter: an update is awaited, or it falls due before the quarter ends."""
    period = data.current_period
    if period is None:
        return False
    if awaiting_update(row, period):
        return True
    return bool(row.due_date and row.due_date <= period.end and row.status.value not in ("complete", "cancelled"))


class _Card(QFrame):
    def __init__(self, title: str, name: str) -> None:
        super().__init__()
        self.setObjectName("card")
        self.value = named(QLabel("0"), name)
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.9)
        font.setBold(True)
        self.value.setFont(font)
        column_of(self.value, subtle_label(title), parent=self, margins=(14, 10, 14, 10), spacing=2)
        self.setAccessibleName(title)

    def set(self, n: int) -> None:
        self.value.setText(f"{n:,}")
        self.setAccessibleDescription(f"{n}")


class MyActionsView(QWidget):
    """Signals:
        choose_person_requested(): "Choose who you are…".
        edit_requested(int), update_requested(int): open an action / record its update.
        update_all_requested(object): record updates for these action ids, in order.
    """

    choose_person_requested = Signal()
    edit_requested = Signal(int)
    update_requested = Signal(int)
    update_all_requested = Signal(object)

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("my_actions_view")
        self.settings = settings
        self.data: PlanData | None = None
        self.person_id: int | None = None

        self.heading = heading_label("My actions")
        self.who = subtle_label()
        self.change_person = named(QPushButton(icon("person"), "C&hange who I am…"), "change_person")
        top = title_bar(self.heading, self.who, self.change_person)

        self.cards = {
            "awaiting": _Card("Awaiting my update this quarter", "card_awaiting"),
            "due": _Card("Due by the end of this quarter", "card_due"),
            "overdue": _Card("Overdue", "card_overdue"),
            "remedial": _Card("Red or Amber (remedial action needed)", "card_remedial"),
            "total": _Card("Actions I lead", "card_total"),
        }
        cards = QHBoxLayout()
        cards.setSpacing(10)
        for card in self.cards.values():
            cards.addWidget(card, 1)

        self.only_now = QCheckBox("&Only what needs doing this quarter")
        self.only_now.setObjectName("only_this_quarter")
        self.only_now.setChecked(True)
        self.update_all = QPushButton(icon("record-update"), "&Record my updates…")
        self.update_all.setObjectName("record_my_updates")
        self.update_all.setToolTip("Go through every action of yours that still needs an update (Ctrl+Shift+U)")
        tools = QHBoxLayout()
        tools.addWidget(self.only_now)
        tools.addStretch(1)
        tools.addWidget(self.update_all)

        self.model = ActionTableModel(self)
        self.proxy = ActionFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = make_action_table(self.proxy, "my_actions_table", "My actions")
        self.table.hideColumn(COL_LEAD)
        self.table.setColumnWidth(COL_ACTION, 460)
        header = settings.get(MY_ACTIONS_HEADER)
        if not header.isEmpty():
            self.table.horizontalHeader().restoreState(header)

        content = QWidget()
        column_of(cards, tools, (self.table, 1), parent=content, spacing=10)

        nobody = QWidget()
        nobody_layout = QVBoxLayout(nobody)
        nobody_layout.addStretch(1)
        ask = QLabel("Choose who you are to see the actions you lead.")
        ask.setAlignment(Qt.AlignmentFlag.AlignCenter)
        ask.setObjectName("empty_heading")
        self.choose = QPushButton(icon("person"), "&Choose who I am…")
        self.choose.setObjectName("choose_person")
        nobody_layout.addWidget(ask)
        nobody_layout.addWidget(self.choose, 0, Qt.AlignmentFlag.AlignCenter)
        nobody_layout.addStretch(2)

        self.pages = QStackedWidget()
        self.pages.addWidget(nobody)
        self.pages.addWidget(content)
        column_of(top, (self.pages, 1), parent=self, margins=SCREEN_MARGINS, spacing=10)

        self.change_person.clicked.connect(self.choose_person_requested)
        self.choose.clicked.connect(self.choose_person_requested)
        self.only_now.toggled.connect(lambda _: self._apply_filter())
        self.update_all.clicked.connect(lambda: self.update_all_requested.emit(self.awaiting_ids()))
        self.table.doubleClicked.connect(self._on_table_double_clicked)

    def save_state(self) -> None:
        self.settings.set(MY_ACTIONS_HEADER, self.table.horizontalHeader().saveState())

    def set_data(self, data: PlanData | None, person_id: int | None, person_name: str) -> None:
        self.data, self.person_id = data, person_id
        if data is None:
            self.model.clear()
            return
        period = data.current_period
        self.who.setText(f"{person_name} · {data.plan.title}"
                         + (f" · {period.label} ({'closed' if period.closed else 'open'})" if period else ""))
        self.change_person.setVisible(person_id is not None)
        if person_id is None:
            self.pages.setCurrentIndex(0)
            self.model.clear()
            return
        self.pages.setCurrentIndex(1)
        mine = [r for r in data.rows if person_id in r.lead_ids]
        self.model.set_rows(mine, data.scheme, period.label if period else "")
        remedial = {s.key for s in data.scheme.statuses if s.needs_remedial}
        self.cards["awaiting"].set(sum(1 for r in mine if awaiting_update(r, period)))
        self.cards["due"].set(sum(1 for r in mine if period and r.due_date and r.due_date <= period.end
                                  and r.status.value not in ("complete", "cancelled")))
        self.cards["overdue"].set(sum(1 for r in mine if r.overdue))
        self.cards["remedial"].set(sum(1 for r in mine if r.rag in remedial))
        self.cards["total"].set(len(mine))
        if period is not None and not period.closed:
            self.cards["due"].setToolTip(f"Due on or before {format_date(period.end)}, the end of {period.label}")
        self._apply_filter()
        self.update_all.setEnabled(bool(self.awaiting_ids()))

    def _apply_filter(self) -> None:
        data = self.data
        if data is None or not self.only_now.isChecked():
            self.proxy.set_filter(ActionFilter())
            return
        ids = frozenset(r.id for r in self.model.rows() if due_this_quarter(r, data))
        self.proxy.set_filter(ActionFilter(only_ids=ids))

    def awaiting_ids(self) -> list[int]:
        period = self.data.current_period if self.data else None
        return [r.id for r in self.proxy.visible_rows() if awaiting_update(r, period)]

    def current_action_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.row_at(rows[0].row()).id if rows else None

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        self.update_requested.emit(self.proxy.row_at(index.row()).id)
