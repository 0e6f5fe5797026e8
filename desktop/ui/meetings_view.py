"""The Meetings view: committees and their meetings, the numbered agenda, item editing, cover reports, attached
papers, and building the signed agenda pack (Part A, or the restricted Part B).

Self-contained: give it anything with a ``session()`` context manager (the Store, or the main window's Workspace,
which serialises store access with the task runner). Work that takes time (building and signing a pack) runs on the
task runner; message boxes and file dialogs go through the dialog service, which tests replace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.models import ItemKind, Part
from desktop.models.meetings import ContactLine, ImplicationAnswer, ReportSection
from desktop.services import schedule_12a
from desktop.services.actor import Actor
from desktop.services.errors import PathwaysError
from desktop.services.meetings import AgendaEntry
from desktop.ui import errors, ops
from desktop.ui.context import ActorSource, SessionSource, current_actor
from desktop.ui.dialog_service import DialogService
from desktop.ui.lifetime import Connections
from desktop.ui.meetings_controller import ItemSnapshot, MeetingsController
from desktop.ui.record_model import Column, RecordTableModel
from desktop.ui.roles import Role
from desktop.ui.tasks import TaskRunner, TaskState
from desktop.ui.widgets import named

PDF_FILTER = "PDF documents (*.pdf);;All files (*)"
DOCX_FILTER = "Word documents (*.docx);;All files (*)"
KIND_LABELS = {
    ItemKind.STANDARD: "Standard",
    ItemKind.REPORT: "Report",
    ItemKind.VERBAL: "Verbal",
    ItemKind.DECISION: "For decision",
    ItemKind.INFORMATION: "For information",
}
ENTRY_ROLE = Role.ENTRY


# ---- the agenda table


def _papers(e: AgendaEntry) -> str:
    return ", ".join((["cover report"] if e.has_cover_report else [])
                     + ([f"{e.attachments} attached"] if e.attachments else []))


class AgendaTableModel(RecordTableModel):
    """The numbered agenda, one row an item, in agenda order."""

    NUMBER, TITLE, KIND, PART, WHO, PAPERS = range(6)

    def __init__(self, parent: QObject | None = None) -> None:
        def spoken(e: AgendaEntry) -> str:
            return f"Item {e.number}: {e.title}"

        super().__init__((
            Column("No.", lambda e: e.number, sort=lambda e: tuple(int(p) for p in e.number.split(".")),
                   accessible=spoken),
            Column("Item", lambda e: ("    " * e.depth) + e.title, accessible=spoken),
            Column("Kind", lambda e: KIND_LABELS.get(ItemKind(e.kind), e.kind), accessible=spoken),
            Column("Part", lambda e: f"B (para {e.exempt_paragraph})" if e.part == "B" else "A",
                   tooltip=lambda e: schedule_12a.SCHEDULE_12A.get(e.exempt_paragraph, "") if e.part == "B" else None,
                   accessible=spoken),
            Column("Report of / presented by", lambda e: " / ".join(x for x in (e.report_of, e.presented_by) if x),
                   accessible=spoken),
            Column("Papers", _papers, sort=lambda e: int(e.has_cover_report) + e.attachments, accessible=spoken),
        ), parent)

    def set_entries(self, entries: list[AgendaEntry]) -> None:
        self.set_rows(entries)

    def entry(self, row: int) -> AgendaEntry:
        entry: AgendaEntry = self.row_at(row)
        return entry

    def row_of(self, item_id: int) -> int:
        return next((i for i, e in enumerate(self.rows()) if e.id == item_id), -1)


# ---- the item editor


@dataclass(frozen=True)
class ItemFields:
    title: str
    kind: ItemKind
    part: Part
    exempt_paragraph: str
    report_of: str
    presented_by: str
    subtopics: str


class ItemEditor(QWidget):
    """Edits one item's fields; ``save_requested`` carries them to the view, which saves through the services."""

    save_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = named(QLineEdit(), "item_title")
        self.title.setAccessibleName("Item title")
        self.kind = named(QComboBox(), "item_kind")
        for kind, label in KIND_LABELS.items():
            self.kind.addItem(label, kind)
        self.part = named(QComboBox(), "item_part")
        self.part.addItem("Part A (public)", Part.A)
        self.part.addItem("Part B (exempt)", Part.B)
        self.paragraph = named(QComboBox(), "item_paragraph")
        self.paragraph.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.paragraph.setMinimumContentsLength(30)
        self._list_paragraphs(schedule_12a.paragraphs(schedule_12a.ENGLAND))
        self.report_of = named(QLineEdit(), "item_report_of")
        self.report_of.setPlaceholderText("the Assistant Chief Executive")
        self.presented_by = named(QLineEdit(), "item_presented_by")
        self.presented_by.setPlaceholderText("the Head of Durham NPS")
        self.subtopics = named(QPlainTextEdit(), "item_subtopics")
        self.subtopics.setPlaceholderText("One a line; printed (i), (ii)…")
        self.subtopics.setFixedHeight(60)
        self.save = named(QPushButton("Save item"), "save_item")
        self.save.clicked.connect(lambda: self.save_requested.emit(self.fields()))
        self.part.currentIndexChanged.connect(self._part_changed)

        form = QFormLayout(self)
        form.addRow("Title", self.title)
        form.addRow("Kind", self.kind)
        form.addRow("Part", self.part)
        form.addRow("Schedule 12A", self.paragraph)
        form.addRow("Report of", self.report_of)
        form.addRow("Presented by", self.presented_by)
        form.addRow("Sub-items", self.subtopics)
        form.addRow("", self.save)
        self.setEnabled(False)

    def _part_changed(self) -> None:
        exempt = self.part.currentData() == Part.B
        self.paragraph.setEnabled(exempt)
        if not exempt:
            self.paragraph.setCurrentIndex(0)

    def show_item(self, item: ItemSnapshot | None) -> None:
        self.setEnabled(item is not None)
        if item is None:
            for edit in (self.title, self.report_of, self.presented_by):
                edit.clear()
            self.subtopics.clear()
            return
        self._list_paragraphs(item.paragraphs)
        self.title.setText(item.title)
        self.kind.setCurrentIndex(max(0, self.kind.findData(item.kind)))
        self.part.setCurrentIndex(max(0, self.part.findData(item.part)))
        self.paragraph.setCurrentIndex(max(0, self.paragraph.findData(item.exempt_paragraph)))
        self.report_of.setText(item.report_of)
        self.presented_by.setText(item.presented_by)
        self.subtopics.setPlainText(item.subtopics)
        self._part_changed()

    def _list_paragraphs(self, paragraphs: dict[str, str]) -> None:
        """The Schedule 12A paragraphs of the committee's own jurisdiction, each with what it covers."""
        self.paragraph.clear()
        self.paragraph.addItem("—", "")
        for key, text in paragraphs.items():
            self.paragraph.addItem(f"Paragraph {key}: {text}", key)
            self.paragraph.setItemData(self.paragraph.count() - 1, text, Qt.ItemDataRole.ToolTipRole)

    def fields(self) -> ItemFields:
        return ItemFields(
            title=self.title.text().strip(), kind=ItemKind(self.kind.currentData()), part=Part(self.part.currentData()),
            exempt_paragraph=str(self.paragraph.currentData() or ""), report_of=self.report_of.text().strip(),
            presented_by=self.presented_by.text().strip(), subtopics=self.subtopics.toPlainText().strip(),
        )


