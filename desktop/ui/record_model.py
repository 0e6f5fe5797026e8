"""A table model over plain records, described by columns: for the small tables (quarters, people, organisations,
outstanding returns). The action table has its own model because it must stay fast at 10,000 rows."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt

from desktop.services.rag import RagStatus
from desktop.ui.rag_delegate import describe
from desktop.ui.roles import Role
from desktop.ui.rows_model import RowsModel

SORT_ROLE, ROW_ROLE, RAG_ROLE = Role.SORT, Role.ROW, Role.RAG


@dataclass(frozen=True)
class Column:
    header: str
    display: Callable[[Any], str]
    sort: Callable[[Any], Any] | None = None  # native value; the display text when None
    tooltip: Callable[[Any], str | None] | None = None
    rag: Callable[[Any], RagStatus | None] | None = None
    numeric: bool = False
    header_tip: str = ""
    accessible: Callable[[Any], str] | None = None  # what a screen reader says for the cell; the display text when None


class RecordTableModel(RowsModel[Any]):
    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.columns[section].header_tip or self.columns[section].header
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        record = self.record(index)
        if record is None:
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(record)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return column.accessible(record) if column.accessible else column.display(record)
        if role == SORT_ROLE:
            return column.sort(record) if column.sort else column.display(record).casefold()
        if role == ROW_ROLE:
            return record
        if role == RAG_ROLE:
            return column.rag(record) if column.rag else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column.tooltip:
                return column.tooltip(record)
            if column.rag:
                return describe(column.rag(record))
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class SortProxy(QSortFilterProxyModel):
    """The one sort proxy of the desktop's tables: sorts on :attr:`Role.SORT`, the cells' native values (numbers as
    numbers, dates as dates, "Offender 10" after "Offender 9"); numbers come before text, and values of kinds that
    do not compare are compared as text. Filtering proxies subclass it."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(Role.SORT)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def lessThan(self, left: QModelIndex | QPersistentModelIndex, right: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        a, b = left.data(Role.SORT), right.data(Role.SORT)
        a_number, b_number = isinstance(a, numbers.Number), isinstance(b, numbers.Number)
        if a_number != b_number:
            return a_number
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)


class RecordProxy(SortProxy):
    """Sorts small record tables, and gives back the record of a row."""

    def record_at(self, proxy_row: int) -> Any:
        return self.index(proxy_row, 0).data(ROW_ROLE)
