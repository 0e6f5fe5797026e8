"""Lead-officer return forms: issued per lead, filled in outside the app, reviewed, then accepted."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from desktop.models import ActionUpdate, Person, StoreMeta, UpdateSource
from desktop.services import periods
from desktop.services.actor import Actor
from desktop.services.plan_export import export_plan
from desktop.services.queries import find_period, find_plan
from desktop.services.returns import (
    COL_COMMENTARY,
    COL_FORECAST,
    COL_PERCENT,
    COL_RAG,
    COL_REMEDIAL,
    FORM_SHEET,
    HEADER_ROW,
    HMAC_META_KEY,
    ID_SHEET,
    accept_returns,
    issue_return_forms,
    returns_status,
    review_returns,
)
from desktop.store import Store

COORDINATOR = Actor(None, "Coordinator")
HYPERLINK = '=HYPERLINK("http://example.invalid/steal","Click here")'


def _issue(store: Store, out: Path, plan_ref: str = "Hartlepool") -> list[Path]:
    with store.session() as session:
        plan = find_plan(session, plan_ref)
        period = find_period(session, plan.id, "current")
        issued = issue_return_forms(session, plan, period, out)
    return list(issued.paths)


def _rows(ws) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {ws.cell(r, 1).value: r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, 1).value}


def _fill(path: Path, edits: dict[int, dict[int, object]]) -> None:
    """What a lead officer does in Excel: type into the white cells (a formula stays a formula)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[FORM_SHEET]
    codes = list(_rows(ws).values())
    for index, cells in edits.items():
        for column, value in cells.items():
            ws.cell(codes[index], column).value = value
    wb.save(path)


def test_one_form_per_lead_with_only_the_return_cells_editable(demo_store: Store, tmp_path: Path) -> None:
    forms = _issue(demo_store, tmp_path / "forms")
    assert forms and len({p.name for p in forms}) == len(forms)
    wb = openpyxl.load_workbook(forms[0])
    ws = wb[FORM_SHEET]
    assert wb[ID_SHEET].sheet_state == "veryHidden" and ws.protection.sheet
    assert wb.security.lockStructure
    first = HEADER_ROW + 1
    editable = {c for c in range(1, 13) if not ws.cell(first, c).protection.locked}
    assert editable == {COL_RAG, COL_FORECAST, COL_PERCENT, COL_COMMENTARY, COL_REMEDIAL}
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert len(lists) == 2 and all("Red" in dv.formula1 and "Blue" in dv.formula1 for dv in lists)
    assert any(dv.type == "whole" for dv in ws.data_validations.dataValidation)
    assert "Last quarter (2014/15 Q3)" in ws.cell(HEADER_ROW, 6).value
    with demo_store.session() as session:
        secret = session.get(StoreMeta, HMAC_META_KEY)
        assert secret is not None and len(secret.value) == 64
    assert secret.value.encode() not in b"".join(p.read_bytes() for p in forms)


