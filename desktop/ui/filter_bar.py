"""The filter bar above the action table: search, RAG, status, lead, organisation, pathway, strand, two switches."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.models import ActionStatus, Strand
from desktop.services.rag import RagScheme
from desktop.services.readmodels import OrganisationInfo, PersonInfo
from desktop.ui.action_table_model import ActionFilter
from desktop.ui.icons import icon
from desktop.ui.rag_delegate import rag_icon
from desktop.ui.widgets import FlowLayout, chooser, named

STRAND_TEXT = {Strand.ADULTS.value: "Adults", Strand.YOUNG_PEOPLE.value: "Young people",
               Strand.BOTH.value: "Adults and young people"}


def _combo(name: str, accessible: str, any_text: str) -> QComboBox:
    combo = chooser(name, accessible, 11)
    combo.addItem(any_text, None)
    return combo


def _set_items(combo: QComboBox, items: Sequence[tuple[str, Any]], any_text: str) -> None:
    """Refill a combo, keeping the current choice when it still exists."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(any_text, None)
    for text, value in items:
        combo.addItem(text, value)
    found = combo.findData(current) if current is not None else 0
    combo.setCurrentIndex(max(0, found))
    combo.blockSignals(False)


class FilterBar(QWidget):
    """Signals:
        filter_changed(object): the user changed a filter; carries the :class:`ActionFilter` (no tree scope).
    """

    filter_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filter_bar")
        self.search = named(QLineEdit(), "search", "Search actions")
        self.search.setPlaceholderText("Search code, action, lead, any quarter's commentary…  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

        self.rag = _combo("filter_rag", "Filter by RAG status", "Any RAG")
        self.status = _combo("filter_status", "Filter by action status", "Any status")
        for status in ActionStatus:
            self.status.addItem(status.label, status)
        self.lead = _combo("filter_lead", "Filter by lead officer", "Any lead officer")
        self.lead.setMinimumContentsLength(20)
        self.organisation = _combo("filter_organisation", "Filter by lead organisation", "Any organisation")
        self.pathway = _combo("filter_pathway", "Filter by critical pathway", "Any pathway")
        self.pathway.setMinimumContentsLength(20)
        self.strand = _combo("filter_strand", "Filter by strand", "Any strand")
        for key, text in STRAND_TEXT.items():
            self.strand.addItem(text, key)
        self.overdue = QCheckBox("&Overdue only")
        self.overdue.setObjectName("filter_overdue")
        self.overdue.setToolTip("Only actions past their due date that are not complete")
        self.changed = QCheckBox("C&hanged since last quarter")
        self.changed.setObjectName("filter_changed")
        self.changed.setToolTip("Only actions whose RAG differs from the previous closed quarter")
        self.count = named(QLabel(), "filter_count", "Number of actions shown")
        self.count.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.clear_button = QPushButton(icon("filter-clear"), "C&lear filters")
        self.clear_button.setObjectName("clear_filters")
        self.clear_button.setEnabled(False)

        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        top.addWidget(self.clear_button)
        flow = FlowLayout(spacing=14, line_spacing=6)
        for label, combo in (("&RAG", self.rag), ("St&atus", self.status), ("Lea&d", self.lead),
                             ("Or&ganisation", self.organisation), ("&Pathway", self.pathway),
                             ("Stra&nd", self.strand)):
            flow.addWidget(self._pair(label, combo))
        flow.addWidget(self.overdue)
        flow.addWidget(self.changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addLayout(flow)

        self.search.textChanged.connect(self._on_changed)
        for combo in (self.rag, self.status, self.lead, self.organisation, self.pathway, self.strand):
            combo.currentIndexChanged.connect(self._on_changed)
        self.overdue.toggled.connect(self._on_changed)
        self.changed.toggled.connect(self._on_changed)
        self.clear_button.clicked.connect(self.clear)

    @staticmethod
    def _pair(text: str, buddy: QWidget) -> QWidget:
        """A label and its field, kept together when the row wraps."""
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        label = QLabel(text)
        label.setBuddy(buddy)
        row.addWidget(label)
        row.addWidget(buddy)
        return box

    def set_choices(self, scheme: RagScheme, people: Sequence[PersonInfo], organisations: Sequence[OrganisationInfo],
                    pathways: Sequence[str], lead_ids: set[int] | None = None) -> None:
        """Offer the plan's values (only people who lead something when ``lead_ids`` is given)."""
        self.blockSignals(True)
        current_rag = self.rag.currentData()
        self.rag.clear()
        self.rag.addItem("Any RAG", None)
        for status in scheme.statuses:
            self.rag.addItem(rag_icon(status), f"{status.label} ({status.letter})", status.key)
        self.rag.addItem(rag_icon(None), "No status yet", "none")
        self.rag.setCurrentIndex(max(0, self.rag.findData(current_rag)) if current_rag else 0)
        leads = [p for p in people if lead_ids is None or p.id in lead_ids]
        _set_items(self.lead, [(p.display_name, p.id) for p in leads], "Any lead officer")
        _set_items(self.organisation, [(o.display_name, o.id) for o in organisations], "Any organisation")
        _set_items(self.pathway, [(name, name) for name in pathways], "Any pathway")
        self.blockSignals(False)

    def current(self) -> ActionFilter:
        return ActionFilter(
            text=self.search.text().strip(),
            rag=self.rag.currentData(),
            status=self.status.currentData(),
            lead_id=self.lead.currentData(),
            organisation_id=self.organisation.currentData(),
            pathway=self.pathway.currentData(),
            strand=self.strand.currentData(),
            overdue_only=self.overdue.isChecked(),
            changed_only=self.changed.isChecked(),
        )

    def clear(self) -> None:
        self.blockSignals(True)
        self.search.clear()
        for combo in (self.rag, self.status, self.lead, self.organisation, self.pathway, self.strand):
            combo.setCurrentIndex(0)
        self.overdue.setChecked(False)
        self.changed.setChecked(False)
        self.blockSignals(False)
        self._on_changed()

    def set_count(self, shown: int, total: int) -> None:
        noun = "action" if total == 1 else "actions"
        self.count.setText(f"Showing {shown:,} of {total:,} {noun}" if shown != total else f"{total:,} {noun}")

    def _on_changed(self, *_: object) -> None:
        current = self.current()
        self.clear_button.setEnabled(not current.is_empty)
        self.filter_changed.emit(current)
