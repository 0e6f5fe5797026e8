"""export-plan: a formatted workbook and a CSV file, formula injection neutralised, disclosure-checked."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from desktop.models import Action, ActionUpdate
from desktop.services.errors import DisclosureBlocked
from desktop.services.plan_export import DEMO_NOTICE, HEADER_ROW, HEADINGS, export_plan, plan_bytes
from desktop.services.queries import find_plan
from desktop.services.rag import scheme
from desktop.store import Store

INJECTIONS = ['=HYPERLINK("http://example.invalid/x","Click")', "+44 1429 266522", "-2 on last quarter",
              "@SUM(A1:A9)", "\t=1+1"]


def _plant(session, texts: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Put risky text where lead officers and imports can put it: commentary, action text, measures."""
    updates = list(session.scalars(select(ActionUpdate).order_by(ActionUpdate.id.desc())).all())
    plan = find_plan(session, "Hartlepool")
    mine = [u for u in updates if u.action.priority.objective.plan_id == plan.id]
    mine[0].commentary = texts[0]
    actions = list(session.scalars(select(Action).where(Action.code.in_(["1.1a", "1.1b", "1.2a", "1.2b"]))))
    for action, text in zip(actions, texts[1:], strict=False):
        action.text = text
    actions[-1].progress_measures = texts[-1]
    session.flush()


def test_workbook_is_formatted(demo_store: Store) -> None:
    with demo_store.session() as session:
        plan = find_plan(session, "Hartlepool")
        data = plan_bytes(session, plan, "xlsx")
        sch = scheme(plan.rag_scheme)
        title = plan.title
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["Delivery plan"]
    assert ws["A1"].value == title and ws["A1"].font.bold
    assert [c.value for c in ws[HEADER_ROW]] == list(HEADINGS)
    assert all(c.font.bold for c in ws[HEADER_ROW])
    assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
    assert ws.auto_filter.ref == f"A{HEADER_ROW}:X{ws.max_row}"
    assert ws.column_dimensions["G"].width == 50 and ws.column_dimensions["A"].width == 12
    rag_col = HEADINGS.index("RAG") + 1
    lettered = [ws.cell(r, rag_col) for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, rag_col).value]
    assert lettered, "the demo plan has RAG statuses"
    for cell in lettered:
        status = next(s for s in sch.statuses if s.letter == cell.value)
        assert cell.fill.fgColor.rgb.endswith(status.colour.lstrip("#").upper())
        assert cell.font.color.rgb.endswith(status.text_colour.lstrip("#").upper())
    key = wb["RAG key"]
    assert [key.cell(r, 2).value for r in range(4, 4 + len(sch.statuses))] == [s.label for s in sch.statuses]
    assert ws.oddHeader.center.text == "OFFICIAL"


def test_csv_has_one_heading_row_and_rag_labels(demo_store: Store) -> None:
    with demo_store.session() as session:
        plan = find_plan(session, "Durham")
        data = plan_bytes(session, plan, "csv")
        xlsx = plan_bytes(session, plan, "xlsx")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [DEMO_NOTICE]  # demonstration data says so in every export
    assert tuple(rows[1]) == HEADINGS
    rags = {r[HEADINGS.index("RAG")] for r in rows[2:]}
    assert rags <= {"Red", "Amber", "Green", ""} and rags - {""}
    from openpyxl import load_workbook

    assert load_workbook(io.BytesIO(xlsx)).active.cell(4, 1).value == DEMO_NOTICE


def test_formula_injection_is_neutralised_in_both_formats(demo_store: Store, tmp_path: Path) -> None:
    with demo_store.session() as session:
        _plant(session, INJECTIONS)
        plan = find_plan(session, "Hartlepool")
        export_plan(session, plan, "xlsx", tmp_path / "plan.xlsx")
        export_plan(session, plan, "csv", tmp_path / "plan.csv")
    wb = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    risky = [c for c in cells if isinstance(c.value, str) and c.value and c.value[0] in "=+-@\t"]
    assert {c.value for c in risky} >= {INJECTIONS[0], INJECTIONS[2], INJECTIONS[3]}
    assert all(c.data_type == "s" and c.quotePrefix for c in risky)
    text = (tmp_path / "plan.csv").read_text(encoding="utf-8-sig")
    values = [v for row in csv.reader(io.StringIO(text)) for v in row]
    assert not [v for v in values if v and v[0] in "=+-@\t"]
    assert "'" + INJECTIONS[0] in values and "'" + INJECTIONS[1] in values


def test_disclosure_check_stops_the_export(demo_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with demo_store.session() as session:
        _plant(session, ["Offender 12/345678A was seen at the hub", "x", "y"])
        plan = find_plan(session, "Hartlepool")
        for fmt in ("xlsx", "csv"):
            with pytest.raises(DisclosureBlocked) as caught:
                export_plan(session, plan, fmt, out / f"plan.{fmt}")  # type: ignore[arg-type]
            assert "12/345678A" not in str(caught.value) and "PNC" in str(caught.value)
    assert list(out.iterdir()) == []
