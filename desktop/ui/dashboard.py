"""The dashboard: four pyqtgraph charts of the plan, in the scheme's RAG colours and always with its letters.

RAG by objective and RAG mix over quarters are stacked bars with the letter on every segment big enough to hold it
and a legend of letter + label; overdue actions by organisation and updates outstanding per lead officer are bars.
Each chart also carries its figures as an accessible description (and tooltip) for screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.services.quarter_status import CARRY_FORWARD_RULE, describe_counts
from desktop.services.rag import RagScheme
from desktop.services.readmodels import (
    PlanData,
    outstanding_by_lead,
    overdue_by_organisation,
    rag_counts_by_objective,
    status_counts,
)
from desktop.ui import view_reads
from desktop.ui.icons import icon
from desktop.ui.widgets import heading_label, subtle_label, title_bar
from desktop.ui.workspace import Workspace

INK = "#33475b"
NO_UPDATE_COLOUR = "#d5d9dd"
BAR_COLOUR = "#4a6785"
MAX_BARS = 12


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    letter: str
    colour: str
    text_colour: str


def series_for(scheme: RagScheme, *, include_no_update: bool = True, none_label: str = "No status") -> list[Series]:
    """Scheme statuses worst first (bottom of each stack), then "no status", then "no update"."""
    out = [Series(s.key, s.label, s.letter, s.colour, s.text_colour)
           for s in sorted(scheme.statuses, key=lambda s: -s.severity)]
    out.append(Series("none", none_label, "–", "#aeb6bf", "#000000"))
    if include_no_update:
        out.append(Series("no_update", "No update", "–", NO_UPDATE_COLOUR, "#000000"))
    return out


def _short(text: str, limit: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Chart(pg.PlotWidget):  # type: ignore[misc]  # pyqtgraph has no type information
    """A static chart: title, axis labels, legend; no mouse panning or zooming."""

    def __init__(self, name: str, title: str, x_label: str, y_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, background="w")
        self.setObjectName(name)
        self.setAccessibleName(title)
        self.title = title
        item = self.getPlotItem()
        item.setTitle(title, color=INK, size="11pt", bold=True)
        item.setLabel("bottom", x_label, color=INK)
        item.setLabel("left", y_label, color=INK)
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        item.showGrid(x=False, y=True, alpha=0.15)
        for side in ("left", "bottom"):
            axis = item.getAxis(side)
            axis.setPen(pg.mkPen(INK))
            axis.setTextPen(pg.mkPen(INK))
        self.setMinimumHeight(200)
        self.setMinimumWidth(300)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.legend: pg.LegendItem | None = None

    def reset(self) -> None:
        """Empty the chart. The legend stays in the scene, emptied and hidden: the plot item hands the same legend
        back on the next draw, so taking it out of the scene would lose it for good."""
        self.getPlotItem().clear()
        if self.legend is not None:
            self.legend.clear()
            self.legend.hide()

    def describe(self, text: str) -> None:
        self.setAccessibleDescription(text)
        self.setToolTip(text)

    def stacked(self, categories: Sequence[str], series: Sequence[Series], values: Sequence[dict[str, int]]) -> None:
        """Vertical stacked bars, one per category, with letters on the segments and a legend of letter + label.

        A segment too thin to hold its letter gets "letter count" beside its bar instead, so no status is ever
        shown by colour alone."""
        self.reset()
        item = self.getPlotItem()
        present = [s for s in series if any(v.get(s.key, 0) for v in values)]
        self.legend = item.addLegend(offset=(8, 4), labelTextColor=INK, brush=pg.mkBrush(255, 255, 255, 235),
                                     pen=pg.mkPen("#c5ccd3"))
        self.legend.setColumnCount(max(1, len(present)))
        self.legend.show()
        totals = [sum(v.values()) for v in values]
        peak = max(totals, default=0) or 1
        base = [0.0] * len(categories)
        font = QFont()
        font.setBold(True)
        font.setPointSizeF(8.5)
        beside: list[list[tuple[float, str, str]]] = [[] for _ in categories]
        for s in present:
            heights = [float(v.get(s.key, 0)) for v in values]
            bars = pg.BarGraphItem(x=list(range(len(categories))), height=heights, y0=list(base), width=0.6,
                                   brush=pg.mkBrush(s.colour), pen=pg.mkPen("#ffffff", width=1))
            item.addItem(bars)
            if self.legend is not None:
                self.legend.addItem(bars, f"{s.letter} {s.label}")
            for n, h in enumerate(heights):
                if not h:
                    continue
                if h / peak >= 0.08:
                    text = pg.TextItem(s.letter, color=QColor(s.text_colour), anchor=(0.5, 0.5))
                    text.setFont(font)
                    text.setPos(n, base[n] + h / 2)
                    item.addItem(text)
                else:
                    beside[n].append((base[n] + h / 2, f"{s.letter} {int(h)}", s.colour))
            base = [b + h for b, h in zip(base, heights, strict=True)]
        gap = peak * 0.075
        for n, labels in enumerate(beside):
            last = -gap
            for y, label, _ in sorted(labels):
                y = max(y, last + gap)
                last = y
                text = pg.TextItem(label, color=QColor(INK), anchor=(0, 0.5))
                text.setFont(font)
                text.setPos(n + 0.31, y)
                item.addItem(text)
        axis = item.getAxis("bottom")
        axis.setTicks([[(n, _short(c, 12)) for n, c in enumerate(categories)]])
        item.getAxis("left").setTickSpacing(*_spacing(peak * 1.3))
        item.setXRange(-0.6, max(len(categories) - 0.4, 0.6), padding=0)
        # Headroom above the tallest bar for the one-line legend.
        item.setYRange(0, peak * 1.3 + 1, padding=0)

    def horizontal(self, labels: Sequence[str], values: Sequence[int], colour: str = BAR_COLOUR) -> None:
        """Horizontal bars, largest at the top, each with its value at the end."""
        self.reset()
        item = self.getPlotItem()
        labels, values = list(labels)[:MAX_BARS], list(values)[:MAX_BARS]
        positions = list(range(len(labels)))[::-1]
        if values:
            bars = pg.BarGraphItem(x0=0, y=positions, height=0.6, width=values, brush=pg.mkBrush(colour),
                                   pen=pg.mkPen(colour))
            item.addItem(bars)
        peak = max(values, default=0) or 1
        for y, v in zip(positions, values, strict=True):
            text = pg.TextItem(f"{v:,}", color=QColor(INK), anchor=(0, 0.5))
            text.setPos(v + peak * 0.02, y)
            item.addItem(text)
        left = item.getAxis("left")
        shown = [_short(label, 34) for label in labels]
        left.setTicks([[(y, label) for y, label in zip(positions, shown, strict=True)]])
        metrics = QFontMetrics(self.font())
        left.setWidth(min(300, max([metrics.horizontalAdvance(t) for t in shown] or [20]) + 18))
        item.getAxis("bottom").setTickSpacing(*_spacing(peak * 1.15))
        item.setYRange(-0.7, max(len(labels) - 0.3, 0.7), padding=0)
        item.setXRange(0, peak * 1.15 + 0.5, padding=0)


def _spacing(span: float) -> tuple[float, float]:
    """Whole-number tick spacing (counts of actions are never fractional): about five major ticks."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000):
        if span / step <= 6:
            return float(step), float(step)
    return span / 5, span / 5


