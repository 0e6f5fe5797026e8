"""The action table model and its filter proxy, without widgets, on the demonstration plan."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from pytestqt.modeltest import ModelTester

from desktop.models import ActionStatus
from desktop.services.queries import ActionRow
from desktop.services.rag import RAG, scheme
from desktop.services.readmodels import PlanData, load_plan
from desktop.store import Store
from desktop.ui.action_table_model import (
    COL_ACTION,
    COL_CODE,
    COL_DIRECTION,
    COL_DUE,
    COL_RAG,
    COL_STATUS,
    COL_UPDATED,
    COLUMN_COUNT,
    ROW_ROLE,
    SORT_ROLE,
    ActionFilter,
    ActionFilterProxy,
    ActionTableModel,
    natural_key,
)
from desktop.ui.rag_delegate import RAG_ROLE


@pytest.fixture
def plan(demo_store: Store) -> PlanData:
    with demo_store.session() as session:
        return load_plan(session, 1)


@pytest.fixture
def model(plan: PlanData) -> ActionTableModel:
    m = ActionTableModel()
    m.set_rows(plan.rows, plan.scheme, plan.current_period.label if plan.current_period else "")
    return m


@pytest.fixture
def proxy(model: ActionTableModel) -> ActionFilterProxy:
    p = ActionFilterProxy()
    p.setSourceModel(model)
    return p


def test_models_pass_the_model_tester(qtmodeltester: ModelTester, model: ActionTableModel,
                                      proxy: ActionFilterProxy) -> None:
    qtmodeltester.check(model)
    proxy.set_filter(ActionFilter(text="youth"))
    qtmodeltester.check(proxy)


def test_every_documented_column_is_there(model: ActionTableModel) -> None:
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(COLUMN_COUNT)]
    assert headers == ["Code", "Action", "Lead officer", "Organisation", "Due", "Status", "RAG", "Forecast",
                       "Direction", "Last updated"]


def test_rag_is_letter_and_words_with_the_definition_as_tooltip(model: ActionTableModel) -> None:
    row = next(n for n in range(model.rowCount()) if model.row_at(n).rag == "red")
    index = model.index(row, COL_RAG)
    # Red, and when nobody updated it this quarter, the mark that says since when (issue #14)
    since = model.row_at(row).rag_period
    carried = "" if model.row_at(row).updated_this_period else f", not updated since {since}"
    assert index.data() == "R Red" + carried
    assert index.data(RAG_ROLE) is RAG.status("red")
    assert "Off track" in index.data(Qt.ItemDataRole.ToolTipRole)


def test_due_shows_the_original_timescale_when_there_is_no_date(model: ActionTableModel) -> None:
    undated = next(n for n in range(model.rowCount()) if model.row_at(n).due_date is None)
    row = model.row_at(undated)
    assert model.index(undated, COL_DUE).data() == (row.timescale or "–")
    overdue = next(n for n in range(model.rowCount()) if model.row_at(n).overdue)
    index = model.index(overdue, COL_DUE)
    assert index.data(Qt.ItemDataRole.AccessibleTextRole).endswith(", overdue")
    assert index.data(Qt.ItemDataRole.DecorationRole) is not None


def test_sort_role_gives_native_values(model: ActionTableModel) -> None:
    assert isinstance(model.index(0, COL_DUE).data(SORT_ROLE), tuple)
    assert isinstance(model.index(0, COL_STATUS).data(SORT_ROLE), int)
    assert isinstance(model.index(0, COL_UPDATED).data(SORT_ROLE), dt.datetime)
    assert isinstance(model.index(0, COL_ACTION).data(ROW_ROLE), ActionRow)


def test_codes_sort_naturally() -> None:
    codes = ["SO 10", "SO 2", "1.10", "1.2", "9.75", "9.8", "CDYOS 1"]
    assert sorted(codes, key=natural_key) == ["1.2", "1.10", "9.8", "9.75", "CDYOS 1", "SO 2", "SO 10"]


def test_proxy_sorts_through_the_source_on_native_values(proxy: ActionFilterProxy) -> None:
    proxy.sort(COL_DUE, Qt.SortOrder.AscendingOrder)
    dues = [r.due_date for r in proxy.visible_rows()]
    dated = [d for d in dues if d is not None]
    assert dated == sorted(dated)
    assert dues[len(dated):] == [None] * (len(dues) - len(dated))  # undated (“ongoing”) last
    proxy.sort(COL_RAG, Qt.SortOrder.DescendingOrder)
    severities = [(RAG.find(r.rag).severity if RAG.find(r.rag) else -100) for r in proxy.visible_rows()]
    assert severities == sorted(severities, reverse=True)
    proxy.sort(COL_DIRECTION, Qt.SortOrder.AscendingOrder)  # no error for any column
    proxy.sort(COL_CODE, Qt.SortOrder.AscendingOrder)
    codes = [r.code for r in proxy.visible_rows()]
    assert codes == sorted(codes, key=natural_key)


def test_sorting_keeps_the_selection_on_the_same_action(model: ActionTableModel, proxy: ActionFilterProxy) -> None:
    target = model.row_at(5).id
    kept = QPersistentModelIndex(proxy.index(proxy.proxy_row_of(target) or 0, 0))
    proxy.sort(COL_ACTION, Qt.SortOrder.DescendingOrder)
    assert proxy.row_at(kept.row()).id == target


def test_each_filter(plan: PlanData, proxy: ActionFilterProxy) -> None:
    rows = plan.rows
    total = len(rows)

    def shown(**changes: object) -> list[ActionRow]:
        proxy.set_filter(ActionFilter(**changes))  # type: ignore[arg-type]
        return proxy.visible_rows()

    assert len(shown()) == total
    def words(r: ActionRow) -> str:
        return " ".join((r.code, r.text, r.lead, r.organisation, r.timescale, r.commentary, r.earlier_commentary,
                         *r.pathways)).lower()

    # Every word must appear, anywhere in the searchable fields (every quarter's commentary too), in any case.
    assert {r.id for r in shown(text="RESTORATIVE justice")} == {
        r.id for r in rows if "restorative" in words(r) and "justice" in words(r)}
    assert all(r.rag == "amber" for r in shown(rag="amber")) and shown(rag="amber")
    assert all(r.status == ActionStatus.COMPLETE for r in shown(status=ActionStatus.COMPLETE))
    lead = rows[0].lead_ids[0]
    assert all(lead in r.lead_ids for r in shown(lead_id=lead))
    org = rows[0].organisation_id
    assert all(r.organisation_id == org for r in shown(organisation_id=org))
    assert all(r.overdue for r in shown(overdue_only=True)) and shown(overdue_only=True)
    assert all(r.rag != r.previous_rag and r.rag for r in shown(changed_only=True))
    priority = rows[0].priority_id
    assert {r.id for r in shown(priority_id=priority)} == {r.id for r in rows if r.priority_id == priority}
    assert {r.id for r in shown(objective_id=rows[0].objective_id)} == {
        r.id for r in rows if r.objective_id == rows[0].objective_id}
    assert all(r.strand == rows[0].strand for r in shown(strand=rows[0].strand))
    assert shown(only_ids=frozenset({rows[1].id}))[0].id == rows[1].id
    assert shown(rag="amber", overdue_only=True) == [r for r in rows if r.rag == "amber" and r.overdue]


def test_pathway_filter(demo_store: Store) -> None:
    with demo_store.session() as session:
        data = load_plan(session, 2)
    tagged = [r for r in data.rows if r.pathways]
    assert tagged, "the demo has actions tagged with critical pathways"
    model = ActionTableModel()
    model.set_rows(data.rows, data.scheme)
    proxy = ActionFilterProxy()
    proxy.setSourceModel(model)
    pathway = tagged[0].pathways[0]
    proxy.set_filter(ActionFilter(pathway=pathway))
    assert {r.id for r in proxy.visible_rows()} == {r.id for r in data.rows if pathway in r.pathways}


def test_update_rows_changes_in_place_adds_and_removes(qtmodeltester: ModelTester, model: ActionTableModel,
                                                       proxy: ActionFilterProxy, qtbot: object) -> None:
    qtmodeltester.check(model)
    first = model.row_at(0)
    changed = dataclasses.replace(first, rag="red", text="Changed text")
    seen: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b: seen.append((a.row(), b.row())))
    model.update_rows([changed])
    assert model.row_at(0).text == "Changed text" and seen == [(0, 0)]
    added = dataclasses.replace(first, id=99_999, code="ZZNEW99")
    model.update_rows([added])
    assert model.position_of(99_999) == model.rowCount() - 1
    model.update_rows([], removed=[first.id])
    assert model.position_of(first.id) is None
    proxy.set_filter(ActionFilter(text="zznew99"))
    assert [r.id for r in proxy.visible_rows()] == [99_999]


def test_empty_model_is_valid(qtmodeltester: ModelTester) -> None:
    model = ActionTableModel()
    model.set_rows([], scheme("brag"))
    qtmodeltester.check(model)
    assert model.data(QModelIndex()) is None
