"""The offender-profile view: a plan's appendices, what the store holds beside what an export would publish under the
chosen disclosure profile, and importing subjects from CSV/XLSX with a column-mapping step.

Everything shown on the "published" side comes from ``desktop.services.disclosure.profiles.preview``; nothing is
suppressed, rounded or generalised here. The "store" side shows count tables and, for subject rows, only how many
there are: the rows themselves (names included) appear only while the user holds "Show identifiers" on, which is off
by default and switches itself off when the appendix changes or the view is hidden.

Marks never rely on colour alone: every hidden, suppressed or generalised cell also carries a symbol in its text and
a tooltip saying what happens to it.

Self-contained: ``ProfilesView(store, plan_id)`` where ``store`` is anything with a ``session()`` context manager;
call ``refresh()`` after the store changes. File dialogs go through ``choose_file``, which tests replace.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QIdentityProxyModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QHideEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.services.actor import SYSTEM
from desktop.services.disclosure.importing import (
    DOCUMENTED_COLUMNS,
    IDENTIFIER_COLUMNS,
    NEED_PREFIX,
    OFFENCE_PREFIX,
    ImportResult,
    SourceTable,
    read_table,
    suggest_mapping,
)
from desktop.services.disclosure.profiles import AppendixPreview, PreviewPair, generalised_cells
from desktop.services.disclosure.rules import SECONDARY_SYMBOL, DisclosureRule
from desktop.services.errors import PathwaysError
from desktop.services.published import PublishedTable, RedactionNotice
from desktop.ui.context import ActorSource, SessionSource
from desktop.ui.dialog_service import DialogService
from desktop.ui.profiles_controller import ProfilesController
from desktop.ui.record_model import SortProxy
from desktop.ui.roles import Role
from desktop.ui.widgets import named

SUBJECT_FILTER = "Spreadsheets (*.csv *.xlsx *.xlsm);;All files (*)"
NEW_APPENDIX_TITLE = "Appendix \u2013 Offender profiles"
PROFILE_CHOICES = (
    ("public", "Public", "Counts only: small counts are suppressed. For anyone, e.g. the published board papers."),
    ("partner", "Partner", "Pseudonymised, k-anonymous rows (\u201cOffender 1\u2026n\u201d) and the counts: "
                           "for named partner agencies only."),
    ("restricted", "Restricted", "Nothing from the appendix: its title and the standard redaction notice."),
)
HIDDEN_SYMBOL = "\u2298"  # ⊘ after a store-side value the published version hides, drops or replaces
GENERALISED_SYMBOL = "\u2248"  # ≈ after a published value that is banded or merged
MASK = "\u2022\u2022\u2022\u2022"
MARK_ROLE = Role.MARK  # the cell's Mark, or None
SORT_ROLE = Role.SORT
ROWS_COLUMN = "Name"  # a HeldTable with this column holds subject rows (direct identifiers)
MAX_VISIBLE_ROWS = 14

ChooseFile = Callable[[QWidget, Callable[[Path], None]], None]


class Mark(enum.Enum):
    HIDDEN = "hidden"  # store side: the published table hides this count
    NOT_PUBLISHED = "not published"  # store side: this profile publishes nothing of it
    REPLACED = "replaced"  # store side: a name replaced by a pseudonym
    GENERALISED_HELD = "generalised (store side)"  # store side: published in a generalised form
    WITHHELD = "withheld"  # store side: a row that could not be protected and is not published
    PRIMARY = "primary"  # published: a small count shown as "<5"
    SECONDARY = "secondary"  # published: hidden to protect a small count, "*"
    GENERALISED = "generalised"  # published: banded or merged


# Background colours with a dark text colour, so the marks stay readable in a dark palette too.
_COLOURS = {
    Mark.HIDDEN: "#fde7b0",
    Mark.NOT_PUBLISHED: "#e6e6e6",
    Mark.REPLACED: "#dbe9ff",
    Mark.GENERALISED_HELD: "#dbe9ff",
    Mark.WITHHELD: "#e6e6e6",
    Mark.PRIMARY: "#fde7b0",
    Mark.SECONDARY: "#fbd3c4",
    Mark.GENERALISED: "#dbe9ff",
}
_TEXT_COLOUR = "#1b1b1b"
_NUMBER = re.compile(r"^[\d,]+$")
_NUMBERED = re.compile(r"^(.*?)(\d+)$")


def _plain_label(text: str = "", name: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


def _tooltip(mark: Mark, rule: DisclosureRule) -> str:
    return {
        Mark.HIDDEN: f"Hidden when published: shown there as \u201c{rule.symbol}\u201d or "
                     f"\u201c{SECONDARY_SYMBOL}\u201d.",
        Mark.NOT_PUBLISHED: "Not published under this profile.",
        Mark.REPLACED: "Replaced by a pseudonym when published.",
        Mark.GENERALISED_HELD: "Published in a generalised form (a band or a merged group), or not at all.",
        Mark.WITHHELD: "Withheld: this row could not be protected, so it is not published.",
        Mark.PRIMARY: f"Suppressed: a small count ({rule.lowest_hidden} to {rule.threshold - 1}) is shown as "
                      f"\u201c{rule.symbol}\u201d.",
        Mark.SECONDARY: "Suppressed so that no small count can be worked out from the totals (secondary suppression).",
        Mark.GENERALISED: "Generalised: shown as a band or a merged group so that no combination picks out fewer "
                          f"than {rule.k} people.",
    }[mark]


# ---- preview tables


@dataclass(frozen=True)
class Grid:
    """One side of a preview pair, as the table model shows it: text, marks and the rule that explains them."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    marks: Mapping[tuple[int, int], Mark]
    rule: DisclosureRule
    total_row: bool = False