class DashboardView(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard_view")
        self.workspace = workspace
        self.heading = heading_label("Dashboard")
        self.subtitle = subtle_label()
        self.refresh_button = QPushButton(icon("refresh"), "&Refresh")
        self.refresh_button.setObjectName("refresh_dashboard")
        self.refresh_button.clicked.connect(self.refresh)
        top = title_bar(self.heading, self.subtitle, self.refresh_button)
        self.counts = QLabel()
        self.counts.setObjectName("status_counts")
        self.counts.setWordWrap(True)
        self.counts.setToolTip(CARRY_FORWARD_RULE)
        column = top.itemAt(0)  # the heading and subtitle column that title_bar builds
        text = column.layout() if column is not None else None
        assert text is not None
        text.addWidget(self.counts)

        self.by_objective = Chart("chart_rag_by_objective", "RAG by objective (latest update)", "Objective",
                                  "Actions")
        self.over_quarters = Chart("chart_rag_by_quarter", "RAG mix over quarters", "Quarter", "Actions")
        self.overdue = Chart("chart_overdue", "Overdue actions by lead organisation", "Overdue actions", "")
        self.outstanding = Chart("chart_outstanding", "Updates outstanding per lead officer", "Updates outstanding",
                                 "")
        grid = QGridLayout()
        grid.setSpacing(12)
        grid.addWidget(self.by_objective, 0, 0)
        grid.addWidget(self.over_quarters, 0, 1)
        grid.addWidget(self.overdue, 1, 0)
        grid.addWidget(self.outstanding, 1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 8)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addLayout(grid, 1)

    def clear(self) -> None:
        self.counts.clear()
        for chart in (self.by_objective, self.over_quarters, self.overdue, self.outstanding):
            chart.reset()
            chart.describe("")

    def refresh(self) -> None:
        data: PlanData | None = self.workspace.data
        if data is None or not self.workspace.is_open:
            self.clear()
            return
        scheme = data.scheme
        period = data.current_period
        self.heading.setText(f"Dashboard · {data.plan.title}")
        self.subtitle.setText(
            (f"Current quarter {period.label} ({'closed' if period.closed else 'open'}). " if period else "")
            + f"{len(data.rows):,} actions. Every bar shows its RAG letter; the legend gives the labels."
        )
        labels = [(st.key, f"{st.label} ({st.letter})") for st in sorted(scheme.statuses, key=lambda st: -st.severity)]
        self.counts.setText(f"{period.label if period else 'Now'}: {describe_counts(status_counts(data), labels)}. "
                            + CARRY_FORWARD_RULE)
        by_objective = rag_counts_by_objective(data)
        self.by_objective.stacked([code or title for code, title, _ in by_objective],
                                  series_for(scheme, include_no_update=False, none_label="No status yet"),
                                  [counts for _, _, counts in by_objective])
        self.by_objective.describe("; ".join(
            f"{code}: " + ", ".join(f"{n} {self._label(scheme, k)}" for k, n in counts.items())
            for code, _, counts in by_objective))

        mix = view_reads.rag_mix(self.workspace, data.plan.id)
        self.over_quarters.stacked([label for label, _ in mix], series_for(scheme), [counts for _, counts in mix])
        self.over_quarters.describe("; ".join(
            f"{label}: " + ", ".join(f"{n} {self._label(scheme, k)}" for k, n in counts.items())
            for label, counts in mix))

        overdue = overdue_by_organisation(data.rows)
        self.overdue.horizontal([name for name, _ in overdue], [n for _, n in overdue], "#b03a2e")
        self.overdue.describe("; ".join(f"{name}: {n} overdue" for name, n in overdue) or "No overdue actions")

        waiting = outstanding_by_lead(data)
        self.outstanding.horizontal([name for name, _ in waiting], [n for _, n in waiting])
        note = "" if period and not period.closed else " (no open quarter)"
        self.outstanding.describe("; ".join(f"{name}: {n} outstanding" for name, n in waiting)
                                  or f"No updates outstanding{note}")

    @staticmethod
    def _label(scheme: RagScheme, key: str) -> str:
        found = scheme.find(key)
        if found:
            return f"{found.label} ({found.letter})"
        return {"none": "no status", "no_update": "no update"}.get(key, key)
