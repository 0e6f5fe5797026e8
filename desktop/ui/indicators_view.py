"""The Indicators view: a plan's performance indicators in a table, and the selected one's trend chart.

Everything shown is the services' read model (desktop.services.indicators.indicator_rows): differences, RAG and
direction are derived there, never here. The RAG column shows the plan's scheme as a chip with its letter and the
label beside it, so nothing relies on colour alone.

Self-contained: ``IndicatorsView(store, plan_id)``; call ``refresh()`` after the store changes.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from collections.abc import Sequence
from typing import Any

# pyqtgraph binds to whichever Qt it finds first: make it PySide6, whatever else is installed.
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
import PySide6  # noqa: E402, F401, I001

from PySide6.QtCore import (  # noqa: E402
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPalette  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402

from desktop.models import IndicatorUnit, TargetKind  # noqa: E402
from desktop.services.indicators import (  # noqa: E402
    IndicatorRow,
    ValuePoint,
    format_difference,
    format_parts,
    format_percent,
    format_value,
)
from desktop.services.rag import RAG, RagScheme, RagStatus  # noqa: E402
from desktop.store import Store  # noqa: E402
from desktop.ui import view_reads  # noqa: E402
from desktop.ui.rag_delegate import chip_width, paint_chip  # noqa: E402
from desktop.ui.record_model import SortProxy  # noqa: E402
from desktop.ui.roles import Role  # noqa: E402
from desktop.ui.rows_model import RowsModel  # noqa: E402

COL_CODE = 0
COL_NAME = 1
COL_BASELINE = 2
COL_TARGET = 3
COL_LATEST = 4
COL_PERIOD = 5
COL_DIFFERENCE = 6
COL_PERCENT = 7
COL_RAG = 8
COL_DIRECTION = 9
COL_NATIONAL = 10
COL_DATA = 11
COLUMN_COUNT = 12

HEADERS = {
    COL_CODE: "Code",
    COL_NAME: "Indicator",
    COL_BASELINE: "Baseline",
    COL_TARGET: "Target",
    COL_LATEST: "Latest",
    COL_PERIOD: "Period",
    COL_DIFFERENCE: "Difference",
    COL_PERCENT: "%",
    COL_RAG: "RAG",
    COL_DIRECTION: "Direction",
    COL_NATIONAL: "National",
    COL_DATA: "Data",
}
HEADER_TIPS = {
    COL_DIFFERENCE: "Latest minus baseline, calculated by Pathways (percentage points for a % indicator)",
    COL_PERCENT: "The difference as a percentage of the baseline",
    COL_RAG: "The latest figure against the target, within the indicator's stated tolerance",
    COL_DIRECTION: "Direction of travel since the previous figure",
    COL_NATIONAL: "The England and Wales comparator for the same period",
    COL_DATA: "Data lag, and periods with no figure (allowing for the lag)",
}
NUMERIC_COLUMNS = {COL_BASELINE, COL_LATEST, COL_DIFFERENCE, COL_PERCENT, COL_NATIONAL}

SORT_ROLE = Role.SORT
ROW_ROLE = Role.ROW
RAG_STATUS_ROLE = Role.RAG_STATUS  # the scheme's RagStatus, or None when not assessed

NOT_ASSESSED = "Not assessed"
DIRECTION_TEXT = {
    "improved": "↑ Improved", "worse": "↓ Worse", "same": "→ No change", "new": "• First figure",
    "none": "– No figure", "up": "↑ Up", "down": "↓ Down",
}
DIRECTION_COLOURS = {
    "improved": "#1e7a34", "worse": "#b3261e", "same": "#4a5560", "new": "#1f5fa8", "none": "#7a838c",
    "up": "#4a5560", "down": "#4a5560",
}
_DIRECTION_ORDER = {"worse": 5, "down": 4, "up": 3, "same": 2, "new": 1, "improved": 0, "none": -1}
_NUMBER = re.compile(r"\d+")
MISSING = float("-inf")  # sorts rows with no figure first (ascending)

# Chart colours: the PDF's, so a coordinator sees the same picture on screen and on paper.
VALUE_COLOUR = "#1f3a5f"
TARGET_COLOUR = "#1e7a34"
NATIONAL_COLOUR = "#b35c00"
REGIONAL_COLOUR = "#6b4fa0"
PART_COLOURS = ("#1f3a5f", "#1f7a8c", "#8c3b1f", "#55606b")


def natural_text(code: str) -> str:
    """A sort key Qt can compare natively: "RO 2" before "RO 10"."""
    return _NUMBER.sub(lambda m: m.group().zfill(8), code.strip().casefold())


def latest_text(row: IndicatorRow) -> str:
    latest = row.assessment.latest
    if latest is None:
        return "–"
    if latest.value is None:
        return format_parts(latest.parts, row.unit)
    return format_value(latest.value, row.unit)


def data_text(row: IndicatorRow) -> str:
    parts = []
    if row.assessment.no_data:
        parts.append(row.assessment.no_data_text)
    if row.lag_months:
        parts.append(f"lag {row.lag_months} months")
    return "; ".join(parts)


# ---- the table model


class IndicatorTableModel(RowsModel[IndicatorRow]):
    """One row per indicator of a plan. ``set_rows`` replaces them all."""

    RagStatusRole = Role.RAG_STATUS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._scheme: RagScheme = RAG
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: Sequence[IndicatorRow], rag_scheme: RagScheme) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._scheme = rag_scheme
        self.endResetModel()

    @property
    def scheme(self) -> RagScheme:
        return self._scheme

    def position_of(self, indicator_id: int) -> int | None:
        return next((n for n, r in enumerate(self._rows) if r.id == indicator_id), None)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < COLUMN_COUNT:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(section)
        return None

    def rag_status(self, row: IndicatorRow) -> RagStatus | None:
        return self._scheme.find(row.assessment.rag)

    def _role(self, row: IndicatorRow, column: int, role: int) -> Any:
        if role == RAG_STATUS_ROLE and column == COL_RAG:
            return self.rag_status(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in NUMERIC_COLUMNS:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == COL_DIRECTION:
                return QColor(DIRECTION_COLOURS.get(row.assessment.direction, "#4a5560"))
            if column == COL_DATA and row.assessment.no_data:
                return QColor("#a4161a")
            return None
        if role == Qt.ItemDataRole.FontRole and column in (COL_CODE, COL_LATEST):
            return self._bold
        return None

    def _display(self, row: IndicatorRow, column: int) -> str:
        a = row.assessment
        if column == COL_CODE:
            return row.code
        if column == COL_NAME:
            return row.name
        if column == COL_BASELINE:
            return row.baseline_text
        if column == COL_TARGET:
            return row.target_text
        if column == COL_LATEST:
            return latest_text(row)
        if column == COL_PERIOD:
            return a.latest.period_label if a.latest else ""
        if column == COL_DIFFERENCE:
            if a.difference is None and a.part_differences:
                return format_parts(a.part_differences, row.unit, signed=True)
            return format_difference(a.difference, row.unit)
        if column == COL_PERCENT:
            return format_percent(a.percent_difference)
        if column == COL_RAG:
            status = self.rag_status(row)
            return f"{status.letter}  {status.label}" if status else f"–  {NOT_ASSESSED}"
        if column == COL_DIRECTION:
            return DIRECTION_TEXT.get(a.direction, a.direction)
        if column == COL_NATIONAL:
            national = a.latest.national if a.latest else None
            return format_value(national, row.unit) if national is not None else ""
        if column == COL_DATA:
            return data_text(row)
        return ""

    def _sort_value(self, row: IndicatorRow, column: int) -> Any:
        a = row.assessment
        if column == COL_CODE:
            return natural_text(row.code)
        if column == COL_NAME:
            return row.name.casefold()
        if column == COL_BASELINE:
            return row.baseline_value if row.baseline_value is not None else MISSING
        if column == COL_TARGET:
            return row.target_text.casefold()
        if column == COL_LATEST:
            return a.latest.value if a.latest and a.latest.value is not None else MISSING
        if column == COL_PERIOD:
            return a.latest.period_end.toordinal() if a.latest else -1
        if column == COL_DIFFERENCE:
            return a.difference if a.difference is not None else MISSING
        if column == COL_PERCENT:
            return a.percent_difference if a.percent_difference is not None else MISSING
        if column == COL_RAG:
            status = self.rag_status(row)
            return status.severity if status else -1000
        if column == COL_DIRECTION:
            return _DIRECTION_ORDER.get(a.direction, -1)
        if column == COL_NATIONAL:
            national = a.latest.national if a.latest else None
            return national if national is not None else MISSING
        if column == COL_DATA:
            return a.periods_without_data
        return ""

    def _tooltip(self, row: IndicatorRow, column: int) -> str | None:
        a = row.assessment
        if column == COL_NAME:
            return row.definition or row.name
        if column == COL_TARGET:
            return f"{row.target_text}; tolerance {row.tolerance_text}"
        if column == COL_RAG:
            status = self.rag_status(row)
            head = f"{status.label} ({status.letter})" if status else NOT_ASSESSED
            return f"{head}: {a.rag_reason}"
        if column == COL_DIRECTION and a.previous is not None:
            return f"Compared with {a.previous.period_label} ({format_value(a.previous.value, row.unit)})"
        if column == COL_BASELINE and row.baseline_label:
            return f"As published: {row.baseline_label} ({row.baseline_period})"
        if column == COL_LATEST and a.latest is not None:
            parts = format_parts(a.latest.parts, row.unit) if a.latest.parts else ""
            return "\n".join(x for x in (parts, a.latest.note) if x) or None
        if column == COL_DIFFERENCE and a.part_differences:
            return "\n".join(f"{key}: {format_difference(value, IndicatorUnit.COUNT)} "
                             f"({format_percent(a.part_percent_differences.get(key))})"
                             for key, value in a.part_differences.items())
        if column == COL_DATA and a.no_data:
            return f"{a.no_data_text}, allowing for the {row.lag_months}-month lag"
        return None


class IndicatorFilterProxy(SortProxy):
    """Sorts on native values; filters by words in the code or name, and optionally to those needing attention."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self._attention_only = False

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._words = text.casefold().split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_attention_only(self, on: bool) -> None:
        self.beginFilterChange()
        self._attention_only = on
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        model = self.sourceModel()
        if not isinstance(model, IndicatorTableModel):
            return True
        row = model.row_at(source_row)
        hay = f"{row.code} {row.name} {row.geography}".casefold()
        if not all(w in hay for w in self._words):
            return False
        if self._attention_only:
            status = model.rag_status(row)
            needs = (status is not None and status.needs_remedial) or row.assessment.no_data
            return needs or row.assessment.direction == "worse"
        return True


