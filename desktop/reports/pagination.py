"""One pagination across a whole pack: documents laid end to end, "Page N" stamped on every page, blank pages for
double-sided printing, bookmarks and page labels.

Stamping appends a small content stream to each page (the page's own content is wrapped in q … Q first) that paints
the page's stamp form (desktop.reports.stamps) as an artifact, instead of merging an overlay page: merging re-parses
every content stream, which costs far more on a 120-page pack and can change how an imported page renders. The
documents' structure trees are joined into one (desktop.reports.tagging.merge), so the pack stays a tagged PDF.
Nothing here signs: signing must come after the last change to the file.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from pypdf import PdfReader, PdfWriter
from pypdf.constants import PageLabelStyle
from pypdf.generic import DictionaryObject, NameObject, TextStringObject
from reportlab.lib.pagesizes import A4

from desktop.reports.stamps import BLANK_TEXT, Stamp, apply_stamps
from desktop.reports.tagging.merge import PackStructure

__all__ = ["BLANK_TEXT", "Assembled", "Document", "PageRange", "Section", "assemble", "padded", "page_count",
           "plan_ranges"]


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
    untagged: tuple[str, ...] = ()  # documents with no structure tree (imported papers never tagged)


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
    structure = PackStructure(writer)
    placed: list[tuple[DictionaryObject, bytes, Stamp]] = []
    stamps: list[int | None] = []
    ranges: dict[str, PageRange] = {}
    outline: list[tuple[str, int, list[tuple[str, int]]]] = []

    def stamp(page: DictionaryObject, number: int | None, label: str, blank: bool) -> None:
        box = [float(v) for v in page.get("/CropBox", page.get("/MediaBox", [0, 0, A4[0], A4[1]]))]
        cm, width, height = _visual_matrix(page, box)
        placed.append((page, cm, Stamp(width, height, number, header, label, blank, demo_mark)))

    def add_document(pdf: bytes, title: str, label: str, numbered: bool) -> int:
        """Append one document (and its blank page); returns the index of its first page."""
        start = len(writer.pages)
        reader = PdfReader(io.BytesIO(pdf))
        added = []
        for source in reader.pages:
            page = writer.add_page(source)
            added.append(page)
            stamp(page, _next_number(numbered), label, blank=False)
        structure.add(reader, added, title)
        if blank_pages and len(reader.pages) % 2:
            page = writer.add_blank_page(A4[0], A4[1])
            stamp(page, _next_number(numbered), "", blank=True)
        return start

    def _next_number(numbered: bool) -> int | None:
        if not numbered:
            stamps.append(None)
            return None
        number = sum(1 for s in stamps if s is not None) + 1
        stamps.append(number)
        return number

    add_document(front, front_bookmark, "", number_front)
    front_pages = len(writer.pages)
    for section in sections:
        if not section.documents:
            continue
        first_index = len(writer.pages)
        children: list[tuple[str, int]] = []
        for document in section.documents:
            children.append((document.bookmark, add_document(document.pdf, document.bookmark, document.label, True)))
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
    apply_stamps(writer, placed)
    meta = metadata or {}
    structure.finish(title=meta.get("/Title", front_bookmark), author=meta.get("/Author", ""),
                     subject=meta.get("/Subject", ""))
    buffer = io.BytesIO()
    writer.write(buffer)
    return Assembled(buffer.getvalue(), len(writer.pages), front_pages, ranges, tuple(stamps),
                     tuple(structure.untagged))
