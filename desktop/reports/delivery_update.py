"""The quarterly delivery-plan update: the document a coordinator sends to the partnership board.

Built only from a closed quarter's frozen snapshot (never the live database) and returned as PDF bytes: nothing is
written to disk here, because the export gate checks the content first. Signing happens afterwards
(desktop.reports.signing), on these exact bytes: assemble first, sign last.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import BaseDocTemplate

from desktop.reports import charts
from desktop.reports.flowables import (
    OutlinedHeading,
    OutlineMark,
    RagPalette,
    clip,
    direction_markup,
    long_date,
    quarters_phrase,
    rag_cell,
    short_date,
)
from desktop.reports.indicators_section import indicator_flowables
from desktop.reports.plan_table import plan_section
from desktop.reports.styles import (
    DEMO_NOTICE,
    DEMO_RED,
    DIRECTION_MEANINGS,
    FAINT,
    HEADER_FILL,
    INK,
    LANDSCAPE,
    LANDSCAPE_TEMPLATE,
    MARGIN_BOTTOM,
    MARGIN_X,
    MONO,
    MUTED,
    NAVY,
    NOTICE_FILL,
    NOTICE_RULE,
    PORTRAIT,
    PORTRAIT_TEMPLATE,
    RULE,
    SANS,
    SANS_BOLD,
    SUPPRESSED_FILL,
    WHITE,
    NumberedCanvas,
    PageFurniture,
    esc,
    frame_width,
    page_templates,
    paragraphs_of,
    styles,
)
from desktop.reports.tagging import tagged
from desktop.services.errors import ValidationError
from desktop.services.frozen import FrozenAction, FrozenPriority, PlanSnapshotData
from desktop.services.published import PublishedAppendix, PublishedTable, RedactionNotice
from desktop.services.quarter_status import CARRY_FORWARD_RULE, StatusCounts, count_statuses
from desktop.services.rag import RagScheme, scheme

MARKINGS = ("OFFICIAL", "OFFICIAL-SENSITIVE")

# Where the visible signature goes on page 1 (PDF points, origin bottom-left): pass it to signing.sign_pdf.
SIGNATURE_BOX: tuple[float, float, float, float] = (
    float(round(PORTRAIT[0] - MARGIN_X - 92 * mm)),
    float(round(31 * mm)),
    float(round(PORTRAIT[0] - MARGIN_X)),
    float(round(59 * mm)),
)
_COVER_RESERVED = SIGNATURE_BOX[3] + 10 * mm  # the cover's text stays above the signature block

Progress = Callable[[float, str], None]
CHANGES_LISTED = 8  # the summary names this many per kind of change; the sections that follow list them all


@dataclass(frozen=True)
class UpdateOptions:
    marking: str = "OFFICIAL"
    prepared_by: str = ""
    version: str = "1.0"
    issue_date: dt.date | None = None  # None: today
    key_messages: Sequence[str] = ()
    signature_placeholder: bool = True  # reserve and caption the cover's signature block (False for --no-sign)
    short_title: str = ""  # running header; defaults to the plan title

    def __post_init__(self) -> None:
        if self.marking not in MARKINGS:
            raise ValidationError(f"Protective marking must be one of {', '.join(MARKINGS)}.", field="marking")


def build_delivery_update(
    data: PlanSnapshotData,
    options: UpdateOptions,
    appendices: Sequence[PublishedAppendix] = (),
    progress: Progress | None = None,
) -> bytes:
    """Lay out the delivery-plan update for ``data`` and return the PDF bytes (unsigned)."""
    report = progress or (lambda fraction, message: None)
    report(0.0, "Preparing the update")
    rag = scheme(data.rag_scheme)
    palette = RagPalette(rag)
    issue_date = options.issue_date or dt.date.today()
    title = f"{data.plan_title} — Delivery plan update {data.period_label}"
    short_title = options.short_title or data.plan_title
    furniture = PageFurniture(
        marking=options.marking,
        short_title=short_title,
        period_label=data.period_label,
        snapshot_short=data.sha256()[:12],
        is_demo=data.is_demo or any(a.is_demo for a in appendices),
        key_items=palette.key_items(),
    )

    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=PORTRAIT,
        title=title,
        author=options.prepared_by or data.closed_by,
        subject=f"Quarterly delivery plan update, {data.period_label}, {data.partnership}",
        creator="Pathways",
        keywords=[data.partnership, data.period_label, options.marking, "delivery plan update"],
        lang="en-GB",
        displayDocTitle=1,
        pageCompression=1,
    )
    cover_extra = _signature_caption if options.signature_placeholder else None
    cover_bottom = _COVER_RESERVED if options.signature_placeholder else MARGIN_BOTTOM
    doc.addPageTemplates(page_templates(furniture, cover_extra=cover_extra, cover_bottom=cover_bottom))

    portrait_w = frame_width(PORTRAIT)
    objectives = max(1, len(data.objectives))
    story: list[Flowable] = []
    story += _cover(data, options, issue_date)
    story += [NextPageTemplate(PORTRAIT_TEMPLATE), PageBreak()]
    story += _summary(data, options, palette, portrait_w)
    report(0.05, "Summary and exceptions")
    story += [PageBreak()]
    story += _exceptions(data, palette, portrait_w)
    story += [NextPageTemplate(LANDSCAPE_TEMPLATE), PageBreak()]
    story += plan_section(
        data,
        palette,
        frame_width(LANDSCAPE),
        section_number=3,
        tick=lambda done: report(0.05 + 0.1 * done / objectives, "Delivery plan tables"),
    )
    next_section = 4
    story += [NextPageTemplate(PORTRAIT_TEMPLATE), PageBreak()]
    indicators = data.extra.get("indicators") or []
    if indicators:
        report(0.16, "Performance indicators")
        story += indicator_flowables(indicators, data.rag_scheme, width=portrait_w,
                                     heading=f"{next_section}. Performance indicators")
        next_section += 1
        story += [PageBreak()]
    if appendices:
        story += _appendices(appendices, portrait_w, next_section)
        next_section += 1
        story += [PageBreak()]
    story += _key(data, palette, portrait_w, next_section)

    _attach_progress(doc, report, len(story))
    doc.build(story, canvasmaker=tagged(NumberedCanvas))
    report(1.0, "Update built")
    return buffer.getvalue()


def _attach_progress(doc: BaseDocTemplate, report: Progress, total: int) -> None:
    state = {"last": 0.0}

    def on_progress(kind: str, value: int) -> None:
        if kind != "PROGRESS" or total <= 0:
            return
        fraction = 0.15 + 0.8 * min(1.0, value / total)
        if fraction - state["last"] >= 0.02:
            state["last"] = fraction
            report(fraction, "Laying out pages")

    doc.setProgressCallBack(on_progress)


# ---- cover


def _cover(data: PlanSnapshotData, options: UpdateOptions, issue_date: dt.date) -> list[Flowable]:
    s = styles()
    w = frame_width(PORTRAIT)
    band = Table(
        [[Paragraph(esc(data.partnership), s.subtitle.clone("band", textColor=WHITE, fontName=SANS_BOLD))]],
        colWidths=[w],
        style=TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), NAVY),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 9),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 9),
            ]
        ),
    )
    period = f"{long_date(data.period_start)} to {long_date(data.period_end)}"
    details = [
        ("Reporting period", f"{data.period_label} ({period})"),
        ("Plan", f"{data.plan_title}" + (f", {data.plan_period}" if data.plan_period else "")),
        ("Owning group", data.owning_group),
        ("Plan status", f"{data.plan_status.capitalize()}, version {data.plan_version}"),
        ("Update version", options.version),
        ("Date of issue", long_date(issue_date)),
        ("Prepared by", options.prepared_by or data.closed_by),
        (
            "Quarter closed",
            f"{long_date(data.closed_at)} by {data.closed_by}" if data.closed_by else long_date(data.closed_at),
        ),
    ]
    rows = [
        [Paragraph(esc(label), s.label), Paragraph(esc(value), s.body.clone("detail", spaceAfter=0))]
        for label, value in details
        if value.strip()
    ]
    rows.append(
        [
            Paragraph("Snapshot SHA-256", s.label),
            Paragraph(data.sha256(), s.body.clone("hash", fontName=MONO, fontSize=7.6, leading=10, spaceAfter=0)),
        ]
    )
    table = Table(
        rows,
        colWidths=[36 * mm, w - 36 * mm],
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 3.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
        hAlign="LEFT",
    )
    out: list[Flowable] = [
        OutlineMark("Cover", "cover", 0, show_outline=True),
        band,
        Spacer(1, 11 * mm),
        Paragraph(esc(data.plan_title), s.title),
    ]
    if data.plan_period:
        out.append(Paragraph(esc(data.plan_period), s.subtitle.clone("period", textColor=MUTED)))
    out += [
        Spacer(1, 6 * mm),
        Paragraph(f"Delivery plan update — {esc(data.period_label)}", s.title.clone("update", fontSize=19, leading=24)),
        Paragraph(
            f"Position at {esc(long_date(data.period_end))}", s.subtitle.clone("pos", fontSize=11, textColor=MUTED)
        ),
        Spacer(1, 6 * mm),
        table,
        Spacer(1, 5 * mm),
        _marking_box(options.marking, w),
    ]
    if data.is_demo:
        out += [Spacer(1, 3 * mm), _demo_box(w)]
    return out


def _marking_box(marking: str, width: float) -> Table:
    s = styles()
    return Table(
        [
            [
                Paragraph("Protective marking", s.label),
                Paragraph(f"<b>{esc(marking)}</b>", s.h2.clone("mk", spaceBefore=0, spaceAfter=0, textColor=INK)),
            ]
        ],
        colWidths=[42 * mm, width - 42 * mm],
        style=TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.2, INK),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ]
        ),
    )


def _demo_box(width: float) -> Table:
    s = styles()
    text = (
        f"<b>{esc(DEMO_NOTICE)}</b><br/>This update was produced from the demonstration plan that ships with Pathways. "
        "Statuses, commentary and names are illustrative only."
    )
    return Table(
        [[Paragraph(text, s.body_small.clone("demo", textColor=DEMO_RED, spaceAfter=0))]],
        colWidths=[width],
        style=TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.2, DEMO_RED),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ]
        ),
    )


def _signature_caption(canv: Canvas, doc: BaseDocTemplate) -> None:
    """Caption the signature block; the signature's own appearance is added by signing, inside SIGNATURE_BOX."""
    if doc.page != 1:
        return
    x1, y1, x2, y2 = SIGNATURE_BOX
    canv.saveState()
    canv.setFont(SANS_BOLD, 8.5)
    canv.setFillColor(MUTED)
    canv.drawString(x1, y2 + 5, "Digital signature")
    note = Paragraph(
        "This document carries a certifying digital signature from the partnership's own signing root. Any change "
        "made after signing is reported by your PDF reader's signature panel.",
        styles().body_small.clone("signote", fontSize=7.5, leading=10, textColor=MUTED),
    )
    _, h = note.wrapOn(canv, x1 - MARGIN_X - 10 * mm, y2 - y1)
    note.drawOn(canv, MARGIN_X, y1)
    canv.setStrokeColor(RULE)
    canv.setLineWidth(0.5)
    canv.setDash(2, 2)
    canv.rect(x1 + 1, y1 + 1, x2 - x1 - 2, y2 - y1 - 2, stroke=1, fill=0)  # inside: the stamp covers it
    canv.restoreState()


