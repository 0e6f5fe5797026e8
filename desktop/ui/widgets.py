"""Small widgets the dialogs share: optional dates, messages beside fields, tags, lead lists, the update timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeySequence, QPainter, QPalette, QPen, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.rag import RagScheme
from desktop.services.readmodels import HistoryEntry, PersonInfo
from desktop.settings import Option, Settings
from desktop.ui.action_table_model import format_date
from desktop.ui.rag_delegate import chip_width, paint_chip

_NO_DATE = QDate(1900, 1, 1)
Index = QModelIndex | QPersistentModelIndex
W = TypeVar("W", bound=QWidget)


class OptionalDateEdit(QDateEdit):
    """A date that may be unset: the earliest date stands for "Not set" (the Delete key clears it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("d MMM yyyy")
        self.setMinimumDate(_NO_DATE)
        self.setSpecialValueText("Not set")
        self.setDate(_NO_DATE)

    def value(self) -> dt.date | None:
        date = self.date()
        return None if date == _NO_DATE else dt.date(date.year(), date.month(), date.day())

    def set_value(self, value: dt.date | None) -> None:
        self.setDate(QDate(value.year, value.month, value.day) if value else _NO_DATE)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Delete and not event.modifiers():
            self.set_value(None)
            return
        super().keyPressEvent(event)


class FieldError(QLabel):
    """The message shown beside a field that a service rejected; hidden when there is nothing to say."""

    def __init__(self, field: QWidget | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("field_error")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._field = field
        self.hide()
        # The message goes as soon as the user changes the field: a fixed field must not still look wrong.
        for name in ("textChanged", "valueChanged", "currentIndexChanged", "dateChanged", "toggled"):
            signal = getattr(field, name, None) if field is not None else None
            if signal is not None:
                signal.connect(self._on_field_edited)
                break

    def _on_field_edited(self, *_: object) -> None:
        if not self.isHidden():
            self.clear_message()

    def show_message(self, message: str) -> None:
        self.setText(f"⚠ {message}")
        self.setAccessibleName(message)
        if self._field is not None:
            self._field.setAccessibleDescription(message)
            self._field.setProperty("invalid", True)
            self._field.style().unpolish(self._field)
            self._field.style().polish(self._field)
        self.show()

    def clear_message(self) -> None:
        self.clear()
        if self._field is not None:
            self._field.setAccessibleDescription("")
            self._field.setProperty("invalid", False)
            self._field.style().unpolish(self._field)
            self._field.style().polish(self._field)
        self.hide()


class TagPicker(QWidget):
    """Critical pathways as tags: a wrapping row of checkable chips (Tab moves between them, Space toggles).

    Signals:
        tags_changed(): a tag was switched on or off.
    """

    tags_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tag_picker")
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._flow = FlowLayout(self, spacing=6, line_spacing=6)
        self.boxes: list[QCheckBox] = []

    def set_tags(self, names: Sequence[str], chosen: Sequence[str]) -> None:
        for box in self.boxes:
            self._flow.removeWidget(box)
            box.deleteLater()
        self.boxes = []
        for name in [*names, *[c for c in chosen if c not in names]]:
            box = QCheckBox(name)
            box.setObjectName("tag")
            box.setChecked(name in chosen)
            box.setAccessibleName(f"Critical pathway: {name}")
            box.toggled.connect(lambda _: self.tags_changed.emit())
            self._flow.addWidget(box)
            self.boxes.append(box)
        self.updateGeometry()

    def chosen(self) -> list[str]:
        return [box.text() for box in self.boxes if box.isChecked()]


class LeadsEditor(QWidget):
    """Lead officers of an action: the first is the primary lead, the others joint leads.

    Signals:
        leads_changed(): a lead was added, removed or moved.
    """

    leads_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._people: dict[int, PersonInfo] = {}
        self.list = named(QListWidget(), "leads_list", "Lead officers (the first is the primary lead)")
        self.list.setMaximumHeight(self.list.fontMetrics().lineSpacing() * 4 + 10)
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.chooser = chooser("lead_chooser", "Lead officer to add", 24)
        self.add_button = QPushButton("&Add lead")
        self.remove_button = QPushButton("Re&move")
        self.primary_button = QPushButton("Make &primary")
        for button in (self.add_button, self.remove_button, self.primary_button):
            button.setAutoDefault(False)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.chooser, 1)
        top.addWidget(self.add_button)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.list, 1)
        bottom.addLayout(column_of(self.primary_button, self.remove_button, None))
        column_of(top, bottom, parent=self)
        self.add_button.clicked.connect(self._on_add_clicked)
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.primary_button.clicked.connect(self._on_primary_clicked)
        self.list.currentRowChanged.connect(self._update_buttons)

    def set_people(self, people: Sequence[PersonInfo], lead_ids: Sequence[int]) -> None:
        self._people = {p.id: p for p in people}
        self.chooser.clear()
        for p in people:
            if p.active or p.id in lead_ids:
                self.chooser.addItem(p.display_name, p.id)
        self.list.clear()
        for pid in lead_ids:
            self._append(pid)
        self._relabel()

    def lead_ids(self) -> tuple[int, ...]:
        return tuple(int(self.list.item(n).data(Qt.ItemDataRole.UserRole)) for n in range(self.list.count()))

    def _append(self, person_id: int) -> None:
        person = self._people.get(person_id)
        item = QListWidgetItem(person.display_name if person else f"Person {person_id}")
        item.setData(Qt.ItemDataRole.UserRole, person_id)
        item.setToolTip(item.text())
        self.list.addItem(item)

    def _relabel(self) -> None:
        for n in range(self.list.count()):
            item = self.list.item(n)
            person = self._people.get(int(item.data(Qt.ItemDataRole.UserRole)))
            name = person.display_name if person else item.text()
            item.setText(f"{name}  — primary lead" if n == 0 else name)
        self._update_buttons()

    def _update_buttons(self, *_: object) -> None:
        row = self.list.currentRow()
        self.remove_button.setEnabled(row >= 0)
        self.primary_button.setEnabled(row > 0)

    def _on_add_clicked(self) -> None:
        person_id = self.chooser.currentData()
        if person_id is None or person_id in self.lead_ids():
            return
        self._append(int(person_id))
        self._relabel()
        self.leads_changed.emit()

    def _on_remove_clicked(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            self._relabel()
            self.leads_changed.emit()

    def _on_primary_clicked(self) -> None:
        row = self.list.currentRow()
        if row > 0:
            item = self.list.takeItem(row)
            self.list.insertItem(0, item)
            self.list.setCurrentRow(0)
            self._relabel()
            self.leads_changed.emit()


# ---- the update history as a timeline

ENTRY_ROLE = int(Qt.ItemDataRole.UserRole) + 1


class HistoryModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[HistoryEntry] = []
        self.scheme: RagScheme | None = None

    def set_entries(self, entries: Sequence[HistoryEntry], scheme: RagScheme) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.scheme = scheme
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        if role == ENTRY_ROLE:
            return entry
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            return " ".join(p for p in timeline_text(entry, self.scheme) if p)
        return None


def timeline_text(entry: HistoryEntry, scheme: RagScheme | None) -> tuple[str, str, str, str]:
    """(heading, byline, commentary, remedial) for one update."""
    status = scheme.find(entry.rag) if scheme else None
    heading = [entry.period, status.label if status else "No status"]
    if entry.percent_complete is not None:
        heading.append(f"{entry.percent_complete}% complete")
    forecast = scheme.find(entry.forecast_rag) if scheme else None
    if forecast:
        heading.append(f"forecast {forecast.label}")
    source = {"app": "", "return": " from a return form", "import": " by import"}.get(entry.source, "")
    byline = f"Recorded {format_date(entry.recorded_at.date())} by {entry.author or 'an unnamed user'}{source}"
    if entry.suggested_rag and scheme and entry.suggested_rag != entry.rag:
        suggested = scheme.find(entry.suggested_rag)
        if suggested:
            byline += f" · Pathways suggested {suggested.label}"
    remedial = ""
    if entry.remedial_action:
        owner = f" (owner: {entry.remedial_owner})" if entry.remedial_owner else ""
        remedial = f"Remedial action: {entry.remedial_action}{owner}"
    return " · ".join(heading), byline, entry.commentary, remedial


class TimelineDelegate(QStyledItemDelegate):
    """Paints one update as a point on a vertical line: RAG chip with letter, heading, byline, commentary."""

    RAIL = 44
    PAD = 8

    def _texts(self, index: QModelIndex | QPersistentModelIndex) -> tuple[HistoryEntry | None, tuple[str, ...]]:
        entry = index.data(ENTRY_ROLE)
        model = index.model()
        scheme = model.scheme if isinstance(model, HistoryModel) else None
        if not isinstance(entry, HistoryEntry):
            return None, ("", "", "", "")
        return entry, timeline_text(entry, scheme)

    def _fonts(self, base: QFont) -> tuple[QFont, QFont]:
        bold = QFont(base)
        bold.setBold(True)
        small = QFont(base)
        small.setPointSizeF(max(7.0, base.pointSizeF() * 0.9))
        return bold, small

    def _width(self, option: QStyleOptionViewItem) -> int:
        widget = option.widget
        width = widget.viewport().width() if isinstance(widget, QAbstractItemView) else option.rect.width()
        return max(120, width - self.RAIL - 2 * self.PAD)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        _, texts = self._texts(index)
        bold, small = self._fonts(option.font)
        width = self._width(option)
        height = self.PAD
        for n, text in enumerate(texts):
            if not text:
                continue
            font = bold if n == 0 else small if n == 1 else option.font
            rect = QFontMetrics(font).boundingRect(QRect(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap), text)
            height += rect.height() + 3
        return QSize(width + self.RAIL, height + self.PAD + 4)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        entry, texts = self._texts(index)
        rect: QRect = option.rect
        palette: QPalette = option.palette
        painter.save()
        if option.state & QStyle.StateFlag.State_HasFocus:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.AlternateBase))
        model = index.model()
        scheme = model.scheme if isinstance(model, HistoryModel) else None
        metrics = QFontMetrics(option.font)
        cx = rect.left() + self.RAIL // 2
        pen = QPen(QColor("#c5ccd3"))
        pen.setWidth(2)
        painter.setPen(pen)
        top = rect.top() if index.row() > 0 else rect.top() + self.PAD + 8
        bottom = rect.bottom() if index.row() < model.rowCount() - 1 else rect.top() + self.PAD + 8
        painter.drawLine(cx, top, cx, bottom)
        chip_h = metrics.height() + 2
        chip_w = chip_width(metrics)
        chip = QRectF(cx - chip_w / 2, rect.top() + self.PAD, chip_w, chip_h)
        status = scheme.find(entry.rag) if scheme and entry else None
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        paint_chip(painter, chip, status, option.font)
        bold, small = self._fonts(option.font)
        width = self._width(option)
        y = rect.top() + self.PAD
        for n, text in enumerate(texts):
            if not text:
                continue
            font = bold if n == 0 else small if n == 1 else option.font
            painter.setFont(font)
            colour = palette.color(QPalette.ColorRole.PlaceholderText if n == 1 else QPalette.ColorRole.Text)
            painter.setPen(colour)
            box = QFontMetrics(font).boundingRect(QRect(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap), text)
            target = QRect(rect.left() + self.RAIL + self.PAD, y, width, box.height())
            painter.drawText(target, int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft), text)
            y += box.height() + 3
        painter.restore()