class IndicatorRagDelegate(QStyledItemDelegate):
    """The scheme's chip (colour with its letter) and the label; "Not assessed" when there is no target."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        status = index.data(RAG_STATUS_ROLE)
        status = status if isinstance(status, RagStatus) else None
        opt.text = ""
        opt.backgroundBrush = QBrush(Qt.BrushStyle.NoBrush)
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = opt.rect.adjusted(6, 0, -4, 0)
        metrics = QFontMetrics(opt.font)
        chip_h = min(rect.height() - 6, metrics.height() + 4)
        chip = QRectF(rect.left(), rect.center().y() - chip_h / 2 + 1, chip_width(metrics), chip_h)
        paint_chip(painter, chip, status, opt.font)
        label = status.label if status else NOT_ASSESSED
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setPen(opt.palette.color(role if status else QPalette.ColorRole.PlaceholderText))
        text_rect = rect.adjusted(int(chip.width()) + 8, 0, 0, 0)
        elided = metrics.elidedText(label, Qt.TextElideMode.ElideRight, text_rect.width())
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), elided)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        metrics = QFontMetrics(option.font)
        status = index.data(RAG_STATUS_ROLE)
        label = status.label if isinstance(status, RagStatus) else NOT_ASSESSED
        return QSize(6 + chip_width(metrics) + 8 + metrics.horizontalAdvance(label) + 8, metrics.height() + 10)


# ---- the trend chart


def _x(day: dt.date) -> float:
    """Decimal years: the chart's x axis."""
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


