"""Spreadsheet files → plain cell text: XLSX through openpyxl, CSV through pandas.

Merged cells are filled from their top-left cell down the merged rows (a priority merged over four action rows
belongs to all four), and the filled positions are remembered so that the hierarchy can tell "same cell as above"
from "same words again". Solid cell fills are kept as RGB colours (theme colours and tints resolved) for trackers
that give RAG only as a cell's colour. Formulas are read as their text, never evaluated. Nothing is written
anywhere: the file is read into memory and the rows stay there.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from desktop.services.errors import ValidationError
from desktop.services.importing.colours import fill_rgb, theme_colours
from desktop.services.spreadsheet_safety import restore

MAX_ROWS = 20_000
MAX_COLUMNS = 100
MAX_BYTES = 50 * 1024 * 1024

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# PDF, PNG, JPEG, GIF, RTF, gzip, 7-Zip: files people pick by mistake.
_OTHER_FORMATS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"{\\rtf", b"\x1f\x8b", b"7z\xbc\xaf")
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?\"")


class ImportRejected(ValidationError):
    """The file cannot be imported at all; nothing was written."""


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: tuple[tuple[str, ...], ...]
    # (row, column) positions, 0-based, filled from a merged cell above them.
    continued: frozenset[tuple[int, int]] = frozenset()
    # Top-left cells of merges spanning several columns (a section heading across the table).
    spans: frozenset[tuple[int, int]] = frozenset()
    # (row, column) → the cell's solid fill as "rrggbb" (theme colours and tints resolved); XLSX only.
    fills: Mapping[tuple[int, int], str] = field(default_factory=dict)

    def cell(self, row: int, column: int) -> str:
        values = self.rows[row]
        return values[column] if column < len(values) else ""


@dataclass(frozen=True)
class Source:
    name: str
    kind: Literal["xlsx", "csv"]
    sheets: tuple[Sheet, ...]

    @property
    def row_count(self) -> int:
        return sum(len(s.rows) for s in self.sheets)


def column_letter(index: int) -> str:
    """0 → "A", 27 → "AB"."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _column_index(letters: str) -> int:
    value = 0
    for ch in letters:
        value = value * 26 + (ord(ch) - 64)
    return value - 1


def cell_text(value: Any) -> str:
    """A cell's value as the text a person would read in it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value).strip()


# ---------------------------------------------------------------------------------------------- entry points


def read_source(path: Path) -> Source:
    """Read ``path`` (XLSX or CSV, told apart by content, not by name)."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ImportRejected(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; Pathways imports plans "
                                 "up to that size.")
        data = path.read_bytes()
    except OSError as exc:
        raise ImportRejected(f"The file could not be read ({exc.strerror or 'unknown reason'}).") from None
    return read_bytes(data, path.name)


def read_bytes(data: bytes, name: str) -> Source:
    if len(data) > MAX_BYTES:
        raise ImportRejected(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; Pathways imports plans "
                             "up to that size.")
    if not data.strip():
        raise ImportRejected("The file is empty.")
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_MARK in data:
            raise ImportRejected("The workbook is password-protected; open it in Excel, remove the password and "
                                 "import it again.")
        raise ImportRejected("This is an old Excel 97-2003 (.xls) file; save it as an .xlsx workbook and import it "
                             "again.")
    if data.startswith(_OTHER_FORMATS) or data[:512].lstrip().lower().startswith((b"<!doctype", b"<html")):
        raise ImportRejected("The file is not a spreadsheet Pathways can read; save it as an Excel workbook "
                             "(.xlsx) or a CSV file and import it again.")
    if data.startswith(b"PK\x03\x04"):
        source = _read_xlsx(data, name)
    else:
        source = _read_csv(data, name)
    if not any(any(cell for cell in row) for sheet in source.sheets for row in sheet.rows):
        raise ImportRejected("The file is empty.")
    return source


# ---------------------------------------------------------------------------------------------- XLSX


