"""House style of Pathways documents: fonts, colours, paragraph styles, and the page furniture every page carries
(protective marking top and bottom, "Page x of y", snapshot hash, demonstration-data notice, compact RAG key).

Fonts are DejaVu Sans, shipped under resources/fonts and embedded as subsets: ReportLab's standard Helvetica has no
arrows (↑ ↓ →) and no Welsh ŵ/ŷ, and an unembedded font renders as boxes on machines without it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, PageTemplate
from reportlab.platypus.doctemplate import BaseDocTemplate

from desktop.resources import resource_path

# ---- fonts

SANS = "PathwaysSans"
SANS_BOLD = "PathwaysSans-Bold"
SANS_ITALIC = "PathwaysSans-Italic"
COND = "PathwaysSansCondensed"
COND_BOLD = "PathwaysSansCondensed-Bold"
MONO = "PathwaysMono"  # fingerprints and hashes; embedded like the rest (PDF/UA: every font embedded)

_FONT_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    SANS_ITALIC: "DejaVuSans-Oblique.ttf",
    COND: "DejaVuSansCondensed.ttf",
    COND_BOLD: "DejaVuSansCondensed-Bold.ttf",
    MONO: "DejaVuSansMono.ttf",
}


@functools.cache
def register_fonts() -> None:
    """Register the shipped fonts once per process (parsing them costs ~30 ms each)."""
    for name, file_name in _FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", file_name))))
    pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD, italic=SANS_ITALIC, boldItalic=SANS_BOLD)
    pdfmetrics.registerFontFamily(COND, normal=COND, bold=COND_BOLD, italic=COND, boldItalic=COND_BOLD)


# ---- colours (a restrained local-government palette: navy headings, grey rules, pale fills)

NAVY = colors.HexColor("#1f3a5f")
INK = colors.HexColor("#1b1f24")
MUTED = colors.HexColor("#55606b")
RULE = colors.HexColor("#b8c0c8")
FAINT = colors.HexColor("#eef1f4")
HEADER_FILL = colors.HexColor("#dde4ec")
DEMO_RED = colors.HexColor("#a4161a")
NOTICE_FILL = colors.HexColor("#fff6e0")
NOTICE_RULE = colors.HexColor("#c98a00")
SUPPRESSED_FILL = colors.HexColor("#e6e6e6")
WHITE = colors.white

DIRECTION_COLOURS = {
    "improved": colors.HexColor("#1e7a34"),
    "worse": colors.HexColor("#b3261e"),
    "same": colors.HexColor("#4a5560"),
    "new": colors.HexColor("#1f5fa8"),
    "none": colors.HexColor("#7a838c"),
}
DIRECTION_SYMBOLS = {"improved": "↑", "worse": "↓", "same": "→", "new": "•", "none": "–"}
DIRECTION_WORDS = {"improved": "Improved", "worse": "Worse", "same": "Same", "new": "New", "none": "No update"}
DIRECTION_MEANINGS = {
    "improved": "better status than at the previous closed quarter",
    "worse": "worse status than at the previous closed quarter",
    "same": "same status as at the previous closed quarter",
    "new": "no status at the previous closed quarter to compare with",
    "none": "no status recorded this quarter",
}

NO_UPDATE_LABEL = "No status"  # never had one: a missing update carries the last status forward
NO_UPDATE_LETTER = "–"
NO_UPDATE_COLOUR = colors.HexColor("#ffffff")
NO_UPDATE_TEXT = colors.HexColor("#4a5560")

# ---- page geometry

PORTRAIT = A4
LANDSCAPE = landscape(A4)
MARGIN_X = 18 * mm
MARGIN_TOP = 22 * mm  # room for the marking header
MARGIN_BOTTOM = 24 * mm  # room for the footer lines

PORTRAIT_TEMPLATE = "portrait"
LANDSCAPE_TEMPLATE = "landscape"
COVER_TEMPLATE = "cover"


def frame_width(pagesize: tuple[float, float]) -> float:
    return pagesize[0] - 2 * MARGIN_X


# ---- paragraph styles


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    body: ParagraphStyle
    body_small: ParagraphStyle
    bullet: ParagraphStyle
    caption: ParagraphStyle
    note: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_bullet: ParagraphStyle
    cell_small: ParagraphStyle
    cell_head: ParagraphStyle
    cell_centre: ParagraphStyle
    label: ParagraphStyle
    notice_title: ParagraphStyle


@functools.cache
def styles() -> Styles:
    register_fonts()
    body = ParagraphStyle("body", fontName=SANS, fontSize=9.5, leading=13.5, textColor=INK, spaceAfter=5)
    cell = ParagraphStyle("cell", fontName=COND, fontSize=7.8, leading=9.6, textColor=INK, spaceAfter=2.5)
    return Styles(
        title=ParagraphStyle(
            "title", parent=body, fontName=SANS_BOLD, fontSize=24, leading=29, textColor=NAVY, spaceAfter=8
        ),
        subtitle=ParagraphStyle(
            "subtitle", parent=body, fontName=SANS, fontSize=14, leading=18, textColor=INK, spaceAfter=4
        ),
        h1=ParagraphStyle(
            "h1",
            parent=body,
            fontName=SANS_BOLD,
            fontSize=16,
            leading=20,
            textColor=NAVY,
            spaceBefore=2,
            spaceAfter=8,
        ),
        h2=ParagraphStyle(
            "h2",
            parent=body,
            fontName=SANS_BOLD,
            fontSize=12.5,
            leading=16,
            textColor=NAVY,
            spaceBefore=10,
            spaceAfter=5,
        ),
        h3=ParagraphStyle(
            "h3",
            parent=body,
            fontName=SANS_BOLD,
            fontSize=10.5,
            leading=14,
            textColor=INK,
            spaceBefore=6,
            spaceAfter=3,
        ),
        body=body,
        body_small=ParagraphStyle("body_small", parent=body, fontSize=8.5, leading=11.5),
        bullet=ParagraphStyle("bullet", parent=body, leftIndent=14, bulletIndent=3, spaceAfter=3, bulletFontName=SANS),
        caption=ParagraphStyle(
            "caption", parent=body, fontName=SANS_BOLD, fontSize=9, leading=12, textColor=MUTED, spaceAfter=4
        ),
        note=ParagraphStyle(
            "note",
            parent=body,
            fontName=SANS_ITALIC,
            fontSize=8,
            leading=10.5,
            textColor=MUTED,
            spaceBefore=3,
            spaceAfter=8,
        ),
        cell=cell,
        cell_bold=ParagraphStyle("cell_bold", parent=cell, fontName=COND_BOLD),
        cell_bullet=ParagraphStyle(
            "cell_bullet", parent=cell, leftIndent=7, bulletIndent=0, bulletFontName=COND, bulletFontSize=7.8
        ),
        cell_small=ParagraphStyle("cell_small", parent=cell, fontSize=7, leading=8.6, textColor=MUTED),
        cell_head=ParagraphStyle("cell_head", parent=cell, fontName=COND_BOLD, textColor=INK, spaceAfter=0),
        cell_centre=ParagraphStyle("cell_centre", parent=cell, alignment=TA_CENTER, spaceAfter=0),
        label=ParagraphStyle("label", parent=body, fontName=SANS_BOLD, fontSize=9, leading=12, textColor=MUTED),
        notice_title=ParagraphStyle(
            "notice_title", parent=body, fontName=SANS_BOLD, fontSize=11, leading=14, alignment=TA_LEFT
        ),
    )


def esc(text: str) -> str:
    """User text as Paragraph markup: escaped, line breaks kept."""
    return escape(text.strip()).replace("\n", "<br/>")


def paragraphs_of(text: str) -> list[str]:
    """Split free text into paragraphs on blank lines (and single line breaks, as the sources use them)."""
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n") if p.strip()]


# ---- page furniture


@dataclass(frozen=True)
class KeyItem:
    letter: str
    label: str
    fill: colors.Color
    text: colors.Color


@dataclass(frozen=True)
class PageFurniture:
    """What every page shows, whatever its content."""

    marking: str
    short_title: str
    period_label: str
    snapshot_short: str
    is_demo: bool
    key_items: tuple[KeyItem, ...] = field(default_factory=tuple)  # compact RAG key on plan pages


PAGE_NUMBER_FORM = "pathwaysPage{}"
DEMO_NOTICE = "DEMONSTRATION DATA — not real performance information"


class NumberedCanvas(Canvas):  # type: ignore[misc]  # ReportLab ships no type hints
    """Writes "Page x of y" in one pass.

    Each page shows a small form named after its number; the forms are defined when the document ends and the
    total is known. The whole "Page x of y" lives in one form, so it extracts (and reads aloud) as one phrase.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pages_shown = 0

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self.pages_shown += 1
        super().showPage()

    def save(self) -> None:
        if len(self._code):
            self.showPage()
        total = self.pages_shown
        for number in range(1, total + 1):
            self.beginForm(PAGE_NUMBER_FORM.format(number), lowerx=-150, lowery=-4, upperx=0, uppery=12)
            self.setFont(SANS, 7.5)
            self.setFillColor(INK)
            self.drawRightString(0, 0, f"Page {number} of {total}")
            self.endForm()
        super().save()


