"""The base of the desktop's table models: a list of plain records, one a row, answering the shared roles."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from desktop.ui.roles import Role

R = TypeVar("R")


class RowsModel(QAbstractTableModel, Generic[R]):
    """Rows of records of type ``R``; subclasses give ``columnCount`` and either the cell hooks (``_display``,
    ``_sort_value``, ``_tooltip``, ``_role``) that the shared :meth:`data` asks, or a ``data`` of their own (use
    :meth:`record` there)."""

    SortRole, RowRole, RagRole = Role.SORT, Role.ROW, Role.RAG

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[R] = []

    def rows(self) -> list[R]:
        return list(self._rows)

    def row_at(self, position: int) -> R:
        return self._rows[position]

    def record(self, index: QModelIndex | QPersistentModelIndex) -> R | None:
        """The record an index stands for, or None for an invalid index."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """A cell's text, sort value, record, tooltip, or what :meth:`_role` answers for any other role."""
        row = self.record(index)
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Role.SORT:
            return self._sort_value(row, column)
        if role == Role.ROW:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        return self._role(row, column, role)

    def _display(self, row: R, column: int) -> str:
        raise NotImplementedError

    def _sort_value(self, row: R, column: int) -> Any:
        return self._display(row, column)

    def _tooltip(self, row: R, column: int) -> str | None:
        return None

    def _role(self, row: R, column: int, role: int) -> Any:
        """The answer for a role other than display, sort, row and tooltip (colours, fonts, alignment…)."""
        return None