def held_grid(pair: PreviewPair, rule: DisclosureRule) -> Grid:
    held = pair.held
    marks: dict[tuple[int, int], Mark] = {}
    if ROWS_COLUMN in held.columns:
        status = held.columns.index("Published as")
        for r, c in held.marked:
            text = held.rows[r][status]
            if text.startswith("Withheld"):
                marks[(r, c)] = Mark.WITHHELD
            elif text == "Not published" or pair.published is None:
                marks[(r, c)] = Mark.NOT_PUBLISHED
            else:
                marks[(r, c)] = Mark.REPLACED if c == 0 else Mark.GENERALISED_HELD
    else:
        kind = Mark.NOT_PUBLISHED if pair.published is None else Mark.HIDDEN
        marks = {cell: kind for cell in held.marked}
    total = bool(held.rows) and held.rows[-1][0] == "Total" and ROWS_COLUMN not in held.columns
    return Grid(held.title, held.columns, held.rows, marks, rule, total)


def published_grid(pair: PreviewPair, rule: DisclosureRule) -> Grid | None:
    published = pair.published
    if not isinstance(published, PublishedTable):
        return None
    marks: dict[tuple[int, int], Mark] = {}
    for r, c in published.suppressed:
        marks[(r, c)] = Mark.SECONDARY if published.rows[r][c] == SECONDARY_SYMBOL else Mark.PRIMARY
    for cell in generalised_cells(pair.held, published):
        marks[cell] = Mark.GENERALISED
    return Grid(published.title, published.columns, published.rows, marks, rule, published.total_row)


def _sort_key(value: str) -> int | tuple[str, int]:
    if _NUMBER.match(value):
        return int(value.replace(",", ""))
    numbered = _NUMBERED.match(value)
    if numbered:
        return numbered.group(1).casefold(), int(numbered.group(2))
    return value.casefold(), -1


