"""The plan screen: navigator on the left, the filtered action table in the centre, the detail panel on the right."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import QEvent, QItemSelection, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.services.queries import ActionRow
from desktop.services.readmodels import PlanData, awaiting_update
from desktop.settings import ACTION_HEADER, PLAN_SPLITTER, Settings
from desktop.ui.action_table_model import (
    COL_ACTION,
    COL_CODE,
    COL_DIRECTION,
    COL_DUE,
    COL_FORECAST,
    COL_LEAD,
    COL_ORGANISATION,
    COL_RAG,
    COL_STATUS,
    COL_UPDATED,
    ActionFilter,
    ActionFilterProxy,
    ActionTableModel,
)
from desktop.ui.detail_panel import DetailPanel
from desktop.ui.filter_bar import FilterBar
from desktop.ui.icons import icon
from desktop.ui.navigator import Navigator
from desktop.ui.rag_delegate import RagDelegate

DEFAULT_WIDTHS = {COL_CODE: 72, COL_ACTION: 300, COL_LEAD: 200, COL_ORGANISATION: 110, COL_DUE: 132,
                  COL_STATUS: 96, COL_RAG: 96, COL_FORECAST: 96, COL_DIRECTION: 100, COL_UPDATED: 110}
# RAG right after the code: it is what a coordinator scans first. (The model keeps the documented column order.)
DEFAULT_ORDER = (COL_CODE, COL_RAG, COL_ACTION, COL_LEAD, COL_ORGANISATION, COL_DUE, COL_STATUS, COL_DIRECTION,
                 COL_FORECAST, COL_UPDATED)


def make_action_table(model: ActionFilterProxy, name: str, accessible: str) -> QTableView:
    """An action table as every screen shows one: sortable, one row selected, RAG painted with its letter."""
    table = QTableView()
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setModel(model)
    table.setSortingEnabled(True)
    table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 12)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.horizontalHeader().setHighlightSections(False)
    table.horizontalHeader().setSectionsMovable(True)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    delegate = RagDelegate(table)
    table.setItemDelegateForColumn(COL_RAG, delegate)
    table.setItemDelegateForColumn(COL_FORECAST, delegate)
    table.setTabKeyNavigation(False)
    for column, width in DEFAULT_WIDTHS.items():
        table.setColumnWidth(column, width)
    header = table.horizontalHeader()
    for visual, logical in enumerate(DEFAULT_ORDER):
        header.moveSection(header.visualIndex(logical), visual)
    header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    header.customContextMenuRequested.connect(
        lambda pos: fill_column_menu(QMenu(table), table).exec(header.mapToGlobal(pos)))
    return table


def fill_column_menu(menu: QMenu, table: QTableView) -> QMenu:
    """Show or hide the table's columns (header context menu, and View › Columns for the keyboard)."""
    menu.clear()
    model = table.model()
    header = table.horizontalHeader()
    for visual in range(header.count()):
        logical = header.logicalIndex(visual)
        action = menu.addAction(str(model.headerData(logical, Qt.Orientation.Horizontal)))
        action.setCheckable(True)
        action.setChecked(not header.isSectionHidden(logical))
        action.setEnabled(logical != COL_ACTION)
        action.toggled.connect(lambda on, c=logical: table.setColumnHidden(c, not on))
    return menu


