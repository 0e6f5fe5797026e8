"""Import offender-profile subjects from CSV or XLSX, with a column mapping; all rows or none.

Documented column names (also what ``pathways profile-import`` expects without a mapping):

    name, date_of_birth, pnc_id, cro_number, prison_number, address, postcode,   direct identifiers
    age, gender, district,                                                          quasi-identifiers (age, gender
                                                                                    required)
    flags        "PPO;IOM" (separated by ; or ,), e.g. PPO, HCC, IOM, CLASS_A, TREATMENT, PROBATION, YOS, TAH
    needs        "Accommodation;Drugs and Alcohol"
    offence:<type>   one column per offence type, a count (blank = 0; "yes"/"x" = 1)
    need:<pathway>   one column per need, yes/no (yes, y, true, 1, x, ✓)

Error messages name the row and the column, never the value: a mis-mapped column could otherwise put a name or a
PNC ID into a message that ends up on screen or in a log.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models.plan import Plan
from desktop.models.profiles import ProfileAppendix, ProfileSubject
from desktop.services import audit
from desktop.services.actor import SYSTEM, Actor
from desktop.services.disclosure.aggregates import FLAG_LABELS, normalise_gender
from desktop.services.errors import ValidationError

IDENTIFIER_COLUMNS = ("name", "date_of_birth", "pnc_id", "cro_number", "prison_number", "address", "postcode")
DOCUMENTED_COLUMNS = (*IDENTIFIER_COLUMNS, "age", "gender", "district", "flags", "needs")
REQUIRED_COLUMNS = ("age", "gender")
OFFENCE_PREFIX = "offence:"
NEED_PREFIX = "need:"
MIN_AGE, MAX_AGE = 10, 110  # the age of criminal responsibility in England and Wales is 10
_LENGTHS = {
    "name": 200,
    "pnc_id": 20,
    "cro_number": 20,
    "prison_number": 20,
    "postcode": 10,
    "district": 120,
    "gender": 40,
}
_YES = {"yes", "y", "true", "1", "x", "\u2713", "\u2714"}
_NO = {"", "no", "n", "false", "0", "-"}
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y")
_SYNONYMS = {
    "dob": "date_of_birth",
    "date of birth": "date_of_birth",
    "birth date": "date_of_birth",
    "pnc": "pnc_id",
    "pnc id": "pnc_id",
    "pnc number": "pnc_id",
    "cro": "cro_number",
    "cro no": "cro_number",
    "prison no": "prison_number",
    "prison number": "prison_number",
    "nomis number": "prison_number",
    "post code": "postcode",
    "sex": "gender",
    "ward": "district",
    "full name": "name",
}


@dataclass(frozen=True)
class ImportResult:
    appendix_id: int
    imported: int
    replaced: int
    ignored_columns: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class SourceTable:
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    first_row_number: int  # the spreadsheet row number of rows[0], for messages


def read_table(data: bytes, filename: str = "") -> SourceTable:
    """The header and data rows of a CSV or XLSX file (the first visible sheet), for mapping and import."""
    if data[:2] == b"PK" or filename.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data)
    return _read_csv(data)


def _read_xlsx(data: bytes) -> SourceTable:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = next(ws for ws in workbook.worksheets if ws.sheet_state == "visible")
        rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
        workbook.close()
    except Exception as exc:
        raise ValidationError("The file could not be read as a spreadsheet (XLSX).") from exc
    return _split(rows)


def _read_csv(data: bytes) -> SourceTable:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise ValidationError("The file could not be read: use CSV or XLSX.")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [tuple(r) for r in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as exc:
        raise ValidationError("The file could not be read as CSV.") from exc
    return _split(rows)


def _split(rows: Sequence[tuple[Any, ...]]) -> SourceTable:
    for index, row in enumerate(rows):
        if any(_text(v) for v in row):
            headers = tuple(_text(v) for v in row)
            body = tuple(r for r in rows[index + 1 :])
            return SourceTable(headers, body, index + 2)
    raise ValidationError("The file is empty: it has no header row.")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _normal(header: str) -> str:
    return re.sub(r"\s+", " ", header.strip().lower())


def suggest_mapping(headers: Sequence[str]) -> dict[str, str]:
    """A first guess at the mapping for the app's mapping step: documented names, common synonyms, prefixes."""
    mapping: dict[str, str] = {}
    for header in headers:
        target = _documented(header)
        if target is None:
            target = _SYNONYMS.get(_normal(header))
        if target is not None and target not in mapping.values():
            mapping[header] = target
    return mapping