# ---- the cover report dialog


def sections_from_text(text: str) -> list[ReportSection]:
    """Free sections written as text: a line "## Heading" starts a section."""
    out: list[ReportSection] = []
    heading, body = "", list[str]()
    for line in text.splitlines():
        if line.startswith("## "):
            if heading or any(b.strip() for b in body):
                out.append(ReportSection(heading, "\n".join(body).strip()))
            heading, body = line[3:].strip(), []
        else:
            body.append(line)
    if heading or any(b.strip() for b in body):
        out.append(ReportSection(heading, "\n".join(body).strip()))
    return out


def sections_to_text(sections: list[ReportSection]) -> str:
    return "\n\n".join(f"## {s.heading}\n{s.body}" if s.heading else s.body for s in sections)


def contacts_from_text(text: str) -> list[ContactLine]:
    """One contact a line: "Name or role | title | tel | e-mail"."""
    out = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split("|")] + ["", "", ""]
        if parts[0]:
            out.append(ContactLine(parts[0], parts[1], parts[2], parts[3]))
    return out


class CoverReportDialog(QDialog):
    """The cover report template: purpose, background, free sections, recommendations and reasons, background
    papers, contacts and the implications checklist of the partnership's heading list."""

    def __init__(self, title: str, values: dict[str, Any], answers: list[ImplicationAnswer],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cover_report_dialog")
        self.setWindowTitle(f"Cover report: {title}")
        self.fields: dict[str, QPlainTextEdit | QLineEdit] = {}
        form = QFormLayout()
        for key, label, lines in (
            ("report_of", "Report of", 0), ("theme_labels", "Theme labels", 2), ("purpose", "Purpose of the Report", 3),
            ("background", "Background", 5), ("sections", "Other sections (## Heading)", 5),
            ("recommendations", "Recommendations", 3), ("reasons", "Reasons", 2),
            ("background_papers", "Background Papers", 2), ("contacts", "Contacts (name | title | tel | e-mail)", 2),
        ):
            widget: QPlainTextEdit | QLineEdit
            if lines:
                widget = QPlainTextEdit(str(values.get(key, "")))
                widget.setFixedHeight(22 * lines + 10)
            else:
                widget = QLineEdit(str(values.get(key, "")))
            widget.setObjectName(f"cover_{key}")
            widget.setAccessibleName(label)
            self.fields[key] = widget
            form.addRow(label, widget)
        self.implications = named(QTableWidget(len(answers), 2), "cover_implications")
        self.implications.setHorizontalHeaderLabels(["Implication", "Answer"])
        self.implications.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for row, answer in enumerate(answers):
            heading = QTableWidgetItem(answer.heading)
            heading.setFlags(heading.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.implications.setItem(row, 0, heading)
            self.implications.setItem(row, 1, QTableWidgetItem(answer.text))
        form.addRow("Appendix 1: Implications", self.implications)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(760, 820)

    def text(self, key: str) -> str:
        widget = self.fields[key]
        return widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()

    def answers(self) -> list[ImplicationAnswer]:
        out = []
        for row in range(self.implications.rowCount()):
            heading, answer = self.implications.item(row, 0), self.implications.item(row, 1)
            out.append(ImplicationAnswer(heading.text() if heading else "", answer.text() if answer else ""))
        return out


# ---- the view


class MeetingsView(QWidget):
    """Signals:
        changed(): something was saved (the main window may refresh other views).
        pack_built(object): a pack was written: the AgendaPack.
    """

    changed = Signal()
    pack_built = Signal(object)

    def __init__(
        self,
        store: SessionSource,
        *,
        actor: ActorSource | None = None,
        dialogs: DialogService | None = None,
        runner: TaskRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("meetings_view")
        self.store = store
        self.actor_source: ActorSource = actor or Actor(None, "Pathways desktop user")
        self.controller = MeetingsController(store, lambda: self.actor)
        self.links = Connections(self)
        self.dialogs = dialogs or DialogService(parent=self)
        self.runner = runner or TaskRunner(self)
        self.meeting_id: int | None = None
        self.item_id: int | None = None
        self.last_pack: Any = None

        self.tree = named(QTreeWidget(), "meetings_tree")
        self.tree.setHeaderLabels(["Committees and meetings"])
        self.tree.setAccessibleName("Committees and meetings")
        self.tree.currentItemChanged.connect(self._tree_changed)

        self.heading = named(QLabel(), "meeting_heading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.warning = named(QLabel(), "clear_days_warning")
        self.warning.setWordWrap(True)
        self.warning.setTextFormat(Qt.TextFormat.PlainText)
        self.warning.setStyleSheet("color: #a4161a; font-weight: bold;")
        self.warning.hide()

        self.model = AgendaTableModel(self)
        self.table = named(QTableView(), "agenda_table")
        self.table.setAccessibleName("Agenda")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(AgendaTableModel.TITLE, QHeaderView.ResizeMode.Stretch)
        for column in (AgendaTableModel.NUMBER, AgendaTableModel.KIND, AgendaTableModel.PART):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(AgendaTableModel.WHO, 260)
        header.resizeSection(AgendaTableModel.PAPERS, 150)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

        self.editor = ItemEditor(self)
        self.editor.save_requested.connect(self._save_item)

        self.add_button = self._button("Add item", "add_item", self._add_item)
        self.up_button = self._button("Move up", "move_up", lambda: self._move(-1))
        self.down_button = self._button("Move down", "move_down", lambda: self._move(1))
        self.delete_button = self._button("Delete item", "delete_item", self._delete_item)
        self.cover_button = self._button("Cover report…", "edit_cover", self._edit_cover)
        self.docx_button = self._button("Export cover report (.docx)…", "export_docx", self._export_docx)
        self.attach_button = self._button("Attach PDF…", "attach_pdf", self._attach_pdf)
        self.sign_box = named(QCheckBox("Sign the pack"), "sign_pack")
        self.sign_box.setChecked(True)
        self.blank_box = named(QCheckBox("Blank pages for double-sided printing"), "blank_pages")
        self.blank_box.setChecked(True)
        self.build_button = self._button("Build pack…", "build_pack", lambda: self.build_pack("A"))
        self.build_b_button = self._button("Build Part B pack…", "build_pack_b", lambda: self.build_pack("B"))

        item_buttons = QHBoxLayout()
        for b in (self.add_button, self.up_button, self.down_button, self.delete_button, self.cover_button,
                  self.docx_button, self.attach_button):
            item_buttons.addWidget(b)
        item_buttons.addStretch(1)
        pack_row = QHBoxLayout()
        for w in (self.sign_box, self.blank_box):
            pack_row.addWidget(w)
        pack_row.addStretch(1)
        pack_row.addWidget(self.build_button)
        pack_row.addWidget(self.build_b_button)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.heading)
        right_layout.addWidget(self.warning)
        right_layout.addWidget(self.table, 3)
        right_layout.addLayout(item_buttons)
        right_layout.addWidget(self.editor, 2)
        right_layout.addLayout(pack_row)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.tree)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([300, 1000])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self.links.connect(self.runner.busy_changed, self._on_busy_changed)
        self.refresh()

    @property
    def actor(self) -> Actor:
        """The person at the keyboard now (read at each change, so "Who am I…" takes effect at once)."""
        return current_actor(self.actor_source)

    def _on_busy_changed(self, busy: bool) -> None:
        self.setEnabled(not busy)

    def _button(self, text: str, name: str, slot: Callable[[], None]) -> QPushButton:
        button = named(QPushButton(text), name)
        button.clicked.connect(slot)
        return button

    # ---- store access (through the controller)

    def _guard(self, title: str, fn: Callable[[], Any]) -> Any:
        """Run one change; a user-facing error is shown and nothing is saved."""
        try:
            result = fn()
        except PathwaysError as exc:
            errors.present(self.dialogs, self, title, exc)
            return None
        self.changed.emit()
        return result

    def _change_item(self, item_id: int, failed: str, fn: Callable[[], Any]) -> None:
        """Run one change to an item, then show the agenda again with that item selected."""
        self._guard(failed, fn)
        self.show_meeting(self.meeting_id, select_item=item_id)

    # ---- listing

    def refresh(self) -> None:
        keep = self.meeting_id
        self.tree.blockSignals(True)
        self.tree.clear()
        select: QTreeWidgetItem | None = None
        for committee in self.controller.committees():
            node = QTreeWidgetItem([committee.label])
            node.setData(0, ENTRY_ROLE, ("committee", committee.id))
            self.tree.addTopLevelItem(node)
            for meeting in committee.meetings:
                child = QTreeWidgetItem([meeting.label])
                child.setData(0, ENTRY_ROLE, ("meeting", meeting.id))
                node.addChild(child)
                if select is None or meeting.id == keep:
                    select = child
            node.setExpanded(True)
        self.tree.blockSignals(False)
        if select is not None:
            self.tree.setCurrentItem(select)
        else:
            self.show_meeting(None)

    def _tree_changed(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        data = current.data(0, ENTRY_ROLE) if current is not None else None
        if data and data[0] == "meeting":
            self.show_meeting(int(data[1]))

    def show_meeting(self, meeting_id: int | None, select_item: int | None = None) -> None:
        self.meeting_id = meeting_id
        page = self.controller.meeting(meeting_id) if meeting_id is not None else None
        if page is None:
            self.meeting_id = None
            self.model.set_entries([])
            self.heading.setText("No meetings yet.")
            self.warning.hide()
            self._show_item(None)
            return
        self.heading.setText(page.heading)
        self.warning.setText(page.warning or "")
        self.warning.setVisible(bool(page.warning))
        self.blank_box.setChecked(page.blank_pages)
        self.model.set_entries(page.entries)
        row = self.model.row_of(select_item) if select_item is not None else -1
        if row >= 0:
            self.table.selectRow(row)
        else:
            self._show_item(None)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_item(self.model.entry(current.row()).id if current.isValid() else None)

    def _show_item(self, item_id: int | None) -> None:
        self.item_id = item_id
        item = self.controller.item(item_id)
        self.editor.show_item(item)
        for b in (self.up_button, self.down_button, self.cover_button, self.attach_button):
            b.setEnabled(item_id is not None)
        self.delete_button.setEnabled(item is not None and not item.fixed)
        self.docx_button.setEnabled(bool(item and item.has_cover))

    # ---- editing

    def _save_item(self, fields: ItemFields) -> None:
        item_id = self.item_id
        if item_id is None:
            return
        self._change_item(item_id, "Item not saved", lambda: self.controller.save_item(item_id, {
            "title": fields.title, "kind": fields.kind, "part": fields.part,
            "exempt_paragraph": fields.exempt_paragraph, "report_of": fields.report_of,
            "presented_by": fields.presented_by, "subtopics": fields.subtopics,
        }))

    def _add_item(self) -> None:
        meeting_id = self.meeting_id
        if meeting_id is None:
            return
        new_id = self._guard("Item not added", lambda: self.controller.add_item(meeting_id))
        self.show_meeting(meeting_id, select_item=new_id)
        self.editor.title.setFocus()
        self.editor.title.selectAll()

    def _move(self, offset: int) -> None:
        item_id = self.item_id
        if item_id is None:
            return
        self._change_item(item_id, "Item not moved", lambda: self.controller.move_item(item_id, offset))

    def _delete_item(self) -> None:
        item_id = self.item_id
        if item_id is None:
            return

        def answered(yes: bool) -> None:
            if yes:
                self._guard("Item not deleted", lambda: self.controller.delete_item(item_id))
                self.show_meeting(self.meeting_id)

        self.dialogs.confirm(self, "Delete item", "Delete this item, its cover report and its attached papers?",
                             answered, confirm_text="Delete")

    def _attach_pdf(self) -> None:
        item_id = self.item_id
        if item_id is None:
            return

        def chosen(path: Path) -> None:
            try:
                content = path.read_bytes()
            except OSError as exc:
                self.dialogs.error(self, "Not attached", f"{path.name} cannot be read: {exc.strerror}.")
                return
            self._change_item(item_id, "Not attached", lambda: self.controller.attach_pdf(item_id, path, content))

        self.dialogs.choose_open_file(self, "Attach a PDF", chosen, name_filter=PDF_FILTER)

    def _edit_cover(self) -> None:
        item_id = self.item_id
        if item_id is None:
            return
        draft = self.controller.cover_draft(item_id)
        if draft is None:
            return
        values = dict(draft.values)
        if "sections" in values:
            values["sections"] = sections_to_text(values["sections"])
            values["contacts"] = "\n".join(" | ".join((c.name, c.title, c.tel, c.email)).rstrip(" |")
                                           for c in values["contacts"])
        dialog = CoverReportDialog(draft.title, values, draft.answers, self)
        dialog.finished.connect(lambda result: self._cover_done(dialog, item_id, result))
        dialog.open()

    def _cover_done(self, dialog: CoverReportDialog, item_id: int, result: int) -> None:
        dialog.deleteLater()
        if result != QDialog.DialogCode.Accepted:
            return
        report = dict(
            report_of=dialog.text("report_of"), theme_labels=dialog.text("theme_labels").splitlines(),
            purpose=dialog.text("purpose"), background=dialog.text("background"),
            sections=sections_from_text(dialog.text("sections")), recommendations=dialog.text("recommendations"),
            reasons=dialog.text("reasons"), background_papers=dialog.text("background_papers"),
            contacts=contacts_from_text(dialog.text("contacts")), implication_answers=dialog.answers(),
        )
        self._change_item(item_id, "Cover report not saved", lambda: self.controller.save_cover(item_id, **report))

    def _export_docx(self) -> None:
        item_id = self.item_id
        if item_id is None:
            return

        def chosen(path: Path) -> None:
            if self._guard("Cover report not exported", lambda: self.controller.export_docx(item_id, path)) is None \
                    and path.exists():
                self.dialogs.inform(self, "Cover report exported", f"Saved as {path.name}.")

        self.dialogs.choose_save_file(self, "Export the cover report", chosen, name_filter=DOCX_FILTER,
                                      default_suffix="docx")

    # ---- building the pack

    def build_pack(self, part: str = "A") -> None:
        meeting_id = self.meeting_id
        if meeting_id is None:
            return
        sign = self.sign_box.isChecked()
        blank = self.blank_box.isChecked()
        title = "Save the agenda pack" if part == "A" else "Save the Part B (exempt) pack"

        def chosen(path: Path) -> None:
            self.build_pack_to(path, part, sign=sign, blank_pages=blank)

        self.dialogs.choose_save_file(self, title, chosen, name_filter=PDF_FILTER, default_suffix="pdf")

    def build_pack_to(self, path: Path, part: str = "A", *, sign: bool = True, blank_pages: bool = True) -> None:
        """Build, sign and write the pack on the task runner; the result is reported in a message box."""
        from desktop.reports.agenda_pack import pack_summary

        meeting_id = self.meeting_id
        if meeting_id is None:
            return
        controller = self.controller

        def work(state: TaskState) -> Any:
            def progress(fraction: float, message: str) -> None:
                state.check()
                state.set_progress(fraction, message)

            return controller.build_pack(meeting_id, path, part=part, sign=sign, blank_pages=blank_pages,
                                         progress=progress)

        def done(pack: Any) -> None:
            if not ops.alive(self):
                return
            self.last_pack = pack
            lines = pack_summary(pack)
            self.dialogs.inform(self, "Agenda pack built", f"Saved as {path.name}.", "\n".join(lines))
            self.pack_built.emit(pack)

        def failed(exc: BaseException) -> None:
            if ops.alive(self) and not errors.is_cancel(exc):
                errors.present(self.dialogs, self, "Pack not built", exc, nothing="nothing was written")

        self.runner.run(work, done, failed, title="Building the agenda pack")