class PlanView(QWidget):
    """Signals:
        edit_requested(int): open the action editor on this action.
        update_requested(int): record an update for this action.
        create_plan_requested(): the store has no plan and the user asked to create one.
        selection_changed(object): the selected action id (or None).
        detail_toggled(bool): the detail panel was shown or folded away.
    """

    detail_toggled = Signal(bool)
    edit_requested = Signal(int)
    update_requested = Signal(int)
    create_plan_requested = Signal()
    selection_changed = Signal(object)

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("plan_view")
        self.settings = settings
        self.data: PlanData | None = None
        self._pending_selection: int | None = None  # asked for before its row arrived (rows still loading)
        self.model = ActionTableModel(self)
        self.proxy = ActionFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.navigator = Navigator()
        self.filters = FilterBar()
        self.table = make_action_table(self.proxy, "action_table", "Actions")
        self.detail = DetailPanel()

        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.setSpacing(8)
        centre_layout.addWidget(self.filters)
        centre_layout.addWidget(self._no_match_bar())
        centre_layout.addWidget(self.table, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("plan_splitter")
        self.splitter.addWidget(self.navigator)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setSizes([240, 900, 300])
        # The side panes may be dragged shut on a small screen or at large text sizes; the table may not.
        self.splitter.setCollapsible(0, True)
        self.splitter.setCollapsible(1, False)
        self.splitter.setCollapsible(2, True)
        self.navigator.setMinimumWidth(180)
        self.detail.setMinimumWidth(220)

        empty = QWidget()
        empty.setObjectName("empty_state")
        empty_layout = QVBoxLayout(empty)
        empty_layout.addStretch(1)
        message = QLabel("This store has no delivery plan yet.")
        message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        message.setObjectName("empty_heading")
        hint = QLabel("Create a plan, then add its objectives, priorities and actions.")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setObjectName("subtle")
        self.create_button = QPushButton(icon("add"), "&Create a plan…")
        self.create_button.setObjectName("create_plan")
        self.create_button.clicked.connect(self.create_plan_requested)
        empty_layout.addWidget(message)
        empty_layout.addWidget(hint)
        empty_layout.addWidget(self.create_button, 0, Qt.AlignmentFlag.AlignCenter)
        empty_layout.addStretch(2)

        self.pages = QStackedWidget()
        self.pages.addWidget(empty)
        self.pages.addWidget(self.splitter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 6)
        layout.addWidget(self.pages)

        self.filters.filter_changed.connect(self._on_filters_filter_changed)
        self.navigator.scope_changed.connect(self._on_navigator_scope_changed)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.detail.edit_requested.connect(self.edit_requested)
        self.detail.update_requested.connect(self.update_requested)
        self.table.installEventFilter(self)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)
        self._restore_state()
        self.splitter.splitterMoved.connect(lambda *_: self.detail_toggled.emit(self.detail_shown()))

    # ---- state

    def _restore_state(self) -> None:
        splitter = self.settings.get(PLAN_SPLITTER)
        if not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        header = self.settings.get(ACTION_HEADER)
        if not header.isEmpty():
            self.table.horizontalHeader().restoreState(header)

    def detail_shown(self) -> bool:
        return self.splitter.sizes()[2] > 0

    def show_detail_panel(self, shown: bool) -> None:
        """Bring a collapsed detail panel back (View › Detail panel), or fold it away."""
        sizes = self.splitter.sizes()
        if shown == (sizes[2] > 0):
            return
        width = max(self.detail.minimumWidth(), 300)
        if shown:
            sizes = [sizes[0], max(sizes[1] - width, 200), width]
        else:
            sizes = [sizes[0], sizes[1] + sizes[2], 0]
        self.splitter.setSizes(sizes)
        self.detail_toggled.emit(self.detail_shown())

    def save_state(self) -> None:
        self.settings.set(PLAN_SPLITTER, self.splitter.saveState())
        self.settings.set(ACTION_HEADER, self.table.horizontalHeader().saveState())

    # ---- data

    def set_data(self, data: PlanData | None, plans: Sequence[object] = ()) -> None:
        """Show a freshly loaded plan (None: the store has no plan), keeping the selection when possible."""
        keep = self.current_action_id()
        self.data = data
        self._pending_selection = None
        if data is None:
            self.model.clear()
            self.navigator.clear()
            self.detail.show_row(None, self.model.scheme)
            self.pages.setCurrentIndex(0)
            return
        self.pages.setCurrentIndex(1)
        period = data.current_period.label if data.current_period else ""
        self.model.set_rows(data.rows, data.scheme, period)
        self._offer_choices()
        # The tree first: a scope from another plan's tree must not filter this plan's actions.
        self._refresh_tree()
        self.proxy.set_filter(self._combined(self.filters.current()))
        if keep is not None:
            self.select_action(keep)
        self._update_count()
        self._show_detail()

    def apply_rows(self, data: PlanData, rows: Sequence[ActionRow], removed: set[int]) -> None:
        """Rows changed, or (after unlocking) the rest of the plan arrived: in place, keeping selection and scroll."""
        was_complete = self.data is None or self.data.complete
        self.data = data
        self.model.update_rows(rows, removed)
        if data.complete and not was_complete:
            self._offer_choices()
        self._refresh_tree()
        if self._pending_selection is not None and self.select_action(self._pending_selection):
            self._pending_selection = None
        self._update_count()
        self._show_detail()

    def _offer_choices(self) -> None:
        data = self.data
        if data is None:
            return
        # While rows are arriving every person is offered; then only those who lead an action.
        lead_ids = {pid for r in data.rows for pid in r.lead_ids} if data.complete else None
        self.filters.set_choices(data.scheme, data.people, data.organisations, data.pathways, lead_ids)

    def clear(self) -> None:
        """Forget the plan's data (locking): nothing of it stays on screen or in the models."""
        self.data = None
        self._pending_selection = None
        self.model.clear()
        self.navigator.model.removeRows(0, self.navigator.model.rowCount())
        self.detail.show_row(None, self.model.scheme)

    def _refresh_tree(self) -> None:
        if self.data is None:
            return
        self.navigator.set_tree(self.data.plan.title, self.data.tree(), self.data.scheme, self.data.total_actions)

    # ---- filtering

    def _combined(self, bar: ActionFilter) -> ActionFilter:
        objective_id, priority_id = self.navigator.scope()
        return replace(bar, objective_id=objective_id, priority_id=priority_id)

    def _on_filters_filter_changed(self, bar: ActionFilter) -> None:
        self.proxy.set_filter(self._combined(bar))
        self._update_count()

    def _on_navigator_scope_changed(self, objective_id: int | None, priority_id: int | None) -> None:
        self.proxy.update_filter(objective_id=objective_id, priority_id=priority_id)
        self._update_count()

    def _update_count(self, *_: object) -> None:
        if self.data is not None and not self.data.complete:
            # No count of the rows read so far passes for the plan's: say that the rest are coming.
            self.filters.count.setText(f"Loading actions… {self.model.rowCount():,} of {self.data.total_actions:,}")
            self.no_match.setVisible(False)
            return
        self.filters.set_count(self.proxy.rowCount(), self.model.rowCount())
        self.no_match.setVisible(self.proxy.rowCount() == 0 and self.model.rowCount() > 0)

    def _no_match_bar(self) -> QWidget:
        """Shown when the filters hide every action: say so, and offer the way back."""
        self.no_match = QWidget()
        self.no_match.setObjectName("no_match")
        row = QHBoxLayout(self.no_match)
        row.setContentsMargins(0, 0, 0, 0)
        label = QLabel("No actions match. The search looks in codes, actions, leads and every quarter's commentary.")
        label.setObjectName("no_match_text")
        label.setWordWrap(True)
        self.clear_filters_button = QPushButton("C&lear filters")
        self.clear_filters_button.setObjectName("clear_filters")
        self.clear_filters_button.clicked.connect(self._clear_filters)
        row.addWidget(label, 1)
        row.addWidget(self.clear_filters_button)
        self.no_match.hide()
        return self.no_match

    def _clear_filters(self) -> None:
        """Every filter off and the whole plan in scope: all actions show again."""
        self.navigator.select(None, None)
        self.filters.clear()

    # ---- selection

    def current_action_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return self.proxy.row_at(rows[0].row()).id

    def current_row(self) -> ActionRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.row_at(rows[0].row()) if rows else None

    def select_action(self, action_id: int) -> bool:
        """Select the action (False if it is not shown); one whose row has not arrived yet is selected when it
        does."""
        row = self.proxy.proxy_row_of(action_id)
        if row is None:
            if self.data is not None and not self.data.complete and self.model.position_of(action_id) is None:
                self._pending_selection = action_id
            return False
        self._pending_selection = None
        self.table.selectRow(row)
        self.table.scrollTo(self.proxy.index(row, 0))
        return True

    def visible_ids(self) -> list[int]:
        return [r.id for r in self.proxy.visible_rows()]

    def awaiting_ids(self) -> list[int]:
        """Visible actions (in table order) that still need an update in the open quarter."""
        period = self.data.current_period if self.data else None
        return [r.id for r in self.proxy.visible_rows() if awaiting_update(r, period)]

    def _on_table_selection_changed(self, *_: QItemSelection) -> None:
        self._show_detail()
        self.selection_changed.emit(self.current_action_id())

    def _show_detail(self) -> None:
        row = self.current_row()
        if self.data is None:
            self.detail.show_row(None, self.model.scheme)
            return
        objective = priority = ""
        if row is not None:
            for o in self.data.structure:
                if o.id == row.objective_id:
                    objective = f"{o.code} {o.title}".strip()
                    p = next((p for p in o.priorities if p.id == row.priority_id), None)
                    priority = f"{p.code} {p.text}".strip() if p else ""
        period = self.data.current_period
        self.detail.show_row(row, self.data.scheme, period.label if period else "", objective=objective,
                             priority=priority, can_update=bool(period and not period.closed))

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        self.edit_requested.emit(self.proxy.row_at(index.row()).id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # Enter on the table opens the selected action (the keyboard twin of a double click).
        if (watched is self.table and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers()):
            action_id = self.current_action_id()
            if action_id is not None:
                self.edit_requested.emit(action_id)
                return True
        return super().eventFilter(watched, event)
