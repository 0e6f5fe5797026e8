"""Quarter › Lead-officer returns…: spreadsheet return forms for lead officers, reading completed ones back, and
who has returned.

1. Make return forms: one protected XLSX form per lead officer for an open quarter (``issue_return_forms``).
2. Read completed forms: ``review_returns`` says per action what would change and flags forms for another plan, a
   closed quarter, a tampered form, a second return and RAG-rule failures. Nothing is written until "Accept
   selected" (``accept_returns``), and only the ticked rows.
3. Who has returned: ``returns_status``, the chase list with the deadline, and "Copy chase list".
"""

from __future__ import annotations

import dataclasses
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.services.errors import PathwaysError
from desktop.services.returns import AcceptResult, IssuedForms, ReturnReview, ReturnsStatus
from desktop.ui import returns_controller
from desktop.ui.action_table_model import format_date
from desktop.ui.dialog_base import (
    NoticePanel,
    TaskDialog,
    default_folder,
    open_closing,
    safe_file_name,
    side_button,
    subtle,
)
from desktop.ui.dialog_service import DialogService
from desktop.ui.returns_controller import Quarter
from desktop.ui.roles import Role
from desktop.ui.widgets import fit_to_screen, heading_label
from desktop.ui.workspace import Change, Workspace

FORM_FILTER = "Return forms (*.xlsx);;All files (*)"
KEY_ROLE = Role.KEY  # (review index, action id) on an acceptable row
COL_ACTION, COL_LEAD, COL_CHANGES, COL_PROBLEMS = range(4)
TAB_MAKE, TAB_READ, TAB_STATUS = range(3)


def _tab_page(name: str, spacing: int, intro: str) -> tuple[QWidget, QVBoxLayout]:
    """A tab of the dialog: its introduction at the top, the rest added by the caller to the layout returned."""
    page = QWidget()
    page.setObjectName(name)
    layout = QVBoxLayout(page)
    layout.setContentsMargins(4, 10, 4, 4)
    layout.setSpacing(spacing)
    layout.addWidget(subtle(intro))
    return page, layout


def _table(name: str, accessible: str, headings: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headings))
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setHorizontalHeaderLabels(headings)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.setWordWrap(True)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setHighlightSections(False)
    header.setStretchLastSection(True)
    header.sectionResized.connect(lambda *_: table.resizeRowsToContents())  # wrapped text keeps its height
    return table


