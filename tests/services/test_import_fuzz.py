"""Fuzzed spreadsheets: the import never crashes (only ValidationError-family errors) and never half-writes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from desktop.models import Action, AuditEvent, Objective, Organisation, Partnership, Person, Plan, Priority
from desktop.services.actor import Actor
from desktop.services.errors import ValidationError
from desktop.services.importing import ImportOptions, ImportResult, apply_import, preview_import
from desktop.services.importing.headings import KNOWN_HEADINGS
from desktop.services.importing.reading import read_bytes
from desktop.store import Store

WORDS = sorted(KNOWN_HEADINGS)[:60] + [
    "Objective 1: Improving pathways", "SO 2", "GENERAL", "1.", "1.1", "1.1.1", "(1a)", "a)", "iv)", "g)", "x)",
    "On track", "Complete", "Completed.", "In Progress (amber)", "Not started", "Deferred", "Red", "Yellow", "R",
    "A", "G", "B", "NS", "Amber/Red", "March 2015", "End May 2014", "Sep '19", "Apr-21", "Q3 2015/16", "ongoing",
    "Chair / Vice Chair", "Gordon Lang/Clare Clark (Police / HBC)", "Craig Thelwell (HBC)", "HBC", "=HYPERLINK(1)",
    "\u2022 one\n\u2022 two", "first\nsecond", "50%", "", " ", "-", "+", "@", "'", "0.5", "150",
]
_text = st.one_of(
    st.sampled_from(WORDS),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40),
    st.text(alphabet="abc .,/()-\n1234567890", max_size=25),
)
_cell = st.one_of(
    st.none(), _text, st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)), st.booleans(),
)
_grid = st.lists(st.lists(_cell, max_size=8), max_size=25)


def _xlsx(grid: list[list[object]], merges: list[tuple[int, int, int, int]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in grid:
        ws.append(row)
    for r, c, h, w in merges:
        try:
            ws.merge_cells(start_row=r, start_column=c, end_row=r + h, end_column=c + w)
        except ValueError:
            pass
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _csv(grid: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["" if v is None else str(v) for v in row] for row in grid])
    return buffer.getvalue().encode("utf-8")


COUNTED = (Partnership, Plan, Objective, Priority, Action, Person, Organisation, AuditEvent)


def _counts(store: Store) -> tuple[int, ...]:
    with store.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(model)) or 0 for model in COUNTED)


def _attempt(store: Store, data: bytes, name: str, options: ImportOptions | None = None) -> ImportResult | None:
    """Either a clear refusal that wrote nothing, or an import that wrote exactly what it reported."""
    before = _counts(store)
    try:
        with store.session() as session:
            source = read_bytes(data, name)
            preview = preview_import(session, source, options=options)
            _ = [f.detail for f in preview.fates], preview.counts, preview.problems
            result = apply_import(session, Actor(None, "Fuzzer"), preview)
    except ValidationError as exc:
        assert str(exc).strip(), "a refusal must say why"
        assert _counts(store) == before, "a refused import wrote something"
        return None
    after = dict(zip(COUNTED, _counts(store), strict=True))
    was = dict(zip(COUNTED, before, strict=True))
    assert after[Objective] - was[Objective] == result.objectives
    assert after[Priority] - was[Priority] == result.priorities
    assert after[Action] - was[Action] == result.actions
    assert after[Person] - was[Person] == result.people
    assert after[Organisation] - was[Organisation] == result.organisations
    assert after[Plan] - was[Plan] in (0, 1)
    assert after[AuditEvent] > was[AuditEvent], "an import that wrote must be in the audit trail"
    return result


def _refused(store: Store, data: bytes, name: str) -> None:
    before = _counts(store)
    with pytest.raises(ValidationError):
        with store.session() as session:
            preview = preview_import(session, read_bytes(data, name))
            apply_import(session, Actor(None, "Fuzzer"), preview)
    assert _counts(store) == before


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])


@FUZZ
@given(grid=_grid, header=st.lists(st.sampled_from(WORDS), min_size=1, max_size=8),
       merges=st.lists(st.tuples(st.integers(1, 20), st.integers(1, 6), st.integers(0, 3), st.integers(0, 2)),
                       max_size=4),
       split=st.booleans())
def test_fuzzed_workbooks(store: Store, grid: list[list[object]], header: list[str],
                          merges: list[tuple[int, int, int, int]], split: bool) -> None:
    _attempt(store, _xlsx([list(header)] + grid, merges), "fuzz.xlsx", ImportOptions(split_cells=split))


@FUZZ
@given(grid=_grid, header=st.lists(st.sampled_from(WORDS), min_size=1, max_size=8),
       statuses=st.dictionaries(st.sampled_from(WORDS), st.sampled_from(["rag:red", "status:deferred", "blank",
                                                                          "nonsense"]), max_size=3))
def test_fuzzed_csv(store: Store, grid: list[list[object]], header: list[str], statuses: dict[str, str]) -> None:
    _attempt(store, _csv([list(header)] + grid), "fuzz.csv", ImportOptions(statuses=statuses))


@FUZZ
@given(data=st.binary(max_size=3000))
def test_fuzzed_bytes(store: Store, data: bytes) -> None:
    _attempt(store, data, "fuzz.xlsx")


@FUZZ
@given(offset=st.integers(0, 10_000), junk=st.binary(min_size=1, max_size=40))
def test_damaged_workbooks(store: Store, offset: int, junk: bytes) -> None:
    good = bytearray(_xlsx([["Priority", "Action", "Status"], ["1.1 Housing", "Do it", "Red"]], []))
    at = offset % len(good)
    good[at:at + len(junk)] = junk
    _attempt(store, bytes(good), "damaged.xlsx")


def test_a_workbook_that_is_a_zip_of_something_else(store: Store, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("xl/workbook.xml", "<not-a-workbook/>")
    _refused(store, buffer.getvalue(), "odd.xlsx")


def test_a_good_workbook_imports_in_full(store: Store) -> None:
    """The control for the fuzzers above: a plain plan is imported, and its counts are what the import says."""
    grid = [["Priority", "Key Action", "Lead officer", "Status"],
            ["1.1 Housing", "Create a Housing Liaison post", "Craig Thelwell (HBC)", "On track"],
            ["1.2 Employment", "Change for Change", "Chair / Vice Chair", "Not started"]]
    result = _attempt(store, _xlsx(grid, []), "plan.xlsx")
    assert result is not None and result.actions == 2 and result.priorities == 2