# ---- summary


def _summary(data: PlanSnapshotData, options: UpdateOptions, palette: RagPalette, width: float) -> list[Flowable]:
    s = styles()
    actions = data.actions()
    previous = data.previous_period_label or "the previous quarter"
    out: list[Flowable] = [
        OutlinedHeading("1. Summary", s.h1, "Summary", "summary", 0),
        Paragraph(
            f"This update reports the position of the {len(actions)} actions in the {esc(data.plan_title)} at the "
            f"close of {esc(data.period_label)} ({esc(long_date(data.period_start))} to "
            f"{esc(long_date(data.period_end))}), compared with {esc(previous)}.",
            s.body,
        ),
    ]
    if options.key_messages:
        out.append(Paragraph("Key messages", s.h2))
        out += [Paragraph(esc(m), s.bullet, bulletText="•") for m in options.key_messages if m.strip()]
    counts = data.status_counts()
    out.append(Paragraph("RAG status this quarter and last", s.h2))
    out.append(_counts_table(data, palette, width))
    out.append(Paragraph(esc(CARRY_FORWARD_RULE), s.note))
    out.append(Paragraph(esc(palette.scheme.rollup_rule), s.note))
    directions = _direction_counts(actions)
    out.append(
        Paragraph(
            f"Since {esc(previous)}: {directions['improved']} improved, {directions['worse']} got worse, "
            f"{directions['same']} unchanged, {directions['new']} with no earlier status to compare, "
            f"{directions['none']} with no status. {_awaiting_sentence(counts, data.period_label)}",
            s.body_small,
        )
    )
    drawings = charts.rag_by_objective(
        [
            charts.CategoryCounts(o.code, o.title, _objective_counts(o.priorities, data.period_label))
            for o in data.objectives
        ],
        [charts.Series(c.key, c.letter, c.label, c.fill, c.text) for c in palette.ordered()],
        width,
    )
    if drawings:
        first: list[Flowable] = [
            Paragraph("RAG status by objective", s.h2),
            Paragraph(f"Figure 1: number of actions in each status, by objective, {esc(data.period_label)}"
                      + _carried_caption(counts), s.caption),
            drawings[0],
        ]
        out.append(KeepTogether(first))
        out += drawings[1:]
    out += _changes(data, palette)
    return out


