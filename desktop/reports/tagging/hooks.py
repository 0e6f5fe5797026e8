"""Which structure element each flowable draws, decided where ReportLab draws it.

ReportLab draws every flowable, in frames and inside table cells alike, through ``Flowable._drawOn``. One hook
there (inert unless the canvas is a TaggingCanvas) tags what the document builders already make, so builders
need no tagging code beyond a canvas and alternative text for charts:

- Paragraphs in heading styles are H1–H3 (levels never skip), bulleted paragraphs are list items (consecutive
  items share one L), other paragraphs are P (inside a table cell, the cell owns the text directly).
- A table with a header row (its repeated rows, or the house header fill on row 0) is Table/TR/TH/TD with
  /Scope Column on the header cells; a table carried to the next page continues the same Table element and its
  repeated header rows are artifacts there. Other tables are layout: their cells' content is tagged in order.
- A drawing or image with alternative text (``describe``) is a Figure with /Alt; one without is decoration.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from reportlab.graphics.shapes import Drawing
from reportlab.pdfbase._fontdata import standardFonts
from reportlab.platypus import Flowable, Image, Paragraph, Table
from reportlab.platypus.flowables import HRFlowable, Spacer

from desktop.reports.styles import SANS, SANS_BOLD
from desktop.reports.tagging.canvas import TaggingCanvas
from desktop.reports.tagging.tree import Element, StructTree

F = TypeVar("F", bound=Flowable)
ALT_ATTRIBUTE = "pw_alt_text"
ROLE_ATTRIBUTE = "pw_role"
HEADER_ROWS_ATTRIBUTE = "pw_header_rows"
HEADER_COLUMNS_ATTRIBUTE = "pw_header_columns"

# Paragraph style names (or their parents') that are headings, and their level.
HEADING_STYLES = {
    "title": 1, "h1": 1, "h2": 2, "h3": 3,
    "c_committee": 1, "c_h1": 2, "c_h2": 3, "cr_title": 1, "cr_heading": 2,
}
HEADER_FILL_HEX = "0xdde4ec"  # styles.HEADER_FILL: the house marks a data table's header row with it
_CELL_ROLES = ("TD", "TH", "LBody", "Figure")
_STANDARD_FONTS = frozenset(standardFonts)


def describe(flowable: F, alt: str) -> F:
    """Give a chart its alternative text: a sentence with the numbers it shows."""
    flowable.__dict__[ALT_ATTRIBUTE] = " ".join(alt.split())  # past Drawing's attribute checking
    return flowable


def set_role(flowable: F, role: str) -> F:
    """Override the role the hook would infer ("Artifact" for decoration, "P", "H2" …)."""
    flowable.__dict__[ROLE_ATTRIBUTE] = role
    return flowable


def table_headers(table: Table, rows: int = 1, columns: int = 0) -> Table:
    """Declare a table's header rows and columns (otherwise inferred from the house style)."""
    setattr(table, HEADER_ROWS_ATTRIBUTE, rows)
    setattr(table, HEADER_COLUMNS_ATTRIBUTE, columns)
    return table


# ---- the hook


_original_draw_on: Callable[[Flowable, Any], None] | None = None


def install() -> None:
    global _original_draw_on
    if _original_draw_on is not None:
        return
    original = _original_draw_on = Flowable._drawOn

    def _draw_on(self: Flowable, canv: Any) -> None:
        if isinstance(canv, TaggingCanvas) and canv.pw_tree is not None:
            _Tagger.of(canv).draw(self, lambda: original(self, canv))
        else:
            original(self, canv)

    Flowable._drawOn = _draw_on


def _style_level(style: Any) -> int:
    while style is not None:
        level = HEADING_STYLES.get(getattr(style, "name", ""))
        if level:
            return level
        style = getattr(style, "parent", None)
    return 0


