"""The performance indicators section of the delivery-plan update: a table and small vector trend charts.

Built only from the frozen form (desktop.services.indicators.freeze_indicators, kept in a snapshot's
``extra["indicators"]``): nothing is re-judged here. Differences are printed from the frozen assessment, which
derived them from the recorded values; RAG cells carry the scheme's letter as well as its colour.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from desktop.reports.chart_text import trend_chart_text
from desktop.reports.flowables import OutlinedHeading, RagPalette
from desktop.reports.styles import (
    COND,
    COND_BOLD,
    DEMO_RED,
    DIRECTION_COLOURS,
    FAINT,
    HEADER_FILL,
    INK,
    MUTED,
    NAVY,
    PORTRAIT,
    RULE,
    SANS,
    SANS_BOLD,
    Styles,
    esc,
    frame_width,
    register_fonts,
)
from desktop.reports.styles import styles as house_styles
from desktop.reports.tagging import describe
from desktop.services.indicators import (
    format_difference,
    format_parts,
    format_percent,
    format_value,
)
from desktop.services.rag import scheme

# Direction of travel for an indicator's figure (the action vocabulary, plus "up"/"down" where neither is better).
DIRECTION_SYMBOLS = {"improved": "↑", "worse": "↓", "same": "→", "new": "•", "none": "–", "up": "↑", "down": "↓"}
DIRECTION_WORDS = {
    "improved": "Improved", "worse": "Worse", "same": "No change", "new": "No earlier figure", "none": "No figure",
    "up": "Up", "down": "Down",
}
NOT_ASSESSED = ("–", "Not assessed")

_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Code", 0.065),
    ("Indicator", 0.20),
    ("Baseline", 0.10),
    ("Target", 0.095),
    ("Latest", 0.12),
    ("Difference", 0.135),
    ("%", 0.085),
    ("RAG", 0.085),
    ("Direction", 0.115),
)
RAG_COLUMN = 7

VALUE_COLOUR = NAVY
TARGET_COLOUR = colors.HexColor("#1e7a34")
NATIONAL_COLOUR = colors.HexColor("#b35c00")
REGIONAL_COLOUR = colors.HexColor("#6b4fa0")
PART_COLOURS = (NAVY, colors.HexColor("#1f7a8c"), colors.HexColor("#8c3b1f"), colors.HexColor("#55606b"))
PART_DASHES: tuple[tuple[float, ...] | None, ...] = (None, (4, 2), (1, 2), (6, 2, 1, 2))


def _hex(colour: colors.Color) -> str:
    return "#" + colour.hexval()[2:]


def _get(item: Mapping[str, Any], *path: str) -> Any:
    value: Any = item
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


# ---- the section


def indicator_flowables(
    frozen: Sequence[Mapping[str, Any]],
    scheme_key: str,
    styles: Styles | None = None,
    *,
    width: float | None = None,
    heading: str | None = None,
    charts: bool = True,
) -> list[Flowable]:
    """Flowables for the indicators section: an optional numbered heading, the table, a note, the trend charts.

    ``frozen`` is the list ``freeze_indicators`` returned at quarter close; ``styles`` defaults to the house
    styles; ``width`` to the portrait frame's width.
    """
    register_fonts()
    s = styles or house_styles()
    palette = RagPalette(scheme(scheme_key))
    width = width or frame_width(PORTRAIT)
    out: list[Flowable] = []
    if heading:
        title = heading.split(". ", 1)[-1]
        out.append(OutlinedHeading(esc(heading), s.h1, title, "indicators", 0))
    if not frozen:
        out.append(Paragraph("No performance indicators are recorded for this plan.", s.body))
        return out
    out.append(
        Paragraph(
            "The latest figure for each indicator against its baseline and target. Differences are calculated by "
            "Pathways from the recorded figures (latest minus baseline; for a percentage indicator, in percentage "
            "points), never typed. RAG compares the latest figure with the target, within the tolerance stated "
            "under it; direction of travel compares it with the previous figure, and with the same period a year "
            "earlier.",
            s.body_small,
        )
    )
    out.append(_table(frozen, palette, s, width))
    if any(item.get("is_demo") for item in frozen):
        out.append(Paragraph("Demonstration data: figures from published documents; codes, tolerances and some "
                             "targets are illustrative.", s.note))
    if charts:
        drawings = [trend_chart(item, (width - 6 * mm) / 2, 62 * mm) for item in frozen if _plottable(item)]
        if drawings:
            grid = _grid(drawings, width)
            # The heading and its note stay with the first row of charts.
            out.append(KeepTogether([
                Paragraph("Trends", s.h2),
                Paragraph(
                    "Solid line: the indicator (a dotted stretch bridges periods with no figure recorded). Green "
                    "dashed line: the target level (for a “Reduce” or “Increase” target, the baseline). Orange "
                    "dotted line with squares: England and Wales.", s.body_small),
                grid[0],
            ]))
            out += grid[1:]
    return out


def _table(frozen: Sequence[Mapping[str, Any]], palette: RagPalette, s: Styles, width: float) -> Table:
    widths = [f * width for _, f in _COLUMNS]
    rows: list[list[Any]] = [[Paragraph(esc(name), s.cell_head) for name, _ in _COLUMNS]]
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), COND, 7.8),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("GRID", (0, 0), (-1, -1), 0.35, RULE),
        # "Amber/Green" must fit the RAG column on one line.
        ("LEFTPADDING", (RAG_COLUMN, 1), (RAG_COLUMN, -1), 1),
        ("RIGHTPADDING", (RAG_COLUMN, 1), (RAG_COLUMN, -1), 1),
    ]
    rag_width = widths[RAG_COLUMN] - 2
    for n, item in enumerate(frozen, start=1):
        rows.append(_row(item, palette, s, rag_width))
        rag = _get(item, "assessment", "rag")
        fill = palette.chip(rag).fill if rag else colors.white
        commands.append(("BACKGROUND", (RAG_COLUMN, n), (RAG_COLUMN, n), fill))
        commands.append(("VALIGN", (RAG_COLUMN, n), (RAG_COLUMN, n), "MIDDLE"))
        if n % 2 == 0:
            commands.append(("BACKGROUND", (0, n), (RAG_COLUMN - 1, n), FAINT))
            commands.append(("BACKGROUND", (RAG_COLUMN + 1, n), (-1, n), FAINT))
    return Table(rows, colWidths=widths, repeatRows=1, splitByRow=1, style=TableStyle(commands), hAlign="LEFT")


def _row(item: Mapping[str, Any], palette: RagPalette, s: Styles, rag_width: float) -> list[Any]:
    unit = str(item.get("unit") or "count")
    a: Mapping[str, Any] = item.get("assessment") or {}
    latest: Mapping[str, Any] | None = a.get("latest")
    right = s.cell.clone("ind_num", alignment=2, spaceAfter=0)
    small_right = s.cell_small.clone("ind_small_num", alignment=2, spaceAfter=0)

    details = [str(x) for x in (_unit_word(unit), item.get("geography"), item.get("data_source")) if x]
    if item.get("lag_months"):
        details.append(f"data lag {item['lag_months']} months")
    indicator: list[Flowable] = [Paragraph(f"<b>{esc(str(item.get('name', '')))}</b>", s.cell)]
    if details:
        indicator.append(Paragraph(esc(" · ".join(details)), s.cell_small))

    baseline: Mapping[str, Any] = item.get("baseline") or {}
    base_parts: Mapping[str, float] = baseline.get("parts") or {}
    if baseline.get("value") is not None:
        base_text = format_value(baseline["value"], unit)
    elif base_parts:
        base_text = format_parts(base_parts, unit)
    else:
        base_text = str(baseline.get("label") or "–")
    base_cell: list[Flowable] = [Paragraph(esc(base_text), s.cell)]
    if base_parts and baseline.get("value") is not None:
        base_cell.append(Paragraph(esc(format_parts(base_parts, unit)), s.cell_small))
    if baseline.get("period"):
        base_cell.append(Paragraph(esc(str(baseline["period"])), s.cell_small))

    target: Mapping[str, Any] = item.get("target") or {}
    target_cell: list[Flowable] = [Paragraph(esc(str(target.get("text") or "No target")), s.cell)]
    if target.get("kind") not in (None, "none") and target.get("tolerance"):
        target_cell.append(Paragraph(esc(f"tolerance {target['tolerance']}"), s.cell_small))

    latest_cell: list[Flowable] = []
    if latest is not None:
        parts: Mapping[str, float] = latest.get("parts") or {}
        value = latest.get("value")
        shown = format_value(value, unit) if value is not None else format_parts(parts, unit)
        latest_cell.append(Paragraph(f"<b>{esc(shown)}</b>", s.cell))
        if parts and latest.get("value") is not None:
            latest_cell.append(Paragraph(esc(format_parts(parts, unit)), s.cell_small))
        latest_cell.append(Paragraph(esc(str(latest.get("period", ""))), s.cell_small))
        if latest.get("national") is not None:
            latest_cell.append(Paragraph(esc(f"England and Wales {format_value(latest['national'], unit)}"),
                                         s.cell_small))
        if latest.get("regional") is not None:
            latest_cell.append(Paragraph(esc(f"Region {format_value(latest['regional'], unit)}"), s.cell_small))
    else:
        latest_cell.append(Paragraph("No figure", s.cell))
    missing = int(a.get("periods_without_data") or 0)
    if missing:
        latest_cell.append(Paragraph(
            f"<font color='{_hex(DEMO_RED)}'><b>No data for {missing} period{'s' if missing != 1 else ''}</b></font>",
            s.cell_small))

    diff_cell: list[Flowable] = [Paragraph(esc(format_difference(a.get("difference"), unit)), right)]
    pct_cell: list[Flowable] = [Paragraph(esc(format_percent(a.get("percent_difference"))), right)]
    part_diffs: Mapping[str, float] = a.get("part_differences") or {}
    part_pcts: Mapping[str, float | None] = a.get("part_percent_differences") or {}
    for key, value in part_diffs.items():
        text = f"{key} {format_difference(value, 'count')} ({format_percent(part_pcts.get(key))})"
        diff_cell.append(Paragraph(esc(text), small_right))

    direction: list[Flowable] = [Paragraph(direction_markup(str(a.get("direction") or "none")), s.cell)]
    last_year = str(a.get("direction_vs_last_year") or "none")
    # For annual figures the previous period is the year before: say it once.
    if a.get("last_year") and a.get("last_year") != a.get("previous"):
        direction.append(Paragraph(f"vs a year earlier: {direction_markup(last_year, 7)}", s.cell_small))
    return [
        Paragraph(f"<b>{esc(str(item.get('code', '')))}</b>", s.cell),
        indicator,
        base_cell,
        target_cell,
        latest_cell,
        diff_cell,
        pct_cell,
        _rag_cell(palette, a.get("rag"), rag_width),
        direction,
    ]


def _rag_cell(palette: RagPalette, key: str | None, width: float) -> list[Flowable]:
    """The scheme's letter, large, over its label; the cell itself gets the colour."""
    letter_style, label_style = palette.cell_styles(key)
    if not key:
        letter, label = NOT_ASSESSED
    else:
        chip = palette.chip(key)
        letter, label = chip.letter, chip.label
    size = label_style.fontSize
    while size > 5 and pdfmetrics.stringWidth(label, label_style.fontName, size) > width:
        size -= 0.25
    if size != label_style.fontSize:
        label_style = label_style.clone(f"{label_style.name}_{size}", fontSize=size, leading=size * 1.2)
    return [Paragraph(esc(letter), letter_style), Paragraph(esc(label), label_style)]


