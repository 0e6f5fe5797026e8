"""Cover reports written from the template, in the two house styles.

Durham (D:415–550): committee, date, title, optional theme labels, "Report of …", "Purpose of the Report",
"Background", free sections, "Recommendations" (and reasons), "Background Papers", a Contact/Tel table, paragraphs
numbered 1, 2, 3… through the report, then "Appendix 1: Implications" on its own page.
Hartlepool (H:230–316): the partnership's name, date, "Report of:" and "Subject:" in capitals over a rule, numbered
sections 1, 2… with paragraphs 1.1, 1.2…, the considerations printed as sections of the report.

Free text: one paragraph a line; lines starting "- ", "* " or "• " are bullets inside the paragraph before them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    HRFlowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from desktop.reports.front_sheet import DEMO_LINE, MARGIN_X, RESTRICTED, banner, council_doc, council_styles
from desktop.reports.styles import INK, MUTED, SANS, SANS_BOLD, esc
from desktop.reports.tagging import tagged
from desktop.services.meeting_calendar import short_date
from desktop.services.pack_contents import PackCover, PackData, PackItem

BULLETS = ("- ", "* ", "• ")
SHORT_ANSWER = 40  # answers up to this length print on the heading's line: "Finance – None"


@dataclass(frozen=True)
class Block:
    """A numbered paragraph and the bullet lines under it."""

    text: str
    bullets: tuple[str, ...] = ()


def blocks(text: str) -> list[Block]:
    out: list[Block] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        if line.startswith(BULLETS):
            bullet = line[2:].strip()
            if out:
                out[-1] = Block(out[-1].text, (*out[-1].bullets, bullet))
            else:
                out.append(Block("", (bullet,)))
        else:
            out.append(Block(line))
    return out


def _styles() -> dict[str, ParagraphStyle]:
    s = council_styles()
    return {
        "para": ParagraphStyle("cr_para", parent=s.body, spaceAfter=4),
        "bullet": ParagraphStyle("cr_bullet", parent=s.body, leftIndent=12, bulletIndent=2, spaceAfter=2,
                                 bulletFontName=SANS),  # embedded (the default bullet font is not)
        "heading": ParagraphStyle("cr_heading", parent=s.body, fontName=SANS_BOLD, fontSize=11.5, leading=15,
                                  spaceBefore=8, spaceAfter=4, keepWithNext=1),
        "title": ParagraphStyle("cr_title", parent=s.body, fontName=SANS_BOLD, fontSize=14, leading=18,
                                spaceBefore=6, spaceAfter=6),
        "label": ParagraphStyle("cr_label", parent=s.body, fontName=SANS_BOLD, fontSize=9, leading=12,
                                textColor=MUTED, spaceAfter=1),
    }


def _numbered_block(number: str, block: Block, width: float, gutter: float = 11 * mm) -> Flowable:
    st = _styles()
    content: list[Flowable] = []
    if block.text:
        content.append(Paragraph(esc(block.text), st["para"]))
    content += [Paragraph(esc(b), st["bullet"], bulletText="•") for b in block.bullets]
    if not number:
        return KeepTogether(content) if len(content) < 4 else _plain_table(content, width)
    table = Table([[Paragraph(esc(number), st["para"]), content]], colWidths=[gutter, width - gutter])
    table.setStyle(_tight(bottom=4))
    return table


def _plain_table(content: list[Flowable], width: float) -> Table:
    table = Table([[content]], colWidths=[width])
    table.setStyle(_tight())
    return table


def _tight(bottom: float = 0) -> TableStyle:
    return TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), bottom),
    ])


APPENDIX_NEEDS = 150 * mm  # less room than this left on the page: the implications appendix starts a new one


def _contact_table(cover: PackCover, width: float) -> list[Flowable]:
    s = council_styles()
    rows: list[list[Paragraph]] = []
    for c in cover.contacts:
        who = ", ".join(b for b in (c.name, c.title) if b)
        rows.append([Paragraph("Contact:", s.label), Paragraph(esc(who), s.body)])
        if c.tel:
            rows.append([Paragraph("Tel:", s.label), Paragraph(esc(c.tel), s.body)])
        if c.email:
            rows.append([Paragraph("E-mail:", s.label), Paragraph(esc(c.email), s.body)])
    if not rows:
        return []
    table = Table(rows, colWidths=[24 * mm, width - 24 * mm])
    table.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 0.7, INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("NOSPLIT", (0, 0), (-1, -1)),  # the box stays whole (a nested KeepTogether would defeat the caller's)
    ]))
    return [Spacer(1, 8), table]


def _implication_lines(cover: PackCover) -> list[Flowable]:
    st = _styles()
    s = council_styles()
    out: list[Flowable] = []
    for answer in cover.implications:
        text = answer.text.strip() or "None"
        if len(text) <= SHORT_ANSWER and "\n" not in text:
            out.append(Paragraph(f"<b>{esc(answer.heading)}</b> – {esc(text)}", st["para"]))
        else:
            out.append(KeepTogether([Paragraph(esc(answer.heading), ParagraphStyle(
                "cr_imp", parent=st["heading"], fontSize=10.5, spaceBefore=4, spaceAfter=1))]
                + [Paragraph(esc(b.text), s.body) for b in blocks(text)]))
    return out


def _opening(data: PackData, item: PackItem) -> list[Flowable]:
    """What tops a cover report in either house style: the restricted banner, the demonstration line."""
    out: list[Flowable] = []
    if item.exempt:
        out += [banner(RESTRICTED), Spacer(1, 6)]
    if data.is_demo:
        out.append(Paragraph(DEMO_LINE, council_styles().demo))
    return out


# ---- Durham


def durham_story(data: PackData, item: PackItem, width: float) -> list[Flowable]:
    cover = item.cover
    assert cover is not None
    s = council_styles()
    st = _styles()
    story = _opening(data, item)
    story += [
        Paragraph(esc(data.committee), ParagraphStyle("cr_comm", parent=s.body, fontName=SANS_BOLD, spaceAfter=2)),
        Paragraph(esc(short_date(data.date)), s.body),
        Paragraph(esc(cover.title), st["title"]),
    ]
    story += [Paragraph(esc(label), st["label"]) for label in cover.theme_labels]
    if cover.report_of:
        story += [Spacer(1, 4), Paragraph(f"<b>Report of {esc(cover.report_of)}</b>", s.body)]
    n = 0

    def numbered(text: str) -> list[Flowable]:
        nonlocal n
        out: list[Flowable] = []
        for block in blocks(text):
            n += 1 if block.text else 0
            out.append(_numbered_block(str(n) if block.text else "", block, width))
        return out

    for heading, body in (("Purpose of the Report", cover.purpose), ("Background", cover.background)):
        if body.strip():
            story += [Paragraph(heading, st["heading"]), *numbered(body)]
    for section in cover.sections:
        if section.heading.strip():
            story.append(Paragraph(esc(section.heading), st["heading"]))
        story += numbered(section.body)
    # The report's ending (recommendations, background papers, contact) moves as one block, so a page never holds
    # only a "Contact:" box.
    ending: list[Flowable] = []
    if cover.recommendations.strip():
        ending += [Paragraph("Recommendations and reasons" if cover.reasons.strip() else "Recommendations",
                             st["heading"]), *numbered(cover.recommendations)]
        if cover.reasons.strip():
            ending += numbered(cover.reasons)
    ending.append(Paragraph("Background Papers", st["heading"]))
    ending += [Paragraph(esc(b.text), s.body) for b in blocks(cover.background_papers or "None")]
    ending += _contact_table(cover, width)
    story.append(KeepTogether(ending))
    if cover.implications:
        # The appendix starts a new page, unless the report's ending has just spilled onto a page of its own:
        # then it fills that page rather than leave it holding a few lines.
        story += [CondPageBreak(APPENDIX_NEEDS), Paragraph(f"Appendix 1: {esc(cover.implications_title)}",
                                                           st["title"])]
        story += _implication_lines(cover)
    return story


# ---- Hartlepool


def hartlepool_story(data: PackData, item: PackItem, width: float) -> list[Flowable]:
    cover = item.cover
    assert cover is not None
    s = council_styles()
    st = _styles()
    story = _opening(data, item)
    story += [
        Paragraph(esc(data.committee.upper()), ParagraphStyle("cr_hcomm", parent=st["title"], spaceAfter=2)),
        Paragraph(esc(short_date(data.date)), s.body),
        Spacer(1, 6),
    ]
    author = cover.report_of[4:] if cover.report_of.lower().startswith("the ") else cover.report_of
    head = Table(
        [[Paragraph("Report of:", s.label), Paragraph(esc(author), s.body)],
         [Paragraph("Subject:", s.label), Paragraph(f"<b>{esc(cover.title.upper())}</b>", s.body)]],
        colWidths=[28 * mm, width - 28 * mm],
    )
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    story += [head, HRFlowable(width="100%", thickness=1.2, color=INK, spaceBefore=4, spaceAfter=8)]

    section = 0

    def section_of(heading: str, text: str) -> list[Flowable]:
        nonlocal section
        section += 1
        out: list[Flowable] = [Paragraph(f"{section}.&nbsp;&nbsp;&nbsp;{esc(heading.upper())}", st["heading"])]
        k = 0
        for block in blocks(text or "None."):
            k += 1 if block.text else 0
            out.append(_numbered_block(f"{section}.{k}" if block.text else "", block, width, gutter=13 * mm))
        return out

    story += section_of("Purpose of Report", cover.purpose)
    story += section_of("Background", cover.background)
    for free in cover.sections:
        story += section_of(free.heading or "Proposals", free.body)
    for answer in cover.implications:
        story += section_of(answer.heading, answer.text)
    if cover.recommendations.strip():
        story += section_of("Recommendations", cover.recommendations)
    if cover.reasons.strip():
        story += section_of("Reasons for Recommendations", cover.reasons)
    ending = section_of("Background Papers", cover.background_papers or "None.")
    contacts = [
        "\n".join(b for b in (c.name, c.title, f"Tel: {c.tel}" if c.tel else "",
                               f"E-mail: {c.email}" if c.email else "") if b)
        for c in cover.contacts
    ]
    if contacts:
        section += 1
        ending.append(Paragraph(f"{section}.&nbsp;&nbsp;&nbsp;CONTACT OFFICER{'S' if len(contacts) > 1 else ''}",
                                st["heading"]))
        for contact in contacts:
            ending.append(Paragraph(esc(contact), ParagraphStyle("cr_contact", parent=s.body, leftIndent=13 * mm)))
    story.append(KeepTogether(ending))  # a page never holds only the contact officers
    return story


def build_cover_report(data: PackData, item: PackItem) -> bytes:
    """The item's cover report as PDF bytes (unstamped: the pack numbers its pages)."""
    if item.cover is None:
        raise ValueError(f"item {item.number} has no cover report")
    buffer = io.BytesIO()
    doc = council_doc(buffer, item.cover.title, f"{data.committee}, {short_date(data.date)}: item {item.number}")
    width = A4[0] - 2 * MARGIN_X
    builder = hartlepool_story if data.house_style == "hartlepool" else durham_story
    doc.build(builder(data, item, width), canvasmaker=tagged())
    return buffer.getvalue()