def _read_xlsx(data: bytes, name: str) -> Source:
    import openpyxl

    not_excel = ImportRejected("The file is not a spreadsheet Pathways can read; save it as an Excel workbook "
                               "(.xlsx) or a CSV file and import it again.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
                raise ImportRejected("OpenDocument spreadsheets cannot be imported; save it as an Excel workbook "
                                     "(.xlsx) and import it again.")
            if "xl/workbook.xml" not in names:
                raise not_excel
            if "EncryptedPackage" in names or "EncryptionInfo" in names:
                raise ImportRejected("The workbook is password-protected; open it in Excel, remove the password "
                                     "and import it again.")
    except ImportRejected:
        raise
    except Exception:  # noqa: BLE001 — a damaged archive fails in many ways (bad zip, bad deflate data…)
        raise not_excel from None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except ImportRejected:
        raise
    except Exception:  # noqa: BLE001 — openpyxl raises many kinds of error for a damaged workbook
        raise not_excel from None
    sheets: list[Sheet] = []
    total = 0
    theme = theme_colours(getattr(workbook, "loaded_theme", None))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for ws in workbook.worksheets:
                if getattr(ws, "sheet_state", "visible") != "visible":
                    continue
                fills: dict[tuple[int, int], str] = {}
                rows = _limited_rows(_values_and_fills(ws.iter_rows(), fills, theme), total)
                total += len(rows)
                merges = _merges(archive, getattr(ws, "_worksheet_path", ""))
                sheets.append(_with_merges(str(ws.title), rows, merges, fills))
    except ImportRejected:
        raise
    except Exception:  # noqa: BLE001
        raise not_excel from None
    finally:
        workbook.close()
    return Source(name, "xlsx", tuple(sheets))


def _values_and_fills(rows: Iterable[Sequence[Any]], fills: dict[tuple[int, int], str],
                      theme: list[str]) -> Iterator[tuple[Any, ...]]:
    """Each row's values, noting solid fills in ``fills`` on the way (one pass over the cells)."""
    for r, cells in enumerate(rows):
        for c, cell in enumerate(cells[:MAX_COLUMNS]):
            style = getattr(cell, "style_array", None)
            if style is None or style.fillId < 2:
                continue  # fills 0 and 1 are every workbook's reserved "none" and "gray125"
            fill = getattr(cell, "fill", None)
            if fill is not None and getattr(fill, "fill_type", None) == "solid":
                rgb = fill_rgb(fill, theme)
                if rgb:
                    fills[(r, c)] = rgb
        yield tuple(getattr(cell, "value", None) for cell in cells)


def _limited_rows(values: Iterable[Sequence[Any]], already: int) -> list[list[str]]:
    rows: list[list[str]] = []
    blanks = 0
    for raw in values:
        if len(raw) > MAX_COLUMNS and any(v not in (None, "") for v in raw[MAX_COLUMNS:]):
            raise ImportRejected(f"The file has more than {MAX_COLUMNS} columns; an action plan needs far fewer.")
        row = [cell_text(v) for v in raw[:MAX_COLUMNS]]
        while row and not row[-1]:
            row.pop()
        if not row:
            blanks += 1
            if blanks > MAX_ROWS:
                break  # a formatted but empty tail
            continue
        rows.extend([] for _ in range(blanks))
        blanks = 0
        rows.append(row)
        if already + len(rows) > MAX_ROWS:
            raise ImportRejected(f"The file has more than {MAX_ROWS:,} rows; Pathways imports plans up to that "
                                 "size, so remove unused rows or split the plan.")
    return rows


def _merges(archive: zipfile.ZipFile, path: str) -> list[tuple[int, int, int, int]]:
    """Merged ranges as (first row, first column, last row, last column), 0-based."""
    path = path.lstrip("/")
    if not path or path not in archive.namelist():
        return []
    out = []
    for m in _MERGE.finditer(archive.read(path)):
        c1, r1 = _column_index(m.group(1).decode()), int(m.group(2)) - 1
        c2 = _column_index(m.group(3).decode()) if m.group(3) else c1
        r2 = int(m.group(4)) - 1 if m.group(4) else r1
        out.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
    return out


def _with_merges(title: str, rows: list[list[str]], merges: list[tuple[int, int, int, int]],
                 fills: Mapping[tuple[int, int], str] | None = None) -> Sheet:
    continued: set[tuple[int, int]] = set()
    spans: set[tuple[int, int]] = set()
    for r1, c1, r2, c2 in merges:
        if r1 >= len(rows) or c1 >= MAX_COLUMNS:
            continue
        if c2 > c1:
            spans.add((r1, c1))
        value = rows[r1][c1] if c1 < len(rows[r1]) else ""
        for r in range(r1 + 1, min(r2, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= c1:
                row.extend("" for _ in range(c1 + 1 - len(row)))
            if not row[c1]:
                row[c1] = value
                continued.add((r, c1))
    return Sheet(title, tuple(tuple(r) for r in rows), frozenset(continued), frozenset(spans), dict(fills or {}))


# ---------------------------------------------------------------------------------------------- CSV


def _decode(data: bytes) -> str:
    if b"\x00" in data[:65536]:
        raise ImportRejected("The file is not a spreadsheet Pathways can read; save it as an Excel workbook "
                             "(.xlsx) or a CSV file and import it again.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("latin-1")
    sample = text[:65536]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    if control > max(8, len(sample) // 100):
        raise ImportRejected("The file is not a spreadsheet Pathways can read; save it as an Excel workbook "
                             "(.xlsx) or a CSV file and import it again.")
    return text


def _delimiter(text: str) -> str:
    sample = text[:32768]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in ",;\t|"}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _read_csv(data: bytes, name: str) -> Source:
    import pandas as pd

    text = _decode(data)
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=_delimiter(text), header=None, names=list(range(MAX_COLUMNS)), index_col=False,
            dtype=str, keep_default_na=False, na_filter=False, skip_blank_lines=False, nrows=MAX_ROWS + 1,
            engine="c",
        )
    except pd.errors.ParserError:
        raise ImportRejected(f"The CSV file could not be read: it is damaged or has more than {MAX_COLUMNS} "
                             "columns.") from None
    except Exception:  # noqa: BLE001 — pandas reports unreadable text in several ways
        raise ImportRejected("The file is not a spreadsheet Pathways can read; save it as an Excel workbook "
                             "(.xlsx) or a CSV file and import it again.") from None
    if len(frame) > MAX_ROWS:
        raise ImportRejected(f"The file has more than {MAX_ROWS:,} rows; Pathways imports plans up to that size, "
                             "so remove unused rows or split the plan.")
    rows: list[list[str]] = []
    for values in frame.itertuples(index=False, name=None):
        row = [restore(str(v).strip()) if v else "" for v in values]
        while row and not row[-1]:
            row.pop()
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    title = Path(name).stem or "CSV"
    return Source(name, "csv", (Sheet(title, tuple(tuple(r) for r in rows)),))