def _documented(header: str) -> str | None:
    norm = _normal(header)
    for prefix in (OFFENCE_PREFIX, NEED_PREFIX):
        if norm.startswith(prefix) and header.strip()[len(prefix) :].strip():
            return prefix + header.strip()[len(prefix) :].strip()
    snake = norm.replace(" ", "_")
    return snake if snake in DOCUMENTED_COLUMNS else None


def _targets(headers: Sequence[str], mapping: Mapping[str, str] | None) -> tuple[dict[int, str], list[str]]:
    targets: dict[int, str] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        if not header:
            continue
        wanted = (mapping or {}).get(header)
        target = _documented(wanted) if wanted else _documented(header)
        if target is None:
            if not (mapping and header in mapping and not mapping[header]):
                ignored.append(header)
            continue
        if target in targets.values():
            raise ValidationError(f"Two columns are mapped to \u201c{target}\u201d; map each column once.")
        targets[index] = target
    missing = [c for c in REQUIRED_COLUMNS if c not in targets.values()]
    if missing:
        raise ValidationError(f"The file has no {' or '.join(missing)} column; map one or rename the header.")
    return targets, ignored


@dataclass
class _Row:
    values: dict[str, Any] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    offences: dict[str, int] = field(default_factory=dict)
    needs: list[str] = field(default_factory=list)


def _parse_row(row: tuple[Any, ...], targets: Mapping[int, str]) -> _Row:
    """One row's fields; raises ValueError with the column's documented name on bad input."""
    out = _Row()
    for index, target in targets.items():
        value = row[index] if index < len(row) else None
        text = _text(value)
        if target == "age":
            out.values["age"] = _age(value, text)
        elif target == "date_of_birth":
            out.values["date_of_birth"] = _date(value, text)
        elif target == "gender":
            out.values["gender"] = normalise_gender(text)
        elif target == "flags":
            out.flags = [_flag(f) for f in re.split(r"[;,]", text) if f.strip()]
        elif target == "needs":
            out.needs += [n.strip() for n in text.split(";") if n.strip()]
        elif target.startswith(OFFENCE_PREFIX):
            count = _count(text, target)
            if count:
                out.offences[target[len(OFFENCE_PREFIX) :]] = count
        elif target.startswith(NEED_PREFIX):
            if _yes(text, target):
                out.needs.append(target[len(NEED_PREFIX) :])
        else:
            if target in ("pnc_id", "cro_number", "prison_number", "postcode"):
                text = " ".join(text.upper().split())
            if len(text) > _LENGTHS.get(target, 2000):
                raise ValueError(f"the {target.replace('_', ' ')} is too long")
            out.values[target] = text
    out.needs = list(dict.fromkeys(out.needs))
    return out


def _age(value: Any, text: str) -> int | None:
    if not text:
        return None
    try:
        number = float(text) if not isinstance(value, (int, float)) else float(value)
    except ValueError:
        number = -1.0
    if not number.is_integer() or not MIN_AGE <= number <= MAX_AGE:
        raise ValueError(f"the age is not a whole number from {MIN_AGE} to {MAX_AGE}")
    return int(number)


def _date(value: Any, text: str) -> dt.date | None:
    if isinstance(value, dt.datetime):
        parsed: dt.date | None = value.date()
    elif isinstance(value, dt.date):
        parsed = value
    elif not text:
        return None
    else:
        parsed = None
        for fmt in _DATE_FORMATS:
            try:
                parsed = dt.datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
    if parsed is None or parsed > dt.date.today() or parsed.year < 1900:
        raise ValueError("the date of birth is not a date (use YYYY-MM-DD or DD/MM/YYYY)")
    return parsed