def _carried_caption(counts: StatusCounts) -> str:
    carried = sum(counts.carried.values())
    if not carried:
        return ""
    return f"; {carried} {'action is' if carried == 1 else 'actions are'} shown at the status of their last update " \
           "(not updated this quarter)"


def _awaiting_sentence(counts: StatusCounts, period_label: str) -> str:
    carried = sum(counts.carried.values())
    if not carried and not counts.awaiting:
        return f"Every live action was updated in {esc(period_label)}."
    return (
        f"{carried} {'action keeps its' if carried == 1 else 'actions keep their'} status from an earlier quarter "
        f"(not updated in {esc(period_label)}); {counts.awaiting} live "
        f"{'action is' if counts.awaiting == 1 else 'actions are'} awaiting an update."
    )


def _counts_table(data: PlanSnapshotData, palette: RagPalette, width: float) -> Table:
    s = styles()
    counts = data.status_counts()
    now = counts.by_rag
    before = data.previous_counts
    total_now = sum(now.values())
    total_before = sum(before.values())
    this_q = data.period_label
    last_q = data.previous_period_label or "Last quarter"
    header = ["", "Status", f"{this_q}", "Share", "Not updated", f"{last_q}", "Change"]
    head_num = s.cell_head.clone("head_num", alignment=2)
    rows: list[list[Any]] = [[Paragraph(esc(h), head_num if i >= 2 else s.cell_head) for i, h in enumerate(header)]]
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.35, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    num = s.cell.clone("num", alignment=2, fontSize=8.5, leading=10.5, spaceAfter=0)
    for chip in palette.ordered():
        n_now = now.get(chip.key, 0)
        n_before = before.get(chip.key, 0)
        if chip.key == "none" and n_now == 0 and n_before == 0:
            continue
        share = f"{100 * n_now / total_now:.0f}%" if total_now else "–"
        rows.append(
            [
                rag_cell(palette, chip.key)[0],
                Paragraph(esc(chip.label), s.cell.clone("lbl", fontSize=8.5, leading=10.5, spaceAfter=0)),
                Paragraph(str(n_now), num),
                Paragraph(share, num),
                Paragraph(str(counts.carried_of(chip.key)) if chip.key != "none" else "–", num),
                Paragraph(str(n_before) if before else "–", num),
                Paragraph(_signed(n_now - n_before) if before else "–", num),
            ]
        )
        commands.append(("BACKGROUND", (0, len(rows) - 1), (0, len(rows) - 1), chip.fill))
    bold = s.cell.clone("tot", fontName=s.cell_bold.fontName, alignment=2, fontSize=8.5, leading=10.5, spaceAfter=0)
    rows.append(
        [
            "",
            Paragraph("<b>All actions</b>", s.cell.clone("lbl2", fontSize=8.5, leading=10.5, spaceAfter=0)),
            Paragraph(str(total_now), bold),
            Paragraph("100%" if total_now else "–", bold),
            Paragraph(str(sum(counts.carried.values())), bold),
            Paragraph(str(total_before) if before else "–", bold),
            Paragraph(_signed(total_now - total_before) if before else "–", bold),
        ]
    )
    commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, INK))
    widths = [14 * mm, 40 * mm, 26 * mm, 18 * mm, 24 * mm, 26 * mm, 20 * mm]
    return Table(rows, colWidths=widths, style=TableStyle(commands), hAlign="LEFT")


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else ("no change" if n == 0 else f"−{-n}")