def draw_page_number(canv: Canvas, x_right: float, y: float) -> None:
    """Place this page's "Page x of y" with its right edge at ``x_right``."""
    canv.saveState()
    canv.translate(x_right, y)
    canv.doForm(PAGE_NUMBER_FORM.format(canv.getPageNumber()))
    canv.restoreState()


def _draw_header(canv: Canvas, doc: BaseDocTemplate, f: PageFurniture) -> None:
    width, height = canv._pagesize
    top = height - 11 * mm
    canv.saveState()
    canv.setFillColor(INK)
    canv.setFont(SANS_BOLD, 9.5)
    canv.drawCentredString(width / 2, top, f.marking)
    canv.setFont(SANS, 7.5)
    canv.setFillColor(MUTED)
    canv.drawString(MARGIN_X, top, _fit(f.short_title, SANS, 7.5, width / 2 - MARGIN_X - 60))
    right = f.period_label
    canv.drawRightString(width - MARGIN_X, top, right)
    if f.is_demo:
        canv.setFillColor(DEMO_RED)
        canv.setFont(SANS_BOLD, 7)
        canv.drawRightString(width - MARGIN_X, top - 9, "DEMONSTRATION DATA")
    canv.setStrokeColor(RULE)
    canv.setLineWidth(0.6)
    canv.line(MARGIN_X, top - 13, width - MARGIN_X, top - 13)
    canv.restoreState()