def role_of(flowable: Flowable) -> str:
    explicit = getattr(flowable, ROLE_ATTRIBUTE, "")
    if explicit:
        return str(explicit)
    if isinstance(flowable, Paragraph):
        level = _style_level(flowable.style)
        if level:
            return f"H{level}"
        if getattr(flowable, "bulletText", None) or getattr(flowable.style, "bulletText", None):
            return "LI"
        return "P"
    if isinstance(flowable, Table):
        return "Table"
    if isinstance(flowable, (Drawing, Image)):  # a picture without a description is decoration
        return "Figure" if getattr(flowable, ALT_ATTRIBUTE, "") else "Artifact"
    if isinstance(flowable, (Spacer, HRFlowable)):
        return "Artifact"
    return "P"


def header_rows(table: Table) -> int:
    declared = getattr(table, HEADER_ROWS_ATTRIBUTE, None)
    if declared is not None:
        return int(declared)
    repeat = table.repeatRows if isinstance(table.repeatRows, int) else 0
    filled = 0
    for command in getattr(table, "_bkgrndcmds", []):
        name, start, stop, colour = command[0], command[1], command[2], command[3]
        if name == "BACKGROUND" and start == (0, 0) and stop[1] == 0 and stop[0] in (-1, table._ncols - 1):
            if getattr(colour, "hexval", lambda: "")() == HEADER_FILL_HEX:
                filled = 1
    return max(repeat, filled)


class _Tagger:
    """Per canvas: the heading level last used, lists in progress, tables carried over pages."""

    def __init__(self, canv: TaggingCanvas) -> None:
        self.canv = canv
        self.tree: StructTree = canv.pw_tree  # type: ignore[assignment]
        self.last_heading = 0
        self.artifact_depth = 0
        self.tables: dict[int, tuple[Any, Element]] = {}  # id(first header cell) → (cell, Table element)

    @classmethod
    def of(cls, canv: TaggingCanvas) -> _Tagger:
        tagger = getattr(canv, "_pw_tagger", None)
        if tagger is None:
            tagger = cls(canv)
            canv._pw_tagger = tagger
        return tagger

    def draw(self, flowable: Flowable, draw: Callable[[], None]) -> None:
        role = role_of(flowable)
        if isinstance(flowable, Drawing) and "initialFontName" not in flowable.__dict__:
            flowable.__dict__["initialFontName"] = SANS  # the renderer otherwise starts in unembedded Helvetica
        if self.artifact_depth or self.canv.pw_marking or role == "Artifact":
            draw()
            return
        if role == "Table":
            self._table(flowable, draw)
        elif role.startswith("H") and role[1:].isdigit():
            level = min(int(role[1:]), self.last_heading + 1, 6)
            self.last_heading = level
            self._element(f"H{level}", draw)
        elif role == "LI":
            self._list_item(draw)
        elif role == "Figure":
            self._element("Figure", draw, alt=getattr(flowable, ALT_ATTRIBUTE, ""))
        elif role == "P" and self.tree.current.role in _CELL_ROLES:
            self._marked(draw, role)
        else:
            self._element(role, draw)

    def _marked(self, draw: Callable[[], None], tag: str) -> None:
        self.canv.pw_begin(tag)
        try:
            draw()
        finally:
            self.canv.pw_end()

    def _element(self, role: str, draw: Callable[[], None], alt: str = "") -> None:
        element = self.tree.open(role, alt=alt)
        try:
            self._marked(draw, role)
        finally:
            self.tree.close(element)

    def _list_item(self, draw: Callable[[], None]) -> None:
        parent = self.tree.current
        last = parent.kids[-1] if parent.kids else None
        if isinstance(last, Element) and last.role == "L":
            self.tree.enter(last)
            lst = last
        else:
            lst = self.tree.open("L")
        try:
            item = self.tree.open("LI")
            body = self.tree.open("LBody")
            self._marked(draw, "LBody")
            self.tree.close(body)
            self.tree.close(item)
        finally:
            self.tree.close(lst)

    # ---- tables

    def _table(self, table: Table, draw: Callable[[], None]) -> None:
        _embedded_cell_fonts(table)
        rows = header_rows(table)
        callback: _TableCells = _LayoutCells(self) if rows == 0 else _DataCells(self, table, rows)
        saved = table._renderCB
        table._renderCB = callback
        try:
            draw()
        finally:
            table._renderCB = saved
            callback.finish()