def _flag(text: str) -> str:
    code = text.strip().upper().replace(" ", "_")
    return code if code in FLAG_LABELS else text.strip()


def _count(text: str, target: str) -> int:
    if text.lower() in _YES - {"1"}:
        return 1
    if text.lower() in _NO:
        return 0
    try:
        number = float(text)
    except ValueError:
        number = -1.0
    if not number.is_integer() or number < 0:
        raise ValueError(f"the {target} count is not a whole number")
    return int(number)


def _yes(text: str, target: str) -> bool:
    if text.lower() in _YES:
        return True
    if text.lower() in _NO:
        return False
    raise ValueError(f"the {target} column is not yes or no")


def import_subjects(
    session: Session,
    appendix: ProfileAppendix,
    data: bytes,
    filename: str = "",
    mapping: Mapping[str, str] | None = None,
    *,
    replace: bool = False,
    actor: Actor = SYSTEM,
) -> ImportResult:
    """Validate every row, then add them all in one savepoint; on any problem nothing is written."""
    source = read_table(data, filename)
    targets, ignored = _targets(source.headers, mapping)
    parsed: list[_Row] = []
    problems: list[str] = []
    for offset, row in enumerate(source.rows):
        if not any(_text(v) for v in row):
            continue
        try:
            parsed.append(_parse_row(row, targets))
        except ValueError as exc:
            problems.append(f"Row {source.first_row_number + offset}: {exc}")
    if problems:
        more = f" (and {len(problems) - 1} more row{'s' if len(problems) > 2 else ''} with problems)"
        raise ValidationError(problems[0] + (more if len(problems) > 1 else "") + ". Nothing was imported.")
    if not parsed:
        raise ValidationError("The file has no subject rows. Nothing was imported.")
    with session.begin_nested():
        replaced = len(appendix.subjects) if replace else 0
        if replace:
            appendix.subjects.clear()
        for fields in parsed:
            subject = ProfileSubject(**fields.values)
            subject.flag_list = fields.flags
            subject.offences = fields.offences
            subject.needs = fields.needs
            appendix.subjects.append(subject)
        session.flush()
        # Counts and the file's name only: the audit trail never holds a subject's identifiers.
        audit.record(session, actor, "import_subjects", "profile_appendix", appendix.id, after={
            "file": Path(filename).name, "imported": len(parsed), "replaced": replaced,
        })
    return ImportResult(appendix.id, len(parsed), replaced, tuple(ignored))


def find_or_create_appendix(session: Session, plan: Plan, title: str) -> ProfileAppendix:
    """The plan's appendix with this title (ignoring case and spacing), or a new one at the end."""
    wanted = " ".join(title.split())
    if not wanted:
        raise ValidationError("The appendix needs a title.", field="appendix")
    existing = list(session.scalars(select(ProfileAppendix).where(ProfileAppendix.plan_id == plan.id)))
    for appendix in existing:
        if " ".join(appendix.title.split()).casefold() == wanted.casefold():
            return appendix
    appendix = ProfileAppendix(plan=plan, title=wanted, position=max((a.position for a in existing), default=-1) + 1)
    session.add(appendix)
    return appendix


def import_profile_file(
    session: Session,
    plan: Plan,
    appendix_title: str,
    path: Path,
    mapping: Mapping[str, str] | None = None,
    *,
    replace: bool = False,
    actor: Actor = SYSTEM,
) -> ImportResult:
    """``pathways profile-import``: subjects from FILE into the plan's appendix of that title (created if new).

    Runs in one savepoint: if the file is rejected, a newly created appendix is not kept either.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ValidationError("The subject file could not be opened.") from exc
    with session.begin_nested():
        appendix = find_or_create_appendix(session, plan, appendix_title)
        return import_subjects(session, appendix, data, Path(path).name, mapping, replace=replace, actor=actor)