def _unit_axis_label(unit: IndicatorUnit) -> str:
    return {
        IndicatorUnit.PERCENT: "Per cent", IndicatorUnit.COUNT: "Number", IndicatorUnit.RATE_PER_1000: "Rate per 1,000",
        IndicatorUnit.RATIO: "Ratio", IndicatorUnit.SCORE: "Score", IndicatorUnit.TEXT: "",
    }[unit]


class IndicatorTrendChart(pg.PlotWidget):  # type: ignore[misc]
    """The selected indicator's figures over time, its target level, and the national and regional comparators."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent, background="w")
        self.setMinimumHeight(220)
        self.plot_item: pg.PlotItem = self.getPlotItem()
        self.plot_item.showGrid(x=False, y=True, alpha=0.25)
        self.plot_item.setMenuEnabled(False)
        self.plot_item.hideButtons()
        for name in ("left", "bottom"):
            axis = self.plot_item.getAxis(name)
            axis.setPen(pg.mkPen("#55606b"))
            axis.setTextPen(pg.mkPen("#1b1f24"))
        # Top left, in headroom kept free above the figures (see show_row).
        self.legend = self.plot_item.addLegend(offset=(10, 8), labelTextColor="#1b1f24",
                                               brush=pg.mkBrush(255, 255, 255, 230), pen=pg.mkPen("#b8c0c8"))
        self.series_names: list[str] = []
        self.show_row(None)

    def show_row(self, row: IndicatorRow | None) -> None:
        self.plot_item.clear()
        self.legend.clear()
        self.series_names = []
        if row is None:
            self.plot_item.setTitle("Select an indicator to see its trend", color="#55606b", size="10pt")
            self.plot_item.setLabel("left", "")
            self.plot_item.setLabel("bottom", "")
            return
        self.plot_item.setTitle(html.escape(f"{row.code}  {row.name}"), color="#1b1f24", size="10pt")
        self.plot_item.setLabel("left", _unit_axis_label(row.unit), color="#55606b")
        self.plot_item.setLabel("bottom", "Period", color="#55606b")
        points = list(row.values)
        if not any(p.has_data for p in points):
            self.plot_item.setTitle(html.escape(f"{row.code}  {row.name} — no figures recorded"), color="#55606b",
                                    size="10pt")
            return
        xs = [_x(p.period_end) for p in points]
        x_lo, x_hi = min(xs), max(xs)
        pad = max(0.25, (x_hi - x_lo) * 0.06)
        ys: list[float] = []

        if any(p.value is not None for p in points):
            series = [("Indicator", [(p, p.value) for p in points])]
        else:
            keys: dict[str, None] = {}
            for p in points:
                keys.update(dict.fromkeys(p.parts))
            series = [(key, [(p, p.parts.get(key)) for p in points]) for key in keys]
        for n, (name, pairs) in enumerate(series):
            colour = PART_COLOURS[n % len(PART_COLOURS)]
            ys += self._draw_series(name, pairs, colour, row.frequency_months, row.unit)

        level = row.assessment.target_level
        if level is not None:
            name = (f"Baseline (target: {row.target_text.lower()})" if row.target_kind is TargetKind.DIRECTION
                    else f"Target {format_value(level, row.unit)}")
            self._add([x_lo - pad, x_hi + pad], [level, level], name,
                      pen=pg.mkPen(TARGET_COLOUR, width=2, style=Qt.PenStyle.DashLine))
            ys.append(level)
        for attr, colour, style, name, symbol in (
            ("national", NATIONAL_COLOUR, Qt.PenStyle.DotLine, "England and Wales", "s"),
            ("regional", REGIONAL_COLOUR, Qt.PenStyle.DashDotLine, "Region", "t"),
        ):
            comp = [(_x(p.period_end), getattr(p, attr)) for p in points if getattr(p, attr) is not None]
            if comp:
                self._add([c[0] for c in comp], [c[1] for c in comp], name,
                          pen=pg.mkPen(colour, width=2, style=style), symbol=symbol, symbolSize=7,
                          symbolBrush=colour, symbolPen=colour)
                ys += [c[1] for c in comp]

        self.plot_item.getAxis("bottom").setTicks([self._ticks(points, x_lo - pad, x_hi + pad), []])
        y_lo, y_hi = min(ys), max(ys)
        if y_lo >= 0 and y_lo <= 0.5 * y_hi:
            y_lo = 0.0
        span = (y_hi - y_lo) or abs(y_hi) * 0.2 or 1.0
        legend_rows = len(self.series_names)
        self.plot_item.setXRange(x_lo - pad, x_hi + pad, padding=0)
        # Headroom on top for the legend and the last figure's label.
        self.plot_item.setYRange(y_lo - (span * 0.08 if y_lo != 0 else 0), y_hi + span * (0.12 + 0.09 * legend_rows),
                                 padding=0)

    def _draw_series(self, name: str, pairs: list[tuple[ValuePoint, float | None]], colour: str,
                     frequency_months: int, unit: IndicatorUnit) -> list[float]:
        """Solid between consecutive figures, dotted across periods with no figure; markers on every figure."""
        known = [(p, v) for p, v in pairs if v is not None]
        solid = pg.mkPen(colour, width=2.5)
        bridge = pg.mkPen(colour, width=1.5, style=Qt.PenStyle.DotLine)
        for (a, va), (b, vb) in zip(known, known[1:], strict=False):
            months = (b.period_end.year - a.period_end.year) * 12 + b.period_end.month - a.period_end.month
            skipped = any(v is None and a.period_end < p.period_end < b.period_end for p, v in pairs)
            gap = skipped or months > frequency_months * 1.5
            self._add([_x(a.period_end), _x(b.period_end)], [va, vb], None, pen=bridge if gap else solid)
        # Markers carry the legend entry, with the line's pen so the sample shows both; they connect nothing
        # themselves (the segments above do, solid or dotted).
        self._add([_x(p.period_end) for p, _ in known], [v for _, v in known], name, pen=solid, symbol="o",
                  symbolSize=9, symbolBrush="w", symbolPen=pg.mkPen(colour, width=2),
                  connect=np.zeros(len(known), dtype=bool))
        if known:
            last, value = known[-1]
            label = pg.TextItem(format_value(value, unit), color=colour, anchor=(1.1, 1.2))
            label.setPos(_x(last.period_end), value)
            self.plot_item.addItem(label)
        missing = [p for p, v in pairs if v is None]
        if missing and known:
            self._add([_x(p.period_end) for p in missing], [min(v for _, v in known)] * len(missing), "No figure",
                      pen=None, symbol="x", symbolSize=10, symbolBrush="#7a838c", symbolPen=pg.mkPen("#7a838c"))
        return [v for _, v in known]

    def _add(self, xs: list[float], ys: list[float], name: str | None, **style: Any) -> None:
        item = pg.PlotDataItem(xs, ys, name=name, **style)
        self.plot_item.addItem(item)
        if name:
            self.series_names.append(name)

    def _ticks(self, points: Sequence[ValuePoint], x_lo: float, x_hi: float) -> list[tuple[float, str]]:
        """Period labels at their figures; the last is always shown, others only where they do not collide."""
        ticks = sorted(((_x(p.period_end), p.period_label) for p in points), reverse=True)
        metrics = QFontMetrics(self.font())
        pixels = max(200.0, self.width() - 90.0) / max(1e-9, x_hi - x_lo)
        kept: list[tuple[float, str]] = []
        left_edge = float("inf")
        for x, label in ticks:
            half = metrics.horizontalAdvance(label) / 2 + 8
            if x * pixels + half <= left_edge:
                kept.append((x, label))
                left_edge = x * pixels - half
        return sorted(kept)


# ---- the view


class IndicatorsView(QWidget):
    """A plan's indicators: filterable table above, the selected indicator's trend chart and details below.

    Signals:
        indicator_selected(int): the id of the indicator now selected (0 when none).
    """

    indicator_selected = Signal(int)

    def __init__(self, store: Store, plan_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._plan_id = plan_id
        self.as_at: dt.date | None = None

        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel()
        self.subtitle.setStyleSheet("color: #55606b;")
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by code, name or area")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter indicators")
        self.filter_edit.setMaximumWidth(320)
        self.attention_box = QCheckBox("Needs attention only")
        self.attention_box.setToolTip("Red or Amber, getting worse, or with figures missing")

        self.model = IndicatorTableModel(self)
        self.proxy = IndicatorFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setAccessibleName("Indicators")
        self.table.setModel(self.proxy)
        # Unsorted until the user clicks a header: the plan's own order of indicators.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setItemDelegateForColumn(COL_RAG, IndicatorRagDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)

        self.chart = IndicatorTrendChart()
        self.chart.setAccessibleName("Trend of the selected indicator")
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setContentsMargins(8, 6, 8, 6)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        details_scroll = QScrollArea()
        details_scroll.setAccessibleName("Indicator details")
        details_scroll.setWidgetResizable(True)
        details_scroll.setWidget(self.details)
        details_scroll.setMinimumWidth(300)

        top = QHBoxLayout()
        heading = QVBoxLayout()
        heading.addWidget(self.title)
        heading.addWidget(self.subtitle)
        top.addLayout(heading, 1)
        top.addWidget(self.attention_box)
        top.addWidget(self.filter_edit)

        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.chart)
        lower.addWidget(details_scroll)
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 2)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)

        self.splitter.setSizes([330, 520])

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)

        self.filter_edit.textChanged.connect(self._on_filter_changed)
        self.attention_box.toggled.connect(self.proxy.set_attention_only)
        selection = self.table.selectionModel()
        selection.currentRowChanged.connect(self._on_current_changed)
        self.refresh()

    # ---- loading

    def refresh(self) -> None:
        """Re-read the plan's indicators from the store, keeping the selection where it was."""
        keep = self.current_row()
        page = view_reads.indicators(self._store, self._plan_id)
        if page is None:
            self.title.setText("Performance indicators")
            self.subtitle.setText("This plan is no longer in the store.")
            self.model.set_rows([], RAG)
            self._show(None)
            return
        self.as_at = page.as_at
        rows, rag_scheme, title, is_demo, period_label = (page.rows, page.rag_scheme, page.title, page.is_demo,
                                                          page.period_label)
        self.title.setText(f"Performance indicators — {title}")
        note = f"Judged as at {self.as_at.day} {self.as_at:%B %Y}"
        if period_label:
            note += f" (end of {period_label})"
        note += f" · {len(rows)} indicator{'s' if len(rows) != 1 else ''} · RAG scheme: {rag_scheme.name}"
        if is_demo:
            note += " · DEMONSTRATION DATA"
        self.subtitle.setText(note)
        self.model.set_rows(rows, rag_scheme)
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        header.resizeSection(COL_NAME, max(header.sectionSize(COL_NAME), 260))
        header.resizeSection(COL_RAG, max(header.sectionSize(COL_RAG), 120))
        target = keep.id if keep is not None else (rows[0].id if rows else None)
        if target is not None:
            self.select_indicator(target)
        else:
            self._show(None)

    # ---- selection

    def current_row(self) -> IndicatorRow | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        row = index.data(ROW_ROLE)
        return row if isinstance(row, IndicatorRow) else None

    def select_indicator(self, indicator_id: int) -> bool:
        position = self.model.position_of(indicator_id)
        if position is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(position, COL_CODE))
        if not index.isValid():
            return False
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self._show(self.current_row())
        return True

    def _on_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self._show(self.current_row())

    def _on_filter_changed(self, text: str) -> None:
        self.proxy.set_text(text)

    def _show(self, row: IndicatorRow | None) -> None:
        self.chart.show_row(row)
        self.details.setText(details_html(row, self.model.scheme) if row else
                             "<p style='color:#55606b'>No indicator selected.</p>")
        self.indicator_selected.emit(row.id if row else 0)


