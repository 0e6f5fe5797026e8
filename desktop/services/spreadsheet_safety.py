"""Formula-injection neutralising for every spreadsheet Pathways writes (DESIGN §4).

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some spreadsheet
programs skip before reading a formula) can be run as a formula when the file is opened. Plan text comes from many
hands (lead officers' commentary, imported spreadsheets), so nothing written to a CSV or XLSX file is trusted:

* CSV has no cell types, so risky text gets a leading apostrophe (the OWASP recommendation); :func:`restore`
  removes exactly that apostrophe again when Pathways reads its own CSV back.
* XLSX cells are written as typed strings with Excel's "quote prefix" flag, so the text is shown unchanged but is
  never evaluated, not even after someone edits the cell and presses Enter.

Characters that XML 1.0 cannot carry (control characters) are dropped, because openpyxl refuses them outright.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Excel's own limit for one cell; longer text is cut with a marker rather than making an unreadable file.
MAX_CELL_CHARS = 32_767
_TRUNCATED = " […]"


def is_risky(text: str) -> bool:
    """True when a spreadsheet program could read ``text`` as a formula."""
    return text.startswith(FORMULA_PREFIXES)


def clean_text(text: str) -> str:
    """Text that any spreadsheet file can hold: no XML-illegal characters, within Excel's cell limit."""
    text = _ILLEGAL_XML.sub("", text)
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - len(_TRUNCATED)] + _TRUNCATED
    return text


def neutralise(text: str) -> str:
    """Text for a CSV cell: cleaned, with a leading apostrophe when it could be read as a formula."""
    text = clean_text(text)
    return "'" + text if is_risky(text) else text


def restore(text: str) -> str:
    """Undo :func:`neutralise` on text read back from a CSV (only the apostrophe Pathways itself added)."""
    if len(text) > 1 and text[0] == "'" and is_risky(text[1:]):
        return text[1:]
    return text


def set_cell(cell: Any, value: object) -> None:
    """Write ``value`` into an openpyxl cell so that text is always inert.

    Numbers, dates and booleans are written as themselves; everything else becomes a typed string cell, with the
    quote-prefix flag when it starts like a formula.
    """
    if value is None:
        cell.value = None
        return
    if isinstance(value, bool | int | float) or _is_date(value):
        cell.value = value
        return
    text = clean_text(str(value))
    cell.value = text
    # openpyxl infers a formula from a leading "="; force a plain string whatever the text looks like.
    cell.data_type = "s"
    if is_risky(text):
        cell.quotePrefix = True


def _is_date(value: object) -> bool:
    import datetime as dt

    return isinstance(value, dt.date | dt.datetime | dt.time)