def test_returns_round_trip_with_edits(demo_store: Store, tmp_path: Path) -> None:
    forms = _issue(demo_store, tmp_path / "forms", "Durham")
    form = max(forms, key=lambda p: len(_rows(openpyxl.load_workbook(p)[FORM_SHEET])))
    n_rows = len(_rows(openpyxl.load_workbook(form)[FORM_SHEET]))
    assert n_rows >= 2
    _fill(form, {
        0: {COL_RAG: "Green", COL_FORECAST: "Green", COL_PERCENT: 60, COL_COMMENTARY: HYPERLINK},
        1: {COL_RAG: "Amber", COL_COMMENTARY: "Slipping"},  # no remedial action: a problem for this action only
    })
    with demo_store.session() as session:
        before = len(session.scalars(select(ActionUpdate)).all())
        [review] = review_returns(session, [form])
        assert not review.problem
        ok, amber = review.actions[0], review.actions[1]
        assert ok.acceptable and {c.field for c in ok.changes} >= {"Commentary", "% complete"}
        assert amber.problems == [f"row {amber.row}: Amber needs a remedial action"]
        assert all(a.empty for a in review.actions[2:])
        assert len(session.scalars(select(ActionUpdate)).all()) == before  # reviewing writes nothing
        result = accept_returns(session, COORDINATOR, [review])
        assert (result.written, result.refused) == (1, 1)
        update = session.scalars(select(ActionUpdate).order_by(ActionUpdate.id.desc())).first()
        assert update is not None and update.action_id == ok.action_id
        assert update.source == UpdateSource.RETURN and update.author_id == review.person_id
        assert update.rag == "green" and update.percent_complete == 60
        assert update.commentary == HYPERLINK  # the formula arrived as text
        plan = find_plan(session, "Durham")
        export_plan(session, plan, "xlsx", tmp_path / "plan.xlsx")
        export_plan(session, plan, "csv", tmp_path / "plan.csv")
    wb = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    cell = next(c for row in wb.active.iter_rows() for c in row if c.value == HYPERLINK)
    assert cell.data_type == "s" and cell.quotePrefix  # exported back neutralised
    text = (tmp_path / "plan.csv").read_text(encoding="utf-8-sig")
    assert "'" + HYPERLINK in [v for row in csv.reader(io.StringIO(text)) for v in row]


def test_a_second_return_for_the_same_action_is_flagged(demo_store: Store, tmp_path: Path) -> None:
    [form, *_] = _issue(demo_store, tmp_path / "forms")
    _fill(form, {0: {COL_RAG: "Green", COL_COMMENTARY: "Done as planned"}})
    copy = tmp_path / "copy.xlsx"
    copy.write_bytes(form.read_bytes())
    with demo_store.session() as session:
        first, second = review_returns(session, [form, copy])
        assert first.actions[0].acceptable
        assert "a second return for this action is in this batch" in second.actions[0].problems
        accept_returns(session, COORDINATOR, [first, second])
        [again] = review_returns(session, [copy])
        assert any("already has an update for 2014/15 Q4" in p for p in again.actions[0].problems)


def test_tampered_identifier_sheet_is_rejected(demo_store: Store, tmp_path: Path) -> None:
    [form, *_] = _issue(demo_store, tmp_path / "forms")
    _fill(form, {0: {COL_RAG: "Green", COL_COMMENTARY: "Fine"}})
    wb = openpyxl.load_workbook(form)
    ids = wb[ID_SHEET]
    payload = json.loads(ids.cell(2, 1).value)
    payload["rows"][0][1] += 1  # point the first row at another action
    ids.cell(2, 1).value = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    tampered = tmp_path / "tampered.xlsx"
    wb.save(tampered)
    wb = openpyxl.load_workbook(form)
    wb[FORM_SHEET].cell(HEADER_ROW + 1, 1).value = "9.9z"  # or change the visible code
    moved = tmp_path / "moved.xlsx"
    wb.save(moved)
    with demo_store.session() as session:
        before = len(session.scalars(select(ActionUpdate)).all())
        reviews = review_returns(session, [tampered, moved])
        assert "identifier sheet has been altered" in reviews[0].problem
        assert "rows of the form have been changed" in reviews[1].problem
        result = accept_returns(session, COORDINATOR, reviews)
        assert result.written == 0
        assert len(session.scalars(select(ActionUpdate)).all()) == before


def test_forms_for_another_plan_a_closed_quarter_or_another_store(demo_store: Store, store: Store,
                                                                  tmp_path: Path) -> None:
    [form, *_] = _issue(demo_store, tmp_path / "forms")
    _fill(form, {0: {COL_RAG: "Green", COL_COMMENTARY: "Fine"}})
    with demo_store.session() as session:
        durham = find_plan(session, "Durham")
        [other] = review_returns(session, [form], plan=durham)
        assert other.problem == "This form is for another plan."
        plan = find_plan(session, "Hartlepool")
        periods.close_period(session, COORDINATOR, find_period(session, plan.id, "2014/15 Q4"))
        [closed] = review_returns(session, [form])
        assert "2014/15 Q4 is closed" in closed.problem
    with store.session() as session:
        [foreign] = review_returns(session, [form])
        assert "another store" in foreign.problem
    junk = tmp_path / "notes.xlsx"
    junk.write_bytes(b"not a workbook")
    with demo_store.session() as session:
        assert review_returns(session, [junk])[0].problem == "This is not a Pathways return form."