def details_html(row: IndicatorRow, rag_scheme: RagScheme) -> str:
    """The selected indicator's definition, source, judgement and latest note, as simple rich text."""
    a = row.assessment
    esc = html.escape
    status = rag_scheme.find(a.rag)
    rag = (f"<span style='background:{status.colour};color:{status.text_colour};font-weight:bold'>"
           f"&nbsp;{esc(status.letter)}&nbsp;</span> {esc(status.label)}" if status else esc(NOT_ASSESSED))
    lines = [f"<p><b>{esc(row.code)} {esc(row.name)}</b></p>"]
    if row.definition:
        lines.append(f"<p>{esc(row.definition)}</p>")
    facts = [
        ("Unit", row.unit.label), ("Polarity", row.polarity.label), ("Area", row.geography),
        ("Source", row.data_source), ("Data lag", f"{row.lag_months} months" if row.lag_months else ""),
        ("Baseline", f"{row.baseline_text} ({row.baseline_period})" if row.baseline_period else row.baseline_text),
        ("Target", f"{row.target_text} (tolerance {row.tolerance_text})" if row.target_kind.value != "none"
         else row.target_text),
    ]
    if row.baseline_label and row.baseline_label.replace(",", "") != row.baseline_text.replace(",", ""):
        facts.append(("As published", row.baseline_label))
    lines.append("<table cellspacing='0' cellpadding='1'>" + "".join(
        f"<tr><td style='color:#55606b;padding-right:8px'>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in facts if v
    ) + "</table>")
    if a.latest is not None:
        latest = f"{esc(latest_text(row))} ({esc(a.latest.period_label)})"
        if a.latest.parts and a.latest.value is not None:
            latest += f" · {esc(format_parts(a.latest.parts, row.unit))}"
        change = [f"{format_difference(a.difference, row.unit)} ({format_percent(a.percent_difference)})"
                  if a.difference is not None else ""]
        pcts = a.part_percent_differences
        change += [f"{k} {format_difference(v, IndicatorUnit.COUNT)} ({format_percent(pcts.get(k))})"
                   for k, v in a.part_differences.items()]
        lines.append(f"<p><b>Latest:</b> {latest}<br/><b>Since the baseline:</b> "
                     f"{esc('; '.join(c for c in change if c) or '–')}</p>")
    lines.append(f"<p><b>RAG:</b> {rag} — {esc(a.rag_reason)}</p>")
    if a.previous is not None:
        lines.append(f"<p><b>Direction:</b> {esc(DIRECTION_TEXT.get(a.direction, a.direction))} since "
                     f"{esc(a.previous.period_label)}; a year earlier: "
                     f"{esc(DIRECTION_TEXT.get(a.direction_vs_last_year, a.direction_vs_last_year))}</p>")
    if a.no_data:
        lines.append(f"<p style='color:#a4161a'><b>{esc(a.no_data_text)}</b> (allowing for the "
                     f"{row.lag_months}-month lag)</p>")
    if a.latest is not None and a.latest.note:
        lines.append(f"<p style='color:#55606b'><i>{esc(a.latest.period_label)}: {esc(a.latest.note)}</i></p>")
    if row.is_demo:
        lines.append("<p style='color:#a4161a'>Demonstration data: figures from published documents; codes, "
                     "tolerances and some targets are illustrative.</p>")
    return "".join(lines)