def _item(text: str, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
    item.setToolTip(tip or text)
    item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    return item


def _append_row(table: QTableWidget, *items: QTableWidgetItem) -> None:
    row = table.rowCount()
    table.insertRow(row)
    for column, item in enumerate(items):
        table.setItem(row, column, item)


def _short(text: str, limit: int = 60) -> str:
    words = " ".join(text.split())
    return words if len(words) <= limit else words[: limit - 1] + "…"


def chase_text(status: ReturnsStatus) -> str:
    """The chase list as plain text for an email: who still owes what, with the deadline."""
    due = f", due by {format_date(status.deadline)}" if status.deadline else ""
    lines = [f"Lead-officer returns still awaited for {status.period_label}{due} ({status.plan_title}):"]
    for lead in status.chase:
        contact = f" <{lead.email}>" if lead.email else ""
        lines.append(f"- {lead.lead}{contact}: {len(lead.outstanding)} of {lead.actions} outstanding "
                     f"({', '.join(lead.outstanding)})")
    if status.without_lead:
        lines.append(f"- No lead officer: {', '.join(status.without_lead)}")
    if len(lines) == 1:
        lines.append("- none: every lead officer has returned.")
    return "\n".join(lines)


class ReturnsDialog(TaskDialog):
    """Signals:
        forms_issued(object): forms were written: the :class:`IssuedForms`.
        reviewed(object): completed forms were read (nothing written): the list of :class:`ReturnReview`.
        returns_accepted(object): returns were recorded: the :class:`AcceptResult`.
    """

    forms_issued = Signal(object)
    reviewed = Signal(object)
    returns_accepted = Signal(object)

    def __init__(self, workspace: Workspace, dialogs: DialogService, parent: QWidget | None = None) -> None:
        data = workspace.data
        assert data is not None, "the returns dialog needs a plan"
        super().__init__(workspace, dialogs, parent, name="returns_dialog", title="Lead-officer returns",
                         heading=f"Lead-officer returns · {data.plan.title}")
        self.plan_id = data.plan.id
        self.quarters = returns_controller.quarters(workspace, self.plan_id)
        self.issued: IssuedForms | None = None
        self.reviews: list[ReturnReview] = []
        self.status_result: ReturnsStatus | None = None
        self._status_stale = True

        self.tabs = QTabWidget()
        self.tabs.setObjectName("returns_tabs")
        self.tabs.setAccessibleName("Returns steps")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._make_tab(), "1. Make return forms")
        self.tabs.addTab(self._read_tab(), "2. Read completed forms")
        self.tabs.addTab(self._status_tab(), "3. Who has returned")
        self.body.addWidget(self.tabs, 1)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.update_state()
        fit_to_screen(self, 1080, 720)

    def _open_quarter(self) -> Quarter | None:
        return next((q for q in self.quarters if not q.closed), None)

    # ------------------------------------------------------------------ 1. make forms

    def _make_tab(self) -> QWidget:
        page, layout = _tab_page("make_tab", 10, (
            "One spreadsheet per lead officer, listing the actions they lead that still need an update this "
            "quarter, with last quarter's status beside them. Only the update cells can be filled in; a hidden, "
            "sealed sheet lets Pathways spot a form that was altered or came from elsewhere."))
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.make_quarter = QComboBox()
        self.make_quarter.setMinimumContentsLength(16)
        for q in self.quarters:
            if not q.closed:
                due = f" (returns due {q.deadline})" if q.deadline else ""
                self.make_quarter.addItem(q.label + due, q.id)
        self.add_row("make_quarter", "Open &quarter", self.make_quarter, form=form,
                     accessible="Open quarter the forms are for")
        self.make_note = subtle("", "make_note")
        if self.make_quarter.count() == 0:
            self.make_note.setText("Every quarter of this plan is closed. Return forms are for an open quarter: open "
                                   "the next one first (Quarter › Open a new quarter…).")
            self.make_quarter.setEnabled(False)
        else:
            self.make_note.hide()
        form.addRow("", self.make_note)
        self.folder = QLineEdit()
        self.folder.setPlaceholderText("The folder the forms are saved in")
        self.choose_folder_button = side_button("C&hoose folder…", "choose_folder")
        self.add_row("folder", "Save &in", self.folder, self.choose_folder_button, form=form,
                     accessible="Folder for the return forms")
        layout.addLayout(form)
        self.make_button = side_button("&Make forms", "make_forms")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.make_button)
        layout.addLayout(row)

        self.made_heading = heading_label("Forms made")
        self.made_list = _table("forms_list", "Return forms made", ["Lead officer", "Actions", "File"])
        self.made_list.setWordWrap(False)
        self.made_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.made_list.setColumnWidth(0, 460)
        self.made_list.setColumnWidth(1, 80)
        self.without_lead = subtle("", "without_lead")
        self.open_folder_button = side_button("&Open folder", "open_forms_folder")
        made_buttons = QHBoxLayout()
        made_buttons.addWidget(self.without_lead, 1)
        made_buttons.addStretch(0)
        made_buttons.addWidget(self.open_folder_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.made_heading)
        layout.addWidget(self.made_list, 1)
        layout.addLayout(made_buttons)
        for widget in (self.made_heading, self.made_list, self.without_lead, self.open_folder_button):
            widget.hide()
        layout.addStretch(0)

        self._suggest_folder()
        self.make_quarter.currentIndexChanged.connect(lambda _: self._suggest_folder())
        self.choose_folder_button.clicked.connect(self._choose_folder)
        self.make_button.clicked.connect(self.make_forms)
        self.open_folder_button.clicked.connect(self._open_forms_folder)
        return page

    def _suggest_folder(self) -> None:
        label = self.make_quarter.currentText().split(" (")[0]
        if label and (not self.folder.text().strip() or self.folder.property("suggested") == self.folder.text()):
            suggested = str(default_folder() / safe_file_name(f"{label.replace('/', '-')} return forms"))
            self.folder.setText(suggested)
            self.folder.setProperty("suggested", suggested)

    def _choose_folder(self) -> None:
        current = self.folder.text().strip()
        start = Path(current) if current and Path(current).is_dir() else default_folder()

        def chosen(folder: Path) -> None:
            self.folder.setText(str(folder))
            self.errors["folder"].clear_message()

        self.files.choose_folder(self, "Choose a folder for the return forms", chosen, directory=start)

    def make_forms(self) -> None:
        self.clear_errors()
        period_id = self.make_quarter.currentData()
        if period_id is None:
            self.show_error("make_quarter", "There is no open quarter to make forms for.")
            return
        text = self.folder.text().strip()
        if not text:
            self.show_error("folder", "Choose a folder for the forms.")
            return
        folder = Path(text).expanduser()
        if folder.exists() and not folder.is_dir():
            self.show_error("folder", "That is a file; choose a folder.")
            return
        work = partial(returns_controller.make_forms, plan_id=self.plan_id, period_id=int(period_id), folder=folder)
        self.run_on_store(work, self._made, title="Making return forms…", cancellable=False,
                          what="No forms were made")

    def _made(self, issued: IssuedForms) -> None:
        self.issued = issued
        self.made_list.setRowCount(0)
        for form, path in zip(issued.forms, issued.paths, strict=True):
            _append_row(self.made_list, _item(form.lead), _item(f"{form.actions:,}"), _item(path.name, str(path)))
        count = len(issued.forms)
        folder = issued.paths[0].parent if issued.paths else Path(self.folder.text().strip())
        self.made_heading.setText(f"{count} form{'s' if count != 1 else ''} made in {folder}")
        if issued.without_lead:
            self.without_lead.setText(f"No form for {len(issued.without_lead)} action(s) with no lead officer: "
                                      + ", ".join(issued.without_lead) + ". Give them a lead officer first.")
        for widget in (self.made_heading, self.made_list, self.open_folder_button, self.without_lead):
            widget.show()
        if count:
            self.notice.show_notice("ok", f"{count} return form{'s' if count != 1 else ''} made",
                                    "Send each lead officer their form; read the completed ones back in step 2.")
        else:
            self.notice.show_notice("info", "No forms were needed",
                                    "Every action due an update this quarter already has one.")
        self.forms_issued.emit(issued)

    def _open_forms_folder(self) -> None:
        if self.issued is not None and self.issued.paths:
            self.files.open_folder(self, self.issued.paths[0].parent)
        elif self.folder.text().strip():
            self.files.open_folder(self, Path(self.folder.text().strip()))

    # ------------------------------------------------------------------ 2. read completed forms

    def _read_tab(self) -> QWidget:
        page, layout = _tab_page("read_tab", 8, (
            "Choose the forms lead officers sent back. Pathways shows, action by action, what each would change "
            "and anything that stops it. Nothing is recorded until you accept the ticked rows."))
        self.choose_returns_button = side_button("&Choose completed forms…", "choose_returns")
        self.read_summary = QLabel()
        self.read_summary.setObjectName("read_summary")
        self.read_summary.setWordWrap(True)
        self.read_summary.setTextFormat(Qt.TextFormat.PlainText)
        top = QHBoxLayout()
        top.addWidget(self.choose_returns_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.read_summary, 1)
        layout.addLayout(top)
        self.review_table = _table("returns_table", "What each returned form would change",
                                   ["Record", "Lead officer (form)", "What changes", "Problems and notes"])
        header = self.review_table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_CHANGES, QHeaderView.ResizeMode.Stretch)
        self.review_table.setColumnWidth(COL_ACTION, 100)
        self.review_table.setColumnWidth(COL_LEAD, 230)
        self.review_table.setColumnWidth(COL_PROBLEMS, 260)
        self.review_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.review_table, 1)
        self.accept_button = side_button("&Accept selected", "accept_returns",
                                         tip="Record the ticked rows as updates from the lead officers (audited)")
        self.selected_label = subtle("", "selected_label")
        bottom = QHBoxLayout()
        bottom.addWidget(self.selected_label, 1)
        bottom.addWidget(self.accept_button)
        layout.addLayout(bottom)
        self.choose_returns_button.clicked.connect(self._choose_returns)
        self.review_table.itemChanged.connect(lambda _: self._update_selected())
        self.accept_button.clicked.connect(self.accept_selected)
        self._update_selected()
        return page

    def _choose_returns(self) -> None:
        folder = self.issued.paths[0].parent if self.issued and self.issued.paths else default_folder()
        self.files.choose_open_files(self, "Choose completed return forms", self.read_returns, directory=folder,
                                     name_filter=FORM_FILTER)

    def read_returns(self, paths: list[Path]) -> None:
        """Review ``paths`` on the worker (nothing is written) and list what they would change."""
        if not paths:
            return
        work = partial(returns_controller.review, plan_id=self.plan_id, files=[Path(p) for p in paths])
        self.run_on_store(work, self._show_reviews, title="Reading returned forms…", cancellable=False,
                          what="The forms were not read")

    def _show_reviews(self, reviews: list[ReturnReview]) -> None:
        self.reviews = list(reviews)
        table = self.review_table
        table.blockSignals(True)
        table.setRowCount(0)
        blank_total = acceptable_total = problem_total = 0
        for index, review in enumerate(self.reviews):
            who = f"{review.lead or 'Unknown lead officer'}\n{review.file}"
            if review.period_label:
                who += f" · {review.period_label}"
            if review.problem:
                problem_total += 1
                self._add_row(_item("Whole form\n(refused)", "Nothing from this form can be recorded"), _item(who),
                              _item("–"), _item(f"⚠ Refused: {review.problem}"))
                continue
            for action in review.actions:
                if action.empty:
                    blank_total += 1
                    continue
                record = _item(action.code or "–", f"Action {action.code}")
                if action.acceptable:
                    acceptable_total += 1
                    record.setFlags(record.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    record.setCheckState(Qt.CheckState.Checked)
                    record.setData(KEY_ROLE, (index, action.action_id))
                else:
                    problem_total += 1
                    record.setText(f"{action.code or '–'}\n(refused)")
                changes = "\n".join(f"{c.field}: {_short(c.before, 40) or '(none)'} → {_short(c.after, 60) or '(none)'}"
                                    for c in action.changes) or "No change: confirms the last update"
                full = "\n".join(f"{c.field}: {c.before or '(none)'} → {c.after or '(none)'}" for c in action.changes)
                problems = [f"⚠ {p}" for p in action.problems] + [f"Note: {n}" for n in action.notes]
                self._add_row(record, _item(who), _item(changes, full or changes),
                              _item("\n".join(problems) or "Ready to record"))
        table.resizeRowsToContents()
        table.blockSignals(False)
        forms = len(self.reviews)
        parts = [f"{forms} form{'s' if forms != 1 else ''} read: {acceptable_total} change"
                 f"{'s' if acceptable_total != 1 else ''} can be recorded"]
        if problem_total:
            parts.append(f"{problem_total} row{'s' if problem_total != 1 else ''} or form"
                         f"{'s' if problem_total != 1 else ''} refused (see Problems)")
        if blank_total:
            parts.append(f"{blank_total} action{'s' if blank_total != 1 else ''} left blank")
        summary = "; ".join(parts) + "."
        if not acceptable_total and not problem_total:
            summary = (f"{forms} form{'s' if forms != 1 else ''} read: no changes — every action was left blank. "
                       "Nothing to record.")
        self.read_summary.setText(summary + " Nothing has been written yet.")
        self._update_selected()
        self.reviewed.emit(self.reviews)

    def _add_row(self, record: QTableWidgetItem, lead: QTableWidgetItem, changes: QTableWidgetItem,
                 problems: QTableWidgetItem) -> None:
        # The tick box sits mid-row whatever the style does, so its action code sits beside it there.
        record.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        _append_row(self.review_table, record, lead, changes, problems)

    def selected_keys(self) -> set[tuple[int, int]]:
        keys: set[tuple[int, int]] = set()
        for row in range(self.review_table.rowCount()):
            item = self.review_table.item(row, COL_ACTION)
            key = item.data(KEY_ROLE) if item is not None else None
            if key is not None and item is not None and item.checkState() == Qt.CheckState.Checked:
                keys.add((int(key[0]), int(key[1])))
        return keys

    def change_rows(self) -> int:
        """How many rows could be recorded (ticked or not)."""
        return sum(1 for row in range(self.review_table.rowCount())
                   if (item := self.review_table.item(row, COL_ACTION)) is not None and item.data(KEY_ROLE))

    def _update_selected(self) -> None:
        count = len(self.selected_keys())
        self.accept_button.setEnabled(count > 0 and not self.running)
        self.selected_label.setText(f"{count} of {self.change_rows()} ticked." if self.reviews else "")

    def accept_selected(self) -> None:
        keys = self.selected_keys()
        if not keys:
            return
        chosen: list[ReturnReview] = []
        for index, review in enumerate(self.reviews):
            actions = [a for a in review.actions if (index, a.action_id) in keys]
            if actions and not review.problem:
                chosen.append(dataclasses.replace(review, actions=actions))
        count = sum(len(r.actions) for r in chosen)

        def answered(yes: bool) -> None:
            if yes:
                self._record(chosen)

        self.dialogs.confirm(
            self, "Accept returns",
            f"Record {count} update{'s' if count != 1 else ''} from the lead officers' returns? Each is recorded as "
            "their update for the quarter and audited; it cannot be undone, only followed by a newer update.",
            answered, confirm_text="Record updates")

    def _record(self, chosen: list[ReturnReview]) -> None:
        ids = frozenset(a.action_id for r in chosen for a in r.actions)
        work = partial(returns_controller.accept, actor=self.workspace.actor, chosen=chosen)

        def done(result: AcceptResult) -> None:
            self.reviews = []
            self.review_table.setRowCount(0)
            self._update_selected()
            refused = f"; {result.refused} refused" if result.refused else ""
            self.read_summary.setText(f"Recorded {result.written} update{'s' if result.written != 1 else ''}"
                                      f"{refused}.")
            self.notice.show_notice("ok" if not result.refused else "warning",
                                    f"Recorded {result.written} update{'s' if result.written != 1 else ''} from "
                                    f"returns{refused}", "They now show in the plan and on the dashboard.")
            self._status_stale = True
            try:
                self.workspace.apply(Change(action_ids=ids))
            except PathwaysError:
                pass  # the screens catch up on the next refresh
            self.returns_accepted.emit(result)

        self.run_on_store(work, done, title="Recording returns…", cancellable=False, what="Nothing was recorded")

    # ------------------------------------------------------------------ 3. who has returned

    def _status_tab(self) -> QWidget:
        page = QWidget()
        page.setObjectName("status_tab")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(4, 10, 4, 4)
        layout.setSpacing(8)
        self.status_quarter = QComboBox()
        self.status_quarter.setObjectName("status_quarter")
        self.status_quarter.setAccessibleName("Quarter")
        self.status_quarter.setMinimumContentsLength(16)
        for q in reversed(self.quarters):
            self.status_quarter.addItem(f"{q.label} ({'closed' if q.closed else 'open'})", q.id)
        current = self._open_quarter()
        if current is not None:
            self.status_quarter.setCurrentIndex(self.status_quarter.findData(current.id))
        quarter_label = QLabel("&Quarter")
        quarter_label.setBuddy(self.status_quarter)
        self.refresh_button = side_button("&Refresh", "refresh_status")
        self.copy_button = side_button("&Copy chase list", "copy_chase",
                                       tip="Copy who still owes a return, with email addresses, to paste into an email")
        top = QHBoxLayout()
        top.addWidget(quarter_label)
        top.addWidget(self.status_quarter)
        top.addWidget(self.refresh_button)
        top.addStretch(1)
        top.addWidget(self.copy_button)
        layout.addLayout(top)
        self.status_summary = QLabel()
        self.status_summary.setObjectName("status_summary")
        self.status_summary.setWordWrap(True)
        self.status_summary.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.status_summary)
        self.deadline_notice = NoticePanel()
        self.deadline_notice.setObjectName("deadline_notice")
        layout.addWidget(self.deadline_notice)

        self.chase_heading = heading_label("Chase list")
        self.chase_table = _table("chase_table", "Lead officers who have not returned",
                                  ["Lead officer", "Email", "Outstanding", "Actions still to come"])
        self.chase_table.setColumnWidth(0, 320)
        self.chase_table.setColumnWidth(1, 190)
        self.chase_table.setColumnWidth(2, 115)
        self.chase_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.returned_heading = heading_label("Returned")
        self.returned_table = _table("returned_table", "Lead officers who have returned everything",
                                     ["Lead officer", "Actions updated"])
        self.returned_table.setColumnWidth(0, 330)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.chase_heading)
        upper_layout.addWidget(self.chase_table, 1)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.returned_heading)
        lower_layout.addWidget(self.returned_table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([240, 240])
        layout.addWidget(splitter, 1)
        self.status_quarter.currentIndexChanged.connect(lambda _: self.load_status())
        self.refresh_button.clicked.connect(self.load_status)
        self.copy_button.clicked.connect(self.copy_chase_list)
        self.copy_button.setEnabled(False)
        return page

    def _on_tab_changed(self, index: int) -> None:
        self.notice.clear_notice()
        if index == TAB_STATUS and self._status_stale:
            self.load_status()

    def load_status(self) -> None:
        period_id = self.status_quarter.currentData()
        if period_id is None:
            self.status_summary.setText("This plan has no quarters yet.")
            return
        work = partial(returns_controller.status, period_id=int(period_id))
        if self.run_on_store(work, self._show_status, title="Checking who has returned…", cancellable=False,
                             what="Could not check the returns"):
            self._status_stale = False

    def _show_status(self, status: ReturnsStatus) -> None:
        self.status_result = status
        total = sum(lead.actions for lead in status.leads)
        returned = sum(lead.returned for lead in status.leads)
        due = f"Returns were due by {format_date(status.deadline)}. " if status.deadline else ""
        state = "closed" if status.closed else "open"
        self.status_summary.setText(
            f"{status.period_label} ({state}): {len(status.returned)} of {len(status.leads)} lead officers have "
            f"returned everything; {returned} of {total} actions updated. {due}".strip())
        if status.overdue():
            self.deadline_notice.show_notice("warning", "The deadline has passed",
                                             f"{len(status.chase)} lead officer{'s' if len(status.chase) != 1 else ''}"
                                             " still owe a return: copy the chase list to send a reminder.")
        else:
            self.deadline_notice.clear_notice()
        self.chase_heading.setText(f"Chase list ({len(status.chase)})")
        self.chase_table.setRowCount(0)
        for lead in status.chase:
            _append_row(self.chase_table, _item(lead.lead), _item(lead.email or "–"),
                        _item(f"{len(lead.outstanding)} of {lead.actions}"), _item(", ".join(lead.outstanding)))
        if status.without_lead:
            _append_row(self.chase_table, _item("No lead officer"), _item("–"), _item(f"{len(status.without_lead)}"),
                        _item(", ".join(status.without_lead)))
        self.returned_heading.setText(f"Returned ({len(status.returned)})")
        self.returned_table.setRowCount(0)
        for lead in status.returned:
            _append_row(self.returned_table, _item(lead.lead), _item(f"{lead.returned} of {lead.actions}"))
        self.chase_table.resizeRowsToContents()
        self.returned_table.resizeRowsToContents()
        self.copy_button.setEnabled(bool(status.chase or status.without_lead))

    def copy_chase_list(self) -> None:
        if self.status_result is None:
            return
        QGuiApplication.clipboard().setText(chase_text(self.status_result))
        count = len(self.status_result.chase)
        self.notice.show_notice("info", "Chase list copied to the clipboard",
                                f"{count} lead officer{'s' if count != 1 else ''}, with email addresses where known.")

    # ------------------------------------------------------------------ state

    def update_state(self) -> None:
        if not hasattr(self, "tabs"):
            return
        self.make_button.setEnabled(not self.running and self.make_quarter.count() > 0)
        self._update_selected()


def open_returns_dialog(workspace: Workspace, dialogs: DialogService, parent: QWidget | None = None
                        ) -> ReturnsDialog | None:
    """Quarter › Lead-officer returns… (and the Quarters screen's button)."""
    if not workspace.is_open or workspace.data is None:
        dialogs.inform(parent, "Lead-officer returns", "Open a plan first.")
        return None
    return open_closing(ReturnsDialog(workspace, dialogs, parent))
