"""Small building blocks shared by the document builders: outlined headings, RAG chips, direction of travel, dates."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from desktop.reports.styles import (
    COND_BOLD,
    DIRECTION_COLOURS,
    DIRECTION_SYMBOLS,
    DIRECTION_WORDS,
    NO_UPDATE_COLOUR,
    NO_UPDATE_LABEL,
    NO_UPDATE_LETTER,
    NO_UPDATE_TEXT,
    KeyItem,
    esc,
    styles,
)
from desktop.services.rag import RagScheme, RagStatus


class OutlinedHeading(Paragraph):  # type: ignore[misc]  # ReportLab ships no type hints
    """A heading that adds itself to the PDF outline (bookmarks) where it lands.

    Headings never split: a heading that does not fit moves to the next page, and takes its bookmark with it.
    """

    def __init__(self, text: str, style: ParagraphStyle, title: str, key: str, level: int) -> None:
        super().__init__(text, style)
        self.outline_title = title
        self.outline_key = key
        self.outline_level = level

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803 - ReportLab's names
        return []

    def draw(self) -> None:
        self.canv.bookmarkHorizontal(self.outline_key, 0, self.height + 4)
        self.canv.addOutlineEntry(self.outline_title, self.outline_key, level=self.outline_level, closed=False)
        super().draw()


class OutlineMark(Flowable):  # type: ignore[misc]
    """An outline entry with no visible text (for the cover, whose title is drawn in display type)."""

    def __init__(self, title: str, key: str, level: int = 0, *, show_outline: bool = False) -> None:
        super().__init__()
        self.outline_title = title
        self.outline_key = key
        self.outline_level = level
        self.show_outline = show_outline  # open the viewer with the bookmarks panel showing

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkHorizontal(self.outline_key, 0, 0)
        self.canv.addOutlineEntry(self.outline_title, self.outline_key, level=self.outline_level, closed=False)
        if self.show_outline:
            self.canv.showOutline()


@dataclass(frozen=True)
class Chip:
    """How one RAG status (or "no update") is drawn: letter, label, colours."""

    key: str
    letter: str
    label: str
    fill: colors.Color
    text: colors.Color

    def markup(self, size: float = 7.5) -> str:
        """Inline coloured chip with the letter, for use inside a Paragraph."""
        return (
            f'<font name="{COND_BOLD}" size="{size}" color="{self.text.hexval().replace("0x", "#")}" '
            f'backColor="{self.fill.hexval().replace("0x", "#")}">&nbsp;{esc(self.letter)}&nbsp;</font>'
        )


class RagPalette:
    """The chips of one scheme, plus "no update" and a fallback for keys the scheme does not know."""

    def __init__(self, scheme: RagScheme) -> None:
        self.scheme = scheme
        self.chips: dict[str, Chip] = {s.key: _chip(s) for s in scheme.statuses}
        self.no_update = Chip("none", NO_UPDATE_LETTER, NO_UPDATE_LABEL, NO_UPDATE_COLOUR, NO_UPDATE_TEXT)

    def chip(self, key: str | None) -> Chip:
        if key is None or key == "none":
            return self.no_update
        found = self.chips.get(key)
        if found is not None:
            return found
        return Chip(key, "?", key, colors.HexColor("#d0d4d8"), colors.black)

    def ordered(self) -> list[Chip]:
        """Worst first, as boards read them, then "no update"."""
        by_severity = sorted(self.scheme.statuses, key=lambda s: -s.severity)
        return [self.chips[s.key] for s in by_severity] + [self.no_update]

    def key_items(self) -> tuple[KeyItem, ...]:
        return tuple(KeyItem(c.letter, c.label, c.fill, c.text) for c in self.ordered())

    def cell_styles(self, key: str | None) -> tuple[ParagraphStyle, ParagraphStyle]:
        chip = self.chip(key)
        return _rag_cell_styles(chip.text.hexval())


def _chip(status: RagStatus) -> Chip:
    return Chip(
        status.key, status.letter, status.label, colors.HexColor(status.colour), colors.HexColor(status.text_colour)
    )


@functools.cache
def _rag_cell_styles(text_hex: str) -> tuple[ParagraphStyle, ParagraphStyle]:
    s = styles()
    colour = colors.HexColor(int(text_hex, 16))
    letter = ParagraphStyle(
        f"rag_letter_{text_hex}",
        parent=s.cell,
        fontName=COND_BOLD,
        fontSize=11,
        leading=13,
        alignment=TA_CENTER,
        textColor=colour,
        spaceAfter=0,
    )
    label = ParagraphStyle(
        f"rag_label_{text_hex}",
        parent=s.cell,
        fontSize=6.5,
        leading=7.8,
        alignment=TA_CENTER,
        textColor=colour,
        spaceAfter=0,
    )
    return letter, label


def rag_cell(palette: RagPalette, key: str | None) -> list[Any]:
    """Content of a coloured RAG table cell: the letter large, the label small (the cell gets the background)."""
    letter_style, label_style = palette.cell_styles(key)
    chip = palette.chip(key)
    return [Paragraph(esc(chip.letter), letter_style), Paragraph(esc(chip.label), label_style)]


def direction_markup(direction: str, size: float = 7.8) -> str:
    key = direction if direction in DIRECTION_SYMBOLS else "none"
    colour = DIRECTION_COLOURS[key].hexval().replace("0x", "#")
    return (
        f'<font name="{COND_BOLD}" size="{size + 2}" color="{colour}">{DIRECTION_SYMBOLS[key]}</font> '
        f'<font color="{colour}">{DIRECTION_WORDS[key]}</font>'
    )


# ---- dates and words


def long_date(value: str | dt.date | None) -> str:
    """ "1 October 2015" from an ISO date or datetime; the input unchanged if it is not one."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        d = value
    else:
        try:
            d = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{d.day} {d:%B %Y}"


def short_date(value: str | None) -> str:
    if not value:
        return ""
    try:
        d = dt.date.fromisoformat(value[:10])
    except ValueError:
        return value
    return f"{d.day} {d:%b %Y}"


def status_word(status: str) -> str:
    return status.replace("_", " ").capitalize() if status else ""


def quarters_phrase(n: int) -> str:
    return "1 quarter" if n == 1 else f"{n} quarters"


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