def direction_markup(direction: str, size: float = 7.8) -> str:
    key = direction if direction in DIRECTION_SYMBOLS else "none"
    colour = _hex(DIRECTION_COLOURS.get(key, DIRECTION_COLOURS["same"]))
    return (f'<font name="{COND_BOLD}" size="{size + 2}" color="{colour}">{DIRECTION_SYMBOLS[key]}</font> '
            f'<font size="{size}" color="{colour}">{DIRECTION_WORDS[key]}</font>')


def _unit_word(unit: str) -> str:
    return {"percent": "%", "rate_per_1000": "rate per 1,000"}.get(unit, unit)


def _grid(drawings: list[Drawing], width: float) -> list[Flowable]:
    """Charts two to a row; a row never splits, it moves to the next page whole."""
    out: list[Flowable] = []
    for i in range(0, len(drawings), 2):
        pair: list[Any] = list(drawings[i : i + 2])
        if len(pair) == 1:
            pair.append("")
        out.append(Table([pair], colWidths=[width / 2, width / 2], hAlign="LEFT", spaceAfter=4,
                         style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                           ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                           ("RIGHTPADDING", (0, 0), (-1, -1), 0)])))
    return out


# ---- trend charts (reportlab.graphics: vector shapes in the PDF)


@dataclass(frozen=True)
class _Point:
    when: dt.date
    label: str
    value: float | None