def _draw_footer(canv: Canvas, doc: BaseDocTemplate, f: PageFurniture) -> None:
    width, _ = canv._pagesize
    base = 12 * mm
    canv.saveState()
    canv.setStrokeColor(RULE)
    canv.setLineWidth(0.6)
    line_y = base + (22 if f.is_demo else 12)
    if f.key_items:
        _draw_compact_key(canv, MARGIN_X, line_y + 6, f.key_items)
    canv.line(MARGIN_X, line_y, width - MARGIN_X, line_y)
    canv.setFont(SANS, 7.5)
    canv.setFillColor(MUTED)
    canv.drawString(MARGIN_X, base, f"Snapshot {f.snapshot_short}")
    canv.setFillColor(INK)
    canv.setFont(SANS_BOLD, 9.5)
    canv.drawCentredString(width / 2, base, f.marking)
    draw_page_number(canv, width - MARGIN_X, base)
    if f.is_demo:
        canv.setFillColor(DEMO_RED)
        canv.setFont(SANS_BOLD, 8)
        canv.drawCentredString(width / 2, base + 11, DEMO_NOTICE)
    canv.restoreState()


def _draw_compact_key(canv: Canvas, x: float, y: float, items: Sequence[KeyItem]) -> None:
    """One line: coloured letter chips for the RAG statuses, then the direction-of-travel symbols."""
    canv.saveState()
    canv.setFont(SANS_BOLD, 7)
    canv.setFillColor(MUTED)
    canv.drawString(x, y, "Key:")
    x += pdfmetrics.stringWidth("Key:", SANS_BOLD, 7) + 5
    for item in items:
        chip_w = max(11.0, pdfmetrics.stringWidth(item.letter, SANS_BOLD, 6.5) + 5)
        canv.setFillColor(item.fill)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.4)
        canv.rect(x, y - 2, chip_w, 9, fill=1, stroke=1)
        canv.setFillColor(item.text)
        canv.setFont(SANS_BOLD, 6.5)
        canv.drawCentredString(x + chip_w / 2, y, item.letter)
        x += chip_w + 2.5
        canv.setFillColor(INK)
        canv.setFont(SANS, 7)
        canv.drawString(x, y, item.label)
        x += pdfmetrics.stringWidth(item.label, SANS, 7) + 9
    x += 6
    canv.setFont(SANS_BOLD, 7)
    canv.setFillColor(MUTED)
    canv.drawString(x, y, "Direction of travel:")
    x += pdfmetrics.stringWidth("Direction of travel:", SANS_BOLD, 7) + 5
    for key in ("improved", "worse", "same", "new"):
        text = f"{DIRECTION_SYMBOLS[key]} {DIRECTION_WORDS[key].lower()}"
        canv.setFillColor(DIRECTION_COLOURS[key])
        canv.setFont(SANS_BOLD, 7)
        canv.drawString(x, y, text)
        x += pdfmetrics.stringWidth(text, SANS_BOLD, 7) + 9
    canv.restoreState()