def _direction_counts(actions: Sequence[FrozenAction]) -> dict[str, int]:
    out = {"improved": 0, "worse": 0, "same": 0, "new": 0, "none": 0}
    for a in actions:
        out[a.direction if a.direction in out else "none"] += 1
    return out


def _objective_counts(priorities: Sequence[FrozenPriority], period_label: str) -> dict[str, int]:
    return count_statuses(a.quarter_status(period_label) for p in priorities for a in p.actions).by_rag


def _changes(data: PlanSnapshotData, palette: RagPalette) -> list[Flowable]:
    s = styles()
    rag = palette.scheme
    worst = max((st.severity for st in rag.statuses), default=0)
    newly_red: list[FrozenAction] = []
    recovered: list[FrozenAction] = []
    completed: list[FrozenAction] = []
    for a in data.actions():
        now = rag.find(a.rag)
        before = rag.find(a.previous_rag)
        if now is not None and now.severity == worst and now.needs_remedial and a.previous_rag != a.rag:
            newly_red.append(a)
        if before is not None and before.needs_remedial and now is not None and not now.needs_remedial:
            recovered.append(a)
        if a.status == "complete" and _within(a.updated_at, data.period_start, data.period_end):
            completed.append(a)
    red_label = next((st.label for st in rag.statuses if st.severity == worst), "Red")
    previous = data.previous_period_label or "the previous quarter"
    out: list[Flowable] = [Paragraph(f"What changed since {esc(previous)}", s.h2)]
    item_style = s.body_small.clone("chg", leftIndent=12, firstLineIndent=-12, spaceAfter=3)
    for heading, items, more in (
        (f"Newly {red_label}", newly_red, "see section 2, Exceptions"),
        ("Recovered (no longer needing remedial action)", recovered, "see section 3, The delivery plan"),
        ("Completed this quarter", completed, "see section 3, The delivery plan"),
    ):
        out.append(Paragraph(f"{esc(heading)} ({len(items)})", s.h3))
        if not items:
            out.append(Paragraph("None.", s.body_small))
            continue
        for a in items[:CHANGES_LISTED]:
            was = f" (was {esc(palette.chip(a.previous_rag).label)})" if a.previous_rag else ""
            out.append(
                Paragraph(
                    f"{palette.chip(a.rag).markup(7)}&nbsp; <b>{esc(a.code)}</b> {esc(clip(a.text, 150))}"
                    f"<font color='{_hex(MUTED)}'> — {esc(a.lead)}{was}</font>",
                    item_style,
                )
            )
        if len(items) > CHANGES_LISTED:
            out.append(Paragraph(f"… and {len(items) - CHANGES_LISTED} more: {more}.", item_style))
    return out


