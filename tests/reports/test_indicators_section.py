"""The indicators section of the delivery-plan update: table, RAG letters, derived differences, vector charts."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate

from desktop.models import Plan
from desktop.reports.indicators_section import indicator_flowables, trend_chart
from desktop.reports.styles import styles
from desktop.services import indicators, plans
from desktop.services.actor import Actor
from desktop.services.indicators import freeze_indicators
from desktop.store import Store

Y1, Y2 = dt.date(2013, 3, 31), dt.date(2014, 3, 31)


def _frozen(store: Store, actor: Actor, scheme_key: str = "rag") -> list[dict[str, Any]]:
    with store.session() as s:
        partnership = plans.add_partnership(s, actor, "Safer Hartlepool Partnership", "SHP")
        plan = plans.add_plan(s, actor, partnership, "Reducing Re-offending Action Plan", rag_scheme=scheme_key)
        lv = indicators.add_indicator(s, actor, plan, "SO1.5", "Local Violence", baseline_value=1256,
                                      baseline_period="2012/13", target_kind="direction", target_direction="reduce",
                                      target_text="Reduce")
        indicators.record_value(s, actor, lv, "2012/13", Y1, 1256)
        indicators.record_value(s, actor, lv, "2013/14", Y2, 1081)
        ppo = indicators.add_indicator(s, actor, plan, "RO 3", "Re-offending rate of Prolific & Priority Offenders",
                                       unit="ratio", baseline_value=2.4, baseline_parts={"convictions": 94},
                                       baseline_period="2012/13", target_kind="direction",
                                       target_direction="reduce", target_text="Reduce")
        indicators.record_value(s, actor, ppo, "2012/13", Y1, 2.4, parts={"convictions": 94})
        indicators.record_value(s, actor, ppo, "2013/14", Y2, 2.8, parts={"convictions": 115})
        pro = indicators.add_indicator(s, actor, plan, "PRO 1", "Proven re-offending – County Durham",
                                       unit="percent", baseline_value=28.2, target_kind="direction",
                                       target_direction="reduce", target_text="Reduce", tolerance=1,
                                       tolerance_unit="units", lag_months=21, frequency_months=3,
                                       data_source="Ministry of Justice")
        indicators.record_value(s, actor, pro, "Jul 2012 – Jun 2013", dt.date(2013, 6, 30), 28.2, national=26.2)
        indicators.record_value(s, actor, pro, "Oct 2012 – Sep 2013", dt.date(2013, 9, 30), 28.1, national=26.4)
        tf = indicators.add_indicator(s, actor, plan, "RO 5", "Number of Troubled Families engaged with",
                                      polarity="higher_is_better", baseline_value=97, target_kind="absolute",
                                      target_value=242, target_text="242")
        indicators.record_value(s, actor, tf, "2013/14", Y2, 238)
        indicators.add_indicator(s, actor, plan, "ASB 1", "Perceptions of Anti-social Behaviour", unit="text")
        frozen = freeze_indicators(s, plan, as_at=dt.date(2016, 3, 31))
    # What a snapshot stores is JSON: build from the round trip, as the update will.
    return list(json.loads(json.dumps(frozen, allow_nan=False)))


def _pdf(flowables: list[Any]) -> PdfReader:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm).build(flowables)
    return PdfReader(io.BytesIO(buffer.getvalue()))


def _text(reader: PdfReader) -> str:
    """The pages' text with runs of white space (table cells wrap) as single spaces."""
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def test_table_shows_codes_values_and_derived_differences(store: Store, actor: Actor) -> None:
    frozen = _frozen(store, actor)
    reader = _pdf(indicator_flowables(frozen, "rag", styles(), heading="5. Performance indicators"))
    text = _text(reader)
    for code in ("SO1.5", "RO 3", "PRO 1", "RO 5", "ASB 1"):
        assert code in text
    assert "Performance indicators" in text
    assert "1,256" in text and "1,081" in text
    assert "−175" in text and "−13.9%" in text  # derived; the published table said "-111"
    assert "-111" not in text and "−111" not in text
    assert "+0.4" in text and "convictions +21 (+22.3%)" in text  # the rate's change and the parts' change
    assert "28.1%" in text and "England and Wales 26.4%" in text
    assert "No data for 3 periods" in text  # 21-month lag, quarterly releases, as at March 2016
    assert "Not assessed" in text  # the text indicator has no target
    assert "Improved" in text and "Worse" in text


def test_rag_cells_carry_the_scheme_letter(store: Store, actor: Actor) -> None:
    frozen = _frozen(store, actor, "five_point")
    rags = {item["code"]: item["assessment"]["rag"] for item in frozen}
    assert rags == {"SO1.5": "green", "RO 3": "red", "PRO 1": "green", "RO 5": "amber_green", "ASB 1": None}
    text = _text(_pdf(indicator_flowables(frozen, "five_point", styles())))
    assert "AG" in text and "Amber/Green" in text
    assert "Red" in text and "Green" in text


def test_trend_charts_are_vector_graphics(store: Store, actor: Actor) -> None:
    frozen = _frozen(store, actor)
    flowables = indicator_flowables(frozen, "rag", styles())
    reader = _pdf(flowables)
    assert all(not page.images for page in reader.pages)  # drawn as vector shapes, never pictures
    text = _text(reader)
    assert "Trends" in text and "Period" in text and "per cent" in text  # labelled axes
    assert "Baseline (target: reduce)" in text and "Target 242" in text and "England and Wales" in text
    assert "Jul 2012 – Jun 2013" in text


def test_chart_copes_with_gaps_and_parts_only() -> None:
    item = {
        "code": "DA 5", "name": "Alcohol related harm hospital admissions", "unit": "count", "frequency_months": 12,
        "target": {"kind": "direction", "text": "Reduce", "level": None},
        "values": [
            {"period": "2011/12", "period_end": "2012-03-31", "value": None, "parts": {"M": 2378, "F": 1157},
             "national": None, "regional": None, "note": ""},
            {"period": "2012/13", "period_end": "2013-03-31", "value": None, "parts": {"M": 2378, "F": 1106},
             "national": None, "regional": None, "note": ""},
            {"period": "2013/14", "period_end": "2014-03-31", "value": None, "parts": {},
             "national": None, "regional": None, "note": "Measurement to be defined"},
        ],
    }
    drawing = trend_chart(item, 240, 170)
    assert isinstance(drawing, Drawing)
    strings = [getattr(node, "text", "") for node in drawing.getContents()]
    assert "M" in strings and "F" in strings  # one line per part, named in the legend


def test_empty_section_says_so() -> None:
    text = _text(_pdf(indicator_flowables([], "rag", styles())))
    assert "No performance indicators are recorded" in text


@pytest.mark.parametrize("scheme_key", ["rag", "brag", "five_point"])
def test_every_scheme_builds(store: Store, actor: Actor, scheme_key: str) -> None:
    frozen = _frozen(store, actor, scheme_key)
    assert len(_pdf(indicator_flowables(frozen, scheme_key)).pages) >= 1


def test_plan_is_untouched_by_building(store: Store, actor: Actor) -> None:
    frozen = _frozen(store, actor)
    before = json.dumps(frozen, sort_keys=True)
    indicator_flowables(frozen, "rag", styles())
    assert json.dumps(frozen, sort_keys=True) == before
    with store.session() as s:
        assert s.query(Plan).count() == 1
