"""A cover report as a Word document (.docx), for officers who finish reports in Word.

Same content and order as the PDF (desktop.reports.cover_report) in plain Word formatting: Arial, numbered
paragraphs with a hanging indent and a tab, real headings, a bordered contact table, the implications appendix after
a page break. Importing the document back is not supported: the store keeps the template's fields.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document as new_document
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from sqlalchemy.orm import Session

from desktop.models import AgendaItem
from desktop.reports.cover_report import SHORT_ANSWER, blocks
from desktop.reports.front_sheet import DEMO_LINE, RESTRICTED
from desktop.services import pack_contents, schedule_12a
from desktop.services.errors import ValidationError
from desktop.services.meeting_calendar import short_date
from desktop.services.pack_contents import PackCover, PackData, PackItem

FONT = "Arial"
HANG = Cm(1.1)
RED = RGBColor(0xA4, 0x16, 0x1A)


def _setup(doc: Document) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin, section.bottom_margin = Cm(1.8), Cm(1.8)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    for name, size in (("Heading 1", 14), ("Heading 2", 12)):
        style = doc.styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(10)
        style.paragraph_format.space_after = Pt(4)


def _para(doc: Document, text: str = "", *, bold: bool = False, size: float | None = None,
          colour: RGBColor | None = None) -> Paragraph:
    p = doc.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        if colour is not None:
            run.font.color.rgb = colour
    return p


def _numbered(doc: Document, number: str, text: str, bullets: tuple[str, ...], hang: Cm = HANG) -> None:
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.left_indent = hang
    fmt.first_line_indent = -hang
    fmt.tab_stops.add_tab_stop(hang)
    p.add_run(f"{number}\t{text}" if number else f"\t{text}")
    for bullet in bullets:
        b = doc.add_paragraph(style="List Bullet")
        b.paragraph_format.left_indent = hang + Cm(0.6)
        b.add_run(bullet)


def _numbered_text(doc: Document, text: str, counter: list[int], prefix: str = "") -> None:
    for block in blocks(text):
        if block.text:
            counter[0] += 1
            _numbered(doc, f"{prefix}{counter[0]}", block.text, block.bullets)
        else:
            _numbered(doc, "", "", block.bullets)


def _contacts(doc: Document, cover: PackCover) -> None:
    rows: list[tuple[str, str]] = []
    for c in cover.contacts:
        rows.append(("Contact:", ", ".join(b for b in (c.name, c.title) if b)))
        if c.tel:
            rows.append(("Tel:", c.tel))
        if c.email:
            rows.append(("E-mail:", c.email))
    if not rows:
        return
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.cells[0].width, row.cells[1].width = Cm(2.6), Cm(14.4)
        row.cells[0].paragraphs[0].add_run(label).bold = True
        row.cells[1].paragraphs[0].add_run(value)


def _durham(doc: Document, data: PackData, item: PackItem, cover: PackCover) -> None:
    _para(doc, data.committee, bold=True)
    _para(doc, short_date(data.date))
    doc.add_heading(cover.title, level=1)
    for label in cover.theme_labels:
        _para(doc, label, bold=True, size=9)
    if cover.report_of:
        _para(doc, f"Report of {cover.report_of}", bold=True)
    counter = [0]
    for heading, body in (("Purpose of the Report", cover.purpose), ("Background", cover.background)):
        if body.strip():
            doc.add_heading(heading, level=2)
            _numbered_text(doc, body, counter)
    for section in cover.sections:
        if section.heading.strip():
            doc.add_heading(section.heading, level=2)
        _numbered_text(doc, section.body, counter)
    if cover.recommendations.strip():
        doc.add_heading("Recommendations and reasons" if cover.reasons.strip() else "Recommendations", level=2)
        _numbered_text(doc, cover.recommendations, counter)
        _numbered_text(doc, cover.reasons, counter)
    doc.add_heading("Background Papers", level=2)
    for block in blocks(cover.background_papers or "None"):
        _para(doc, block.text)
    _contacts(doc, cover)
    if cover.implications:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        doc.add_heading(f"Appendix 1: {cover.implications_title}", level=1)
        for answer in cover.implications:
            text = answer.text.strip() or "None"
            if len(text) <= SHORT_ANSWER and "\n" not in text:
                p = doc.add_paragraph()
                p.add_run(answer.heading).bold = True
                p.add_run(f" – {text}")
            else:
                _para(doc, answer.heading, bold=True).paragraph_format.space_after = Pt(1)
                for block in blocks(text):
                    _para(doc, block.text)


def _hartlepool(doc: Document, data: PackData, item: PackItem, cover: PackCover) -> None:
    _para(doc, data.committee.upper(), bold=True, size=14)
    _para(doc, short_date(data.date))
    author = cover.report_of[4:] if cover.report_of.lower().startswith("the ") else cover.report_of
    table = doc.add_table(rows=2, cols=2)
    for row, (label, value) in zip(table.rows, (("Report of:", author), ("Subject:", cover.title.upper())),
                                   strict=True):
        row.cells[0].width, row.cells[1].width = Cm(3.0), Cm(14.0)
        row.cells[0].paragraphs[0].add_run(label).bold = True
        row.cells[1].paragraphs[0].add_run(value).bold = label == "Subject:"
    _para(doc, "_" * 78)
    section = [0]

    def add(heading: str, text: str) -> None:
        section[0] += 1
        doc.add_heading(f"{section[0]}.\t{heading.upper()}", level=2)
        counter = [0]
        for block in blocks(text or "None."):
            if block.text:
                counter[0] += 1
                _numbered(doc, f"{section[0]}.{counter[0]}", block.text, block.bullets, Cm(1.3))
            else:
                _numbered(doc, "", "", block.bullets, Cm(1.3))

    add("Purpose of Report", cover.purpose)
    add("Background", cover.background)
    for free in cover.sections:
        add(free.heading or "Proposals", free.body)
    for answer in cover.implications:
        add(answer.heading, answer.text)
    if cover.recommendations.strip():
        add("Recommendations", cover.recommendations)
    if cover.reasons.strip():
        add("Reasons for Recommendations", cover.reasons)
    add("Background Papers", cover.background_papers or "None.")
    if cover.contacts:
        section[0] += 1
        doc.add_heading(f"{section[0]}.\tCONTACT OFFICER{'S' if len(cover.contacts) > 1 else ''}", level=2)
        for c in cover.contacts:
            lines = [c.name, c.title, f"Tel: {c.tel}" if c.tel else "", f"E-mail: {c.email}" if c.email else ""]
            p = doc.add_paragraph()
            p.paragraph_format.left_indent = Cm(1.3)
            p.add_run("\n".join(line for line in lines if line))


def build_cover_docx(data: PackData, item: PackItem) -> bytes:
    """The item's cover report as .docx bytes."""
    cover = item.cover
    if cover is None:
        raise ValidationError(f"Item {item.number} has no cover report to export.")
    doc = new_document()
    _setup(doc)
    props = doc.core_properties
    props.title = cover.title
    props.subject = f"{data.committee}, {short_date(data.date)}, item {item.number}"
    props.author = "Pathways"
    props.last_modified_by = "Pathways"
    props.comments = ""
    if item.exempt:
        _para(doc, RESTRICTED, bold=True, colour=RED)
        _para(doc, schedule_12a.exempt_reason(item.exempt_paragraph), size=9)
    if data.is_demo:
        _para(doc, DEMO_LINE, bold=True, size=9, colour=RED)
    (_hartlepool if data.house_style == "hartlepool" else _durham)(doc, data, item, cover)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def export_cover_docx(session: Session, item: AgendaItem, out: Path) -> bytes:
    """Write the item's cover report as .docx through the export gate; nothing is written on a finding."""
    from desktop.services.export_gate import identifiers_for, write_checked

    data = pack_contents.pack_data(session, item.meeting, load_part=item.part.value)
    packed = next(i for i in data.items if i.id == item.id)
    content = build_cover_docx(data, packed)
    write_checked(Path(out), content, "docx", identifiers_for(session))
    return content
