"""The full plan, by objective and priority, as landscape tables.

A long plan is not one giant Table: ReportLab re-measures the remaining rows of a table at every page split, which
makes a single table quadratic in the number of actions. Each priority's actions go into tables of at most
``ROWS_PER_TABLE`` rows; each repeats its header row when it crosses a page, and long cells split inside the row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, Table, TableStyle

from desktop.reports.flowables import (
    OutlinedHeading,
    RagPalette,
    clip,
    direction_markup,
    quarters_phrase,
    rag_cell,
    short_date,
    status_word,
)
from desktop.reports.styles import (
    COND,
    FAINT,
    HEADER_FILL,
    INK,
    MUTED,
    RULE,
    esc,
    paragraphs_of,
    styles,
)
from desktop.services.frozen import FrozenAction, FrozenObjective, FrozenPriority, PlanSnapshotData
from desktop.services.quarter_status import CARRY_FORWARD_RULE

ROWS_PER_TABLE = 12
# A row taller than the space left splits inside itself only if each part keeps at least this much (points, about
# eight lines of cell text): a page never starts with a sliver of the previous row, or ends with a sliver of the next.
SPLIT_IN_ROW = 80
MIN_ROWS_AFTER_BREAK = 3

# Column widths as fractions of the frame; they add up to 1.
_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Ref", 0.066),
    ("Action", 0.196),
    ("Progress measures and outcome", 0.172),
    ("Lead officer and organisation", 0.135),
    ("Timescale", 0.077),
    ("RAG", 0.05),
    ("Direction of travel", 0.064),
    ("Progress this quarter", 0.24),
)
RAG_COLUMN = 5


def _unbroken(code: str) -> str:
    """Short codes such as "DYOS 16" stay on one line (searchable, readable); long ones may wrap."""
    return esc(code).replace(" ", "&nbsp;") if len(code) <= 10 else esc(code)


def plan_section(
    data: PlanSnapshotData,
    palette: RagPalette,
    width: float,
    *,
    section_number: int,
    tick: Callable[[int], None] | None = None,
) -> list[Flowable]:
    s = styles()
    out: list[Flowable] = [
        OutlinedHeading(f"{section_number}. The delivery plan", s.h1, "Delivery plan", "plan", 0),
    ]
    if data.aim.strip():
        out.append(Paragraph(f"<b>Aim:</b> {esc(data.aim)}", s.body))
    out.append(
        Paragraph(
            f"Every action of the plan at the close of {esc(data.period_label)}, grouped by objective and priority. "
            f"Direction of travel compares each action's status with "
            f"{esc(data.previous_period_label or 'the previous closed quarter')}. {esc(palette.scheme.rollup_rule)} "
            f"{esc(CARRY_FORWARD_RULE)}",
            s.body_small,
        )
    )
    widths = [f * width for _, f in _COLUMNS]
    for index, objective in enumerate(data.objectives):
        out.extend(_objective(objective, palette, widths, index))
        if tick is not None:
            tick(index + 1)
    return out


def _objective(objective: FrozenObjective, palette: RagPalette, widths: list[float], index: int) -> list[Flowable]:
    s = styles()
    title = f"{objective.code} {objective.title}".strip()
    chip = palette.chip(objective.rollup_rag)
    out: list[Flowable] = [
        CondPageBreak(60 * mm),
        OutlinedHeading(esc(title), s.h2, clip(title, 90), f"objective-{index}", 1),
        Paragraph(f"Objective status (roll-up): {chip.markup(8)} {esc(chip.label)}", s.body_small),
    ]
    if objective.description.strip():
        out.append(Paragraph(esc(objective.description), s.body_small))
    for priority in objective.priorities:
        out.extend(_priority(priority, palette, widths))
    return out


CONTINUED = " (continued)"


class _PriorityTable(Table):  # type: ignore[misc]  # ReportLab ships no type hints
    """A priority's table: where it breaks across pages, the repeated heading row says "(continued)"."""

    continued: Paragraph | None = None

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803 - ReportLab's names
        parts: list[Flowable] = super().split(availWidth, availHeight)
        # Keep-with-next for rows: rather than carry one or two rows over on their own, break earlier so the next
        # page starts with at least MIN_ROWS_AFTER_BREAK of them (while this page keeps as many).
        height = availHeight
        for _ in range(8):
            if len(parts) != 2 or not all(isinstance(p, Table) for p in parts):
                break
            kept = len(parts[0]._cellvalues) - self.repeatRows
            carried = len(parts[1]._cellvalues) - parts[1].repeatRows
            if carried >= MIN_ROWS_AFTER_BREAK or kept <= MIN_ROWS_AFTER_BREAK:
                break
            height *= 0.85
            earlier: list[Flowable] = super().split(availWidth, height)
            if len(earlier) != 2:
                break
            parts = earlier
        if self.continued is not None:
            for part in parts[1:]:
                if isinstance(part, _PriorityTable):
                    # A new row list: the repeated row is shared with the part that stays on this page.
                    part._cellvalues[0] = [self.continued, *part._cellvalues[0][1:]]
                    part.continued = self.continued
        return parts


