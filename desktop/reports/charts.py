"""Vector charts for documents (reportlab.graphics): shapes in the PDF, never screenshots.

Every coloured mark carries its letter or a count next to a lettered legend, so nothing relies on colour alone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics

from desktop.reports.chart_text import rag_chart_text
from desktop.reports.styles import COND, COND_BOLD, INK, MUTED, RULE, SANS, SANS_BOLD, register_fonts
from desktop.reports.tagging import describe

ROWS_PER_CHART = 24  # beyond this a chart is split so each part fits a page


@dataclass(frozen=True)
class Series:
    key: str
    letter: str
    label: str
    fill: colors.Color
    text: colors.Color


@dataclass(frozen=True)
class CategoryCounts:
    code: str
    title: str
    counts: Mapping[str, int]  # series key → count


def rag_by_objective(
    categories: Sequence[CategoryCounts],
    series: Sequence[Series],
    width: float,
    *,
    axis_title: str = "Number of actions",
    category_title: str = "Objective",
) -> list[Drawing]:
    """Stacked horizontal bars, one per objective, segments in scheme order, with a lettered legend.

    Long plans give several drawings of at most ``ROWS_PER_CHART`` bars, sharing one scale.
    """
    register_fonts()
    if not categories:
        return []
    top = max(1, max(sum(c.counts.get(s.key, 0) for s in series) for c in categories))
    step = _nice_step(top)
    scale_max = step * math.ceil(top / step)
    chunks = [categories[i : i + ROWS_PER_CHART] for i in range(0, len(categories), ROWS_PER_CHART)]
    return [
        _chart(chunk, series, width, scale_max, step, axis_title, category_title, legend=(i == len(chunks) - 1))
        for i, chunk in enumerate(chunks)
    ]


_ROW = 19.0
_BAR = 13.0
_LABEL_FONT = 7.6
_LEGEND_H = 22.0
_AXIS_H = 30.0
_HEAD_H = 14.0


def _chart(
    categories: Sequence[CategoryCounts],
    series: Sequence[Series],
    width: float,
    scale_max: int,
    step: int,
    axis_title: str,
    category_title: str,
    *,
    legend: bool,
) -> Drawing:
    label_w = min(200.0, width * 0.36)
    plot_x = label_w + 8
    plot_w = width - plot_x - 26  # room for the bar total
    plot_h = _ROW * len(categories)
    bottom = (_LEGEND_H if legend else 0) + _AXIS_H
    height = bottom + plot_h + _HEAD_H
    d = Drawing(width, height)
    plot_y = bottom
    per_unit = plot_w / scale_max

    d.add(String(0, plot_y + plot_h + 4, category_title, fontName=SANS_BOLD, fontSize=7.5, fillColor=MUTED))
    for tick in range(0, scale_max + 1, step):
        x = plot_x + tick * per_unit
        d.add(
            Line(x, plot_y, x, plot_y + plot_h, strokeColor=RULE if tick else MUTED, strokeWidth=0.4 if tick else 0.8)
        )
        d.add(String(x, plot_y - 10, str(tick), fontName=SANS, fontSize=7, fillColor=MUTED, textAnchor="middle"))
    d.add(Line(plot_x, plot_y, plot_x + plot_w, plot_y, strokeColor=MUTED, strokeWidth=0.8))
    d.add(
        String(
            plot_x + plot_w / 2,
            plot_y - 22,
            axis_title,
            fontName=SANS_BOLD,
            fontSize=7.5,
            fillColor=MUTED,
            textAnchor="middle",
        )
    )

    for row, category in enumerate(categories):
        y_mid = plot_y + plot_h - (row + 0.5) * _ROW
        label = _fit(f"{category.code}  {category.title}".strip(), COND, _LABEL_FONT, label_w)
        d.add(String(0, y_mid - 2.7, label, fontName=COND, fontSize=_LABEL_FONT, fillColor=INK))
        x = plot_x
        total = 0
        for s in series:
            n = category.counts.get(s.key, 0)
            if n <= 0:
                continue
            w = n * per_unit
            d.add(Rect(x, y_mid - _BAR / 2, w, _BAR, fillColor=s.fill, strokeColor=_segment_edge(s), strokeWidth=0.6))
            text = f"{s.letter} {n}" if w >= _text_w(f"{s.letter} {n}") + 4 else (str(n) if w >= 9 else "")
            if text:
                d.add(
                    String(
                        x + w / 2,
                        y_mid - 2.6,
                        text,
                        fontName=COND_BOLD,
                        fontSize=7,
                        fillColor=s.text,
                        textAnchor="middle",
                    )
                )
            x += w
            total += n
        d.add(String(x + 3, y_mid - 2.6, str(total), fontName=SANS, fontSize=7, fillColor=MUTED))

    if legend:
        _legend(d, series, plot_x, 2)
    return describe(d, rag_chart_text(categories, series))


def _legend(d: Drawing, series: Sequence[Series], x: float, y: float) -> None:
    for s in series:
        chip = max(13.0, _text_w(s.letter) + 6)
        d.add(Rect(x, y, chip, 11, fillColor=s.fill, strokeColor=_segment_edge(s), strokeWidth=0.6))
        d.add(
            String(
                x + chip / 2, y + 2.8, s.letter, fontName=COND_BOLD, fontSize=7, fillColor=s.text, textAnchor="middle"
            )
        )
        x += chip + 3
        d.add(String(x, y + 2.8, s.label, fontName=SANS, fontSize=7.5, fillColor=INK))
        x += pdfmetrics.stringWidth(s.label, SANS, 7.5) + 12


def _segment_edge(s: Series) -> colors.Color:
    # A white "no update" segment needs an outline to be seen; coloured ones get a thin white separator.
    return RULE if s.fill == colors.white or s.fill.hexval() == "0xffffff" else colors.white


def _text_w(text: str) -> float:
    return pdfmetrics.stringWidth(text, COND_BOLD, 7)


def _nice_step(top: int) -> int:
    """A tick step of 1, 2 or 5 × 10^k giving at most eight ticks."""
    raw = max(1.0, top / 8)
    magnitude = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * magnitude >= raw:
            return int(m * magnitude)
    return int(10 * magnitude)


def _fit(text: str, font: str, size: float, width: float) -> str:
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"
