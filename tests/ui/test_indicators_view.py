"""The Indicators view: table model (checked by QAbstractItemModelTester), filters, chart, RAG letter and colour."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.models import Indicator, Plan
from desktop.resources import resource_path
from desktop.services import indicators
from desktop.services.actor import Actor
from desktop.services.indicator_demo import load_demo_indicators
from desktop.services.rag import scheme
from desktop.store import Store
from desktop.ui.indicators_view import (
    COL_CODE,
    COL_DIFFERENCE,
    COL_DIRECTION,
    COL_LATEST,
    COL_RAG,
    COLUMN_COUNT,
    RAG_STATUS_ROLE,
    ROW_ROLE,
    SORT_ROLE,
    IndicatorFilterProxy,
    IndicatorsView,
    IndicatorTableModel,
)

DURHAM = "County Durham and Darlington"
HARTLEPOOL = "Safer Hartlepool"


@pytest.fixture
def demo_with_indicators(demo_store: Store) -> Store:
    with demo_store.session() as s:
        if not s.scalar(select(Indicator.id).limit(1)):  # until the demo loader runs it by itself
            load_demo_indicators(s, {p.title: p for p in s.scalars(select(Plan))}, Path(resource_path("demo")))
    return demo_store


def _plan_id(store: Store, title_start: str) -> int:
    with store.session() as s:
        return next(p.id for p in s.scalars(select(Plan)) if p.title.startswith(title_start))


def _model(store: Store, title_start: str) -> IndicatorTableModel:
    plan_id = _plan_id(store, title_start)
    with store.session() as s:
        plan = s.get(Plan, plan_id)
        assert plan is not None
        rows = indicators.indicator_rows(s, plan_id, as_at=dt.date(2016, 3, 31))
        rag_scheme = scheme(plan.rag_scheme)
    model = IndicatorTableModel()
    model.set_rows(rows, rag_scheme)
    return model


def test_model_passes_the_model_tester(qtmodeltester, demo_with_indicators: Store) -> None:  # type: ignore[no-untyped-def]
    model = _model(demo_with_indicators, DURHAM)
    assert model.rowCount() == 9 and model.columnCount() == COLUMN_COUNT
    qtmodeltester.check(model)
    proxy = IndicatorFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(COL_RAG, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy)


def test_rag_column_has_letter_and_colour(demo_with_indicators: Store) -> None:
    model = _model(demo_with_indicators, DURHAM)
    by_code = {model.index(r, COL_CODE).data(): r for r in range(model.rowCount())}
    red = model.index(by_code["PRO 1"], COL_RAG)
    assert red.data() == "R  Red"
    status = red.data(RAG_STATUS_ROLE)
    assert status.letter == "R" and QColor(status.colour) == QColor("#c0392b")
    green = model.index(by_code["FTE 1"], COL_RAG)
    assert green.data() == "G  Green"
    unjudged = model.index(by_code["IOM 1"], COL_RAG)
    assert unjudged.data() == "–  Not assessed" and unjudged.data(RAG_STATUS_ROLE) is None
    assert "No target is set" in unjudged.data(Qt.ItemDataRole.ToolTipRole)


def test_sort_role_gives_native_values(demo_with_indicators: Store) -> None:
    model = _model(demo_with_indicators, DURHAM)
    for row in range(model.rowCount()):
        for column in range(COLUMN_COUNT):
            value = model.index(row, column).data(SORT_ROLE)
            assert isinstance(value, int | float | str), (row, column, value)
    proxy = IndicatorFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(COL_RAG, Qt.SortOrder.DescendingOrder)
    worst_first = [proxy.index(r, COL_RAG).data() for r in range(proxy.rowCount())]
    assert worst_first[0] == "R  Red" and worst_first[-1] == "–  Not assessed"
    proxy.sort(COL_CODE, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, COL_CODE).data() for r in range(3)] == ["FTE 1", "FTE 2", "IOM 1"]


def test_differences_shown_are_the_derived_ones(demo_with_indicators: Store) -> None:
    model = _model(demo_with_indicators, HARTLEPOOL)
    rows = {model.index(r, COL_CODE).data(): r for r in range(model.rowCount())}
    assert model.index(rows["RO 2"], COL_DIFFERENCE).data() == "−11"
    ppo = model.index(rows["RO 3"], COL_DIFFERENCE)
    assert ppo.data() == "+0.4"
    assert "convictions: +21 (+22.3%)" in ppo.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(rows["RO 3"], COL_DIRECTION).data() == "↓ Worse"
    assert model.index(rows["RO 1"], COL_LATEST).data() == "1.3"


def test_filters(demo_with_indicators: Store) -> None:
    model = _model(demo_with_indicators, DURHAM)
    proxy = IndicatorFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_text("darlington")
    assert {proxy.index(r, COL_CODE).data() for r in range(proxy.rowCount())} == {
        "PRO 2", "IOM 1", "IOM 3", "FTE 2", "YOS 2"}
    proxy.set_text("")
    proxy.set_attention_only(True)
    codes = {proxy.index(r, COL_CODE).data() for r in range(proxy.rowCount())}
    assert {"PRO 1", "PRO 2", "YOS 2"} <= codes and "FTE 1" not in codes


def test_view_shows_table_and_trend_chart(qtbot: QtBot, demo_with_indicators: Store) -> None:
    view = IndicatorsView(demo_with_indicators, _plan_id(demo_with_indicators, DURHAM))
    qtbot.addWidget(view)
    view.resize(1440, 900)
    assert view.proxy.rowCount() == 9
    assert "DEMONSTRATION DATA" in view.subtitle.text()
    assert view.as_at == dt.date(2016, 3, 31)  # the plan's current quarter (2015/16 Q4)
    pro1 = next(r for r in view.model.rows() if r.code == "PRO 1")
    with qtbot.waitSignal(view.indicator_selected) as blocker:
        assert view.select_indicator(pro1.id)
    assert blocker.args == [pro1.id]
    assert view.current_row() is not None and view.current_row().code == "PRO 1"  # type: ignore[union-attr]
    assert view.chart.series_names == ["Indicator", "Baseline (target: reduce)", "England and Wales"]
    plot = view.chart.plot_item
    assert plot.getAxis("left").labelText == "Per cent"
    assert plot.getAxis("bottom").labelText == "Period"
    assert "PRO 1" in plot.titleLabel.text
    assert "Reduce" in view.details.text() and "21 months" in view.details.text()

    iom3 = next(r for r in view.model.rows() if r.code == "IOM 3")
    view.select_indicator(iom3.id)
    assert view.chart.series_names == ["Indicator", "No figure"]  # Darlington's "-" years


def test_rag_chip_is_painted_in_the_scheme_colour(qtbot: QtBot, demo_with_indicators: Store) -> None:
    view = IndicatorsView(demo_with_indicators, _plan_id(demo_with_indicators, DURHAM))
    qtbot.addWidget(view)
    view.resize(1440, 900)
    view.show()
    qtbot.waitExposed(view)
    view.table.clearSelection()
    view.table.setCurrentIndex(QModelIndex())
    image = view.table.viewport().grab().toImage()
    seen = {image.pixelColor(x, y).name() for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)}
    assert "#c0392b" in seen and "#2e8540" in seen  # Red and Green chips (their letters are in the text)


def test_refresh_picks_up_new_values_and_keeps_selection(
    qtbot: QtBot, demo_with_indicators: Store, actor: Actor
) -> None:
    plan_id = _plan_id(demo_with_indicators, HARTLEPOOL)
    view = IndicatorsView(demo_with_indicators, plan_id)
    qtbot.addWidget(view)
    ro2 = next(r for r in view.model.rows() if r.code == "RO 2")
    view.select_indicator(ro2.id)
    with demo_with_indicators.session() as s:
        ind = indicators.find_indicator(s, plan_id, "RO 2")
        indicators.record_value(s, actor, ind, "2014/15", dt.date(2015, 3, 31), 44)
    view.refresh()
    current = view.current_row()
    assert current is not None and current.code == "RO 2"
    assert current.assessment.latest is not None and current.assessment.latest.value == 44
    assert current.assessment.difference == -17  # 44 − 61, derived
    position = view.model.position_of(ro2.id)
    assert position is not None
    assert view.model.index(position, COL_LATEST).data(ROW_ROLE).code == "RO 2"


def test_empty_plan(qtbot: QtBot, store: Store, actor: Actor) -> None:
    from desktop.services import plans

    with store.session() as s:
        partnership = plans.add_partnership(s, actor, "Safer Hartlepool Partnership", "SHP")
        plan_id = plans.add_plan(s, actor, partnership, "Plan with no indicators").id
    view = IndicatorsView(store, plan_id)
    qtbot.addWidget(view)
    assert view.proxy.rowCount() == 0
    assert view.current_row() is None
    assert view.chart.series_names == []
