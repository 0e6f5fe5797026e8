"""Importing indicator values from CSV or XLSX: every row is checked first, then all are written in one go.

The file has one row per indicator and period. Columns (header names are case-insensitive; order is free):

=============  ========  ===================================================================================
column         required  what it holds
=============  ========  ===================================================================================
code           yes       the indicator's code in the plan ("RO 2"); the indicator must already exist
period         yes       the period as the source labels it ("2013/14", "Jul 2012 – Jun 2013", "2015/16 Q2")
period_end     yes       the last day of that period: 2014-03-31, 31/03/2014 or 31 Mar 2014 (or an Excel date)
value          no        the figure: 6193, "1,256", "28.2%", "50% Reduction" (−50), or a composite as published:
                         "1.13 (44 offences) (39 offenders)", "2.4 (94 convictions)", "M: 2378 F: 1157";
                         blank, "-" or "n/a" for no figure
parts          no        composite parts written out: "offences=44; offenders=39" or "M: 2378 F: 1157"
part:NAME      no        one column per part instead ("part:M", "part:F")
national       no        the England and Wales comparator for the same period
regional       no        the regional comparator for the same period
note           no        free text ("Measurement to be defined", "provisional")
=============  ========  ===================================================================================

Differences, RAG and direction are never imported: Pathways derives them. A period already recorded for an
indicator is replaced (and the change audited). A malformed file raises :class:`ImportProblems` listing every
problem found, and nothing is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from desktop.models import Indicator, Plan
from desktop.services import indicators
from desktop.services.actor import Actor
from desktop.services.errors import ValidationError

REQUIRED_COLUMNS = ("code", "period", "period_end")
OPTIONAL_COLUMNS = ("value", "parts", "national", "regional", "note")
PART_PREFIX = "part:"
SHEET_NAME = "Indicator values"
MAX_REPORTED = 20

_ALIASES = {
    "indicator": "code", "indicator code": "code", "code": "code",
    "period": "period", "period label": "period", "period_label": "period",
    "period end": "period_end", "period_end": "period_end", "end": "period_end", "end date": "period_end",
    "value": "value", "actual": "value",
    "parts": "parts",
    "national": "national", "national comparator": "national", "england and wales": "national",
    "regional": "regional", "regional comparator": "regional",
    "note": "note", "notes": "note", "comment": "note", "comments": "note",
}
# Columns people keep beside the figures for their own reading; derived ones are never imported.
_IGNORED = {
    "name", "indicator name", "unit", "target", "baseline", "difference", "actual difference", "% difference",
    "percent difference", "change", "% change", "rag", "direction",
}
_BLANK = {"", "-", "–", "—", "n/a", "na", "none", "null"}


class ImportProblems(ValidationError):
    """The file cannot be imported; ``problems`` lists every one found ("row 4, value: …")."""

    def __init__(self, file_name: str, problems: list[str]) -> None:
        shown = problems[:MAX_REPORTED]
        more = len(problems) - len(shown)
        summary = f"{file_name} was not imported: {problems[0]}"
        if len(problems) > 1:
            summary += f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})"
        super().__init__(summary + ". Nothing was written.")
        self.problems: tuple[str, ...] = tuple(shown) + ((f"… {more} more",) if more else ())


@dataclass(frozen=True)
class ValueRow:
    line: int  # 1-based row number in the file (the header is row 1 in a CSV)
    code: str
    period: str
    period_end: dt.date
    value: float | None
    parts: dict[str, float]
    national: float | None
    regional: float | None
    note: str


@dataclass(frozen=True)
class ImportReport:
    file_name: str
    rows: int
    added: int
    updated: int
    unchanged: int
    indicators: tuple[str, ...]  # codes touched, in file order
    dry_run: bool
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def summary(self) -> str:
        verb = "Would import" if self.dry_run else "Imported"
        return (f"{verb} {self.rows} value{'s' if self.rows != 1 else ''} for {len(self.indicators)} indicator"
                f"{'s' if len(self.indicators) != 1 else ''}: {self.added} new, {self.updated} corrected, "
                f"{self.unchanged} unchanged.")


# ---- reading the file


def _cells_csv(path: Path) -> Iterator[tuple[int, list[Any]]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # spreadsheets saved as "CSV" on Windows
    if "\x00" in text:
        raise ImportProblems(path.name, ["it is not a text (CSV) file"])
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error:
        raise ImportProblems(path.name, ["it is not a readable CSV file"]) from None
    yield from enumerate(rows, start=1)


def _cells_xlsx(path: Path) -> Iterator[tuple[int, list[Any]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = ImportProblems(path.name, ["it is not a readable XLSX workbook"])
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise unreadable from None
    except Exception:  # noqa: BLE001 — a damaged workbook fails deep inside openpyxl (XML, zlib, …) in many ways
        raise unreadable from None
    try:
        sheet = book[SHEET_NAME] if SHEET_NAME in book.sheetnames else book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        number = 0
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception:  # noqa: BLE001 — read-only sheets parse as they go: damage shows up mid-sheet
                raise unreadable from None
            number += 1
            yield number, list(row)
    finally:
        book.close()


def _read(path: Path) -> Iterator[tuple[int, list[Any]]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _cells_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return _cells_xlsx(path)
    raise ImportProblems(path.name, [f"'{suffix or 'no extension'}' files cannot be imported; use .csv or .xlsx"])


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip().casefold() in _BLANK)


def _header(cells: list[Any]) -> dict[int, str] | None:
    names = {i: str(c).strip().casefold() for i, c in enumerate(cells) if c is not None and str(c).strip()}
    mapped: dict[int, str] = {}
    for i, name in names.items():
        if name.startswith(PART_PREFIX):
            mapped[i] = PART_PREFIX + str(cells[i]).strip()[len(PART_PREFIX):].strip()
        elif name in _ALIASES:
            mapped[i] = _ALIASES[name]
        elif name in _IGNORED:
            mapped[i] = "-" + str(cells[i]).strip()
        else:
            mapped[i] = "?" + str(cells[i]).strip()
    return mapped if "code" in mapped.values() else None


# ---- parsing cells

_NUMBER = r"[-−+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-−+]?\.\d+"
_HEADLINE = re.compile(rf"^({_NUMBER})\s*(%?)\s*(reduction|decrease|increase|rise|fall)?$", re.IGNORECASE)
_BRACKET_PART = re.compile(rf"\(\s*({_NUMBER})\s+([A-Za-z][A-Za-z \-']*?)\s*\)")
_BRACKET_PERIOD = re.compile(r"\(\s*((?:19|20)\d\d(?:\s*[/-]\s*\d{2,4})?)\s*\)")
_LABELLED_PART = re.compile(rf"([A-Za-z][A-Za-z \-']{{0,40}}?)\s*[:=]\s*({_NUMBER})")


def _to_float(text: str) -> float:
    return float(text.replace(",", "").replace("−", "-"))


def parse_number(cell: Any) -> float | None:
    """A plain number from a cell: 6193, "1,256", "28.2%", "50% Reduction" (−50). Raises ValueError."""
    if _blank(cell):
        return None
    if isinstance(cell, bool):
        raise ValueError(str(cell))
    if isinstance(cell, int | float):
        return float(cell)
    text = str(cell).strip()
    m = _HEADLINE.match(text)
    if not m:
        raise ValueError(text)
    number = _to_float(m.group(1))
    word = (m.group(3) or "").casefold()
    if word in ("reduction", "decrease", "fall"):
        number = -abs(number)
    return number


@dataclass(frozen=True)
class ParsedFigure:
    value: float | None
    parts: dict[str, float]
    period_hint: str  # "2008" from "30% (2008)": the period the figure really belongs to


def parse_figure(cell: Any) -> ParsedFigure:
    """A figure as partnerships publish it, with composite parts kept as numbers. Raises ValueError.

    "1.13 (44 offences) (39 offenders)" → 1.13, {"offences": 44, "offenders": 39};
    "M: 2378 F: 1157 (2011/12)" → None, {"M": 2378, "F": 1157}, "2011/12"; "30% (2008)" → 30, {}, "2008".
    """
    if _blank(cell) or isinstance(cell, int | float):
        return ParsedFigure(parse_number(cell), {}, "")
    text = " ".join(str(cell).split())
    hint = ""
    m = _BRACKET_PERIOD.search(text)
    if m:
        hint = re.sub(r"\s+", "", m.group(1))
        text = (text[: m.start()] + text[m.end():]).strip()
    parts: dict[str, float] = {}
    for m in _BRACKET_PART.finditer(text):
        parts[m.group(2).strip()] = _to_float(m.group(1))
    text = _BRACKET_PART.sub("", text).strip()
    if ":" in text or "=" in text:
        found = _LABELLED_PART.findall(text)
        if not found or _LABELLED_PART.sub("", text).strip(" ;,"):
            raise ValueError(str(cell))
        for name, number in found:
            parts[name.strip()] = _to_float(number)
        return ParsedFigure(None, parts, hint)
    return ParsedFigure(parse_number(text) if text else None, parts, hint)


def parse_parts(cell: Any) -> dict[str, float]:
    """"offences=44; offenders=39", "M: 2378 F: 1157" or "(44 offences) (39 offenders)". Raises ValueError."""
    if _blank(cell):
        return {}
    figure = parse_figure(cell)
    if figure.value is not None or not figure.parts:
        raise ValueError(str(cell))
    return figure.parts


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %b %Y", "%d %B %Y", "%d-%m-%Y", "%d.%m.%Y")


def parse_date(cell: Any) -> dt.date:
    """ISO, UK day-first (31/03/2014) or "31 Mar 2014"; Excel dates as they come. Raises ValueError."""
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    text = str(cell or "").strip()
    if not text:
        raise ValueError("empty")
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _text_cell(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def read_value_rows(path: Path) -> tuple[list[ValueRow], tuple[str, ...]]:
    """Every row of the file, parsed and checked on its own terms (not yet against the plan), and the columns
    that were ignored (a "Difference" column, say: differences are derived, never imported)."""
    problems: list[str] = []
    header: dict[int, str] | None = None
    rows: list[ValueRow] = []
    for line, cells in _read(path):
        if all(_blank(c) for c in cells):
            continue
        if header is None:
            header = _header(cells)
            if header is None:
                raise ImportProblems(path.name, [f"row {line} is not a header row with a 'code' column"])
            missing = [c for c in REQUIRED_COLUMNS if c not in header.values()]
            unknown = [name[1:] for name in header.values() if name.startswith("?")]
            if missing:
                problems.append(f"the column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                                f"{'are' if len(missing) > 1 else 'is'} missing")
            if unknown:
                problems.append(f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
                                f"(known: {', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}, part:NAME)")
            if problems:
                raise ImportProblems(path.name, problems)
            continue
        record = {name: cells[i] if i < len(cells) else None for i, name in header.items() if name[0] != "-"}
        if any(not _blank(c) for i, c in enumerate(cells) if i not in header):
            problems.append(f"row {line} has a value in a column with no heading")
            continue
        row_problems: list[str] = []

        def bad(column: str, message: str, _line: int = line, _problems: list[str] = row_problems) -> None:
            _problems.append(f"row {_line}, {column}: {message}")

        code = _text_cell(record.get("code"))
        period = _text_cell(record.get("period"))
        if not code:
            bad("code", "no indicator code")
        if not period:
            bad("period", "no period")
        end: dt.date | None = None
        try:
            end = parse_date(record.get("period_end"))
        except ValueError:
            bad("period_end", f"'{_text_cell(record.get('period_end'))}' is not a date (use 2014-03-31 or 31/03/2014)")
        figure = ParsedFigure(None, {}, "")
        try:
            figure = parse_figure(record.get("value"))
        except ValueError:
            bad("value", f"'{_text_cell(record.get('value'))}' is not a number or a composite figure "
                         "(put words in the note column)")
        parts = dict(figure.parts)
        try:
            parts.update(parse_parts(record.get("parts")))
        except ValueError:
            bad("parts", f"'{_text_cell(record.get('parts'))}' is not a list of parts like 'offences=44; offenders=39'")
        for name, cell in record.items():
            if name.startswith(PART_PREFIX):
                try:
                    number = parse_number(cell)
                except ValueError:
                    bad(name, f"'{_text_cell(cell)}' is not a number")
                    continue
                if number is not None:
                    parts[name[len(PART_PREFIX):]] = number
        comparators: dict[str, float | None] = {}
        for column in ("national", "regional"):
            try:
                comparators[column] = parse_number(record.get(column))
            except ValueError:
                bad(column, f"'{_text_cell(record.get(column))}' is not a number")
        note = _text_cell(record.get("note"))
        if figure.period_hint:
            note = "; ".join(x for x in (note, f"figure for {figure.period_hint}") if x)
        if row_problems or end is None:
            problems += row_problems
            continue
        rows.append(ValueRow(line, code, period, end, figure.value, parts, comparators.get("national"),
                             comparators.get("regional"), note))
    if header is None:
        raise ImportProblems(path.name, ["the file is empty"])
    if problems:
        raise ImportProblems(path.name, problems)
    if not rows:
        raise ImportProblems(path.name, ["it has a header but no rows of values"])
    return rows, tuple(name[1:] for name in header.values() if name[0] == "-")


# ---- importing


def import_indicator_values(
    session: Session, actor: Actor, plan: Plan, path: Path | str, *, dry_run: bool = False
) -> ImportReport:
    """Check every row against the plan's indicators, then record them all (or, with ``dry_run``, nothing)."""
    path = Path(path)
    if not path.is_file():
        raise ValidationError(f"There is no file at {path}.", field="file")
    rows, ignored = read_value_rows(path)
    by_code = {i.code.casefold(): i for i in indicators.indicators_of(session, plan.id)}
    problems: list[str] = []
    seen: dict[tuple[int, str], int] = {}
    seen_end: dict[tuple[int, dt.date], str] = {}
    plan_rows: list[tuple[ValueRow, Indicator]] = []
    for row in rows:
        ind = by_code.get(row.code.casefold())
        if ind is None:
            known = ", ".join(sorted(i.code for i in by_code.values())) or "none"
            problems.append(f"row {row.line}, code: this plan has no indicator '{row.code}' (codes: {known})")
            continue
        key = (ind.id, row.period.casefold())
        if key in seen:
            problems.append(f"row {row.line}: {ind.code} {row.period} is also on row {seen[key]}")
            continue
        seen[key] = row.line
        end_key = (ind.id, row.period_end)
        if end_key in seen_end and seen_end[end_key] != row.period.casefold():
            problems.append(f"row {row.line}: {ind.code} has two periods ending {row.period_end:%d %b %Y}")
            continue
        seen_end[end_key] = row.period.casefold()
        try:
            indicators.check_value(ind, row.period, row.period_end, row.value, row.parts, row.national,
                                   row.regional, row.note)
        except ValidationError as exc:
            problems.append(f"row {row.line}, {exc.field or 'value'}: {str(exc).rstrip('.')}")
            continue
        clash = next((v for v in ind.values if v.period_end == row.period_end
                      and v.period_label.casefold() != row.period.casefold()), None)
        if clash is not None:
            problems.append(f"row {row.line}: {ind.code} already has '{clash.period_label}' ending "
                            f"{row.period_end:%d %b %Y}; use that period label to correct it")
            continue
        plan_rows.append((row, ind))
    if problems:
        raise ImportProblems(path.name, problems)

    added = updated = unchanged = 0
    for row, ind in plan_rows:
        current = next((v for v in ind.values if v.period_label.casefold() == row.period.casefold()), None)
        if current is None:
            added += 1
        elif (current.period_end, current.value, current.parts, current.national, current.regional, current.note) \
                == (row.period_end, row.value, row.parts, row.national, row.regional, row.note):
            unchanged += 1
        else:
            updated += 1
    codes = tuple(dict.fromkeys(ind.code for _, ind in plan_rows))
    warnings = tuple(f"The column '{name}' was ignored: Pathways calculates or stores that itself."
                     for name in ignored)
    report = ImportReport(path.name, len(plan_rows), added, updated, unchanged, codes, dry_run, warnings)
    if dry_run:
        return report
    # A savepoint: if anything fails part-way, the caller's session is left exactly as it was.
    with session.begin_nested():
        for row, ind in plan_rows:
            indicators.record_value(
                session, actor, ind, row.period, row.period_end, row.value, parts=row.parts,
                national=row.national, regional=row.regional, note=row.note, reason=f"imported from {path.name}",
            )
    return report
