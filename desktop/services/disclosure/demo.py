"""Load the demonstration offender-profile appendix (fictitious subjects, entered tables) into a plan."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from desktop.models.plan import Plan
from desktop.models.profiles import AggregateCell, AggregateTable, ProfileAppendix, ProfileSubject
from desktop.services.errors import ValidationError

_SUBJECT_TEXT = ("name", "pnc_id", "cro_number", "prison_number", "address", "postcode", "gender", "district")


def load_demo_profiles(session: Session, plan: Plan, path: Path) -> ProfileAppendix:
    """Add the appendix described by the YAML file at ``path`` to ``plan``, flagged as demonstration data.

    Refuses a file that does not declare ``demonstration: true``: this loader must never be a way to put real
    subjects into a store unnoticed. The caller commits.
    """
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValidationError("The demonstration profile file could not be read.") from exc
    if not isinstance(data, dict) or data.get("demonstration") is not True:
        raise ValidationError("The profile file is not marked as demonstration data.")
    meta = _mapping(data.get("appendix"), "appendix")
    appendix = ProfileAppendix(
        plan=plan,
        title=str(meta["title"]),
        cohort_label=str(meta.get("cohort_label", "")),
        cohort_size=_optional_int(meta.get("cohort_size")),
        reoffended_count=_optional_int(meta.get("reoffended_count")),
        notes=str(meta.get("notes", "")),
        is_demo=True,
        position=int(meta.get("position", 0)),
    )
    for position, raw in enumerate(data.get("tables") or []):
        appendix.tables.append(_table(_mapping(raw, "table"), position))
    for raw in data.get("subjects") or []:
        appendix.subjects.append(_subject(_mapping(raw, "subject")))
    session.add(appendix)
    session.flush()
    return appendix


def _mapping(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValidationError(f"The demonstration profile file has a malformed {what}.")
    return value


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _table(raw: dict[str, Any], position: int) -> AggregateTable:
    rows = [str(r) for r in raw["rows"]]
    columns = [str(c) for c in raw["columns"]]
    counts = raw["counts"]
    if len(counts) != len(rows) or any(len(r) != len(columns) for r in counts):
        raise ValidationError(f"The demonstration table \u201c{raw['title']}\u201d does not match its labels.")
    table = AggregateTable(
        title=str(raw["title"]),
        row_header=str(raw.get("row_header", "")),
        total_row=bool(raw.get("total_row", True)),
        total_column=bool(raw.get("total_column", True)),
        note=str(raw.get("note", "")),
        source=str(raw.get("source", "")),
        position=position,
    )
    table.row_labels = rows
    table.column_labels = columns
    table.cells = [
        AggregateCell(row_index=r, column_index=c, count=int(count))
        for r, line in enumerate(counts)
        for c, count in enumerate(line)
    ]
    return table


def _subject(raw: dict[str, Any]) -> ProfileSubject:
    dob = raw.get("date_of_birth")
    if dob is not None and not isinstance(dob, dt.date):
        raise ValidationError("A demonstration subject has a date of birth that is not a date.")
    subject = ProfileSubject(
        date_of_birth=dob,
        age=_optional_int(raw.get("age")),
        **{key: str(raw.get(key) or "") for key in _SUBJECT_TEXT},
    )
    subject.flag_list = [str(f) for f in raw.get("flags") or []]
    subject.offences = {str(k): int(v) for k, v in (raw.get("offences") or {}).items()}
    subject.needs = [str(n) for n in raw.get("needs") or []]
    return subject