def _heading(priority: FrozenPriority, palette: RagPalette, continued: bool) -> Paragraph:
    s = styles()
    chip = palette.chip(priority.rollup_rag)
    strand = f" <font color='{MUTED.hexval().replace('0x', '#')}'>({esc(status_word(priority.strand))})</font>"
    return Paragraph(
        f"{chip.markup(7.5)}&nbsp; Priority {esc(priority.code)}: {esc(priority.text)}"
        + (strand if priority.strand else "") + (f"<i>{CONTINUED}</i>" if continued else ""),
        s.h3.clone("priority_head", spaceBefore=0, spaceAfter=0),
    )


def _priority(priority: FrozenPriority, palette: RagPalette, widths: list[float]) -> list[Flowable]:
    """The priority's heading is the first row of each of its tables, so it can never be stranded at a page foot;
    after a page or table break it says "(continued)"."""
    s = styles()
    heading = _heading(priority, palette, continued=False)
    actions = priority.actions
    if not actions:
        return [heading, Paragraph("No actions under this priority.", s.body_small)]
    out: list[Flowable] = []
    continued = _heading(priority, palette, continued=True)
    for start in range(0, len(actions), ROWS_PER_TABLE):
        table = _table(actions[start : start + ROWS_PER_TABLE], palette, widths, heading if start == 0 else continued)
        table.continued = continued
        out.append(table)
    out.append(Spacer(1, 6))
    return out


def _table(
    actions: Sequence[FrozenAction], palette: RagPalette, widths: list[float], heading: Paragraph | None
) -> _PriorityTable:
    s = styles()
    rows: list[list[Any]] = []
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), COND, 7.8),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if heading is not None:
        rows.append([heading] + [""] * (len(widths) - 1))
        commands += [
            ("SPAN", (0, 0), (-1, 0)),
            ("LEFTPADDING", (0, 0), (-1, 0), 0),
            ("TOPPADDING", (0, 0), (-1, 0), 6),
            ("BOTTOMPADDING", (0, 0), (-1, 0), 4),
        ]
    head_row = len(rows)
    rows.append([Paragraph(esc(name), s.cell_head) for name, _ in _COLUMNS])
    commands += [
        ("BACKGROUND", (0, head_row), (-1, head_row), HEADER_FILL),
        ("LINEBELOW", (0, head_row), (-1, head_row), 0.8, INK),
        ("GRID", (0, head_row), (-1, -1), 0.35, RULE),
    ]
    for n, action in enumerate(actions, start=1):
        rows.append(_row(action, palette))
        i = len(rows) - 1
        commands.append(("BACKGROUND", (RAG_COLUMN, i), (RAG_COLUMN, i), palette.chip(action.rag).fill))
        if n % 2 == 0:
            commands.append(("BACKGROUND", (0, i), (RAG_COLUMN - 1, i), FAINT))
            commands.append(("BACKGROUND", (RAG_COLUMN + 1, i), (-1, i), FAINT))
    return _PriorityTable(
        rows,
        colWidths=widths,
        repeatRows=head_row + 1,
        splitByRow=1,
        splitInRow=SPLIT_IN_ROW,
        style=TableStyle(commands),
        hAlign="LEFT",
    )