class PreviewTableModel(QAbstractTableModel):
    SortRole, MarkRole = Role.SORT, Role.MARK

    """A read-only preview table. Marked cells get a symbol in their text, a colour and a tooltip."""

    def __init__(self, grid: Grid, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.grid = grid

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.grid.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.grid.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.grid.columns[section] if 0 <= section < len(self.grid.columns) else None
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def mark(self, row: int, column: int) -> Mark | None:
        return self.grid.marks.get((row, column))

    def text(self, row: int, column: int) -> str:
        value = self.grid.rows[row][column]
        mark = self.mark(row, column)
        if mark in (None, Mark.PRIMARY, Mark.SECONDARY):
            return value  # "<5" and "*" are symbols already
        symbol = GENERALISED_SYMBOL if mark is Mark.GENERALISED else HIDDEN_SYMBOL
        return f"{value} {symbol}".strip()

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.grid.rows):
            return None
        r, c = index.row(), index.column()
        mark = self.mark(r, c)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(r, c)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            text = self.grid.rows[r][c]
            return f"{text}, {_tooltip(mark, self.grid.rule)}" if mark else text
        if role == Qt.ItemDataRole.ToolTipRole:
            if mark:
                return _tooltip(mark, self.grid.rule)
            value = self.grid.rows[r][c]
            return value if len(value) > 30 else None  # long text is elided in the cell
        if role == MARK_ROLE:
            return mark
        if role == SORT_ROLE:
            return _sort_key(self.grid.rows[r][c])
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(_COLOURS[mark])) if mark else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(_TEXT_COLOUR)) if mark else None
        if role == Qt.ItemDataRole.FontRole:
            if self.grid.total_row and r == len(self.grid.rows) - 1:
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if c and (_NUMBER.match(self.grid.rows[r][c]) or mark in (Mark.PRIMARY, Mark.SECONDARY, Mark.HIDDEN)):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None


class PreviewProxy(SortProxy):
    """Sorts a preview table on its native values: counts as numbers, "Offender 10" after "Offender 9"."""

    def __init__(self, source: PreviewTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)


def _table_view(model: PreviewTableModel, name: str, accessible: str) -> QTableView:
    proxy = PreviewProxy(model)
    view = named(QTableView(), name)
    proxy.setParent(view)
    view.setModel(proxy)
    view.setAccessibleName(accessible)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    view.setWordWrap(False)
    view.setAlternatingRowColors(False)
    view.verticalHeader().hide()
    # Count tables keep their printed order, so the two sides line up; subject rows can be sorted.
    rows_table = model.grid.columns[:1] in (("Offender",), (ROWS_COLUMN,))
    header = view.horizontalHeader()
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # first shown in the order the export prints
    view.setSortingEnabled(rows_table)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setMaximumSectionSize(360)
    if rows_table:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    view.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
    view.resizeRowsToContents()
    visible = min(len(model.grid.rows), MAX_VISIBLE_ROWS)
    height = header.sizeHint().height() + 2 * view.frameWidth() + sum(view.rowHeight(r) for r in range(visible))
    if len(model.grid.rows) > MAX_VISIBLE_ROWS:
        height += view.horizontalScrollBar().sizeHint().height()
    else:
        view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setFixedHeight(height + 2)
    return view


@dataclass
class PairWidgets:
    """The widgets of one preview pair, kept so the view (and its tests) can reach them."""

    title: str
    held_model: PreviewTableModel | None  # None: subject rows, shown as a count unless identifiers are shown
    published_model: PreviewTableModel | None
    held_view: QTableView | None
    published_view: QTableView | None
    held_label: QLabel | None
    published_label: QLabel | None


# ---- the import dialog


