"""The pack's page stamps ("Page 17", "RESTRICTED", "7.4 APPENDIX 1", the blank-page notice) as small form
XObjects drawn by ReportLab in the house font, embedded like every other font in the pack (PDF/UA-1 §7.21.4),
and painted on each page inside an /Artifact sequence: page furniture that a screen reader skips.

All the stamps of a pack are drawn as the pages of one small PDF in a single pass; each page becomes the form
XObject of the pack page it belongs to.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
)
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from desktop.reports.styles import SANS, SANS_BOLD, register_fonts

BLANK_TEXT = "This page is intentionally left blank"
STAMP_SIZE = 9.0
STAMP_BASELINE = 5.5 * mm  # below the footers of Pathways' own documents
_BLANK_GREY = colors.Color(0.33, 0.33, 0.33)
_HEADER_RED = colors.Color(0.64, 0.09, 0.1)


@dataclass(frozen=True)
class Stamp:
    width: float  # the page as displayed (after /Rotate)
    height: float
    number: int | None = None
    header: str = ""
    label: str = ""
    blank: bool = False
    demo: str = ""  # the demonstration mark, on every page of a pack built from demonstration data

    @property
    def empty(self) -> bool:
        return self.number is None and not self.header and not self.label and not self.blank and not self.demo


def render_stamps(stamps: Sequence[Stamp]) -> bytes:
    """One page per stamp, each the size of the page it will be painted on."""
    register_fonts()
    buffer = io.BytesIO()
    canv = Canvas(buffer, pagesize=(stamps[0].width, stamps[0].height), pageCompression=1, initialFontName=SANS)
    for stamp in stamps:
        canv.setPageSize((stamp.width, stamp.height))
        _draw(canv, stamp)
        canv.showPage()
    canv.save()
    return buffer.getvalue()


def _draw(canv: Canvas, stamp: Stamp) -> None:
    width, height = stamp.width, stamp.height
    if stamp.demo:
        # Bottom left, on the page number's line: below the footers of Pathways' own documents and clear of the
        # number, so every page of a demonstration pack says what it is, imported papers and blank pages included.
        w = stringWidth(stamp.demo, SANS_BOLD, 7.5)
        x = 14 * mm
        canv.setFillColor(colors.white)
        canv.rect(x - 2, STAMP_BASELINE - 2.5, w + 4, 10.5, stroke=0, fill=1)
        canv.setFillColor(_HEADER_RED)
        canv.setFont(SANS_BOLD, 7.5)
        canv.drawString(x, STAMP_BASELINE, stamp.demo)
    if stamp.blank:
        canv.setFillColor(_BLANK_GREY)
        canv.setFont(SANS, 11)
        canv.drawCentredString(width / 2, height / 2, BLANK_TEXT)
    if stamp.number is not None:
        text = f"Page {stamp.number}"
        w = stringWidth(text, SANS, STAMP_SIZE)
        x = (width - w) / 2
        # A white backing keeps the number legible over an imported page's own footer art.
        canv.setFillColor(colors.white)
        canv.rect(x - 3, STAMP_BASELINE - 3, w + 6, STAMP_SIZE + 4, stroke=0, fill=1)
        canv.setFillColor(colors.black)
        canv.setFont(SANS, STAMP_SIZE)
        canv.drawString(x, STAMP_BASELINE, text)
    top = height - 5.5 * mm - 6
    if stamp.header:
        w = stringWidth(stamp.header, SANS_BOLD, 9)
        x = (width - w) / 2
        canv.setFillColor(colors.white)
        canv.rect(x - 4, top - 3, w + 8, 13, stroke=0, fill=1)
        canv.setFillColor(_HEADER_RED)
        canv.setFont(SANS_BOLD, 9)
        canv.drawString(x, top, stamp.header)
    if stamp.label:
        w = stringWidth(stamp.label, SANS_BOLD, 10)
        canv.setFillColor(colors.black)
        canv.setFont(SANS_BOLD, 10)
        canv.drawString(width - 14 * mm - w, top, stamp.label)


def apply_stamps(writer: PdfWriter, placed: Sequence[tuple[DictionaryObject, bytes, Stamp]]) -> None:
    """Paint each stamp on its page. ``placed``: (page, cm operator mapping displayed to user space, stamp)."""
    todo = [(page, cm, stamp) for page, cm, stamp in placed if not stamp.empty]
    if not todo:
        return
    reader = PdfReader(io.BytesIO(render_stamps([stamp for _, _, stamp in todo])))
    save = StreamObject()
    save.set_data(b"q\n")
    save_ref = writer._add_object(save)
    for n, ((page, cm, stamp), source) in enumerate(zip(todo, reader.pages, strict=True)):
        form = DecodedStreamObject()
        contents = source.get_contents()
        form.set_data(contents.get_data() if contents is not None else b"")
        form.update({
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([NumberObject(0), NumberObject(0), FloatObject(stamp.width),
                                              FloatObject(stamp.height)]),
            NameObject("/Resources"): source["/Resources"].clone(writer),
        })
        form_ref = writer._add_object(form.flate_encode())
        name = f"/PwStamp{n}"
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else None
        if not isinstance(resources, DictionaryObject):
            resources = DictionaryObject()
            page[NameObject("/Resources")] = resources
        xobjects = resources.get("/XObject")
        xobjects = xobjects.get_object() if xobjects is not None else None
        if not isinstance(xobjects, DictionaryObject):
            xobjects = DictionaryObject()
            resources[NameObject("/XObject")] = xobjects
        xobjects[NameObject(name)] = form_ref
        stream = StreamObject()
        stream.set_data(b"\nQ\n/Artifact BMC\nq\n" + cm + name.encode() + b" Do\nQ\nEMC\n")
        stamp_ref = writer._add_object(stream)
        contents = page.get("/Contents")
        existing: list[IndirectObject] = []
        if contents is not None:
            resolved = contents.get_object()
            if isinstance(resolved, ArrayObject):
                existing = [c if isinstance(c, IndirectObject) else writer._add_object(c) for c in resolved]
            elif isinstance(contents, IndirectObject):
                existing = [contents]
            else:
                existing = [writer._add_object(resolved)]
        page[NameObject("/Contents")] = ArrayObject([save_ref, *existing, stamp_ref])