def _plottable(item: Mapping[str, Any]) -> bool:
    return any(v.get("value") is not None or v.get("parts") for v in item.get("values") or [])


def _series(item: Mapping[str, Any]) -> list[tuple[str, list[_Point]]]:
    """The lines to draw: the headline figure, or each part when the figures have no headline."""
    values = [v for v in item.get("values") or []]
    points = [_Point(dt.date.fromisoformat(v["period_end"]), str(v["period"]), v.get("value")) for v in values]
    if any(p.value is not None for p in points):
        return [(str(item.get("code", "")), points)]
    keys: dict[str, None] = {}
    for v in values:
        keys.update(dict.fromkeys(v.get("parts") or {}))
    return [
        (key, [_Point(dt.date.fromisoformat(v["period_end"]), str(v["period"]), (v.get("parts") or {}).get(key))
               for v in values])
        for key in keys
    ]


def _nice_ticks(lo: float, hi: float, count: int = 4) -> list[float]:
    if hi - lo < 1e-12:
        pad = abs(hi) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(lo / step) * step
    ticks = []
    tick = start
    while tick < hi + step * 0.999:
        ticks.append(round(tick, 10))
        tick += step
    return ticks


def _fit(text: str, font: str, size: float, width: float) -> str:
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap(text: str, font: str, size: float, width: float, max_lines: int) -> list[str]:
    words, lines, current = text.split(), [], ""
    for word in words:
        trial = f"{current} {word}".strip()
        if pdfmetrics.stringWidth(trial, font, size) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    lines.append(current)
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [_fit(" ".join(lines[max_lines - 1 :]), font, size, width)]
    return lines