def _within(stamp: str | None, start: str, end: str) -> bool:
    if not stamp:
        return False
    day = stamp[:10]
    return start[:10] <= day <= end[:10]


def _hex(colour: Any) -> str:
    return str(colour.hexval()).replace("0x", "#")


# ---- exceptions


def _exceptions(data: PlanSnapshotData, palette: RagPalette, width: float) -> list[Flowable]:
    s = styles()
    rag = palette.scheme
    flagged = [
        (a, o, p)
        for o in data.objectives
        for p in o.priorities
        for a in p.actions
        if (st := rag.find(a.rag)) is not None and st.needs_remedial
    ]
    flagged.sort(key=lambda item: -_severity(rag, item[0].rag))
    labels = " and ".join(st.label for st in sorted(rag.statuses, key=lambda x: -x.severity) if st.needs_remedial)
    out: list[Flowable] = [
        OutlinedHeading(f"2. Exceptions: {esc(labels)} actions", s.h1, "Exceptions", "exceptions", 0),
        Paragraph(
            f"Every action rated {esc(labels)} at the close of {esc(data.period_label)}, worst first, with the lead "
            "officer's commentary, the remedial action agreed and who owns it. An action with no update this quarter "
            "keeps its last status and is listed here, marked “not updated since” the quarter of its last update.",
            s.body,
        ),
    ]
    if not flagged:
        out.append(Paragraph(f"No actions are rated {esc(labels)} this quarter.", s.body))
        return out
    for a, o, p in flagged:
        # Small cards move whole to the next page; a card taller than a page splits with its title repeated.
        out.append(KeepTogether([_exception_card(a, f"{o.code} › {p.code} {p.text}", palette, width), Spacer(1, 5)]))
    return out


