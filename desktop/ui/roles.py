"""Every custom item-data role of the desktop's models, declared once so that no two can clash (profiles' marks
and the RAG delegate's statuses once shared a number). Each model class names the roles it answers as attributes
(``ActionTableModel.SortRole``…); the module-level names in the model modules are the same members."""

from __future__ import annotations

from enum import IntEnum, unique

from PySide6.QtCore import Qt

_BASE = int(Qt.ItemDataRole.UserRole)


@unique
class Role(IntEnum):
    SORT = _BASE + 1  # the cell's native value for sorting (numbers as numbers, dates as dates)
    ROW = _BASE + 2  # the whole record the row shows
    RAG = _BASE + 3  # a RagStatus the RAG delegate paints as chip + label
    RAG_STATUS = _BASE + 4  # an indicator's assessed RagStatus, or None when not assessed
    MARK = _BASE + 5  # a preview cell's disclosure Mark, or None
    KIND = _BASE + 6  # a navigator node's kind: "plan", "objective" or "priority"
    ID = _BASE + 7  # a navigator node's id
    ENTRY = _BASE + 8  # what a meetings tree node stands for: ("committee" | "meeting", id)
    CHOICE = _BASE + 9  # the (value, label) choices of an editable import-mapping cell
    KEY = _BASE + 10  # a returns review row's (review index, action id)
    RAG_NOTE = _BASE + 11  # words the RAG delegate prints after the label: "not updated since 2015/16 Q3"
