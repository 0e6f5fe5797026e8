"""Export a plan, import the file into an empty store: the same plan comes back."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.models import Objective, Plan
from desktop.services.actor import Actor
from desktop.services.importing import apply_import, preview_import
from desktop.services.plan_export import export_plan
from desktop.services.queries import find_plan
from desktop.services.readmodels import load_rows as action_rows
from desktop.store import Store


def _shape(session, plan: Plan) -> dict[str, object]:  # type: ignore[no-untyped-def]
    objectives = list(session.scalars(select(Objective).where(Objective.plan_id == plan.id)
                                      .order_by(Objective.position)))
    return {
        "title": plan.title,
        "rag_scheme": plan.rag_scheme,
        "objectives": [(o.code, o.title) for o in objectives],
        "priorities": [(p.code, p.text, p.strand) for o in objectives for p in o.priorities],
        "actions": [
            (r.objective_code, r.priority_code, r.code, r.text, r.lead, r.organisation, r.timescale, r.start_date,
             r.due_date, r.status, r.pathways)
            for r in action_rows(session, plan.id)
        ],
        "details": [
            (a.code, a.measures, a.expected_outcome, a.resources)
            for o in objectives for p in o.priorities for a in p.actions
        ],
    }


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("title", ["Hartlepool", "Durham"])
def test_export_then_import_into_an_empty_store_reproduces_the_plan(
    demo_store: Store, store: Store, tmp_path: Path, fmt: str, title: str
) -> None:
    out = tmp_path / f"plan.{fmt}"
    with demo_store.session() as session:
        plan = find_plan(session, title)
        export_plan(session, plan, fmt, out)  # type: ignore[arg-type]
        original = _shape(session, plan)

    with store.session() as session:
        preview = preview_import(session, out)
        assert preview.ready, preview.problems
        assert all(not f.notes for f in preview.fates), [f.notes for f in preview.fates if f.notes]
        result = apply_import(session, Actor(None, "Importer"), preview)
        imported = _shape(session, session.get(Plan, result.plan_id))

    if fmt == "csv":
        original["title"] = imported["title"]  # a CSV file carries no title row; the plan is named from the file
    assert imported == original


def _cells(path: Path, fmt: str) -> tuple[str, list[dict[str, str]]]:
    """The file's title (XLSX) and its action rows as heading → text, as a spreadsheet shows them."""
    import csv

    import openpyxl

    from desktop.services.importing.reading import cell_text
    from desktop.services.spreadsheet_safety import restore

    if fmt == "xlsx":
        wb = openpyxl.load_workbook(path)
        ws = wb["Delivery plan"]
        rows = [[cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
        title = rows[0][0]
    else:
        rows = [[restore(v) for v in row] for row in csv.reader(path.read_text(encoding="utf-8-sig").splitlines())]
        title = ""
    header = next(i for i, row in enumerate(rows) if row and row[0] == "Objective code")
    headings = rows[header]
    return title, [dict(zip(headings, row, strict=False)) for row in rows[header + 1:] if any(row)]


def _without(rows: list[dict[str, str]], *headings: str) -> list[dict[str, str]]:
    return [{k: v for k, v in row.items() if k not in headings} for row in rows]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("title", ["Hartlepool", "Durham"])
def test_export_import_export_gives_the_same_plan(demo_store: Store, tmp_path: Path, passphrase: str, fmt: str,
                                                  title: str) -> None:
    """Every cell of every action comes back, current RAG, forecast, % complete, commentary and remedial action
    included. The statuses come back in one quarter (the latest the file names, created by the import) and are
    dated by the import, so "Quarter" and "Last updated" are compared separately: a second round trip is then
    exact."""
    files = [tmp_path / f"0.{fmt}", tmp_path / f"1.{fmt}", tmp_path / f"2.{fmt}"]
    with demo_store.session() as session:
        export_plan(session, find_plan(session, title), fmt, files[0])  # type: ignore[arg-type]
    for n in (1, 2):
        with Store.create(tmp_path / f"{n}.pathways", passphrase) as target, target.session() as session:
            preview = preview_import(session, files[n - 1])
            assert preview.ready, preview.problems
            result = apply_import(session, Actor(None, "Importer"), preview)
            assert result.updates == len(preview.actions)
            export_plan(session, session.get(Plan, result.plan_id), fmt, files[n])  # type: ignore[arg-type]
    (title0, first), (title1, second), (title2, third) = (_cells(f, fmt) for f in files)
    assert len(first) == len(second) > 20
    assert title1 == title0 and title2 == title0
    assert _without(second, "Quarter", "Last updated") == _without(first, "Quarter", "Last updated")
    latest = max({row["Quarter"] for row in first})
    assert {row["Quarter"] for row in second} == {latest}
    assert any(row["RAG"] and row["Commentary"] and row["% complete"] for row in second)
    assert _without(third, "Last updated") == _without(second, "Last updated")