def trend_chart(item: Mapping[str, Any], width: float, height: float) -> Drawing:
    """A small trend chart: the indicator's figures, its target level and the England and Wales comparator."""
    register_fonts()
    unit = str(item.get("unit") or "count")
    series = _series(item)
    values = item.get("values") or []
    national = [_Point(dt.date.fromisoformat(v["period_end"]), str(v["period"]), v.get("national")) for v in values]
    national = [p for p in national if p.value is not None]
    regional = [_Point(dt.date.fromisoformat(v["period_end"]), str(v["period"]), v.get("regional")) for v in values]
    regional = [p for p in regional if p.value is not None]
    target_level = _get(item, "target", "level")
    target_kind = _get(item, "target", "kind")

    d = Drawing(width, height)
    d.add(Rect(0, 0, width, height, fillColor=None, strokeColor=RULE, strokeWidth=0.4))
    lines = _wrap(f"{item.get('code', '')}  {item.get('name', '')}", SANS_BOLD, 7.2, width - 10, 2)
    for n, line in enumerate(lines):
        d.add(String(5, height - 11 - 9 * n, line, fontName=SANS_BOLD, fontSize=7.2, fillColor=INK))

    left, right, bottom, top = 40.0, 10.0, 46.0, 12.0 + 9 * len(lines)
    plot_w, plot_h = width - left - right, height - bottom - top
    numbers = [p.value for _, pts in series for p in pts if p.value is not None]
    numbers += [p.value for p in national + regional if p.value is not None]
    if target_level is not None:
        numbers.append(float(target_level))
    lo, hi = min(numbers), max(numbers)
    if lo >= 0 and lo <= 0.5 * hi:
        lo = 0.0
    elif hi <= 0 and hi >= 0.5 * lo:
        hi = 0.0
    # Headroom above and below, so the latest figure's label never meets the title or the axis.
    room = (hi - lo) * 0.08 or abs(hi) * 0.1 or 1.0
    ticks = _nice_ticks(lo - (room if lo != 0 else 0), hi + (room if hi != 0 else 0))
    y_lo, y_hi = ticks[0], ticks[-1]

    dates = sorted({p.when for _, pts in series for p in pts} | {p.when for p in national + regional})
    d_lo, d_hi = dates[0], dates[-1]
    span = (d_hi - d_lo).days

    def x_of(when: dt.date) -> float:
        if span == 0:
            return left + plot_w / 2
        return left + 6 + (plot_w - 12) * (when - d_lo).days / span

    def y_of(value: float) -> float:
        return bottom + plot_h * (value - y_lo) / (y_hi - y_lo)

    # Axes, grid and tick labels.
    for tick in ticks:
        y = y_of(tick)
        d.add(Line(left, y, left + plot_w, y, strokeColor=RULE if tick != 0 else MUTED, strokeWidth=0.35))
        d.add(String(left - 3, y - 2.3, format_value(tick, unit).replace(" per 1,000", ""), fontName=COND,
                     fontSize=6.3, fillColor=MUTED, textAnchor="end"))
    d.add(Line(left, bottom, left, bottom + plot_h, strokeColor=MUTED, strokeWidth=0.7))
    d.add(Line(left, bottom, left + plot_w, bottom, strokeColor=MUTED, strokeWidth=0.7))
    axis_title = {"percent": "per cent", "rate_per_1000": "rate per 1,000", "count": "number"}.get(unit, unit)
    d.add(Group(String(0, 0, axis_title, fontName=SANS, fontSize=6.3, fillColor=MUTED, textAnchor="middle"),
                transform=(0, 1, -1, 0, 8, bottom + plot_h / 2)))
    shown_until = -1e9
    for when in dates:
        x = x_of(when)
        label = next((p.label for _, pts in series for p in pts if p.when == when), None) or next(
            (p.label for p in national if p.when == when), when.isoformat())
        label = _fit(label, COND, 6, 70)
        half = pdfmetrics.stringWidth(label, COND, 6) / 2
        d.add(Line(x, bottom, x, bottom - 2.5, strokeColor=MUTED, strokeWidth=0.5))
        # Keep labels inside the chart and apart; the last period's label wins over the one before it.
        centre = min(max(x, half + 2), width - half - 2)
        if centre - half > shown_until + 3:
            d.add(String(centre, bottom - 9, label, fontName=COND, fontSize=6, fillColor=MUTED,
                         textAnchor="middle"))
            shown_until = centre + half
    d.add(String(left + plot_w / 2, bottom - 18, "Period", fontName=SANS, fontSize=6.3, fillColor=MUTED,
                 textAnchor="middle"))

    # Target level.
    legend: list[tuple[str, colors.Color, tuple[float, ...] | None, str]] = []
    if target_level is not None and y_lo <= float(target_level) <= y_hi:
        y = y_of(float(target_level))
        d.add(Line(left, y, left + plot_w, y, strokeColor=TARGET_COLOUR, strokeWidth=1, strokeDashArray=[4, 2.5]))
        word = "Baseline (target: " + str(_get(item, "target", "text") or "").lower() + ")" \
            if target_kind == "direction" else f"Target {format_value(float(target_level), unit)}"
        legend.append((word, TARGET_COLOUR, (4, 2.5), "line"))

    # Comparators.
    comparators: tuple[tuple[list[_Point], colors.Color, tuple[float, ...], str], ...] = (
        (national, NATIONAL_COLOUR, (1.2, 1.8), "England and Wales"),
        (regional, REGIONAL_COLOUR, (5, 2, 1, 2), "Region"),
    )
    for points, colour, pattern, name in comparators:
        if not points:
            continue
        coords = [(x_of(p.when), y_of(float(p.value or 0))) for p in points]
        if len(coords) > 1:
            d.add(PolyLine(_flat(coords), strokeColor=colour, strokeWidth=1, strokeDashArray=list(pattern)))
        for x, y in coords:
            d.add(Rect(x - 1.8, y - 1.8, 3.6, 3.6, fillColor=colour, strokeColor=None))
        legend.append((name, colour, pattern, "square"))

    # The indicator's own line(s).
    for n, (name, points) in enumerate(series):
        colour = PART_COLOURS[n % len(PART_COLOURS)]
        dash = PART_DASHES[n % len(PART_DASHES)]
        _draw_series(d, points, x_of, y_of, colour, dash, int(item.get("frequency_months") or 12))
        last = next((p for p in reversed(points) if p.value is not None), None)
        if last is not None:
            text = format_value(last.value, unit)
            x, y = x_of(last.when), y_of(float(last.value or 0))
            anchor = "end" if x > left + plot_w - 30 else "start"
            above = y + 4 if y + 11 <= bottom + plot_h + 7 else y - 9  # into the margin below the title
            d.add(String(x + (-4 if anchor == "end" else 4), above, text, fontName=COND_BOLD, fontSize=6.5,
                         fillColor=colour, textAnchor=anchor))
        legend.insert(n, (name if len(series) > 1 else "Indicator", colour, dash, "circle"))

    if len(series) == 1 and _draw_missing(d, series[0][1], x_of, bottom + 3):
        legend.append(("No figure", MUTED, None, "cross"))
    _legend(d, legend, 5, 4, width - 10)
    return describe(d, trend_chart_text(item))


