"""The import wizard: choose a file → check the column mapping → map unrecognised statuses → preview every row →
import.

All the work is done by ``desktop.services.importing`` (read, preview, apply); the wizard only collects the user's
choices and shows the preview. Reading and previewing run on the store's worker; importing goes through
``Workspace.run_change`` so the screens refresh afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from desktop.services.importing import ImportOptions, ImportPlan, ImportResult
from desktop.services.importing.headings import FIELD_LABELS, Field
from desktop.services.importing.hierarchy import RowFate
from desktop.services.importing.plan_import import ColumnInfo, StatusQuestion
from desktop.services.importing.reading import Source
from desktop.services.importing.values import status_targets
from desktop.services.rag import scheme
from desktop.ui import import_controller
from desktop.ui.record_model import Column, RecordTableModel
from desktop.ui.roles import Role
from desktop.ui.workspace import Change, Workspace

SPREADSHEET_FILTER = "Spreadsheets (*.xlsx *.csv);;All files (*)"
ChoiceRole = Role.CHOICE  # the (value, label) choices of an editable cell
SortRole = Role.SORT
Index = QModelIndex | QPersistentModelIndex


class Dialogs(Protocol):
    def inform(self, parent: QWidget | None, title: str, text: str, detail: str = "") -> None: ...

    def choose_open_file(self, parent: QWidget | None, title: str, on_chosen: Callable[[Path], None], *,
                         directory: Path | None = None, name_filter: str = ...) -> None: ...


# ---------------------------------------------------------------------------------------------- table models


class ChoiceTableModel(QAbstractTableModel):
    """A table of fixed headings over a list of rows, one column of which (``CHOICE_COLUMN``) is chosen from a list
    through :class:`ChoiceDelegate`. Subclasses say how many rows there are and what each cell shows."""

    HEADERS: tuple[str, ...] = ()
    CHOICE_COLUMN = -1

    def row_total(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else self.row_total()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.column() == self.CHOICE_COLUMN else base


class MappingModel(ChoiceTableModel):
    """Source heading → field. The field column is editable (a combo box through :class:`ChoiceDelegate`)."""

    COL_LETTER, COL_HEADING, COL_FIELD = range(3)
    HEADERS = ("Column", "Heading in the file", "Import as")
    CHOICE_COLUMN = COL_FIELD

    mapping_changed = Signal(str, object)  # heading key, Field

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns: list[ColumnInfo] = []
        self._choices = [(f.value, FIELD_LABELS[f]) for f in Field]

    def set_columns(self, columns: list[ColumnInfo]) -> None:
        self.beginResetModel()
        self._columns = list(columns)
        self.endResetModel()

    def row_total(self) -> int:
        return len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        info = self._columns[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, SortRole):
            if col == self.COL_LETTER:
                return info.letter
            if col == self.COL_HEADING:
                return info.heading or "(no heading)"
            suggested = "" if info.field == info.suggested or role == SortRole else "  (changed)"
            return info.field.label + suggested
        if role == Qt.ItemDataRole.EditRole and col == self.COL_FIELD:
            return info.field.value
        if role == ChoiceRole and col == self.COL_FIELD:
            return self._choices
        if role == Qt.ItemDataRole.ToolTipRole and col == self.COL_FIELD:
            return f"Suggested: {info.suggested.label}"
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or index.column() != self.COL_FIELD:
            return False
        try:
            field = Field(value)
        except ValueError:
            return False
        info = self._columns[index.row()]
        if field == info.field:
            return False
        self._columns[index.row()] = ColumnInfo(info.key, info.heading, info.letter, info.suggested, info.confidence,
                                                field)
        self.dataChanged.emit(index, index)
        self.mapping_changed.emit(info.key, field)
        return True


class StatusModel(ChoiceTableModel):
    """Status values the importer did not recognise, and what the user maps each one to."""

    COL_VALUE, COL_COUNT, COL_WHERE, COL_CHOICE = range(4)
    HEADERS = ("Value in the file", "Rows", "First seen", "Map to")
    CHOICE_COLUMN = COL_CHOICE

    choice_changed = Signal(str, str)  # value key, spec

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._questions: list[StatusQuestion] = []
        self._chosen: dict[str, str] = {}
        self._choices: list[tuple[str, str]] = []

    def set_questions(self, questions: list[StatusQuestion], choices: list[tuple[str, str]],
                      chosen: dict[str, str]) -> None:
        self.beginResetModel()
        self._questions, self._choices, self._chosen = list(questions), list(choices), dict(chosen)
        self.endResetModel()

    @property
    def complete(self) -> bool:
        return all(q.key in self._chosen for q in self._questions)

    def row_total(self) -> int:
        return len(self._questions)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        q = self._questions[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, SortRole):
            if col == self.COL_VALUE:
                return q.example
            if col == self.COL_COUNT:
                return q.count if role == SortRole else str(q.count)
            if col == self.COL_WHERE:
                return f"{q.first_row}, column '{q.column}'"
            spec = self._chosen.get(q.key)
            return dict(self._choices).get(spec, "Choose…") if spec else "Choose…"
        if role == Qt.ItemDataRole.EditRole and col == self.COL_CHOICE:
            return self._chosen.get(q.key, "")
        if role == ChoiceRole and col == self.COL_CHOICE:
            return self._choices
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or index.column() != self.COL_CHOICE:
            return False
        spec = str(value)
        if spec not in dict(self._choices):
            return False
        key = self._questions[index.row()].key
        self._chosen[key] = spec
        self.dataChanged.emit(index, index)
        self.choice_changed.emit(key, spec)
        return True


class FatesModel(RecordTableModel):
    """Every row of the file and what importing does with it."""

    COL_ROW, COL_KIND, COL_DETAIL, COL_TEXT, COL_NOTES = range(5)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__((
            Column("Row", lambda f: f.where, sort=lambda f: (f.sheet, f.row)),
            Column("Becomes", lambda f: f.kind.value.capitalize()),
            Column("Detail", lambda f: f.detail),
            Column("Text", lambda f: f.excerpt),
            Column("Notes", lambda f: "; ".join(f.notes), tooltip=lambda f: "\n".join(f.notes) or None),
        ), parent)

    def set_fates(self, fates: list[RowFate]) -> None:
        self.set_rows(fates)


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box for cells whose model offers choices through ``ChoiceRole``."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:  # noqa: N802
        combo = QComboBox(parent)
        for value, label in index.data(ChoiceRole) or []:
            combo.addItem(label, value)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        assert isinstance(editor, QComboBox)
        at = editor.findData(index.data(Qt.ItemDataRole.EditRole))
        editor.setCurrentIndex(max(at, 0))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:  # noqa: N802
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


def _table(model: QAbstractTableModel, name: str, editable: bool) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setItemDelegate(ChoiceDelegate(view) if editable else QStyledItemDelegate(view))
    view.setEditTriggers(QTableView.EditTrigger.AllEditTriggers if editable else QTableView.EditTrigger.NoEditTriggers)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().setVisible(False)
    view.setWordWrap(False)
    return view


# ---------------------------------------------------------------------------------------------- the wizard


class ImportWizard(QWizard):
    """Signals:
        preview_changed(): a new preview is ready (or the last one failed: see ``error``).
        imported(object): the plan was imported: :class:`ImportResult`.
    """

    PAGE_FILE, PAGE_MAPPING, PAGE_STATUSES, PAGE_PREVIEW = range(4)
    preview_changed = Signal()
    imported = Signal(object)

    def __init__(self, workspace: Workspace, dialogs: Dialogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("import_wizard")
        self.setWindowTitle("Import an action plan")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.workspace = workspace
        self.dialogs = dialogs
        self.path: Path | None = None
        self.source: Source | None = None
        self.preview: ImportPlan | None = None
        self.error = ""
        self.columns: dict[str, Field] = {}
        self.statuses: dict[str, str] = {}
        self.questions: dict[str, StatusQuestion] = {}  # every value ever asked about, kept while it is mapped
        self.import_result: ImportResult | None = None
        self._generation = 0
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.status_page = StatusPage(self)
        self.preview_page = PreviewPage(self)
        self.setPage(self.PAGE_FILE, self.file_page)
        self.setPage(self.PAGE_MAPPING, self.mapping_page)
        self.setPage(self.PAGE_STATUSES, self.status_page)
        self.setPage(self.PAGE_PREVIEW, self.preview_page)
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Import")
        self.resize(980, 640)

    # ---- choices → a fresh preview

    def import_options(self) -> ImportOptions:
        return ImportOptions(columns=dict(self.columns), statuses=dict(self.statuses),
                             split_cells=self.file_page.split.isChecked(), period=self.file_page.quarter.text().strip())

    def target_plan_id(self) -> int | None:
        value = self.file_page.target.currentData()
        return int(value) if value is not None else None

    def choose_file(self, path: Path) -> None:
        self.path, self.source = Path(path), None
        self.columns.clear()
        self.statuses.clear()
        self.questions.clear()
        self.file_page.path_edit.setText(str(path))
        self.request_preview()

    def request_preview(self) -> None:
        """Work out the preview again with the current choices (on the store's worker)."""
        if self.path is None:
            return
        self._generation += 1
        generation = self._generation
        path, source, options, plan_id = self.path, self.source, self.import_options(), self.target_plan_id()
        store = self.workspace.store
        if store is None or not store.is_open:
            self._preview_failed(generation, "The store is locked; unlock it to import a plan.")
            return

        def work(_: object) -> tuple[Source, ImportPlan]:
            return import_controller.preview(store, path, source, options, plan_id)

        def done(result: tuple[Source, ImportPlan]) -> None:
            if generation != self._generation:
                return
            self.source, self.preview = result
            self.error = ""
            for q in self.preview.questions:
                self.questions[q.key] = q
            self.preview_changed.emit()

        def failed(exc: BaseException) -> None:
            from desktop.services.errors import PathwaysError

            message = str(exc) if isinstance(exc, PathwaysError) else (
                f"The file could not be previewed ({type(exc).__name__}).")
            self._preview_failed(generation, message)

        self.workspace.runner.run(work, done, failed, title="Reading the spreadsheet", cancellable=False)

    def _preview_failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self.preview, self.error = None, message
        self.preview_changed.emit()

    def set_column(self, key: str, field: Field) -> None:
        self.columns[key] = field
        self.request_preview()

    def set_status(self, key: str, spec: str) -> None:
        self.statuses[key] = spec
        self.request_preview()

    # ---- the import itself

    def run_import(self, on_finished: Callable[[bool], None]) -> None:
        preview = self.preview
        if preview is None or not preview.ready:
            on_finished(False)
            return

        def done(result: ImportResult) -> None:
            self.import_result = result
            self.imported.emit(result)
            self.dialogs.inform(self, "Plan imported",
                                f"Imported {result.actions} actions into \u201c{result.plan_title}\u201d.")
            on_finished(True)

        def failed(exc: BaseException) -> None:
            from desktop.services.errors import PathwaysError

            self.error = str(exc) if isinstance(exc, PathwaysError) else (
                f"The import failed ({type(exc).__name__}); nothing was written.")
            self.preview_changed.emit()
            on_finished(False)

        self.workspace.run_change(partial(import_controller.apply, preview),
                                  Change(plans=True, structure=True, people=True), title="Importing the plan",
                                  on_done=done, on_error=failed)


class _Page(QWizardPage):
    def __init__(self, wizard: ImportWizard, title: str, subtitle: str) -> None:
        super().__init__(wizard)
        self.w = wizard
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a4262c;")
        wizard.preview_changed.connect(self._refresh)

    def _refresh(self) -> None:
        self.error.setText(self.w.error)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return self.w.preview is not None and not self.w.error


class FilePage(_Page):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard, "Choose the spreadsheet",
                         "An action plan as an Excel workbook (.xlsx) or a CSV file. Nothing is written until the "
                         "last step.")
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("path")
        self.path_edit.setAccessibleName("Spreadsheet file")
        self.path_edit.setReadOnly(True)
        self.browse = QPushButton("&Browse…")
        self.browse.setObjectName("browse")
        self.browse.clicked.connect(self._browse)
        self.target = QComboBox()
        self.target.setObjectName("target")
        self.target.addItem("A new plan", None)
        for plan in wizard.workspace.plans:
            self.target.addItem(f"Add to: {plan.title}", plan.id)
        self.target.currentIndexChanged.connect(lambda _: wizard.request_preview())
        self.split = QCheckBox("A cell with several paragraphs or bullets holds several &actions")
        self.split.setObjectName("split")
        self.split.setChecked(True)
        self.split.toggled.connect(lambda _: wizard.request_preview())
        self.quarter = QLineEdit()
        self.quarter.setObjectName("quarter")
        self.quarter.setPlaceholderText("e.g. 2024/25 Q3; blank: the plan's open quarter, or the file's Quarter column")
        self.quarter.setToolTip("The quarter the file's RAG, % complete and commentary belong to; the import "
                                "creates it when the plan has no such quarter.")
        self.quarter.editingFinished.connect(wizard.request_preview)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(QLabel("Import into:"))
        layout.addWidget(self.target)
        layout.addWidget(self.split)
        quarter_label = QLabel("&Quarter the statuses belong to:")
        quarter_label.setBuddy(self.quarter)
        layout.addWidget(quarter_label)
        layout.addWidget(self.quarter)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def _browse(self) -> None:
        self.w.dialogs.choose_open_file(self, "Choose an action plan", self.w.choose_file,
                                        name_filter=SPREADSHEET_FILTER)

    def _refresh(self) -> None:
        super()._refresh()
        p = self.w.preview
        if p is None:
            self.summary.clear()
            return
        sheets = len(p.source.sheets)
        self.summary.setText(f"{p.source.row_count} rows in {sheets} sheet{'s' if sheets != 1 else ''}; "
                             f"{len(p.columns)} columns recognised or listed for mapping.")


