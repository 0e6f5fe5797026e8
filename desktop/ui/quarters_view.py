"""Quarters: open and close reporting periods; see whose returns are still awaited."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.services.quarter_status import CARRY_FORWARD_RULE, NO_STATUS, not_updated_mark
from desktop.services.queries import ActionRow
from desktop.services.readmodels import PlanData, QuarterRow, awaiting_update, status_counts, unupdated_exceptions
from desktop.ui import view_reads
from desktop.ui.action_table_model import format_date, natural_key
from desktop.ui.icons import icon
from desktop.ui.rag_delegate import rag_pixmap
from desktop.ui.record_model import Column, RecordProxy, RecordTableModel
from desktop.ui.tables import record_table
from desktop.ui.widgets import (
    SCREEN_MARGINS,
    column_of,
    heading_label,
    named,
    row_of,
    wrapped_label,
)
from desktop.ui.workspace import Workspace

COL_LABEL, COL_START, COL_END, COL_DEADLINE, COL_STATE, COL_RETURNS, COL_CLOSED = range(7)
COL_LEAD, COL_LEAD_ORG, COL_AWAITING, COL_CODES = range(4)


@dataclass(frozen=True)
class Awaited:
    """The returns one lead officer still owes for the open quarter."""

    lead: str
    organisation: str
    codes: tuple[str, ...]


def awaited_by_lead(data: PlanData) -> list[Awaited]:
    names = {p.id: (p.display_name, p.organisation) for p in data.people}
    by_lead: dict[int | None, list[ActionRow]] = defaultdict(list)
    for row in data.rows:
        if awaiting_update(row, data.current_period):
            by_lead[row.lead_ids[0] if row.lead_ids else None].append(row)
    out = []
    for lead_id, rows in by_lead.items():
        name, org = names.get(lead_id, ("No lead officer", "")) if lead_id is not None else ("No lead officer", "")
        codes = tuple(sorted((r.code or "–" for r in rows), key=natural_key))
        out.append(Awaited(name, org, codes))
    return sorted(out, key=lambda a: (-len(a.codes), a.lead.casefold()))


def _closed_text(q: QuarterRow) -> str:
    if q.closed_at is None:
        return "–"
    return format_date(q.closed_at.date()) + (f" by {q.closed_by}" if q.closed_by else "")


def quarter_model(parent: QWidget) -> RecordTableModel:
    return RecordTableModel([
        Column("Quarter", lambda q: q.label, lambda q: q.start),
        Column("Starts", lambda q: format_date(q.start), lambda q: q.start),
        Column("Ends", lambda q: format_date(q.end), lambda q: q.end),
        Column("Returns due", lambda q: format_date(q.returns_deadline) or "–",
               lambda q: (q.returns_deadline is None, q.returns_deadline or q.end)),
        Column("State", lambda q: "Closed (frozen)" if q.closed else "Open", lambda q: q.closed,
               lambda q: f"Snapshot SHA-256 {q.snapshot_sha256}" if q.snapshot_sha256 else "Updates can be recorded"),
        Column("Actions updated", lambda q: f"{q.updated_actions:,}", lambda q: q.updated_actions, numeric=True),
        Column("Closed", _closed_text, lambda q: q.closed_at is not None),
    ], parent)


def awaited_model(parent: QWidget) -> RecordTableModel:
    return RecordTableModel([
        Column("Lead officer", lambda a: a.lead),
        Column("Organisation", lambda a: a.organisation),
        Column("Awaiting", lambda a: f"{len(a.codes):,}", lambda a: len(a.codes), numeric=True),
        Column("Actions", lambda a: ", ".join(a.codes), lambda a: len(a.codes), lambda a: ", ".join(a.codes)),
    ], parent)


def rag_summary(data: PlanData) -> list[tuple[str | None, str, int]]:
    """(RAG key, label, count) at the close of the current quarter by the one rule
    (desktop.services.quarter_status): scheme order with carried-forward statuses counted, then "no status" and
    "awaiting an update" — the numbers the snapshot and the delivery-plan update will print."""
    counts = status_counts(data)
    out: list[tuple[str | None, str, int]] = []
    for s in data.scheme.statuses:
        if counts.of(s.key):
            out.append((s.key, f"{s.label} ({s.letter})", counts.of(s.key)))
    if counts.of(NO_STATUS):
        out.append((None, "No status yet", counts.of(NO_STATUS)))
    out.append(("awaiting", "Awaiting an update", counts.awaiting))
    return out


def _carried_note(data: PlanData, key: str | None) -> str:
    carried = status_counts(data).carried_of(key) if key else 0
    return f" ({carried:,} not updated)" if carried else ""


class CloseQuarterDialog(QDialog):
    """What closing will freeze, and who has not returned an update. ``accepted`` means: close it."""

    def __init__(self, data: PlanData, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        period = data.current_period
        assert period is not None
        self.setObjectName("close_quarter_dialog")
        self.setWindowTitle(f"Close {period.label}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 12)
        layout.setSpacing(10)
        layout.addWidget(heading_label(f"Close {period.label}?"))
        intro = QLabel(
            "Closing freezes the quarter: Pathways writes a snapshot of every action's status, chained to the "
            "previous quarter's by its SHA-256 hash, and no more updates can be recorded for it. Documents for "
            "the partnership are built from this snapshot. This cannot be undone."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(heading_label("What will be frozen"))
        frozen = QLabel(f"{len(data.rows):,} actions of {data.plan.title}:")
        frozen.setWordWrap(True)
        layout.addWidget(frozen)
        chips = QHBoxLayout()
        chips.setSpacing(14)
        for key, label, count in rag_summary(data):
            status = data.scheme.find(key)
            if key != "awaiting":
                chip = QLabel()
                chip.setPixmap(rag_pixmap(status, 18, self.devicePixelRatioF()))
                chips.addWidget(chip)
            text = QLabel(f"{label}: {count:,}{_carried_note(data, key)}")
            text.setObjectName(f"frozen_{key or 'none'}")
            chips.addWidget(text)
        chips.addStretch(1)
        layout.addLayout(chips)
        rule = QLabel(CARRY_FORWARD_RULE)
        rule.setObjectName("carry_forward_rule")
        rule.setWordWrap(True)
        layout.addWidget(rule)
        self.unupdated = unupdated_exceptions(data)
        if self.unupdated:
            self._warn_unupdated(layout, data, period.label)
        awaited = awaited_by_lead(data)
        total = sum(len(a.codes) for a in awaited)
        layout.addWidget(heading_label("Who has not returned an update"))
        if awaited:
            note = QLabel(f"{total:,} {'action is' if total == 1 else 'actions are'} awaiting an update for "
                          f"{period.label}; closing freezes them at their last status.")
            note.setWordWrap(True)
            layout.addWidget(note)
            self.model = awaited_model(self)
            self.model.set_rows(awaited)
            proxy = RecordProxy(self)
            proxy.setSourceModel(self.model)
            table = record_table(proxy, "awaited_table", "Lead officers with updates outstanding")
            table.setColumnWidth(COL_LEAD, 340)
            table.setColumnWidth(COL_LEAD_ORG, 150)
            table.setColumnWidth(COL_AWAITING, 90)
            table.sortByColumn(COL_AWAITING, Qt.SortOrder.DescendingOrder)
            layout.addWidget(table, 1)
        else:
            done = QLabel("Every action has an update for this quarter.")
            done.setObjectName("all_returned")
            layout.addWidget(done)
        buttons = QDialogButtonBox()
        self.close_button = buttons.addButton(f"Close {period.label}", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button.setObjectName("confirm_close")
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(860, 620)


    def _warn_unupdated(self, layout: QVBoxLayout, data: PlanData, label: str) -> None:
        """Red/Amber actions with no update this quarter: closing freezes them at their last status."""
        n = len(self.unupdated)
        layout.addWidget(heading_label(f"Warning: {n:,} Red or Amber {'action has' if n == 1 else 'actions have'} "
                                       f"no update for {label}"))
        note = QLabel("Closing now freezes them at their last status, marked “not updated since” that quarter; they "
                      "stay in the exceptions of the board paper. Chase the lead officers first if you can.")
        note.setObjectName("unupdated_warning")
        note.setWordWrap(True)
        layout.addWidget(note)
        listing = QListWidget()
        listing.setObjectName("unupdated_exceptions")
        listing.setWordWrap(True)
        listing.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        listing.setAccessibleName("Red and Amber actions with no update this quarter")
        for row in self.unupdated:
            status = data.scheme.find(row.rag)
            assert status is not None
            item = QListWidgetItem(f"{status.letter} {status.label} · {row.code}  {row.text} — "
                                   f"{not_updated_mark(row.rag_period)} — {row.lead or 'No lead officer'}")
            item.setIcon(QIcon(rag_pixmap(status, 16, self.devicePixelRatioF())))
            listing.addItem(item)
        listing.setFixedHeight((listing.fontMetrics().height() + 8) * min(n, 5) + 2 * listing.frameWidth() + 4)
        layout.addWidget(listing)


class QuartersView(QWidget):
    """Signals:
        open_requested(): "Open a new quarter…".
        close_requested(): "Close quarter…" (the earliest open quarter; quarters close in order).
    """

    open_requested = Signal()
    close_requested = Signal()

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quarters_view")
        self.workspace = workspace
        self.heading = heading_label("Quarters")
        self.open_button = named(QPushButton(icon("quarter-open"), "&Open a new quarter…"), "open_quarter")
        self.close_button = named(QPushButton(icon("quarter-close"), "&Close quarter…"), "close_quarter")
        self.returns_button = named(QPushButton(icon("returns"), "Lead-officer &returns…"), "returns")
        self.extra_buttons = QHBoxLayout()
        top = row_of(self.open_button, self.close_button)
        top.addLayout(self.extra_buttons)
        top.addWidget(self.returns_button)
        top.addStretch(1)

        self.model = quarter_model(self)
        self.proxy = RecordProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = record_table(self.proxy, "quarters_table", "Quarters")
        for column, width in ((COL_LABEL, 120), (COL_START, 120), (COL_END, 120), (COL_DEADLINE, 120),
                              (COL_STATE, 150), (COL_RETURNS, 150)):
            self.table.setColumnWidth(column, width)
        self.table.sortByColumn(COL_START, Qt.SortOrder.DescendingOrder)

        self.summary = wrapped_label(object_name="quarter_summary")
        self.awaited = awaited_model(self)
        awaited_proxy = RecordProxy(self)
        awaited_proxy.setSourceModel(self.awaited)
        self.awaited_table = record_table(awaited_proxy, "awaited_table", "Lead officers with updates outstanding")
        self.awaited_table.setColumnWidth(COL_LEAD, 400)
        self.awaited_table.setColumnWidth(COL_LEAD_ORG, 180)
        self.awaited_table.setColumnWidth(COL_AWAITING, 100)
        self.awaited_table.sortByColumn(COL_AWAITING, Qt.SortOrder.DescendingOrder)
        self.awaited_table.horizontalHeader().setSectionResizeMode(COL_CODES, QHeaderView.ResizeMode.Stretch)
        lower = QWidget()
        self.awaited_heading = heading_label("Returns awaited")
        column_of(self.awaited_heading, self.summary, (self.awaited_table, 1), parent=lower, spacing=6)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setSizes([260, 440])
        splitter.setChildrenCollapsible(False)
        column_of(self.heading, top, (splitter, 1), parent=self, margins=SCREEN_MARGINS, spacing=10)
        self.open_button.clicked.connect(self.open_requested)
        self.close_button.clicked.connect(self.close_requested)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)

    def add_button(self, button: QPushButton) -> None:
        self.extra_buttons.addWidget(button)

    def refresh(self) -> None:
        data = self.workspace.data
        if data is None or not self.workspace.is_open:
            self.model.set_rows([])
            self.awaited.set_rows([])
            self.summary.clear()
            return
        rows = view_reads.quarters(self.workspace, data.plan.id)
        self.heading.setText(f"Quarters · {data.plan.title}")
        self.model.set_rows(rows)
        current = data.current_period
        self.close_button.setEnabled(current is not None and not current.closed)
        self.close_button.setText(f"&Close {current.label}…" if current and not current.closed else "&Close quarter…")
        if current is not None:
            row = self.proxy.mapFromSource(self.model.index(
                next((n for n, q in enumerate(rows) if q.id == current.id), 0), 0)).row()
            self.table.selectRow(row)
        self._show_awaited(rows)

    def _on_table_selection_changed(self, *_: QItemSelection) -> None:
        self._show_awaited(self.model.rows())

    def _show_awaited(self, rows: Sequence[QuarterRow]) -> None:
        data = self.workspace.data
        if data is None:
            return
        current = data.current_period
        selected = self.table.selectionModel().selectedRows()
        chosen = self.proxy.record_at(selected[0].row()) if selected else None
        if current is None:
            self.summary.setText("This plan has no quarters yet. Open the first one to start recording updates.")
            self.awaited.set_rows([])
            return
        if chosen is not None and chosen.id != current.id:
            state = "closed and frozen" if chosen.closed else "open; it can be closed after the quarters before it"
            self.summary.setText(f"{chosen.label} is {state}. {chosen.updated_actions:,} of {len(data.rows):,} "
                                 "actions had an update.")
            self.awaited.set_rows([])
            return
        if current.closed:
            self.summary.setText("Every quarter is closed. Open the next quarter to record updates.")
            self.awaited.set_rows([])
            return
        awaited = awaited_by_lead(data)
        total = sum(len(a.codes) for a in awaited)
        done = sum(1 for r in data.rows if r.updated_this_period)
        deadline = next((q.returns_deadline for q in rows if q.id == current.id), None)
        due = f" Returns are due by {format_date(deadline)}." if deadline else ""
        self.awaited_heading.setText(f"Returns awaited for {current.label}")
        self.summary.setText(f"{current.label} is open: {done:,} of {len(data.rows):,} actions updated, "
                             f"{total:,} awaiting an update from {len(awaited):,} lead officers.{due}")
        self.awaited.set_rows(awaited)