def _severity(rag: RagScheme, key: str | None) -> int:
    st = rag.find(key)
    return st.severity if st is not None else -99


def _exception_card(a: FrozenAction, where: str, palette: RagPalette, width: float) -> Table:
    """One Red/Amber action: title, then lead / how long / timescale side by side, then commentary and remedy."""
    s = styles()
    chip = palette.chip(a.rag)
    status = palette.scheme.find(a.rag)
    label = status.label if status else chip.label
    if a.quarters_at_rag <= 1:
        how_long = f"{label} this quarter (newly {label})" if a.previous_rag != a.rag else f"{label} this quarter"
    else:
        since = f" since {a.rag_since}" if a.rag_since else ""
        how_long = f"{label}{since}: {quarters_phrase(a.quarters_at_rag)}"
    if a.not_updated_since:
        how_long += f"; {a.mark}"
    lead = a.lead + (f"; with {'; '.join(a.joint_leads)}" if a.joint_leads else "")
    due = a.timescale.strip() or short_date(a.due_date)
    from_update = f" (from the {a.not_updated_since} update)" if a.not_updated_since else ""
    value = s.cell.clone("val", fontName=SANS, fontSize=8.2, leading=10.6)
    muted = _hex(MUTED)

    def labelled(name: str, markup: str) -> Paragraph:
        return Paragraph(f"<font name='{SANS_BOLD}' size='7.2' color='{muted}'>{name}</font><br/>{markup}", value)

    def text_block(name: str, text: str) -> list[Flowable]:
        parts = paragraphs_of(text) or ["Not recorded"]
        head = labelled(name, esc(parts[0]))
        return [head] + [Paragraph(esc(p), value) for p in parts[1:]]

    was = f" (was {esc(palette.chip(a.previous_rag).label)})" if a.previous_rag else ""
    owner = f" — owner: {a.remedial_owner}" if a.remedial_owner.strip() else " — owner not recorded"
    title = value.clone("title", fontName=SANS_BOLD)
    rows: list[list[Any]] = [
        [
            rag_cell(palette, a.rag),
            [
                Paragraph(f"{esc(a.code)}&nbsp;&nbsp;{esc(clip(a.text, 400))}", title),
                Paragraph(esc(clip(where, 160)), s.cell_small.clone("where", fontName=SANS, spaceAfter=0)),
            ],
            "",
            "",
        ],
        [
            "",
            labelled("Lead", esc(lead) + (f", {esc(a.lead_organisation)}" if a.lead_organisation else "")),
            labelled("How long", esc(how_long) + "<br/>" + direction_markup(a.direction, 8.2) + was),
            labelled("Timescale", esc(due or "Not set")),
        ],
        ["", text_block("Commentary" + from_update, a.commentary), "", ""],
        ["", text_block("Remedial action" + owner + from_update, a.remedial_action), "", ""],
    ]
    third = (width - 16 * mm) / 3
    return Table(
        rows,
        colWidths=[16 * mm, third * 1.15, third * 1.05, third * 0.8],
        repeatRows=1,
        splitByRow=1,
        splitInRow=24,
        style=TableStyle(
            [
                ("SPAN", (1, 0), (3, 0)),
                ("SPAN", (1, 2), (3, 2)),
                ("SPAN", (1, 3), (3, 3)),
                ("BACKGROUND", (0, 0), (0, -1), chip.fill),
                ("BACKGROUND", (1, 0), (3, 0), FAINT),
                ("BOX", (0, 0), (-1, -1), 0.6, RULE),
                ("LINEBELOW", (1, 0), (-1, -2), 0.3, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 5),
            ]
        ),
        hAlign="LEFT",
    )


# ---- appendices