def _fit(text: str, font: str, size: float, width: float) -> str:
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def page_templates(
    furniture: PageFurniture,
    cover_extra: Callable[[Canvas, BaseDocTemplate], None] | None = None,
    cover_bottom: float = MARGIN_BOTTOM,
) -> list[PageTemplate]:
    """Cover (portrait), portrait and landscape templates, all with the marking header and footer.

    The header is drawn when a page begins and the footer when it ends, so the extracted reading order is
    header, content, footer.
    """
    plan_furniture = furniture
    text_furniture = PageFurniture(
        furniture.marking, furniture.short_title, furniture.period_label, furniture.snapshot_short, furniture.is_demo
    )

    def on_page(f: PageFurniture) -> Callable[[Canvas, BaseDocTemplate], None]:
        return lambda canv, doc: _draw_header(canv, doc, f)

    def on_page_end(
        f: PageFurniture, extra: Callable[[Canvas, BaseDocTemplate], None] | None = None
    ) -> Callable[[Canvas, BaseDocTemplate], None]:
        def draw(canv: Canvas, doc: BaseDocTemplate) -> None:
            if extra is not None:
                extra(canv, doc)
            _draw_footer(canv, doc, f)

        return draw

    def frame(pagesize: tuple[float, float], name: str, bottom_extra: float, bottom: float = MARGIN_BOTTOM) -> Frame:
        width, height = pagesize
        bottom = bottom + bottom_extra + (3 * mm if furniture.is_demo else 0)
        return Frame(
            MARGIN_X,
            bottom,
            width - 2 * MARGIN_X,
            height - MARGIN_TOP - bottom,
            id=name,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )

    return [
        PageTemplate(
            COVER_TEMPLATE,
            [frame(PORTRAIT, "cover", 0, cover_bottom)],
            onPage=on_page(text_furniture),
            onPageEnd=on_page_end(text_furniture, cover_extra),
            pagesize=PORTRAIT,
        ),
        PageTemplate(
            PORTRAIT_TEMPLATE,
            [frame(PORTRAIT, "portrait", 0)],
            onPage=on_page(text_furniture),
            onPageEnd=on_page_end(text_furniture),
            pagesize=PORTRAIT,
        ),
        PageTemplate(
            LANDSCAPE_TEMPLATE,
            [frame(LANDSCAPE, "landscape", 4 * mm)],
            onPage=on_page(plan_furniture),
            onPageEnd=on_page_end(plan_furniture),
            pagesize=LANDSCAPE,
        ),
    ]