def test_who_has_returned_and_the_chase_list(demo_store: Store, tmp_path: Path) -> None:
    with demo_store.session() as session:
        plan = find_plan(session, "Hartlepool")
        period = find_period(session, plan.id, "current")
        status = returns_status(session, period)
        chase_before = {lead.person_id: lead for lead in status.chase}
        assert chase_before and status.period_label == "2014/15 Q4"
        assert status.overdue() is True  # the demo quarter's deadline (April 2015) has long passed
    target = _issue(demo_store, tmp_path / "forms")[0]
    n = len(_rows(openpyxl.load_workbook(target)[FORM_SHEET]))
    _fill(target, {i: {COL_RAG: "Green", COL_COMMENTARY: "On plan"} for i in range(n)})
    with demo_store.session() as session:
        [review] = review_returns(session, [target])
        assert all(a.acceptable for a in review.actions)
        accept_returns(session, COORDINATOR, [review])
        status = returns_status(session, find_period(session, find_plan(session, "Hartlepool").id, "current"))
        lead = next(lead for lead in status.leads if lead.person_id == review.person_id)
        assert lead.returned == chase_before[review.person_id].returned + n
        assert lead.complete and lead in status.returned and lead not in status.chase
        person = session.get(Person, review.person_id)
        assert person is not None


def test_a_closed_quarter_gets_no_forms(demo_store: Store, tmp_path: Path) -> None:
    from desktop.services.errors import PeriodClosed

    with demo_store.session() as session:
        plan = find_plan(session, "Hartlepool")
        with pytest.raises(PeriodClosed):
            issue_return_forms(session, plan, find_period(session, plan.id, "2014/15 Q3"), tmp_path / "forms")
    assert not (tmp_path / "forms").exists()


def test_demo_return_forms_say_they_are_demonstration_data(demo_store: Store, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from desktop.services.queries import current_period, find_plan
    from desktop.services.returns import issue_return_forms

    with demo_store.session() as session:
        plan = find_plan(session, "Hartlepool")
        period = current_period(session, plan.id)
        assert period is not None
        issue_return_forms(session, plan, period, tmp_path)
    forms = list(tmp_path.glob("*.xlsx"))
    assert forms
    for form in forms:
        assert "DEMONSTRATION DATA" in str(load_workbook(form).worksheets[0].cell(1, 1).value)


def test_blank_forecast_and_percent_keep_last_quarters(demo_store: Store, tmp_path: Path) -> None:
    from desktop.services.updates import latest_update

    forms = _issue(demo_store, tmp_path / "forms", "Durham")
    form = max(forms, key=lambda p: len(_rows(openpyxl.load_workbook(p)[FORM_SHEET])))
    with demo_store.session() as session:
        [review] = review_returns(session, [form])
        first = review.actions[0]
        last = latest_update(session, first.action_id)
        assert last is not None and last.percent_complete is not None and last.forecast_rag is not None
        previous_rag = last.rag
    _fill(form, {0: {COL_RAG: {"green": "Green", "amber": "Amber", "red": "Red"}[previous_rag or "green"],
                     COL_COMMENTARY: "Steady progress", COL_REMEDIAL: "Keep the recovery plan going"}})
    with demo_store.session() as session:
        [review] = review_returns(session, [form])
        item = review.actions[0]
        assert {c.field for c in item.changes} <= {"Commentary", "Remedial action", "RAG"}
        assert "% complete left blank: last quarter's is kept" in item.notes
        accept_returns(session, COORDINATOR, [review])
        update = latest_update(session, item.action_id)
        assert update is not None
        assert (update.percent_complete, update.forecast_rag) == (last.percent_complete, last.forecast_rag)