class TimelineView(QListView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("history_timeline")
        self.setAccessibleName("Update history, newest first")
        self.history = HistoryModel(self)
        self.setModel(self.history)
        self.setItemDelegate(TimelineDelegate(self))
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setWordWrap(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.empty = QLabel("No updates recorded yet.", self.viewport())
        self.empty.setObjectName("placeholder")
        self.empty.move(12, 12)
        self.empty.adjustSize()

    def set_entries(self, entries: Sequence[HistoryEntry], scheme: RagScheme) -> None:
        self.history.set_entries(entries, scheme)
        self.empty.setVisible(not entries)


def add_shortcut(parent: QWidget, key: QKeySequence | QKeySequence.StandardKey | str,
                 slot: Callable[[], object]) -> QShortcut:
    """A keyboard shortcut on ``parent``'s window that calls ``slot``."""
    shortcut = QShortcut(QKeySequence(key), parent)
    shortcut.activated.connect(slot)
    return shortcut


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize to the preferred size, but never beyond the screen (large text, small laptops)."""
    screen = widget.screen()
    if screen is not None:
        available = screen.availableGeometry()
        width = min(width, available.width() - 40)
        height = min(height, available.height() - 60)
    widget.resize(max(width, 200), max(height, 200))


def heading_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("section_heading")
    label.setWordWrap(True)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.1)
    label.setFont(font)
    return label


class FlowLayout(QLayout):
    """Lays widgets out left to right and wraps them onto new lines when the width runs out (Qt's flow layout
    example), so a row of filters still fits a narrow window or large text."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 8, line_spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self._line_spacing = line_spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, *, apply: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, line = area.x(), area.y(), 0
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if x + hint.width() > area.right() + 1 and line > 0:
                x = area.x()
                y += line + self._line_spacing
                line = 0
            if apply:
                item.setGeometry(QRect(x, y, hint.width(), hint.height()))
            x += hint.width() + self._spacing
            line = max(line, hint.height())
        return y + line - rect.y() + margins.bottom()


def plural(count: int, unit: str, units: str | None = None) -> str:
    """``1 minute``, ``2 minutes``: a count with its unit in the right number."""
    return f"{count} {unit if count == 1 else (units or unit + 's')}"


def count_suffix(spin: QSpinBox, unit: str, units: str | None = None) -> None:
    """Keep a spin box's suffix in the right number as its value changes (" 1 minute", " 5 minutes")."""

    def update(value: int) -> None:
        spin.setSuffix(" " + plural(value, unit, units).split(" ", 1)[1])

    spin.valueChanged.connect(update)
    update(spin.value())


def row_of(*items: QWidget | None, margins: int | None = None) -> QHBoxLayout:
    """A horizontal row of widgets; ``None`` stands for the stretch that pushes the rest to the right."""
    row = QHBoxLayout()
    if margins is not None:
        row.setContentsMargins(margins, margins, margins, margins)
    for item in items:
        if item is None:
            row.addStretch(1)
        else:
            row.addWidget(item)
    return row


def named(widget: W, object_name: str, spoken: str = "") -> W:
    """``widget`` with its object name (for the stylesheet and tests) and, when given, the name a screen reader
    speaks for it (a control with no visible label of its own needs one)."""
    widget.setObjectName(object_name)
    if spoken:
        widget.setAccessibleName(spoken)
    return widget


def chooser(object_name: str, spoken: str, chars: int) -> QComboBox:
    """A drop-down list wide enough to show ``chars`` characters of its longest choice, however long that is."""
    combo = named(QComboBox(), object_name, spoken)
    combo.setMinimumContentsLength(chars)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    return combo


SCREEN_MARGINS = (14, 12, 14, 8)  # around a whole screen's content

Stacked = QWidget | QLayout | tuple[QWidget | QLayout, int]


def column_of(*items: Stacked | None, parent: QWidget | None = None,
              margins: tuple[int, int, int, int] = (0, 0, 0, 0), spacing: int | None = None) -> QVBoxLayout:
    """Widgets and layouts stacked top to bottom, on ``parent`` when given; ``(item, 1)`` gives an item the spare
    height, and ``None`` stands for a stretch that takes it instead."""
    column = QVBoxLayout(parent) if parent is not None else QVBoxLayout()
    column.setContentsMargins(*margins)
    if spacing is not None:
        column.setSpacing(spacing)
    for entry in items:
        if entry is None:
            column.addStretch(1)
            continue
        item, stretch = entry if isinstance(entry, tuple) else (entry, 0)
        if isinstance(item, QLayout):
            column.addLayout(item, stretch)
        else:
            column.addWidget(item, stretch)
    return column


def page_of(*items: QWidget | QHBoxLayout, top: int = 0, stretch_last: bool = False) -> QWidget:
    """A plain page: widgets and rows stacked top to bottom, the last one taking the spare height if asked."""
    page = QWidget()
    last = len(items) - 1
    column_of(*((item, 1) if stretch_last and n == last else item for n, item in enumerate(items)), parent=page,
              margins=(0, top, 0, 0))
    return page


def separator() -> QFrame:
    """The thin rule between parts of a card or panel (object name ``separator`` in the stylesheet)."""
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setObjectName("separator")
    return line


def wrapped_label(text: str = "", object_name: str = "") -> QLabel:
    """A label whose text wraps, with its object name for the stylesheet."""
    label = QLabel(text)
    label.setWordWrap(True)
    if object_name:
        label.setObjectName(object_name)
    return label


def remember_geometry(dialog: QDialog, settings: Settings, option: Option[QByteArray], width: int,
                      height: int) -> None:
    """Open ``dialog`` at the size the user left it (else ``width`` × ``height``, within the screen), and keep its
    size in ``option`` each time it closes."""
    fit_to_screen(dialog, width, height)
    geometry = settings.get(option)
    if not geometry.isEmpty():
        dialog.restoreGeometry(geometry)
    dialog.finished.connect(lambda _: settings.set(option, dialog.saveGeometry()))


def subtle_label(text: str = "") -> QLabel:
    """A wrapped, quieter line of text (object name ``subtle`` in the stylesheet)."""
    return wrapped_label(text, "subtle")


def title_bar(heading: QLabel, subtitle: QLabel, button: QWidget) -> QHBoxLayout:
    """A screen's heading with its subtitle under it, and a button at the top right."""
    text = QVBoxLayout()
    text.setSpacing(2)
    text.addWidget(heading)
    text.addWidget(subtitle)
    top = QHBoxLayout()
    top.addLayout(text, 1)
    top.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
    return top
