"""The agenda front sheet, in the two house styles of the published packs.

Durham (D:3–64): committee, "Date … Time … Venue …", "Business", Part A with the public notice, numbered items
with their report and presenter lines and page ranges "(Pages 17 – 56)", the issuing officer and date, "To: The
Members of …" with the Chairman, Vice-Chairman, Councillors, co-opted members, and "Contact:".
Hartlepool (H:5–70): "… AGENDA", the date, time and venue on separate lines, "MEMBERS:" one a line, fixed
sections 1–9 with decimal items and the report author in italics, "No items" for empty sections,
"FOR INFORMATION:".

Exempt (Part B) items appear on the public front sheet by number and title only, with the paragraph of Schedule 12A;
the Part B pack has its own front sheet listing them in full.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from desktop.reports.styles import DEMO_RED, INK, MUTED, RULE, SANS, SANS_BOLD, SANS_ITALIC, esc, register_fonts
from desktop.reports.tagging import tagged
from desktop.services.meeting_calendar import long_date, short_date
from desktop.services.pack_contents import PackData, PackItem, PackMember
from desktop.services.schedule_12a import EXEMPT_NOTICE, PART_B_NOTICE, exempt_reason

MARGIN_X = 20 * mm
MARGIN_TOP = 18 * mm
MARGIN_BOTTOM = 16 * mm  # the pack's "Page N" stamp sits below this
RESTRICTED = "RESTRICTED – NOT FOR PUBLICATION"
# The visible signature of the signed pack, foot of page 1, right (PDF points, origin bottom left).
SIGNATURE_BOX: tuple[float, float, float, float] = (A4[0] - MARGIN_X - 88 * mm, 14 * mm, A4[0] - MARGIN_X, 41 * mm)
SIGNATURE_RESERVED = SIGNATURE_BOX[3] + 5 * mm
DEMO_LINE = "DEMONSTRATION DATA — not a real agenda"


@dataclass(frozen=True)
class CouncilStyles:
    committee: ParagraphStyle
    banner: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    notice: ParagraphStyle
    item: ParagraphStyle
    sub: ParagraphStyle
    small: ParagraphStyle
    label: ParagraphStyle
    demo: ParagraphStyle
    centre: ParagraphStyle
    centre_bold: ParagraphStyle


@functools.cache
def council_styles() -> CouncilStyles:
    """Plain black type in the manner of the council packs (11 pt body, bold headings, no colour)."""
    register_fonts()
    body = ParagraphStyle("c_body", fontName=SANS, fontSize=10.5, leading=14.5, textColor=INK, spaceAfter=6)
    return CouncilStyles(
        committee=ParagraphStyle("c_committee", parent=body, fontName=SANS_BOLD, fontSize=17, leading=22,
                                 spaceAfter=10),
        banner=ParagraphStyle("c_banner", parent=body, fontName=SANS_BOLD, fontSize=11, leading=14,
                              textColor=colors.white, alignment=TA_CENTER, spaceAfter=0),
        h1=ParagraphStyle("c_h1", parent=body, fontName=SANS_BOLD, fontSize=14, leading=18, spaceBefore=8,
                          spaceAfter=6),
        h2=ParagraphStyle("c_h2", parent=body, fontName=SANS_BOLD, fontSize=11.5, leading=15, spaceBefore=8,
                          spaceAfter=4),
        body=body,
        notice=ParagraphStyle("c_notice", parent=body, fontName=SANS_ITALIC, fontSize=10, leading=13.5,
                              spaceAfter=8),
        item=ParagraphStyle("c_item", parent=body, spaceAfter=2),
        sub=ParagraphStyle("c_sub", parent=body, fontSize=10, leading=13.5, leftIndent=18, firstLineIndent=-18,
                           spaceAfter=1),
        small=ParagraphStyle("c_small", parent=body, fontSize=9, leading=12, textColor=MUTED, spaceAfter=2),
        label=ParagraphStyle("c_label", parent=body, fontName=SANS_BOLD, spaceAfter=0),
        demo=ParagraphStyle("c_demo", parent=body, fontName=SANS_BOLD, fontSize=9, leading=12, textColor=DEMO_RED,
                            spaceAfter=4),
        centre=ParagraphStyle("c_centre", parent=body, alignment=TA_CENTER, spaceAfter=2),
        centre_bold=ParagraphStyle("c_centre_bold", parent=body, fontName=SANS_BOLD, fontSize=12, leading=16,
                                   alignment=TA_CENTER, spaceAfter=2),
    )


def roman(n: int) -> str:
    numerals = ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
    out = ""
    for value, letters in numerals:
        while n >= value:
            out += letters
            n -= value
    return out


def council_doc(buffer: io.BytesIO, title: str, subject: str, *, first_page_bottom: float = MARGIN_BOTTOM
                ) -> BaseDocTemplate:
    """A4 portrait in the council margins; ``first_page_bottom`` keeps page 1 clear above a signature block."""
    doc = BaseDocTemplate(
        buffer, pagesize=A4, title=title, author="Pathways", subject=subject, creator="Pathways", lang="en-GB",
        pageCompression=1, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
    )

    def frame(bottom: float, name: str) -> Frame:
        return Frame(MARGIN_X, bottom, A4[0] - 2 * MARGIN_X, A4[1] - MARGIN_TOP - bottom, id=name,
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    doc.addPageTemplates([
        PageTemplate("first", [frame(first_page_bottom, "first")], pagesize=A4, autoNextPageTemplate="page"),
        PageTemplate("page", [frame(MARGIN_BOTTOM, "body")], pagesize=A4),
    ])
    return doc


def banner(text: str, fill: colors.Color = DEMO_RED) -> Table:
    """A full-width coloured band (restricted marking, demonstration notice)."""
    s = council_styles()
    table = Table([[Paragraph(esc(text), s.banner)]], colWidths=[A4[0] - 2 * MARGIN_X])
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), fill),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    return table


# ---- item lines


def _sub_lines(item: PackItem) -> list[str]:
    """"(i) Report of …", "(ii) Presentation by …" as on the Durham front sheet (D:19–46)."""
    lines: list[str] = []
    if item.kind == "verbal":
        if item.presented_by or item.report_of:
            lines.append(f"Verbal update by {item.presented_by or item.report_of}.")
    elif item.report_of and item.presented_by:
        lines += [f"Report of {item.report_of}.", f"Presentation by {item.presented_by}."]
        lines = [f"({roman(i)}) {text}" for i, text in enumerate(lines, start=1)]
    elif item.report_of:
        lines.append(f"Report of {item.report_of}.")
    elif item.presented_by:
        lines.append(f"Presentation by {item.presented_by}.")
    lines += [f"({roman(i)}) {topic}" for i, topic in enumerate(item.subtopics, start=1)]
    return lines


def _kind_note(item: PackItem) -> str:
    """Only decisions are flagged: the published Durham sheet marks nothing, and members need to know these."""
    return "For decision" if item.kind == "decision" else ""


def _numbered(number: str, flowables: Sequence[Flowable], width: float, number_width: float = 12 * mm) -> Table:
    """"9." for a top-level item, "7.1" (no stop) for an item inside a section, as the packs print them."""
    s = council_styles()
    label = number if "." in number else f"{number}."
    table = Table([[Paragraph(esc(label), s.item), list(flowables)]],
                  colWidths=[number_width, width - number_width])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
    ]))
    return table


def _range_markup(item: PackItem, ranges: Mapping[int, str]) -> str:
    text = ranges.get(item.id, "")
    return "&nbsp;&nbsp;" + esc(text).replace(" ", "&nbsp;") if text else ""


def _durham_item(item: PackItem, ranges: Mapping[int, str], width: float, full: bool) -> Flowable:
    s = council_styles()
    if item.exempt and not full:
        # The public sheet names an exempt item and nothing more.
        paras: list[Flowable] = [
            Paragraph(esc(item.title), s.item),
            Paragraph(esc(exempt_reason(item.exempt_paragraph)), s.small),
        ]
        return _numbered(item.number, paras, width)
    subs = _sub_lines(item)
    title = esc(item.title) + (":" if subs and not item.title.endswith((":", "?", ".")) else "")
    paras = [Paragraph(title + _range_markup(item, ranges), s.item)]
    plain = ParagraphStyle("c_sub_plain", parent=s.sub, leftIndent=0, firstLineIndent=0)
    paras += [Paragraph(esc(line), s.sub if line.startswith("(") else plain) for line in subs]
    note = _kind_note(item)
    if note:
        paras.append(Paragraph(esc(note), s.small))
    if item.exempt:
        paras.append(Paragraph(esc(exempt_reason(item.exempt_paragraph)), s.small))
    return _numbered(item.number, paras, width)


def _hartlepool_item(item: PackItem, ranges: Mapping[int, str], width: float, full: bool, empty: bool) -> Flowable:
    s = council_styles()
    if item.depth == 0:
        heading = Paragraph(f"<b>{esc(item.number)}.&nbsp;&nbsp;{esc(item.title.upper())}</b>"
                            + ("" if item.exempt and not full else _range_markup(item, ranges)), s.h2)
        parts: list[Flowable] = [heading]
        if item.exempt and not full:
            parts.append(Paragraph(esc(exempt_reason(item.exempt_paragraph)), s.small))
        elif empty:
            parts.append(Paragraph("No items", ParagraphStyle("c_none", parent=s.body, leftIndent=12 * mm)))
        return KeepTogether(parts)
    author = item.report_of[4:] if item.report_of.lower().startswith("the ") else item.report_of
    text = esc(item.title)
    if not (item.exempt and not full):
        if author:
            text += f" – <i>{esc(author)}</i>"
        text += _range_markup(item, ranges)
    paras: list[Flowable] = [Paragraph(text, s.item)]
    if item.exempt:
        paras.append(Paragraph(esc(exempt_reason(item.exempt_paragraph)), s.small))
    table = _numbered(item.number, paras, width - 12 * mm, number_width=12 * mm)
    wrapper = Table([["", table]], colWidths=[12 * mm, width - 12 * mm])
    wrapper.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                 ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return wrapper


# ---- members


def _join(names: Sequence[str]) -> str:
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _member_names(members: Sequence[PackMember], strip_honorific: str = "") -> str:
    """Named members listed; members held only as a seat ("Councillor", as the demo holds no names) counted."""
    listed: list[str] = []
    unnamed = 0
    for m in members:
        if m.named:
            text = m.text
            if strip_honorific and text.startswith(strip_honorific + " "):
                text = text[len(strip_honorific) + 1:]
            listed.append(text)
        elif m.job_title and m.job_title != strip_honorific:
            listed.append(m.text)
        else:
            unnamed += 1
    if unnamed:
        word = "Councillor" if strip_honorific == "Councillor" and not listed else "Member"
        listed.append(f"{unnamed} {'other ' if listed else ''}{word}{'s' if unnamed != 1 else ''}")
    return _join(listed)


def _durham_members(data: PackData) -> list[Flowable]:
    s = council_styles()
    out: list[Flowable] = [Paragraph(f"<b>To:</b> The Members of the {esc(data.committee)}", s.body)]
    chair = data.chair_title
    heads = []
    for role, title in (("chair", chair), ("vice_chair", f"Vice-{chair}")):
        for m in data.members:
            if m.role == role:
                heads.append(f"{esc(m.text)} ({esc(title)})")
    if heads:
        out.append(Paragraph("&nbsp;&nbsp;&nbsp;&nbsp;".join(heads), s.body))
    councillors = [m for m in data.members if m.role == "member"]
    if councillors:
        councillors_only = all(m.text.startswith("Councillor") for m in councillors)
        names = _member_names(councillors, "Councillor" if councillors_only else "")
        prefix = "Councillors " if councillors_only and any(m.named for m in councillors) else ""
        out.append(Paragraph(esc(prefix + names), s.body))
    for role, label in (("co_opted", "Co-opted Members"), ("co_opted_officer", "Co-opted Employees/Officers")):
        group = [m for m in data.members if m.role == role]
        if group:
            out.append(Paragraph(f"<b>{label}:</b> {esc(_member_names(group))}", s.body))
    return out


def _hartlepool_line(m: PackMember) -> str:
    if m.vacant and not m.named:
        bits = [m.organisation, m.job_title]
        return ", ".join(b for b in bits if b) + " (vacant)"
    bits = [m.text if m.named else "", m.job_title, m.organisation]
    seen: list[str] = []
    for b in bits:
        if b and b not in seen:
            seen.append(b)
    return ", ".join(seen)


# ---- the sheet


def _date_table(data: PackData, width: float) -> Table:
    s = council_styles()
    cells = [
        [Paragraph("Date", s.label), Paragraph(esc(long_date(data.date)), s.body)],
        [Paragraph("Time", s.label), Paragraph(esc(data.time or "—"), s.body)],
        [Paragraph("Venue", s.label), Paragraph(esc(data.venue or "—"), s.body)],
    ]
    table = Table(cells, colWidths=[22 * mm, width - 22 * mm])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, RULE),
    ]))
    return table


def _signoff(data: PackData, issued_on: dt.date) -> list[Flowable]:
    s = council_styles()
    lines = [esc(line) for line in data.signoff]
    place = lines.pop() + "&nbsp;&nbsp;" if len(lines) > 1 else ""
    out: list[Flowable] = [Spacer(1, 6)]
    out += [Paragraph(line, ParagraphStyle("c_sig", parent=s.body, spaceAfter=0)) for line in lines]
    out.append(Paragraph(f"{place}{esc(short_date(issued_on))}", s.body))
    return [KeepTogether(out)]


def _contact(data: PackData) -> list[Flowable]:
    s = council_styles()
    return [Paragraph(f"<b>Contact:</b> {esc(data.contact)}", s.body)] if data.contact else []


def durham_story(data: PackData, ranges: Mapping[int, str], part: str, issued_on: dt.date, width: float
                 ) -> list[Flowable]:
    s = council_styles()
    story: list[Flowable] = []
    if part == "B":
        story += [banner(RESTRICTED), Spacer(1, 6)]
    if data.is_demo:
        story.append(Paragraph(DEMO_LINE, s.demo))
    story.append(Paragraph(esc(data.committee), s.committee))
    if data.title:
        story.append(Paragraph(esc(data.title), s.h2))
    story += [_date_table(data, width), Spacer(1, 8), Paragraph("Business", s.h1)]
    part_a = [i for i in data.items if not i.exempt]
    part_b = [i for i in data.items if i.exempt]
    if part == "A":
        story += [Paragraph("Part A", s.h2), Paragraph(esc(data.public_notice), s.notice)]
        story += [_durham_item(i, ranges, width, full=True) for i in part_a]
    if part_b:
        story += [CondPageBreak(40 * mm), Paragraph("Part B", s.h2), Paragraph(esc(PART_B_NOTICE), s.notice)]
        story += [_durham_item(i, ranges, width, full=part == "B") for i in part_b]
    story += _signoff(data, issued_on)
    story += [CondPageBreak(45 * mm), Spacer(1, 4)] + _durham_members(data) + _contact(data)
    return story


def hartlepool_story(data: PackData, ranges: Mapping[int, str], part: str, issued_on: dt.date, width: float
                     ) -> list[Flowable]:
    s = council_styles()
    story: list[Flowable] = []
    if part == "B":
        story += [banner(RESTRICTED), Spacer(1, 6)]
    if data.is_demo:
        story.append(Paragraph(DEMO_LINE, s.demo))
    story.append(Paragraph(esc(f"{data.committee.upper()} AGENDA"),
                           ParagraphStyle("c_agenda", parent=s.committee, alignment=TA_CENTER)))
    if data.title:
        story.append(Paragraph(esc(data.title), s.centre_bold))
    story += [
        Paragraph(esc(long_date(data.date)), s.centre_bold),
        Paragraph(esc(f"at {data.time}") if data.time else "", s.centre_bold),
        Paragraph(esc(f"in {data.venue}") if data.venue else "", s.centre_bold),
        Spacer(1, 8),
        Paragraph(esc(f"MEMBERS: {data.committee.upper()}"), s.h2),
    ]
    story += [Paragraph(esc(_hartlepool_line(m)), ParagraphStyle("c_mem", parent=s.body, spaceAfter=0))
              for m in data.members]
    story.append(Spacer(1, 8))
    if part == "A":
        story.append(Paragraph(esc(data.public_notice), s.notice))
    children: dict[int, list[PackItem]] = {}
    parent_of: dict[str, PackItem] = {}
    for item in data.items:
        if item.depth == 0:
            parent_of[item.number] = item
        else:
            top = parent_of.get(item.number.split(".")[0])
            if top is not None:
                children.setdefault(top.id, []).append(item)
    shown_exempt_notice = False
    for item in data.items:
        if part == "B" and not item.exempt:
            continue
        if item.exempt and item.depth == 0 and not shown_exempt_notice:
            story += [CondPageBreak(40 * mm), Paragraph("EXEMPT ITEMS", s.h2), Paragraph(esc(EXEMPT_NOTICE), s.notice)]
            shown_exempt_notice = True
        empty = item.is_section and not children.get(item.id)
        story.append(_hartlepool_item(item, ranges, width, full=part == "B", empty=empty))
    if data.next_meeting_note and part == "A":
        story += [Spacer(1, 6), Paragraph("FOR INFORMATION:", s.h2), Paragraph(esc(data.next_meeting_note), s.body)]
    story += _signoff(data, issued_on) + _contact(data)
    return story


def build_front_sheet(
    data: PackData,
    ranges: Mapping[int, str],
    *,
    part: str = "A",
    issued_on: dt.date | None = None,
    reserve_signature: bool = False,
) -> bytes:
    """The front sheet as PDF bytes. ``ranges`` maps an item's id to its printed range ("(Pages 17 – 56)");
    ``reserve_signature`` keeps the foot of page 1 clear for the visible signature (SIGNATURE_BOX)."""
    part = part.upper()
    issued = issued_on or data.issued_on or dt.date.today()
    buffer = io.BytesIO()
    what = "Agenda" if part == "A" else "Agenda, Part B (exempt information)"
    doc = council_doc(buffer, f"{data.committee}, {long_date(data.date)}: {what}", f"{what}; {data.partnership}",
                      first_page_bottom=SIGNATURE_RESERVED if reserve_signature else MARGIN_BOTTOM)
    width = A4[0] - 2 * MARGIN_X
    builder = hartlepool_story if data.house_style == "hartlepool" else durham_story
    doc.build(builder(data, ranges, part, issued, width), canvasmaker=tagged())
    return buffer.getvalue()
