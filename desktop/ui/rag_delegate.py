"""RAG on screen: a coloured chip that always carries the status's letter, and its label when there is room.

RAG is never shown by colour alone (DESIGN §2): the letter is painted on the chip, the label beside it, and the
definition is the tooltip (from the model).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from desktop.services.rag import RagStatus
from desktop.ui.roles import Role

# Models put the scheme's RagStatus (or None) under this role for any cell the delegate paints.
RAG_ROLE = Role.RAG
RAG_NOTE_ROLE = Role.RAG_NOTE
Index = QModelIndex | QPersistentModelIndex

NO_STATUS_TEXT = "No status"


def paint_chip(painter: QPainter, rect: QRectF, status: RagStatus | None, font: QFont) -> None:
    """A rounded chip in the status colour with its letter; a dashed outline with a dash when there is none."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    radius = min(rect.height(), rect.width()) / 4
    chip_font = QFont(font)
    chip_font.setBold(True)
    if status is None:
        pen = painter.pen()
        pen.setColor(QColor("#8a8f94"))
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
        painter.setFont(chip_font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "–")
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(status.colour))
        painter.drawRoundedRect(rect, radius, radius)
        painter.setPen(QColor(status.text_colour))
        if len(status.letter) > 1:
            chip_font.setPointSizeF(max(6.0, chip_font.pointSizeF() * 0.85))
        painter.setFont(chip_font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, status.letter)
    painter.restore()


def chip_width(metrics: QFontMetrics) -> int:
    return max(metrics.height() + 8, metrics.horizontalAdvance("NS") + 12)


def rag_pixmap(status: RagStatus | None, height: int = 18, device_ratio: float = 1.0) -> QPixmap:
    """A chip as a pixmap (tree decorations, legends, radio buttons), sharp at any scaling."""
    font = QApplication.font()
    width = max(height + 6, int(height * 1.5))
    pixmap = QPixmap(int(width * device_ratio), int(height * device_ratio))
    pixmap.setDevicePixelRatio(device_ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    font.setPixelSize(max(8, int(height * 0.62)))
    paint_chip(painter, QRectF(0, 0, width, height), status, font)
    painter.end()
    return pixmap


def rag_icon(status: RagStatus | None, height: int = 18) -> QIcon:
    app = QApplication.instance()
    ratio = max(1.0, app.devicePixelRatio() if isinstance(app, QApplication) else 1.0)
    # One icon per status, size, scale and font: a plan's navigator asks for hundreds of the same few chips.
    key = (status, height, ratio, QApplication.font().key())
    found = _ICONS.get(key)
    if found is None:
        found = _ICONS[key] = QIcon(rag_pixmap(status, height, ratio))
    return found


_ICONS: dict[tuple[RagStatus | None, int, float, str], QIcon] = {}


def describe(status: RagStatus | None) -> str:
    """Words for screen readers and tooltips."""
    if status is None:
        return "No RAG status recorded"
    return f"{status.label} ({status.letter}): {status.definition}"


class RagDelegate(QStyledItemDelegate):
    """Paints a cell whose model gives a RagStatus under :data:`RAG_ROLE`: chip with letter, then the label."""

    def __init__(self, parent: QWidget | None = None, *, show_label: bool = True) -> None:
        super().__init__(parent)
        self._show_label = show_label

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        status = index.data(RAG_ROLE)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect: QRect = opt.rect.adjusted(6, 0, -4, 0)
        metrics = QFontMetrics(opt.font)
        chip_h = min(rect.height() - 6, metrics.height() + 4)
        chip = QRectF(rect.left(), rect.center().y() - chip_h / 2 + 1, chip_width(metrics), chip_h)
        paint_chip(painter, chip, status if isinstance(status, RagStatus) else None, opt.font)
        if self._show_label:
            label = status.label if isinstance(status, RagStatus) else NO_STATUS_TEXT
            note = index.data(RAG_NOTE_ROLE)
            if note:
                label = f"{label} · {note}"
            text_rect = rect.adjusted(int(chip.width()) + 8, 0, 0, 0)
            selected = bool(opt.state & QStyle.StateFlag.State_Selected)
            role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
            painter.save()
            painter.setPen(opt.palette.color(role))
            if not isinstance(status, RagStatus):
                painter.setPen(opt.palette.color(QPalette.ColorRole.PlaceholderText))
            elided = metrics.elidedText(label, Qt.TextElideMode.ElideRight, text_rect.width())
            painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), elided)
            painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        metrics = QFontMetrics(option.font)
        status = index.data(RAG_ROLE)
        label = status.label if isinstance(status, RagStatus) else NO_STATUS_TEXT
        note = index.data(RAG_NOTE_ROLE)
        if note:
            label = f"{label} · {note}"
        width = 6 + chip_width(metrics) + (8 + metrics.horizontalAdvance(label) if self._show_label else 0) + 8
        return QSize(width, metrics.height() + 10)
