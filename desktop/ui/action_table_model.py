"""The action table: a QAbstractTableModel over ``ActionRow``s and the proxy that filters it.

Sorting is done by the source model in Python on native values (``SORT_ROLE`` gives the same values to anyone who
asks): letting ``QSortFilterProxyModel`` sort 10,000 rows through ``data()`` calls costs over a second per sort and
again on every filter change, where a Python ``list.sort`` takes a few milliseconds. The proxy therefore only filters,
and forwards ``sort()`` to the source; views still talk to the proxy only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from operator import attrgetter
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont, QIcon

from desktop.models import ActionStatus
from desktop.services.quarter_status import CARRY_FORWARD_RULE
from desktop.services.queries import ActionRow
from desktop.services.rag import RAG, RagScheme
from desktop.services.readmodels import changed_since_last_quarter, row_status
from desktop.ui.icons import icon
from desktop.ui.rag_delegate import RAG_NOTE_ROLE, RAG_ROLE, describe
from desktop.ui.roles import Role
from desktop.ui.rows_model import RowsModel

COL_CODE = 0
COL_ACTION = 1
COL_LEAD = 2
COL_ORGANISATION = 3
COL_DUE = 4
COL_STATUS = 5
COL_RAG = 6
COL_FORECAST = 7
COL_DIRECTION = 8
COL_UPDATED = 9
COLUMN_COUNT = 10

HEADERS = {
    COL_CODE: "Code",
    COL_ACTION: "Action",
    COL_LEAD: "Lead officer",
    COL_ORGANISATION: "Organisation",
    COL_DUE: "Due",
    COL_STATUS: "Status",
    COL_RAG: "RAG",
    COL_FORECAST: "Forecast",
    COL_DIRECTION: "Direction",
    COL_UPDATED: "Last updated",
}
HEADER_TIPS = {
    COL_DUE: "Due date, or the plan's original timescale wording when there is no date",
    COL_RAG: "Status at the latest update (letter and colour)",
    COL_FORECAST: "Forecast status at the due date",
    COL_DIRECTION: "Direction of travel since the previous closed quarter",
}

SORT_ROLE = Role.SORT
ROW_ROLE = Role.ROW

DIRECTION_TEXT = {
    "improved": "↑ Improved",
    "worse": "↓ Worse",
    "same": "→ Same",
    "new": "New",
    "none": "–",
}
DIRECTION_TIP = {
    "improved": "Better than at the previous closed quarter",
    "worse": "Worse than at the previous closed quarter",
    "same": "The same as at the previous closed quarter",
    "new": "No status at the previous closed quarter to compare with",
    "none": "No status yet",
}
_DIRECTION_ORDER = {"worse": 4, "same": 3, "new": 2, "improved": 1, "none": 0}
_STATUS_ORDER = {s: n for n, s in enumerate(ActionStatus)}
_NUMBER = re.compile(r"(\d+)")


def natural_key(code: str) -> tuple[tuple[int, int, str], ...]:
    """Codes sort the way people read them: "SO 2" before "SO 10", "1.2" before "1.10"."""
    parts = _NUMBER.split(code.strip().casefold())
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p)


@cache
def overdue_icon() -> QIcon:
    """A warning sign beside overdue dates (with bold text and the word in the tooltip: never colour alone)."""
    return icon("overdue")


def format_date(value: dt.date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else ""


def due_text(row: ActionRow) -> str:
    return format_date(row.due_date) if row.due_date else (row.timescale or "–")


@dataclass(frozen=True)
class ActionFilter:
    """What the filter bar (and the navigator's selection) asks the table to show. Empty means everything."""

    text: str = ""
    rag: str | None = None  # a scheme key, "none" for no status yet, or None for any
    status: ActionStatus | None = None
    lead_id: int | None = None
    organisation_id: int | None = None
    pathway: str | None = None
    strand: str | None = None
    overdue_only: bool = False
    changed_only: bool = False
    objective_id: int | None = None
    priority_id: int | None = None
    only_ids: frozenset[int] | None = None  # a screen's own selection (My actions: "needs doing this quarter")

    @property
    def is_empty(self) -> bool:
        return self == self.cleared()

    def cleared(self) -> ActionFilter:
        return ActionFilter(objective_id=self.objective_id, priority_id=self.priority_id, only_ids=self.only_ids)

    def predicate(self) -> Callable[[ActionRow, str], bool]:
        """One function that checks only what is set (called once per row on every change)."""
        checks: list[Callable[[ActionRow, str], bool]] = []
        words = self.text.casefold().split()
        if words:
            checks.append(lambda r, hay: all(w in hay for w in words))
        if self.priority_id is not None:
            pid = self.priority_id
            checks.append(lambda r, hay: r.priority_id == pid)
        elif self.objective_id is not None:
            oid = self.objective_id
            checks.append(lambda r, hay: r.objective_id == oid)
        if self.only_ids is not None:
            ids = self.only_ids
            checks.append(lambda r, hay: r.id in ids)
        if self.rag is not None:
            want = None if self.rag == "none" else self.rag
            checks.append(lambda r, hay: r.rag == want)
        # A choice either equals the row's field (status, organisation, strand) or is one of its values (leads,
        # pathways).
        for field_name, value, among in (("status", self.status, False), ("lead_ids", self.lead_id, True),
                                         ("organisation_id", self.organisation_id, False),
                                         ("pathways", self.pathway, True), ("strand", self.strand, False)):
            if value is not None:
                checks.append(_field_check(attrgetter(field_name), value, among))
        if self.overdue_only:
            checks.append(lambda r, hay: r.overdue)
        if self.changed_only:
            checks.append(lambda r, hay: changed_since_last_quarter(r))
        if not checks:
            return lambda r, hay: True
        if len(checks) == 1:
            return checks[0]
        return lambda r, hay: all(check(r, hay) for check in checks)


def _field_check(get: Callable[[ActionRow], Any], value: object, among: bool) -> Callable[[ActionRow, str], bool]:
    if among:
        return lambda r, hay: value in get(r)
    return lambda r, hay: get(r) == value


def _carried_mark(row: ActionRow) -> str:
    """"not updated since 2015/16 Q3" when the row's status is carried forward (the one rule, quarter_status)."""
    return row_status(row).mark if row.rag is not None else ""


def _haystack(row: ActionRow) -> str:
    return " ".join((row.code, row.text, row.lead, row.organisation, row.timescale, row.commentary,
                     row.earlier_commentary, " ".join(row.pathways), row.objective_code,
                     row.priority_code)).casefold()


class ActionTableModel(RowsModel[ActionRow]):
    """Rows of a plan's actions. ``set_rows`` replaces everything; ``update_rows`` changes a few in place."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hay: list[str] = []
        self._by_id: dict[int, int] = {}
        self._scheme: RagScheme = RAG
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._bold = QFont()
        self._bold.setBold(True)
        self.period_label = ""

    # ---- data in

    def set_rows(self, rows: Sequence[ActionRow], scheme: RagScheme, period_label: str = "") -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._scheme = scheme
        self.period_label = period_label
        if self._sort is not None:
            self._rows.sort(key=self._key_function(self._sort[0]),
                            reverse=self._sort[1] == Qt.SortOrder.DescendingOrder)
        self._reindex()
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([], self._scheme)

    def update_rows(self, rows: Iterable[ActionRow], removed: Iterable[int] = ()) -> None:
        """Replace rows with the same id (dataChanged), add new ones, drop ``removed`` ids.

        New rows are added in one block (the rest of a plan streaming in after its first rows is 10,000s of them),
        at the end, then put in the table's sort order if it has one: persistent indexes follow their rows, so the
        selection stays on its action and, in plan order, nothing already shown moves."""
        for action_id in removed:
            position = self._by_id.get(action_id)
            if position is None:
                continue
            self.beginRemoveRows(QModelIndex(), position, position)
            del self._rows[position]
            del self._hay[position]
            self._by_id = {r.id: n for n, r in enumerate(self._rows)}
            self.endRemoveRows()
        added: list[ActionRow] = []
        for row in rows:
            position = self._by_id.get(row.id)
            if position is None:
                added.append(row)
            elif row != self._rows[position]:
                self._rows[position] = row
                self._hay[position] = _haystack(row)
                self.dataChanged.emit(self.index(position, 0), self.index(position, COLUMN_COUNT - 1))
        if not added:
            return
        end = len(self._rows)
        self.beginInsertRows(QModelIndex(), end, end + len(added) - 1)
        self._rows.extend(added)
        self._hay.extend(_haystack(r) for r in added)
        self._by_id.update((r.id, n) for n, r in enumerate(added, end))
        self.endInsertRows()
        if self._sort is not None:
            self.sort(*self._sort)

    def _reindex(self) -> None:
        self._hay = [_haystack(r) for r in self._rows]
        self._by_id = {r.id: n for n, r in enumerate(self._rows)}

    # ---- data out

    @property
    def scheme(self) -> RagScheme:
        return self._scheme

    def haystack_at(self, position: int) -> str:
        return self._hay[position]

    def position_of(self, action_id: int) -> int | None:
        return self._by_id.get(action_id)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS.get(section)
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(section, HEADERS.get(section))
        return None

    def _role(self, row: ActionRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.AccessibleTextRole:
            text = self._display(row, column)
            return f"{text}, overdue" if column == COL_DUE and row.overdue else text
        if role == Qt.ItemDataRole.DecorationRole and column == COL_DUE and row.overdue:
            return overdue_icon()
        if role == RAG_NOTE_ROLE:
            return _carried_mark(row) if column == COL_RAG else None
        if role == RAG_ROLE:
            if column == COL_RAG:
                return self._scheme.find(row.rag)
            if column == COL_FORECAST:
                return self._scheme.find(row.forecast_rag)
            return None
        if role == Qt.ItemDataRole.FontRole and column == COL_DUE and row.overdue:
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_CODE, COL_DUE, COL_UPDATED):
            return int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        return None

    def _display(self, row: ActionRow, column: int) -> str:
        if column == COL_CODE:
            return row.code
        if column == COL_ACTION:
            return " ".join(row.text.split())
        if column == COL_LEAD:
            return row.lead
        if column == COL_ORGANISATION:
            return row.organisation
        if column == COL_DUE:
            return due_text(row)
        if column == COL_STATUS:
            return row.status.label
        if column == COL_RAG:
            found = self._scheme.find(row.rag)
            mark = _carried_mark(row)
            return (f"{found.letter} {found.label}" if found else "No status") + (f", {mark}" if mark else "")
        if column == COL_FORECAST:
            found = self._scheme.find(row.forecast_rag)
            return f"{found.letter} {found.label}" if found else "–"
        if column == COL_DIRECTION:
            return DIRECTION_TEXT.get(row.direction, row.direction)
        if column == COL_UPDATED:
            return format_date(row.last_updated.date()) if row.last_updated else "Never"
        return ""

    def _tooltip(self, row: ActionRow, column: int) -> str | None:
        if column == COL_ACTION:
            return row.text
        if column == COL_RAG:
            mark = _carried_mark(row)
            carried = f"\n{mark[:1].upper()}{mark[1:]}: {CARRY_FORWARD_RULE}" if mark else ""
            return describe(self._scheme.find(row.rag)) + carried
        if column == COL_FORECAST:
            return "Forecast: " + describe(self._scheme.find(row.forecast_rag))
        if column == COL_DUE:
            parts = []
            if row.due_date:
                parts.append(f"Due {format_date(row.due_date)}")
            if row.timescale:
                parts.append(f"Plan's timescale: “{row.timescale}”")
            if row.overdue:
                parts.append("Overdue and not complete")
            return "\n".join(parts) or "No due date"
        if column == COL_DIRECTION:
            return DIRECTION_TIP.get(row.direction)
        if column == COL_UPDATED:
            if row.updated_this_period:
                return f"Updated in {self.period_label or 'the open quarter'}"
            return f"No update yet in {self.period_label}" if self.period_label else None
        if column == COL_LEAD and " / " in row.lead:
            return "Joint leads: " + row.lead
        return None

    # ---- sorting (native values)

    def _sort_value(self, row: ActionRow, column: int) -> Any:
        return self._key_function(column)(row)

    def _key_function(self, column: int) -> Callable[[ActionRow], Any]:
        sch = self._scheme
        if column == COL_CODE:
            return lambda r: (natural_key(r.code), r.position)
        if column == COL_ACTION:
            return lambda r: r.text.casefold()
        if column == COL_LEAD:
            return lambda r: (r.lead == "", r.lead.casefold())
        if column == COL_ORGANISATION:
            return lambda r: (r.organisation == "", r.organisation.casefold())
        if column == COL_DUE:
            return lambda r: (r.due_date is None, r.due_date or dt.date.max, r.timescale.casefold())
        if column == COL_STATUS:
            return lambda r: _STATUS_ORDER.get(r.status, 0)
        if column in (COL_RAG, COL_FORECAST):
            def severity(r: ActionRow) -> int:
                found = sch.find(r.rag if column == COL_RAG else r.forecast_rag)
                return found.severity if found else -100
            return severity
        if column == COL_DIRECTION:
            return lambda r: _DIRECTION_ORDER.get(r.direction, 0)
        if column == COL_UPDATED:
            return lambda r: r.last_updated or dt.datetime.min
        return lambda r: r.position

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < COLUMN_COUNT:
            self._sort = None
            column = -1
        else:
            self._sort = (column, order)
        key = self._key_function(column)
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        ids = [self._rows[i.row()].id if 0 <= i.row() < len(self._rows) else None for i in before]
        # Python's sort is stable: ties keep plan order; reverse=True keeps it stable too.
        self._rows.sort(key=lambda r: r.position)
        self._rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self._reindex()
        after = [
            self.index(self._by_id[action_id], old.column()) if action_id is not None else QModelIndex()
            for action_id, old in zip(ids, before, strict=True)
        ]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()


class ActionFilterProxy(QSortFilterProxyModel):
    """Filters the action model by an :class:`ActionFilter`; sorting is forwarded to the source (see module doc)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._filter = ActionFilter()
        self._accepts: Callable[[ActionRow, str], bool] = self._filter.predicate()
        self.setDynamicSortFilter(True)

    @property
    def action_filter(self) -> ActionFilter:
        return self._filter

    def set_filter(self, action_filter: ActionFilter) -> None:
        if action_filter == self._filter:
            return
        self.beginFilterChange()
        self._filter = action_filter
        self._accepts = action_filter.predicate()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def update_filter(self, **changes: Any) -> None:
        self.set_filter(replace(self._filter, **changes))

    def source(self) -> ActionTableModel:
        model = self.sourceModel()
        assert isinstance(model, ActionTableModel)
        return model

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        model = self.sourceModel()
        if not isinstance(model, ActionTableModel):
            return True
        return self._accepts(model.row_at(source_row), model.haystack_at(source_row))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        model = self.sourceModel()
        if isinstance(model, ActionTableModel):
            model.sort(column, order)

    def row_at(self, proxy_row: int) -> ActionRow:
        return self.source().row_at(self.mapToSource(self.index(proxy_row, 0)).row())

    def visible_rows(self) -> list[ActionRow]:
        return [self.row_at(n) for n in range(self.rowCount())]

    def proxy_row_of(self, action_id: int) -> int | None:
        position = self.source().position_of(action_id)
        if position is None:
            return None
        index = self.mapFromSource(self.source().index(position, 0))
        return index.row() if index.isValid() else None