def _flat(coords: Sequence[tuple[float, float]]) -> list[float]:
    return [c for xy in coords for c in xy]


def _draw_series(
    d: Drawing,
    points: Sequence[_Point],
    x_of: Any,
    y_of: Any,
    colour: colors.Color,
    dash: tuple[float, ...] | None,
    frequency_months: int,
) -> None:
    """Solid between consecutive figures; dashed across a gap of missing or unrecorded periods."""
    known = [p for p in points if p.value is not None]
    for a, b in zip(known, known[1:], strict=False):
        skipped = any(p.value is None and a.when < p.when < b.when for p in points)
        months = (b.when.year - a.when.year) * 12 + b.when.month - a.when.month
        gap = skipped or months > frequency_months * 1.5
        pattern = [2, 2.5] if gap else (list(dash) if dash else None)
        line = Line(x_of(a.when), y_of(a.value), x_of(b.when), y_of(b.value), strokeColor=colour,
                    strokeWidth=0.9 if gap else 1.5)
        if pattern:
            line.strokeDashArray = pattern
        d.add(line)
    for p in known:
        d.add(Circle(x_of(p.when), y_of(p.value), 2.2, fillColor=colors.white, strokeColor=colour, strokeWidth=1.2))


def _draw_missing(d: Drawing, points: Sequence[_Point], x_of: Any, y: float) -> bool:
    """A grey cross on the axis for each period recorded without a figure ("-" in the source)."""
    missing = [p for p in points if p.value is None]
    for p in missing:
        d.add(String(x_of(p.when), y, "×", fontName=SANS_BOLD, fontSize=7, fillColor=MUTED, textAnchor="middle"))
    return bool(missing)


