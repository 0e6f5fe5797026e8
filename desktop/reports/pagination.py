"""One pagination across a whole pack: documents laid end to end, "Page N" stamped on every page, blank pages for
double-sided printing, bookmarks and page labels.

Stamping appends a small content stream to each page (the page's own content is wrapped in q … Q first) instead of
merging an overlay page: merging re-parses every content stream, which costs far more on a 120-page pack and can
change how an imported page renders. Nothing here signs: signing must come after the last change to the file.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from pypdf import PdfReader, PdfWriter
from pypdf.constants import PageLabelStyle
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
    TextStringObject,
)
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth

BLANK_TEXT = "This page is intentionally left blank"
STAMP_FONT = "/PwStamp"
STAMP_BOLD = "/PwStampB"
STAMP_SIZE = 9.0
STAMP_BASELINE = 5.5 * 72 / 25.4  # 5.5 mm above the bottom edge: below the footers of Pathways' own documents


@dataclass(frozen=True)
class Document:
    """One PDF of the pack (a cover report, an update, an imported paper)."""

    pdf: bytes
    bookmark: str
    label: str = ""  # running label top right (Hartlepool's "7.4 APPENDIX 1")


@dataclass(frozen=True)
class Section:
    """An item's documents, bookmarked under the item."""

    key: str
    bookmark: str
    documents: tuple[Document, ...]


@dataclass(frozen=True)
class PageRange:
    first: int
    last: int

    @property
    def text(self) -> str:
        """"(Pages 17 – 56)" as on the Durham front sheet; "(Page 13)" for one page."""
        return f"(Page {self.first})" if self.first == self.last else f"(Pages {self.first} – {self.last})"


@dataclass(frozen=True)
class Assembled:
    pdf: bytes
    pages: int
    front_pages: int  # physical pages of the front sheet, blank included
    ranges: dict[str, PageRange] = field(default_factory=dict)
    stamps: tuple[int | None, ...] = ()  # the number stamped on each physical page (None: unnumbered)


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def padded(count: int, blank_pages: bool) -> int:
    """Pages a document takes in the pack: odd counts gain a blank so that the next document starts on a right-hand
    page when printed double-sided."""
    return count + (count % 2 if blank_pages else 0)


def plan_ranges(
    sections: Sequence[tuple[str, Sequence[int]]], *, first_number: int, blank_pages: bool
) -> dict[str, PageRange]:
    """Page ranges of sections given each document's page count, starting at stamped number ``first_number``.

    A range includes the blank pages that follow its documents, as on the Durham front sheet ("Minutes … (Pages
    1 – 12)" where page 12 is blank)."""
    out: dict[str, PageRange] = {}
    number = first_number
    for key, counts in sections:
        total = sum(padded(c, blank_pages) for c in counts)
        if total:
            out[key] = PageRange(number, number + total - 1)
            number += total
    return out


# ---- stamping