class _ChoicesPage(_Page):
    """A page that is one table with a column to choose in, and the page's message line."""

    def __init__(self, wizard: ImportWizard, title: str, intro: str, model: ChoiceTableModel, name: str) -> None:
        super().__init__(wizard, title, intro)
        model.setParent(self)
        self.view = _table(model, name, editable=True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.error)


class MappingPage(_ChoicesPage):
    def __init__(self, wizard: ImportWizard) -> None:
        model = MappingModel()
        super().__init__(wizard, "Check the columns",
                         "Each heading has a suggested field. Change any that are wrong; choose \u201c(not "
                         "imported)\u201d for columns to leave out.", model, "mapping")
        self.model = model
        self.model.mapping_changed.connect(wizard.set_column)

    def initializePage(self) -> None:  # noqa: N802
        if self.w.preview is not None:
            self.model.set_columns(self.w.preview.columns)
            self.view.resizeColumnsToContents()

    def nextId(self) -> int:  # noqa: N802
        return ImportWizard.PAGE_STATUSES if self.w.questions else ImportWizard.PAGE_PREVIEW


class StatusPage(_ChoicesPage):
    def __init__(self, wizard: ImportWizard) -> None:
        model = StatusModel()
        super().__init__(wizard, "Map the status values",
                         "These values are not statuses Pathways recognises. Say what each one means; nothing is "
                         "guessed.", model, "statuses")
        self.model = model
        self.model.choice_changed.connect(wizard.set_status)

    def initializePage(self) -> None:  # noqa: N802
        p = self.w.preview
        choices = status_targets(scheme(p.rag_scheme)) if p is not None else []
        self.model.set_questions(list(self.w.questions.values()), choices, self.w.statuses)
        self.view.resizeColumnsToContents()

    def isComplete(self) -> bool:  # noqa: N802
        return super().isComplete() and self.model.complete