def _legend(d: Drawing, items: Sequence[tuple[str, colors.Color, tuple[float, ...] | None, str]], x: float,
            y: float, width: float) -> None:
    """One or two rows of line samples with labels, bottom-left; what does not fit is in the section's note."""
    rows: list[list[tuple[float, tuple[str, colors.Color, tuple[float, ...] | None, str]]]] = [[]]
    cursor = 0.0
    for item in items:
        need = 15 + pdfmetrics.stringWidth(item[0], COND, 6.3)
        if cursor and cursor + need > width:
            if len(rows) == 2:
                break
            rows.append([])
            cursor = 0.0
        rows[-1].append((cursor, item))
        cursor += need + 8
    for r, row in enumerate(rows):
        row_y = y + 9 * (len(rows) - 1 - r)
        for offset, (label, colour, dash, marker) in row:
            left = x + offset
            line = Line(left, row_y + 2.2, left + 12, row_y + 2.2, strokeColor=colour, strokeWidth=1.2)
            if dash:
                line.strokeDashArray = list(dash)
            d.add(line)
            if marker == "circle":
                d.add(Circle(left + 6, row_y + 2.2, 1.8, fillColor=colors.white, strokeColor=colour, strokeWidth=1))
            elif marker == "square":
                d.add(Rect(left + 4.5, row_y + 0.7, 3, 3, fillColor=colour, strokeColor=None))
            elif marker == "cross":
                line.strokeColor = None
                d.add(String(left + 6, row_y - 0.3, "×", fontName=SANS_BOLD, fontSize=7, fillColor=colour,
                             textAnchor="middle"))
            d.add(String(left + 15, row_y, label, fontName=COND, fontSize=6.3, fillColor=INK))