def _appendices(appendices: Sequence[PublishedAppendix], width: float, number: int) -> list[Flowable]:
    s = styles()
    out: list[Flowable] = [OutlinedHeading(f"{number}. Appendices", s.h1, "Appendices", "appendices", 0)]
    for i, appendix in enumerate(appendices):
        out.append(OutlinedHeading(esc(appendix.title), s.h2, clip(appendix.title, 90), f"appendix-{i}", 1))
        profile = {"public": "Public", "partner": "Partner", "restricted": "Restricted"}.get(
            appendix.profile, appendix.profile.capitalize()
        )
        line = f"Disclosure profile: <b>{esc(profile)}</b>"
        if appendix.is_demo:
            line += f" · <font color='{_hex(DEMO_RED)}'><b>Demonstration data</b></font>"
        out.append(Paragraph(line, s.body_small))
        if appendix.intro.strip():
            out += [Paragraph(esc(p), s.body) for p in paragraphs_of(appendix.intro)]
        for part in appendix.parts:
            if isinstance(part, PublishedTable):
                out += _published_table(part, width)
            elif isinstance(part, RedactionNotice):
                out.append(_notice(part, width))
                out.append(Spacer(1, 6))
    return out


_NUMERIC = re.compile(r"^[<>~≈*†]?\s*[\d,.\-–%]*\s*[*†]?$")


def _numeric_columns(t: PublishedTable) -> list[bool]:
    """Counts right-aligned, text left-aligned: a column is numeric when every filled cell is a count or a symbol."""
    out = []
    for c in range(len(t.columns)):
        cells = [row[c].strip() for row in t.rows if c < len(row) and row[c].strip()]
        out.append(c > 0 and bool(cells) and all(_NUMERIC.match(x) for x in cells))
    return out


def _column_widths(t: PublishedTable, numeric: list[bool], width: float) -> list[float]:
    """Each column at least as wide as its longest word (measured in the font); the rest of the width goes to
    the text columns in proportion to how long their cells typically are, so labels do not wrap needlessly."""
    pad = 13.0  # the table's cell padding, both sides, and a little air
    minimum, weights = [], []
    for c, heading in enumerate(t.columns):
        texts = [row[c] + (" †" if (r, c) in t.suppressed else "") for r, row in enumerate(t.rows) if c < len(row)]
        words = [w for x in [*texts, heading] for w in x.split()] or ["0000"]
        widest_word = max(stringWidth(w, SANS_BOLD, 7.8) for w in words)
        widest_text = max((stringWidth(x, SANS_BOLD, 7.8) for x in texts), default=0.0)
        # Counts and short labels ("Offender 12", "<5 †") are never broken; long text wraps between words.
        unbroken = numeric[c] or widest_text <= 70
        minimum.append(max(widest_word, widest_text if unbroken else 0.0) + pad)
        typical = sorted(stringWidth(x, SANS, 7.8) for x in texts or [heading])[len(texts or [heading]) * 3 // 4]
        weights.append(0.0 if unbroken else max(0.0, typical + pad - minimum[-1]))
    spare = width - sum(minimum)
    if spare <= 0:
        return [width * m / sum(minimum) for m in minimum]
    total = sum(weights)
    if total == 0:  # all numeric: the label column takes what is left
        weights = [1.0] + [0.0] * (len(minimum) - 1)
        total = 1.0
    return [m + spare * w / total for m, w in zip(minimum, weights, strict=True)]


def _published_table(t: PublishedTable, width: float) -> list[Flowable]:
    s = styles()
    n = max(1, len(t.columns))
    numeric = _numeric_columns(t)
    widths = _column_widths(t, numeric, width)
    head = s.cell_head.clone("ph", fontName=SANS_BOLD, fontSize=7.8, leading=9.8)
    cell = s.cell.clone("pc", fontName=SANS, fontSize=7.8, leading=9.8, spaceAfter=0)
    num = cell.clone("pn", alignment=2)
    suppressed = cell.clone("ps", fontName=SANS_BOLD, alignment=2, textColor=INK)
    head_num = head.clone("phn", alignment=2)
    rows: list[list[Any]] = [
        [Paragraph(esc(c), head_num if numeric[i] else head) for i, c in enumerate(t.columns)]
    ]
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("GRID", (0, 0), (-1, -1), 0.35, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    for r, given in enumerate(t.rows):
        row = tuple(given[:n]) + ("",) * (n - len(given))  # a ragged row must not break the table
        is_total = t.total_row and r == len(t.rows) - 1
        cells: list[Any] = []
        for c, text in enumerate(row):
            if (r, c) in t.suppressed:
                cells.append(Paragraph(f"{esc(text)} †", suppressed))
                commands.append(("BACKGROUND", (c, r + 1), (c, r + 1), SUPPRESSED_FILL))
            else:
                style = num if numeric[c] else cell
                cells.append(Paragraph(f"<b>{esc(text)}</b>" if is_total else esc(text), style))
        rows.append(cells)
        if is_total:
            commands.append(("LINEABOVE", (0, r + 1), (-1, r + 1), 0.9, INK))
    table = Table(rows, colWidths=widths, repeatRows=1, style=TableStyle(commands), hAlign="LEFT")
    notes = []
    if t.suppressed:
        notes.append("† Shaded cells are hidden or rounded under the disclosure rule below.")
    if t.note.strip():
        notes.append(t.note.strip())
    caption = Paragraph(esc(t.title), s.caption)
    note = Paragraph("<br/>".join(esc(n) for n in notes) or " ", s.note)
    if len(t.rows) <= 30:  # a short table, its caption and the rule under it stay on one page
        return [KeepTogether([caption, table, note])]
    # A long table starts where it is, unless too little of the page is left for its caption and a few rows.
    return [CondPageBreak(45 * mm), caption, table, note]


def _notice(n: RedactionNotice, width: float) -> Table:
    s = styles()
    return Table(
        [
            [Paragraph(esc(n.title), s.notice_title)],
            [Paragraph(esc(n.text), s.body.clone("nt", spaceAfter=0))],
        ],
        colWidths=[width],
        style=TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), NOTICE_FILL),
                ("BOX", (0, 0), (-1, -1), 1.2, NOTICE_RULE),
                ("LINEBEFORE", (0, 0), (0, -1), 5, NOTICE_RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 12),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        ),
        hAlign="LEFT",
    )