def _pdf_text(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _fmt(value: float) -> bytes:
    return f"{value:.2f}".rstrip("0").rstrip(".").encode()


def _visual_matrix(page: DictionaryObject, box: Sequence[float]) -> tuple[bytes, float, float]:
    """A cm operator mapping the page as displayed (origin bottom left, after /Rotate) to user space, and the
    displayed width and height."""
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    rotate = int(page.get("/Rotate", 0) or 0) % 360
    matrices = {
        0: (1, 0, 0, 1, x0, y0),
        90: (0, 1, -1, 0, x1, y0),
        180: (-1, 0, 0, -1, x1, y1),
        270: (0, -1, 1, 0, x0, y1),
    }
    a, b, c, d, e, f = matrices.get(rotate, matrices[0])
    cm = b" ".join(_fmt(v) for v in (a, b, c, d, e, f)) + b" cm\n"
    return cm, (height if rotate in (90, 270) else width), (width if rotate in (90, 270) else height)


def _text_at(font: bytes, size: float, x: float, y: float, text: str, rgb: tuple[float, float, float]) -> bytes:
    colour = b" ".join(_fmt(v) for v in rgb)
    return (
        b"BT " + colour + b" rg " + font + b" " + _fmt(size) + b" Tf " + _fmt(x) + b" " + _fmt(y) + b" Td "
        + _pdf_text(text) + b" Tj ET\n"
    )


def _stamp_ops(
    cm: bytes, width: float, height: float, number: int | None, header: str, label: str, blank: bool,
    demo: str = "",
) -> bytes:
    ops = [b"q\n", cm]
    if demo:
        # Bottom left, on the page number's line: below the footers of Pathways' own documents and clear of the
        # number, so every page of a demonstration pack says what it is, imported papers and blank pages included.
        w = stringWidth(demo, "Helvetica-Bold", 7.5)
        x = 14 * 72 / 25.4
        ops.append(b"1 1 1 rg " + b" ".join(_fmt(v) for v in (x - 2, STAMP_BASELINE - 2.5, w + 4, 10.5))
                   + b" re f\n")
        ops.append(_text_at(STAMP_BOLD.encode(), 7.5, x, STAMP_BASELINE, demo, (0.64, 0.09, 0.1)))
    if blank:
        w = stringWidth(BLANK_TEXT, "Helvetica", 11)
        ops.append(_text_at(STAMP_FONT.encode(), 11, (width - w) / 2, height / 2, BLANK_TEXT, (0.33, 0.33, 0.33)))
    if number is not None:
        text = f"Page {number}"
        w = stringWidth(text, "Helvetica", STAMP_SIZE)
        x = (width - w) / 2
        # A white backing keeps the number legible over an imported page's own footer art.
        ops.append(b"1 1 1 rg " + b" ".join(_fmt(v) for v in (x - 3, STAMP_BASELINE - 3, w + 6, STAMP_SIZE + 4))
                   + b" re f\n")
        ops.append(_text_at(STAMP_FONT.encode(), STAMP_SIZE, x, STAMP_BASELINE, text, (0, 0, 0)))
    top = height - 5.5 * 72 / 25.4 - 6
    if header:
        w = stringWidth(header, "Helvetica-Bold", 9)
        x = (width - w) / 2
        ops.append(b"1 1 1 rg " + b" ".join(_fmt(v) for v in (x - 4, top - 3, w + 8, 13)) + b" re f\n")
        ops.append(_text_at(STAMP_BOLD.encode(), 9, x, top, header, (0.64, 0.09, 0.1)))
    if label:
        w = stringWidth(label, "Helvetica-Bold", 10)
        x = width - 14 * 72 / 25.4 - w
        ops.append(_text_at(STAMP_BOLD.encode(), 10, x, top, label, (0, 0, 0)))
    ops.append(b"Q\n")
    return b"".join(ops)


class _Stamper:
    def __init__(self, writer: PdfWriter) -> None:
        self.writer = writer
        self.fonts = {
            STAMP_FONT: self._font("Helvetica"),
            STAMP_BOLD: self._font("Helvetica-Bold"),
        }
        save = StreamObject()
        save.set_data(b"q\n")
        self.save_ref = writer._add_object(save)

    def _font(self, base: str) -> IndirectObject:
        font = DictionaryObject({
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject(f"/{base}"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        })
        return self.writer._add_object(font)

    def stamp(
        self, page: DictionaryObject, number: int | None, header: str, label: str, blank: bool, demo: str = ""
    ) -> None:
        if number is None and not header and not label and not blank and not demo:
            return
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else None
        if not isinstance(resources, DictionaryObject):
            resources = DictionaryObject()
            page[NameObject("/Resources")] = resources
        fonts = resources.get("/Font")
        fonts = fonts.get_object() if fonts is not None else None
        if not isinstance(fonts, DictionaryObject):
            fonts = DictionaryObject()
            resources[NameObject("/Font")] = fonts
        for name, ref in self.fonts.items():
            fonts[NameObject(name)] = ref

        box = [float(v) for v in page.get("/CropBox", page.get("/MediaBox", [0, 0, A4[0], A4[1]]))]
        cm, width, height = _visual_matrix(page, box)
        stream = StreamObject()
        stream.set_data(b"\nQ\n" + _stamp_ops(cm, width, height, number, header, label, blank, demo))
        stamp_ref = self.writer._add_object(stream)

        contents = page.get("/Contents")
        existing: list[IndirectObject] = []
        if contents is not None:
            resolved = contents.get_object()
            if isinstance(resolved, ArrayObject):
                existing = [c if isinstance(c, IndirectObject) else self.writer._add_object(c) for c in resolved]
            elif isinstance(contents, IndirectObject):
                existing = [contents]
            else:
                existing = [self.writer._add_object(resolved)]
        page[NameObject("/Contents")] = ArrayObject([self.save_ref, *existing, stamp_ref])


# ---- assembling


def assemble(
    front: bytes,
    sections: Sequence[Section],
    *,
    number_front: bool = True,
    blank_pages: bool = True,
    header: str = "",
    metadata: dict[str, str] | None = None,
    front_bookmark: str = "Agenda",
    demo_mark: str = "",
) -> Assembled:
    """Lay the front sheet and the sections end to end, stamp every page and add bookmarks; returns unsigned bytes."""
    writer = PdfWriter()
    stamper = _Stamper(writer)
    stamps: list[int | None] = []
    ranges: dict[str, PageRange] = {}
    outline: list[tuple[str, int, list[tuple[str, int]]]] = []

    def add_document(pdf: bytes, label: str, numbered: bool) -> int:
        """Append one document (and its blank page); returns the index of its first page."""
        start = len(writer.pages)
        reader = PdfReader(io.BytesIO(pdf))
        for source in reader.pages:
            page = writer.add_page(source)
            number = _next_number(numbered)
            stamper.stamp(page, number, header, label, blank=False, demo=demo_mark)
        if blank_pages and len(reader.pages) % 2:
            page = writer.add_blank_page(A4[0], A4[1])
            stamper.stamp(page, _next_number(numbered), header, "", blank=True, demo=demo_mark)
        return start

    def _next_number(numbered: bool) -> int | None:
        if not numbered:
            stamps.append(None)
            return None
        number = sum(1 for s in stamps if s is not None) + 1
        stamps.append(number)
        return number

    add_document(front, "", number_front)
    front_pages = len(writer.pages)
    for section in sections:
        if not section.documents:
            continue
        first_index = len(writer.pages)
        children: list[tuple[str, int]] = []
        for document in section.documents:
            children.append((document.bookmark, add_document(document.pdf, document.label, True)))
        numbers = [n for n in stamps[first_index:] if n is not None]
        ranges[section.key] = PageRange(numbers[0], numbers[-1])
        outline.append((section.bookmark, first_index, children))

    top = writer.add_outline_item(title=front_bookmark, page_number=0)
    del top
    for title, index, children in outline:
        parent = writer.add_outline_item(title=title, page_number=index, is_open=False)
        if len(children) > 1:
            for child_title, child_index in children:
                writer.add_outline_item(title=child_title, page_number=child_index, parent=parent)
    if number_front:
        writer.set_page_label(0, len(writer.pages) - 1, style=PageLabelStyle.DECIMAL, start=1)
    else:
        writer.set_page_label(0, front_pages - 1, style=PageLabelStyle.LOWERCASE_ROMAN, start=1)
        if len(writer.pages) > front_pages:
            writer.set_page_label(front_pages, len(writer.pages) - 1, style=PageLabelStyle.DECIMAL, start=1)
    writer.page_mode = "/UseOutlines"
    if metadata:
        writer.add_metadata({k if k.startswith("/") else f"/{k}": v for k, v in metadata.items()})
    writer._root_object[NameObject("/Lang")] = TextStringObject("en-GB")
    buffer = io.BytesIO()
    writer.write(buffer)
    return Assembled(buffer.getvalue(), len(writer.pages), front_pages, ranges, tuple(stamps))