def _row(a: FrozenAction, palette: RagPalette) -> list[Any]:
    s = styles()
    action_cell: list[Flowable] = [Paragraph(esc(p), s.cell) for p in paragraphs_of(a.text)]
    if a.pathways:
        action_cell.append(Paragraph("Pathways: " + esc("; ".join(a.pathways)), s.cell_small))

    measures: list[Flowable] = [
        Paragraph(esc(m), s.cell_bullet, bulletText="•") for m in a.progress_measures if m.strip()
    ]
    if a.expected_outcome.strip():
        measures.append(Paragraph(f"<b>Outcome:</b> {esc(a.expected_outcome)}", s.cell))

    lead: list[Flowable] = [Paragraph(f"<b>{esc(a.lead or 'No lead named')}</b>", s.cell)]
    if a.joint_leads:
        lead.append(Paragraph("With " + esc("; ".join(a.joint_leads)), s.cell))
    if a.lead_organisation:
        lead.append(Paragraph(esc(a.lead_organisation), s.cell_small))

    timescale: list[Flowable] = []
    if a.timescale.strip():
        timescale.append(Paragraph(esc(a.timescale), s.cell))
    if a.due_date and short_date(a.due_date) != a.timescale.strip():
        timescale.append(Paragraph(f"Due {esc(short_date(a.due_date))}", s.cell_small))
    timescale.append(Paragraph(esc(status_word(a.status)), s.cell_small))

    rag: list[Any] = rag_cell(palette, a.rag)
    if a.not_updated_since:
        letter_style, label_style = palette.cell_styles(a.rag)
        rag.append(Paragraph("not updated", label_style))  # the progress cell beside it says since when

    direction: list[Flowable] = [Paragraph(direction_markup(a.direction), s.cell)]
    if a.previous_rag:
        direction.append(Paragraph(f"was {esc(palette.chip(a.previous_rag).label)}", s.cell_small))

    return [
        Paragraph(f"<b>{_unbroken(a.code)}</b>", s.cell),
        action_cell,
        measures or [Paragraph("–", s.cell)],
        lead,
        timescale,
        rag,
        direction,
        _progress(a, palette),
    ]


def _progress(a: FrozenAction, palette: RagPalette) -> list[Flowable]:
    s = styles()
    out: list[Flowable] = []
    facts: list[str] = []
    if a.percent_complete is not None:
        facts.append(f"{a.percent_complete}% complete")
    status = palette.scheme.find(a.rag)
    if status is not None and status.needs_remedial and a.quarters_at_rag > 1:
        facts.append(f"{status.label} for {quarters_phrase(a.quarters_at_rag)}")
    forecast = palette.scheme.find(a.forecast_rag)
    if forecast is not None:
        facts.append(f"forecast {forecast.label}")
    if a.not_updated_since:
        out.append(Paragraph(f"<b>{esc(a.mark[:1].upper() + a.mark[1:])}.</b> Its last update:", s.cell_small))
    if facts:
        out.append(Paragraph(esc(" · ".join(facts)), s.cell_small))
    out.extend(Paragraph(esc(p), s.cell) for p in paragraphs_of(a.commentary))
    if a.remedial_action.strip():
        owner = f" ({esc(a.remedial_owner)})" if a.remedial_owner.strip() else ""
        out.append(Paragraph(f"<b>Remedial action{owner}:</b> {esc(a.remedial_action)}", s.cell))
    if not out:
        out.append(Paragraph("No update this quarter.", s.cell_small))
    return out