# ---- key


def _key(data: PlanSnapshotData, palette: RagPalette, width: float, number: int) -> list[Flowable]:
    s = styles()
    rag = palette.scheme
    defs = {st.key: st.definition for st in rag.statuses}
    defs["none"] = "No status has been recorded for the action in this or any earlier quarter."
    rows: list[list[Any]] = [
        [Paragraph(h, s.cell_head) for h in ("", "Status", "Definition")],
    ]
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.35, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    text = s.body_small.clone("kd", spaceAfter=0)
    for chip in palette.ordered():
        rows.append(
            [
                rag_cell(palette, chip.key),
                Paragraph(f"<b>{esc(chip.label)}</b>", text),
                Paragraph(esc(defs[chip.key]), text),
            ]
        )
        commands.append(("BACKGROUND", (0, len(rows) - 1), (0, len(rows) - 1), chip.fill))
    status_table = Table(rows, colWidths=[16 * mm, 30 * mm, width - 46 * mm], style=TableStyle(commands), hAlign="LEFT")

    dir_rows: list[list[Any]] = [[Paragraph(h, s.cell_head) for h in ("Direction of travel", "Meaning")]]
    for key, meaning in DIRECTION_MEANINGS.items():
        dir_rows.append([Paragraph(direction_markup(key, 8.5), text), Paragraph(esc(meaning.capitalize()) + ".", text)])
    direction_table = Table(
        dir_rows,
        colWidths=[46 * mm, width - 46 * mm],
        style=TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.35, RULE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        ),
        hAlign="LEFT",
    )
    return [
        OutlinedHeading(f"{number}. RAG key and notes", s.h1, "RAG key", "key", 0),
        Paragraph(f"Scheme: {esc(rag.name)}. Every status is shown with its letter as well as its colour.", s.body),
        status_table,
        Paragraph(esc(CARRY_FORWARD_RULE), s.note),
        Paragraph(esc(rag.rollup_rule), s.note),
        direction_table,
        Spacer(1, 8),
        Paragraph("How long Red or Amber", s.h3),
        Paragraph(
            "The exceptions section counts the consecutive closed quarters, including this one, for which an action "
            "has held its current status, and names the quarter in which that run began.",
            s.body_small,
        ),
        Paragraph("About this document", s.h3),
        Paragraph(
            f"Built by Pathways from the frozen snapshot of {esc(data.period_label)}, closed "
            f"{esc(long_date(data.closed_at))}{' by ' + esc(data.closed_by) if data.closed_by else ''}. "
            f"Snapshot SHA-256: <font name='{MONO}' size='7.5'>{data.sha256()}</font>. "
            "A certified copy carries the digital signature of the officer who issued it, from the partnership's "
            "own signing root: to check it, trust the root once (see the partnership's trust guide) and open the "
            "signature panel of your PDF reader, or run <i>pathways verify</i>.",
            s.body_small,
        ),
    ]