class PreviewPage(_Page):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard, "Preview", "What happens to every row of the file. Press Import to write it.")
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.model = FatesModel(self)
        self.view = _table(self.model, "fates", editable=False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.error)
        self._done = False
        self.setCommitPage(False)

    def initializePage(self) -> None:  # noqa: N802
        self._done = False
        self._show()

    def _refresh(self) -> None:
        super()._refresh()
        self._show()

    def _show(self) -> None:
        p = self.w.preview
        if p is None:
            self.model.set_fates([])
            self.summary.clear()
            return
        self.model.set_fates(p.fates)
        c = p.counts
        title = f"\u201c{p.plan_title}\u201d"
        target = f"into {title}" if p.plan_id is not None else f"as a new plan {title}"
        lines = [f"Import {target}: {c['objectives']} objectives, {c['priorities']} priorities, {c['actions']} "
                 f"actions, {c['people']} lead officers and {c['organisations']} organisations to add; "
                 f"{c['updates']} updates{f' in {p.period_label}' if p.period_label else ''}."]
        lines += [f"Inferred: {line}" for line in p.inferences]
        lines += p.notes + p.problems
        self.summary.setText("\n".join(lines))

    def isComplete(self) -> bool:  # noqa: N802
        return super().isComplete() and self.w.preview is not None and self.w.preview.ready

    def validatePage(self) -> bool:  # noqa: N802
        if self._done:
            return True

        def finished(ok: bool) -> None:
            if ok:
                self._done = True
                self.w.accept()

        self.w.run_import(finished)
        return False


def open_import_wizard(window: Any) -> ImportWizard:
    """The File › Import plan… handler: a non-blocking wizard on the main window's workspace."""
    wizard = ImportWizard(window.workspace, window.dialogs, window)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    wizard.open()
    return wizard
