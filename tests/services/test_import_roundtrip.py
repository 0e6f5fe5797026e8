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