class SourceRowsModel(QAbstractTableModel):
    """The first rows of a file being imported, as text (shown only through ``MaskingProxy``)."""

    def __init__(self, source: SourceTable, limit: int = 5, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.headers = source.headers
        self.rows = [
            tuple(_cell_text(row[i]) if i < len(row) else "" for i in range(len(source.headers)))
            for row in source.rows
            if any(_cell_text(v) for v in row)
        ][:limit]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return (self.headers[section] or f"Column {section + 1}") if 0 <= section < len(self.headers) else None
        return str(section + 1)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return Qt.ItemFlag.ItemIsEnabled if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.rows[index.row()][index.column()]
        return None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class MaskingProxy(QIdentityProxyModel):
    """Shows only the columns in ``visible``; every other cell (identifiers, columns not imported) is masked."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._visible: frozenset[int] = frozenset()
        self._reasons: dict[int, str] = {}

    def set_visible(self, visible: frozenset[int], reasons: Mapping[int, str]) -> None:
        self._visible = visible
        self._reasons = dict(reasons)
        rows, columns = self.rowCount(), self.columnCount()
        if rows and columns:
            self.dataChanged.emit(self.index(0, 0), self.index(rows - 1, columns - 1))

    def masked(self, column: int) -> bool:
        return column not in self._visible

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and self.masked(index.column()):
            reason = self._reasons.get(index.column(), "not imported")
            if role == Qt.ItemDataRole.DisplayRole:
                return MASK if super().data(index, role) else ""
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return f"hidden ({reason})"
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"Hidden in this preview: {reason}."
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#6b6b6b"))
            return None if role == MARK_ROLE else super().data(index, role)
        return super().data(index, role)


FIELD_LABELS = {
    "name": "Name (identifier)",
    "date_of_birth": "Date of birth (identifier)",
    "pnc_id": "PNC ID (identifier)",
    "cro_number": "CRO number (identifier)",
    "prison_number": "Prison number (identifier)",
    "address": "Address (identifier)",
    "postcode": "Postcode (identifier)",
    "age": "Age",
    "gender": "Gender",
    "district": "District",
    "flags": "Flags (PPO;IOM…)",
    "needs": "Needs (separated by ;)",
}
Importer = Callable[[dict[str, str], bool, str], ImportResult]


class ImportSubjectsDialog(QDialog):
    """The column-mapping step: each heading of the file → a field, pre-filled by ``suggest_mapping``.

    Opened with ``.open()``; ``imported(ImportResult)`` is emitted after a successful import (the dialog then closes).
    A rejected file keeps the dialog open with the reason (row and column, never a value); nothing is written.
    """

    imported = Signal(object)

    def __init__(
        self,
        source: SourceTable,
        filename: str,
        importer: Importer,
        *,
        appendix_title: str | None,
        existing_subjects: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("import_subjects_dialog")
        self.setWindowTitle("Import subjects")
        self.setModal(True)
        self.source = source
        self.importer = importer
        suggested = suggest_mapping(source.headers)

        intro = _plain_label(
            f"Choose how each column of {filename} is read. Identifier columns are kept only inside the encrypted "
            "store and are never shown here or published.",
            "import_intro",
        )
        self.title_edit = named(QLineEdit(appendix_title or NEW_APPENDIX_TITLE), "appendix_title")
        self.title_edit.setReadOnly(appendix_title is not None)
        self.title_edit.setAccessibleName("Appendix")

        self.combos: dict[int, QComboBox] = {}
        mapping_form = QFormLayout()
        for index, heading in enumerate(source.headers):
            if not heading:
                continue
            combo = named(QComboBox(), f"map_{index}")
            combo.setAccessibleName(f"Read the column \u201c{heading}\u201d as")
            self._fill(combo, heading, suggested.get(heading))
            combo.currentIndexChanged.connect(self._mapping_changed)
            self.combos[index] = combo
            mapping_form.addRow(_plain_label(heading), combo)
        mapping_box = QWidget()
        mapping_box.setLayout(mapping_form)
        mapping_scroll = QScrollArea()
        mapping_scroll.setWidgetResizable(True)
        mapping_scroll.setWidget(mapping_box)
        mapping_scroll.setMinimumHeight(180)

        self.rows_model = SourceRowsModel(source, parent=self)
        self.mask_proxy = MaskingProxy(self)
        self.mask_proxy.setSourceModel(self.rows_model)
        self.rows_view = named(QTableView(), "import_rows")
        self.rows_view.setAccessibleName("First rows of the file, identifiers hidden")
        self.rows_view.setModel(self.mask_proxy)
        self.rows_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rows_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.rows_view.setMinimumHeight(150)

        self.replace_box = named(
            QCheckBox(f"Replace the {existing_subjects} subjects already in this appendix"), "replace_subjects"
        )
        self.replace_box.setEnabled(existing_subjects > 0)
        if not existing_subjects:
            self.replace_box.setText("Replace the subjects already in this appendix (it has none)")
        self.error = _plain_label("", "import_error")
        self.error.setStyleSheet("color: #a4161a; font-weight: bold;")
        self.error.hide()

        self.buttons = QDialogButtonBox()
        self.import_button = named(
            self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole), "import_button"
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._import)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Appendix", self.title_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(_plain_label("Columns (heading in the file \u2192 read as)"))
        layout.addWidget(mapping_scroll, 2)
        layout.addWidget(_plain_label(f"First rows of the file ({MASK}: hidden)"))
        layout.addWidget(self.rows_view, 1)
        layout.addWidget(self.replace_box)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(760, 640)
        self._mapping_changed()

    @staticmethod
    def _fill(combo: QComboBox, heading: str, suggested: str | None) -> None:
        combo.addItem("Ignore this column", "")
        for field in DOCUMENTED_COLUMNS:
            combo.addItem(FIELD_LABELS.get(field, field), field)
        name = heading.strip()
        offence = suggested if suggested and suggested.startswith(OFFENCE_PREFIX) else OFFENCE_PREFIX + name
        need = suggested if suggested and suggested.startswith(NEED_PREFIX) else NEED_PREFIX + name
        combo.addItem(f"Offence count: {offence[len(OFFENCE_PREFIX):]}", offence)
        combo.addItem(f"Need (yes/no): {need[len(NEED_PREFIX):]}", need)
        combo.setCurrentIndex(max(combo.findData(suggested or ""), 0))

    def mapping(self) -> dict[str, str]:
        return {self.source.headers[i]: str(combo.currentData() or "") for i, combo in self.combos.items()}

    def set_field(self, heading: str, field: str) -> None:
        """Choose ``field`` for the column ``heading`` (as a user would in its combo)."""
        for index, combo in self.combos.items():
            if self.source.headers[index] == heading:
                combo.setCurrentIndex(combo.findData(field))

    def _mapping_changed(self, *_: object) -> None:
        visible: set[int] = set()
        reasons: dict[int, str] = {}
        for index in range(len(self.source.headers)):
            combo = self.combos.get(index)
            field = str(combo.currentData() or "") if combo else ""
            if field in IDENTIFIER_COLUMNS:
                reasons[index] = "an identifier"
            elif field:
                visible.add(index)
            else:
                reasons[index] = "not imported"
        self.mask_proxy.set_visible(frozenset(visible), reasons)
        self.error.hide()

    def _import(self) -> None:
        try:
            result = self.importer(self.mapping(), self.replace_box.isChecked(), self.title_edit.text())
        except PathwaysError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.imported.emit(result)
        self.accept()


# ---- the view


class ProfilesView(QWidget):
    """Signals:
    imported(object): subjects were imported (the ImportResult); the view has already refreshed.
    """

    imported = Signal(object)

    def __init__(
        self,
        store: SessionSource,
        plan_id: int,
        *,
        choose_file: ChooseFile | None = None,
        dialogs: DialogService | None = None,
        actor: ActorSource | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        # Who imports subjects, for the audit trail (read at each import).
        self.controller = ProfilesController(store, plan_id, actor or SYSTEM)
        self.setObjectName("profiles_view")
        self.store = store
        self.plan_id = plan_id
        self.dialogs = dialogs or DialogService(parent=self)
        self.choose_file: ChooseFile = choose_file or self._choose_file
        self.preview: AppendixPreview | None = None
        self.rule: DisclosureRule | None = None
        self.pairs: list[PairWidgets] = []
        self.import_dialog: ImportSubjectsDialog | None = None

        self.appendix_list = named(QListWidget(), "appendix_list")
        self.appendix_list.setAccessibleName("Offender-profile appendices")
        self.appendix_list.setWordWrap(True)
        self.appendix_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.appendix_list.currentItemChanged.connect(self._appendix_changed)
        self.import_button = named(QPushButton("Import subjects\u2026"), "import_subjects")
        self.import_button.clicked.connect(self.start_import)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(_plain_label("Appendices"))
        left_layout.addWidget(self.appendix_list, 1)
        left_layout.addWidget(self.import_button)

        self.profile_combo = named(QComboBox(), "profile_combo")
        self.profile_combo.setAccessibleName("Disclosure profile")
        for key, label, help_text in PROFILE_CHOICES:
            self.profile_combo.addItem(label, key)
            self.profile_combo.setItemData(self.profile_combo.count() - 1, help_text, Qt.ItemDataRole.ToolTipRole)
        self.profile_combo.currentIndexChanged.connect(lambda _: self.show_preview())
        self.rule_label = _plain_label("", "rule_label")
        self.rule_label.setWordWrap(False)
        self.identifiers_toggle = named(QPushButton("Show identifiers"), "show_identifiers")
        self.identifiers_toggle.setCheckable(True)
        self.identifiers_toggle.setToolTip("Show the subject rows held in the store, names included. Off by default; "
                                           "switches off when you choose another appendix or leave this view.")
        self.identifiers_toggle.toggled.connect(self._identifiers_toggled)
        bar = QHBoxLayout()
        profile_label = QLabel("Disclosure profile:")
        profile_label.setBuddy(self.profile_combo)
        bar.addWidget(profile_label)
        bar.addWidget(self.profile_combo)
        bar.addSpacing(12)
        bar.addWidget(self.rule_label)
        bar.addStretch(1)
        bar.addWidget(self.identifiers_toggle)

        self.profile_help = _plain_label("", "profile_help")
        self.intro_label = _plain_label("", "intro_label")
        self.notice = _plain_label("", "restricted_notice")
        self.notice.setFrameShape(QFrame.Shape.Box)
        self.notice.setStyleSheet("QLabel#restricted_notice { background: #fff4d6; color: #1b1b1b; padding: 8px; }")
        self.notice.hide()
        self.identifiers_warning = _plain_label(
            "Identifiers are on screen. Switch \u201cShow identifiers\u201d off before sharing your screen.",
            "identifiers_warning",
        )
        self.identifiers_warning.setStyleSheet("color: #a4161a; font-weight: bold;")
        self.identifiers_warning.hide()
        self.legend = _plain_label("", "legend")
        self.empty_label = _plain_label(
            "This plan has no offender-profile appendix yet. Use \u201cImport subjects\u2026\u201d to add one.",
            "empty_label",
        )
        self.empty_label.hide()

        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setColumnStretch(0, 1)
        self.grid.setColumnStretch(1, 1)
        self.grid.setHorizontalSpacing(24)
        self.scroll_area = named(QScrollArea(), "preview_scroll")
        self.scroll_area.setAccessibleName("Published appendix preview")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self.grid_host)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(bar)
        for w in (self.profile_help, self.intro_label, self.notice, self.identifiers_warning, self.legend,
                  self.empty_label):
            right_layout.addWidget(w)
        right_layout.addWidget(self.scroll_area, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([260, 1100])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.refresh()

    # ---- state

    @property
    def profile(self) -> str:
        return str(self.profile_combo.currentData())

    def set_profile(self, profile: str) -> None:
        self.profile_combo.setCurrentIndex(self.profile_combo.findData(profile))

    @property
    def appendix_id(self) -> int | None:
        item = self.appendix_list.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def refresh(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else self.appendix_id
        self.appendix_list.blockSignals(True)
        self.appendix_list.clear()
        for appendix in self.controller.appendices():
            demo = " (demonstration)" if appendix.is_demo else ""
            item = QListWidgetItem(f"{appendix.title}{demo}\n{appendix.subjects} subjects, "
                                   f"{appendix.tables} entered tables")
            item.setData(Qt.ItemDataRole.UserRole, appendix.id)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, appendix.title)
            self.appendix_list.addItem(item)
            if appendix.id == keep:
                self.appendix_list.setCurrentItem(item)
        if self.appendix_list.currentItem() is None and self.appendix_list.count():
            self.appendix_list.setCurrentRow(0)
        self.appendix_list.blockSignals(False)
        self.empty_label.setVisible(self.appendix_list.count() == 0)
        self.show_preview()

    def _appendix_changed(self, *_: object) -> None:
        self.identifiers_toggle.setChecked(False)  # identifiers never carry over to another appendix
        self.show_preview()

    def _identifiers_toggled(self, on: bool) -> None:
        self.identifiers_warning.setVisible(on)
        self._build_pairs()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        self.identifiers_toggle.setChecked(False)
        super().hideEvent(event)

    # ---- the preview

    def show_preview(self) -> None:
        profile = self.profile
        help_text = next(h for k, _, h in PROFILE_CHOICES if k == profile)
        self.profile_help.setText(help_text)
        self.preview = None
        appendix_id = self.appendix_id
        try:
            shown = self.controller.preview(appendix_id, profile)
            self.rule, self.preview = shown.rule, shown.preview
        except PathwaysError as exc:
            self.rule_label.setText(str(exc))
            self._build_pairs()
            return
        self.rule_label.setText(f"Rule: {self.rule.name}")
        self.rule_label.setToolTip(self.rule.description)
        self.rule_label.setAccessibleDescription(self.rule.description)
        result = self.preview
        self.intro_label.setText(f"Introduction printed: {result.published.intro}" if result and
                                 result.published.intro else "")
        self.intro_label.setVisible(bool(self.intro_label.text()))
        notices = [p for p in result.published.parts if isinstance(p, RedactionNotice)] if result else []
        self.notice.setText("\n".join(f"Printed instead of \u201c{n.title}\u201d:\n{n.text}" for n in notices))
        self.notice.setVisible(bool(notices))
        self.legend.setText(self._legend())
        self.legend.setVisible(result is not None)
        self._build_pairs()

    def _legend(self) -> str:
        symbol = self.rule.symbol if self.rule else "<5"
        return (
            f"Marked cells are shaded and carry a symbol (hover for details). Store side: {HIDDEN_SYMBOL} hidden, "
            f"replaced or not published. Published side: \u201c{symbol}\u201d a small count; "
            f"\u201c{SECONDARY_SYMBOL}\u201d hidden so that a small count cannot be worked out from the totals; "
            f"{GENERALISED_SYMBOL} generalised (a band or a merged group)."
        )

    def _clear_grid(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        self.pairs = []

    def _build_pairs(self) -> None:
        self._clear_grid()
        result, rule = self.preview, self.rule
        if result is None or rule is None:
            return
        heading_font = QFont()
        heading_font.setBold(True)
        for text, column in (("What the store holds", 0), ("What will be published", 1)):
            heading = _plain_label(text, f"side_heading_{column}")
            heading.setFont(heading_font)
            self.grid.addWidget(heading, 0, column)
        row = 1
        for number, pair in enumerate(result.pairs):
            title = _plain_label(pair.held.title, f"pair_title_{number}")
            title.setStyleSheet("font-weight: bold; margin-top: 10px;")
            self.grid.addWidget(title, row, 0, 1, 2)
            widgets = PairWidgets(pair.held.title, None, None, None, None, None, None)
            self.grid.addWidget(self._held_side(pair, rule, number, widgets), row + 1, 0, Qt.AlignmentFlag.AlignTop)
            self.grid.addWidget(self._published_side(pair, rule, number, widgets), row + 1, 1,
                                Qt.AlignmentFlag.AlignTop)
            self.pairs.append(widgets)
            row += 2
        self.grid.setRowStretch(row, 1)

    def _held_side(self, pair: PreviewPair, rule: DisclosureRule, number: int, widgets: PairWidgets) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        held = pair.held
        if ROWS_COLUMN in held.columns:
            lines = [f"{len(held.rows)} subject row{'s' if len(held.rows) != 1 else ''} held in the store."]
            if isinstance(pair.published, PublishedTable):
                lines.append(f"{len(pair.published.rows)} published as pseudonymised rows.")
                if self.preview and self.preview.withheld_rows:
                    lines.append(f"{self.preview.withheld_rows} withheld: they could not be protected.")
            else:
                lines.append("None of them is published under this profile.")
            if not self.identifiers_toggle.isChecked():
                lines.append("Identifiers are hidden (\u201cShow identifiers\u201d to list the rows).")
            label = _plain_label(" ".join(lines), f"held_count_{number}")
            widgets.held_label = label
            layout.addWidget(label)
            if not self.identifiers_toggle.isChecked():
                return box
        model = PreviewTableModel(held_grid(pair, rule), box)
        view = _table_view(model, f"held_table_{number}", f"What the store holds: {held.title}")
        widgets.held_model, widgets.held_view = model, view
        layout.addWidget(view)
        return box

    def _published_side(self, pair: PreviewPair, rule: DisclosureRule, number: int, widgets: PairWidgets) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        grid = published_grid(pair, rule)
        published = pair.published
        if grid is None or not isinstance(published, PublishedTable):
            if self.profile == "restricted":
                text = "Not published: the appendix is replaced by the redaction notice."
            elif isinstance(published, RedactionNotice):
                text = published.text
            else:
                text = "Not published: the Public profile publishes counts only."
            label = _plain_label(text, f"published_none_{number}")
            label.setStyleSheet("color: #555555; font-style: italic;")
            widgets.published_label = label
            layout.addWidget(label)
            return box
        if grid.rows:
            model = PreviewTableModel(grid, box)
            view = _table_view(model, f"published_table_{number}", f"What will be published: {published.title}")
            widgets.published_model, widgets.published_view = model, view
            layout.addWidget(view)
        note = _plain_label(published.note, f"published_note_{number}")
        note.setStyleSheet("color: #444444; font-size: 11px;")
        widgets.published_label = note
        layout.addWidget(note)
        return box

    # ---- importing

    def _choose_file(self, parent: QWidget, on_chosen: Callable[[Path], None]) -> None:
        self.dialogs.choose_open_file(parent, "Import subjects", on_chosen, name_filter=SUBJECT_FILTER)

    def start_import(self) -> None:
        self.choose_file(self, self.open_import_dialog)

    def open_import_dialog(self, path: Path) -> None:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            self.dialogs.error(self, "Not imported", f"{Path(path).name} cannot be read: {exc.strerror}.")
            return
        try:
            source = read_table(data, Path(path).name)
        except PathwaysError as exc:
            self.dialogs.error(self, "Not imported", str(exc))
            return
        appendix_id = self.appendix_id
        title, existing = self.controller.appendix_summary(appendix_id)

        def importer(mapping: dict[str, str], replace: bool, new_title: str) -> ImportResult:
            return self.controller.import_subjects(appendix_id, data, Path(path).name, mapping, replace, new_title)

        dialog = ImportSubjectsDialog(source, Path(path).name, importer, appendix_title=title,
                                      existing_subjects=existing, parent=self)
        dialog.imported.connect(self._imported)
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(lambda _: setattr(self, "import_dialog", None))
        self.import_dialog = dialog
        dialog.open()

    def _imported(self, result: ImportResult) -> None:
        self.refresh(select_id=result.appendix_id)
        self.imported.emit(result)


def format_import(result: ImportResult) -> str:
    """A one-line summary of an import, for a status bar (counts and column headings only)."""
    parts = [f"{result.imported} subject{'s' if result.imported != 1 else ''} imported"]
    if result.replaced:
        parts.append(f"{result.replaced} replaced")
    if result.ignored_columns:
        parts.append("ignored: " + ", ".join(result.ignored_columns))
    return "; ".join(parts) + "."