def _embedded_cell_fonts(table: Table) -> None:
    """ReportLab sets each cell's font (unembedded Helvetica unless styled) even when the cell holds paragraphs;
    PDF/UA wants every font in the file embedded, so text typed straight into a cell uses the house font."""
    for row in table._cellStyles:
        for style in row:
            if style.fontname in _STANDARD_FONTS:
                style.fontname = SANS_BOLD if "Bold" in style.fontname else SANS


class _TableCells:
    """ReportLab's table render callback (Table(renderCB=…)): told of every row and cell as it is drawn."""

    def __init__(self, tagger: _Tagger) -> None:
        self.tagger = tagger
        self.tree = tagger.tree

    def __call__(self, table: Table, command: str, *args: Any) -> None:
        method = getattr(self, command, None)
        if method is not None:
            method(table, *args)

    def finish(self) -> None:
        pass


class _LayoutCells(_TableCells):
    """A table used for layout: no table structure, but text drawn straight into a cell is still a paragraph."""

    def __init__(self, tagger: _Tagger) -> None:
        super().__init__(tagger)
        self.element: Element | None = None

    def startCell(self, table: Table, row: int, col: int, value: Any, *rest: Any) -> None:  # noqa: N802
        if isinstance(value, str) and value.strip():
            self.element = self.tree.open("P")
            self.tagger.canv.pw_begin("P")

    def endCell(self, table: Table) -> None:  # noqa: N802
        if self.element is not None:
            self.tagger.canv.pw_end()
            self.tree.close(self.element)
            self.element = None


class _DataCells(_TableCells):
    def __init__(self, tagger: _Tagger, table: Table, header_rows: int) -> None:
        super().__init__(tagger)
        self.header_rows = header_rows
        self.header_columns = int(getattr(table, HEADER_COLUMNS_ATTRIBUTE, 0) or 0)
        self.row: Element | None = None
        self.cell: Element | None = None
        self.cell_marked = False
        self.repeated = 0
        first = table._cellvalues[0][0] if table._cellvalues and table._cellvalues[0] else None
        known = tagger.tables.get(id(first)) if first is not None else None
        if known is not None and known[0] is first and isinstance(table.repeatRows, int) and table.repeatRows:
            self.table = known[1]  # the rest of a table begun on an earlier page
            self.repeated = table.repeatRows
            self.tree.enter(self.table)
        else:
            self.table = self.tree.open("Table")
            if first is not None:
                tagger.tables[id(first)] = (first, self.table)

    def startRow(self, table: Table, row: int) -> None:  # noqa: N802
        if row < self.repeated:
            self.tagger.artifact_depth += 1  # a header repeated on a new page: shown again, read once
            return
        self.row = self.tree.open("TR")

    def endRow(self, table: Table) -> None:  # noqa: N802
        if self.row is None:
            self.tagger.artifact_depth -= 1
            return
        self.tree.close(self.row)
        self.row = None

    def startCell(self, table: Table, row: int, col: int, value: Any, *rest: Any) -> None:  # noqa: N802
        if self.row is None:
            return
        attributes: dict[str, str | int] = {}
        header = row < self.header_rows or col < self.header_columns
        if header:
            attributes = {"O": "Table", "Scope": "Column" if row < self.header_rows else "Row"}
        span = getattr(table, "_spanRanges", {}).get((col, row))
        if span:
            sc, sr, ec, er = span
            if ec > sc or er > sr:
                attributes.setdefault("O", "Table")
                if ec > sc:
                    attributes["ColSpan"] = ec - sc + 1
                if er > sr:
                    attributes["RowSpan"] = er - sr + 1
        self.cell = self.tree.open("TH" if header else "TD", attributes=attributes, keep_empty=True)
        if isinstance(value, str) and value.strip():
            self.cell_marked = self.tagger.canv.pw_begin(self.cell.role)

    def endCell(self, table: Table) -> None:  # noqa: N802
        if self.cell is None:
            return
        if self.cell_marked:
            self.tagger.canv.pw_end()
            self.cell_marked = False
        self.tree.close(self.cell)
        self.cell = None

    def finish(self) -> None:
        self.tree.close(self.table)
