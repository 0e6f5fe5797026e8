"""Indicators: RAG against target within tolerance, direction of travel, derived differences, missing data."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from desktop.models import (
    AuditEvent,
    Indicator,
    IndicatorUnit,
    IndicatorValue,
    Plan,
    Polarity,
    TargetDirection,
    TargetKind,
    ToleranceUnit,
)
from desktop.resources import resource_path
from desktop.services import audit, indicators, plans
from desktop.services.actor import Actor
from desktop.services.errors import ValidationError
from desktop.services.indicator_demo import load_demo_indicators
from desktop.services.indicators import (
    DOWN,
    IMPROVED,
    NEW,
    NONE,
    SAME,
    UP,
    WORSE,
    ValuePoint,
    assess,
    format_difference,
    format_percent,
    format_value,
    freeze_indicators,
    parse_target,
    travel,
)
from desktop.store import Store

Y1, Y2 = dt.date(2013, 3, 31), dt.date(2014, 3, 31)


def _indicator(
    *,
    kind: TargetKind = TargetKind.NONE,
    target: float | None = None,
    direction: TargetDirection | None = None,
    polarity: Polarity = Polarity.LOWER_IS_BETTER,
    baseline: float | None = 100.0,
    tolerance: float = 5.0,
    tolerance_unit: ToleranceUnit = ToleranceUnit.PERCENT_OF_TARGET,
    unit: IndicatorUnit = IndicatorUnit.COUNT,
    lag: int = 0,
    frequency: int = 12,
) -> Indicator:
    """An unsaved indicator: assess() is pure and needs no store."""
    return Indicator(
        code="T1",
        name="Test",
        unit=unit,
        polarity=polarity,
        baseline_value=baseline,
        baseline_parts_json="{}",
        target_kind=kind,
        target_value=target,
        target_direction=direction,
        tolerance=tolerance,
        tolerance_unit=tolerance_unit,
        lag_months=lag,
        frequency_months=frequency,
    )


def _point(
    end: dt.date,
    value: float | None,
    label: str = "",
    *,
    parts: dict[str, float] | None = None,
    national: float | None = None,
) -> ValuePoint:
    return ValuePoint(label or end.isoformat(), end, value, dict(parts or {}), national, None, "")


# ---- RAG: every target kind against every polarity that makes sense, on the three schemes


@dataclass(frozen=True)
class RagCase:
    name: str
    kind: TargetKind
    target: float | None
    direction: TargetDirection | None
    polarity: Polarity
    baseline: float | None
    latest: float | None
    tolerance: float
    tolerance_unit: ToleranceUnit
    expected: dict[str, str | None]  # scheme key → RAG key


P, U = ToleranceUnit.PERCENT_OF_TARGET, ToleranceUnit.UNITS
LOW, HIGH, NEITHER = Polarity.LOWER_IS_BETTER, Polarity.HIGHER_IS_BETTER, Polarity.NEITHER
DIR, REL, ABS, NO = TargetKind.DIRECTION, TargetKind.RELATIVE, TargetKind.ABSOLUTE, TargetKind.NONE
RED_, INC = TargetDirection.REDUCE, TargetDirection.INCREASE


def _all(key: str | None) -> dict[str, str | None]:
    return {"rag": key, "brag": key, "five_point": key}


def _three(key: str | None, five: str | None) -> dict[str, str | None]:
    return {"rag": key, "brag": key, "five_point": five}


RAG_CASES = [
    # "Reduce" (Hartlepool's Local Directional Target): judged against the baseline.
    RagCase("reduce: fell", DIR, None, RED_, LOW, 1256, 1081, 5, P, _all("green")),
    RagCase("reduce: no change", DIR, None, RED_, LOW, 61, 61, 5, P, _all("amber")),
    RagCase("reduce: rose within tolerance", DIR, None, RED_, LOW, 100, 103, 5, P, _three("amber", "amber")),
    RagCase("reduce: rose a little", DIR, None, RED_, LOW, 100, 102, 5, P, _three("amber", "amber_green")),
    RagCase("reduce: rose beyond tolerance", DIR, None, RED_, LOW, 410, 447, 5, P, _three("red", "amber_red")),
    RagCase("reduce: rose, twice tolerance", DIR, None, RED_, LOW, 100, 108, 5, P, _three("red", "amber_red")),
    RagCase("reduce: % indicator, points tolerance", DIR, None, RED_, LOW, 28.2, 28.9, 1, U, _all("amber")),
    RagCase("reduce: neither polarity", DIR, None, RED_, NEITHER, 22, 34, 5, P, _three("red", "red")),
    # "Increase" (Hate Incidents): higher is better.
    RagCase("increase: rose", DIR, None, INC, HIGH, 101, 108, 5, P, _all("green")),
    RagCase("increase: fell within tolerance", DIR, None, INC, HIGH, 101, 98, 5, P, _three("amber", "amber")),
    RagCase("increase: fell beyond tolerance", DIR, None, INC, HIGH, 101, 80, 5, P, _all("red")),
    # "3% Increase" (opiate users into effective treatment, 690 → 694): the target level is 710.7.
    RagCase("relative: short within tolerance", REL, 3, INC, HIGH, 690, 694, 5, P, _three("amber", "amber_green")),
    RagCase("relative: met", REL, 3, INC, HIGH, 690, 711, 5, P, _all("green")),
    RagCase("relative: exactly met", REL, 10, INC, HIGH, 100, 110, 0, P, _all("green")),
    RagCase("relative: short, no tolerance", REL, 3, INC, HIGH, 690, 694, 0, P, _all("red")),
    RagCase("relative: 5% reduction met", REL, 5, RED_, LOW, 200, 189, 5, P, _all("green")),
    RagCase("relative: 5% reduction, just short", REL, 5, RED_, LOW, 200, 199, 5, P, _three("amber", "amber")),
    RagCase("relative: 5% reduction, no change", REL, 5, RED_, LOW, 200, 200, 5, P, _three("red", "amber_red")),
    RagCase("relative: no baseline", REL, 5, RED_, LOW, None, 200, 5, P, _all(None)),
    # "12%" (successful completions, higher is better) and "10%" (re-presentations, lower is better).
    RagCase("absolute: higher, far short", ABS, 12, None, HIGH, 7.6, 5, 1, U, _all("red")),
    RagCase("absolute: higher, just short", ABS, 12, None, HIGH, 7.6, 11.5, 1, U, _three("amber", "amber_green")),
    RagCase("absolute: higher, met", ABS, 12, None, HIGH, 7.6, 12, 1, U, _all("green")),
    RagCase("absolute: lower, far above", ABS, 10, None, LOW, 15, 28, 1, U, _all("red")),
    RagCase("absolute: lower, met", ABS, 10, None, LOW, 15, 9, 1, U, _all("green")),
    RagCase("absolute: count met exactly (242)", ABS, 242, None, HIGH, 97, 242, 5, P, _all("green")),
    RagCase("absolute: exceeded (121 → 156)", ABS, 121, None, HIGH, 0, 156, 5, P, _all("green")),
    RagCase("absolute: no baseline needed", ABS, 121, None, HIGH, None, 156, 5, P, _all("green")),
    # Neither direction is better: how close to the level, either side.
    RagCase("absolute: neither, within tolerance", ABS, 100, None, NEITHER, None, 96, 5, P, _all("green")),
    RagCase("absolute: neither, within twice", ABS, 100, None, NEITHER, None, 108, 5, P, _three("amber", "amber")),
    RagCase("absolute: neither, far off", ABS, 100, None, NEITHER, None, 80, 5, P, _three("red", "red")),
    # Nothing to judge.
    RagCase("no target", NO, None, None, LOW, 100, 90, 5, P, _all(None)),
    RagCase("no figure", DIR, None, RED_, LOW, 100, None, 5, P, _all(None)),
]


@pytest.mark.parametrize("scheme_key", ["rag", "brag", "five_point"])
@pytest.mark.parametrize("case", RAG_CASES, ids=lambda c: c.name)
def test_rag_against_target(case: RagCase, scheme_key: str) -> None:
    ind = _indicator(
        kind=case.kind,
        target=case.target,
        direction=case.direction,
        polarity=case.polarity,
        baseline=case.baseline,
        tolerance=case.tolerance,
        tolerance_unit=case.tolerance_unit,
    )
    result = assess(ind, [_point(Y2, case.latest)], scheme_key=scheme_key, as_at=Y2)
    assert result.rag == case.expected[scheme_key], result.rag_reason
    assert result.rag_reason  # every judgement says why


def test_five_point_scale_bands() -> None:
    ind = _indicator(kind=ABS, target=100, polarity=HIGH, tolerance=10)
    got = {v: assess(ind, [_point(Y2, v)], scheme_key="five_point", as_at=Y2).rag for v in (100, 96, 92, 85, 70)}
    assert got == {100: "green", 96: "amber_green", 92: "amber", 85: "amber_red", 70: "red"}


# ---- direction of travel


@pytest.mark.parametrize(
    ("now", "before", "good", "expected"),
    [
        (1081, 1256, -1, IMPROVED),  # lower is better and it fell
        (1300, 1256, -1, WORSE),
        (108, 101, 1, IMPROVED),  # higher is better and it rose
        (98, 101, 1, WORSE),
        (34, 22, 0, UP),  # neither is better: only the movement
        (19, 28, 0, DOWN),
        (50, 50, -1, SAME),
        (50.0, 50.0 + 1e-12, 1, SAME),
        (50, None, -1, NEW),
        (None, 50, -1, NONE),
    ],
)
def test_travel(now: float | None, before: float | None, good: int, expected: str) -> None:
    assert travel(now, before, good) == expected


@pytest.mark.parametrize(
    ("polarity", "kind", "direction", "values", "expected"),
    [
        (LOW, DIR, RED_, (61, 50), IMPROVED),
        (LOW, DIR, RED_, (2.4, 2.8), WORSE),
        (HIGH, DIR, INC, (101, 108), IMPROVED),
        (HIGH, ABS, None, (97, 242), IMPROVED),
        (NEITHER, NO, None, (22, 34), UP),
        (NEITHER, DIR, RED_, (22, 34), WORSE),  # no polarity: the target's direction decides
        (NEITHER, DIR, INC, (22, 34), IMPROVED),
    ],
)
def test_direction_uses_polarity_then_target(
    polarity: Polarity,
    kind: TargetKind,
    direction: TargetDirection | None,
    values: tuple[float, float],
    expected: str,
) -> None:
    ind = _indicator(kind=kind, target=200 if kind is ABS else None, direction=direction, polarity=polarity)
    result = assess(ind, [_point(Y1, values[0]), _point(Y2, values[1])], as_at=Y2)
    assert result.direction == expected
    assert result.direction_vs_last_year == expected  # annual figures: the previous period is last year


def test_direction_against_same_quarter_last_year() -> None:
    ind = _indicator(kind=DIR, direction=RED_, frequency=3)
    points = [
        _point(dt.date(2014, 9, 30), 30.0, "2014/15 Q2"),
        _point(dt.date(2014, 12, 31), 26.0, "2014/15 Q3"),
        _point(dt.date(2015, 6, 30), 25.0, "2015/16 Q1"),
        _point(dt.date(2015, 9, 30), 28.0, "2015/16 Q2"),
    ]
    result = assess(ind, points, as_at=dt.date(2015, 10, 1))
    assert result.latest is not None and result.latest.period_label == "2015/16 Q2"
    assert result.previous is not None and result.previous.period_label == "2015/16 Q1"
    assert result.last_year is not None and result.last_year.period_label == "2014/15 Q2"
    assert result.direction == WORSE  # 25 → 28
    assert result.direction_vs_last_year == IMPROVED  # 30 → 28
    assert result.change_vs_previous == pytest.approx(3.0)
    assert result.change_vs_last_year == pytest.approx(-2.0)


# ---- differences are derived: the Hartlepool table's slips cannot happen

# (indicator, baseline 2012/13, 2013/14, published "Actual Difference", published "% Difference") — H:2416-2455.
# Percentages are compared at the precision the source printed them.
HARTLEPOOL_PUBLISHED = [
    ("All Recorded Crime", 6491, 6193, -298, "-4.6%"),
    ("Domestic Burglary", 295, 266, -29, "-9.8%"),
    ("Vehicle Crime", 410, 447, 37, "9.0%"),
    ("Shoplifting", 774, 844, 70, "9.0%"),
    ("Local Violence", 1256, 1081, -111, "-13.9%"),  # H:2424: 1,256 → 1,081 is -175, not -111
    ("Anti-social Behaviour Incidents reported to the Police", 6813, 7482, 669, "9.8%"),
    ("Deliberate Fires", 212, 273, 61, "28.7%"),  # 61 / 212 = 28.77%: truncated, not rounded
    ("Criminal Damage to Dwellings", 491, 449, -42, "-9%"),
    ("Hate Incidents", 101, 108, 7, "7%"),
    ("Number of young people found in possession of alcohol", 124, 109, 15, "4.5%"),  # H:2435: -15, -12.1%
    ("First-Time Entrants to the Criminal Justice System", 61, 50, -11, "-18%"),
]
WRONG_IN_SOURCE = {"Local Violence", "Deliberate Fires", "Number of young people found in possession of alcohol"}


@pytest.mark.parametrize(
    ("name", "baseline", "latest", "published_diff", "published_pct"),
    HARTLEPOOL_PUBLISHED,
    ids=[row[0] for row in HARTLEPOOL_PUBLISHED],
)
def test_differences_are_derived_from_the_values(
    name: str, baseline: float, latest: float, published_diff: float, published_pct: str
) -> None:
    ind = _indicator(kind=DIR, direction=RED_, baseline=baseline)
    result = assess(ind, [_point(Y1, baseline), _point(Y2, latest)], as_at=Y2)
    # The only figures anywhere are the two recorded values; the differences follow from them.
    assert result.difference == latest - baseline
    assert result.percent_difference == pytest.approx((latest - baseline) / baseline * 100)
    decimals = len(published_pct.rstrip("%").partition(".")[2])
    derived_pct = f"{round(result.percent_difference or 0, decimals):.{decimals}f}%"
    agrees = result.difference == published_diff and derived_pct == published_pct
    assert agrees == (name not in WRONG_IN_SOURCE), (result.difference, derived_pct)


def test_local_violence_shows_minus_175_not_minus_111() -> None:
    ind = _indicator(kind=DIR, direction=RED_, baseline=1256)
    result = assess(ind, [_point(Y2, 1081)], as_at=Y2)
    assert format_difference(result.difference, IndicatorUnit.COUNT) == "−175"
    assert format_percent(result.percent_difference) == "−13.9%"


def test_percent_indicator_difference_is_in_points() -> None:
    # "Repeat Incidents of Domestic Violence - MARAC 22% → 34%" was published as "15 | 68.2%".
    ind = _indicator(kind=DIR, direction=RED_, baseline=22, unit=IndicatorUnit.PERCENT)
    result = assess(ind, [_point(Y2, 34)], as_at=Y2)
    assert format_difference(result.difference, IndicatorUnit.PERCENT) == "+12 pts"
    assert format_percent(result.percent_difference) == "+54.5%"


def test_composite_parts_are_differenced_as_numbers() -> None:
    # "Re-offending rate of Prolific & Priority Offenders 2.4 (94 convictions) → 2.8 (115 convictions)"; the
    # source's "21 | 22.3%" is the convictions' change, shown beside the rate's own.
    ind = _indicator(kind=DIR, direction=RED_, baseline=2.4, unit=IndicatorUnit.RATIO)
    ind.baseline_parts = {"convictions": 94}
    result = assess(ind, [_point(Y2, 2.8, parts={"convictions": 115})], as_at=Y2)
    assert result.difference == pytest.approx(0.4)
    assert result.percent_difference == pytest.approx(16.667, abs=1e-3)
    assert result.part_differences == {"convictions": 21}
    assert result.part_percent_differences["convictions"] == pytest.approx(22.34, abs=0.01)
    # "M: 2378 F: 1157 (2011/12)" → "M: 2378 F: 1106 (2012/13)": no headline figure, parts only.
    sexes = _indicator(kind=DIR, direction=RED_, baseline=None)
    sexes.baseline_parts = {"M": 2378, "F": 1157}
    result = assess(sexes, [_point(Y2, None, parts={"M": 2378, "F": 1106})], as_at=Y2)
    assert result.difference is None
    assert result.part_differences == {"M": 0, "F": -51}
    assert result.periods_without_data == 0  # parts are data


def test_nothing_derived_is_stored() -> None:
    columns = {c.key for m in (Indicator, IndicatorValue) for c in sa_inspect(m).columns}
    assert not {c for c in columns if "diff" in c or "rag" in c or "direction" in c} - {"target_direction"}


def test_zero_baseline_has_no_percentage() -> None:
    ind = _indicator(kind=ABS, target=121, polarity=HIGH, baseline=0)
    result = assess(ind, [_point(Y2, 156)], as_at=Y2)
    assert result.difference == 156
    assert result.percent_difference is None
    assert format_percent(result.percent_difference) == "–"


# ---- no data for N periods


def test_trailing_periods_without_a_figure_are_counted() -> None:
    ind = _indicator(kind=DIR, direction=RED_)
    points = [_point(dt.date(2012, 3, 31), 10), _point(Y1, None), _point(Y2, None)]
    result = assess(ind, points, as_at=Y2)
    assert result.periods_without_data == 2
    assert result.no_data_text == "No data for 2 periods"
    assert result.latest is not None and result.latest.period_end == dt.date(2012, 3, 31)


def test_overdue_periods_allow_for_the_lag() -> None:
    # Proven re-offending: quarterly releases, 21-month lag. Latest is Oct 2012 – Sep 2013.
    ind = _indicator(kind=DIR, direction=RED_, unit=IndicatorUnit.PERCENT, lag=21, frequency=3)
    points = [_point(dt.date(2013, 6, 30), 28.2), _point(dt.date(2013, 9, 30), 28.1)]
    assert assess(ind, points, as_at=dt.date(2015, 6, 30)).periods_without_data == 0  # Sep 2013 + 21 months
    assert assess(ind, points, as_at=dt.date(2015, 12, 31)).periods_without_data == 2
    assert assess(ind, points, as_at=dt.date(2016, 3, 31)).no_data_text == "No data for 3 periods"


def test_values_after_upto_are_ignored() -> None:
    ind = _indicator(kind=DIR, direction=RED_)
    points = [_point(Y1, 10), _point(Y2, 8)]
    result = assess(ind, points, as_at=dt.date(2013, 12, 31), upto=dt.date(2013, 12, 31))
    assert result.latest is not None and result.latest.value == 10
    # as_at alone only dates the missing-figure count: a figure already recorded is never hidden
    assert assess(ind, points, as_at=dt.date(2013, 12, 31)).latest == points[1]


# ---- targets as partnerships write them


@pytest.mark.parametrize(
    ("text", "kind", "value", "direction"),
    [
        ("Reduce", DIR, None, RED_),
        ("Increase", DIR, None, INC),
        ("3% Increase", REL, 3.0, INC),
        ("5% reduction", REL, 5.0, RED_),
        ("12%", ABS, 12.0, None),
        ("242", ABS, 242.0, None),
        ("1,250", ABS, 1250.0, None),
        ("", NO, None, None),
    ],
)
def test_parse_target(text: str, kind: TargetKind, value: float | None, direction: TargetDirection | None) -> None:
    parsed = parse_target(text)
    assert (parsed.kind, parsed.value, parsed.direction) == (kind, value, direction)


def test_parse_target_refuses_what_it_cannot_read() -> None:
    with pytest.raises(ValidationError, match="not a target"):
        parse_target("Measurement to be defined")


def test_formatting() -> None:
    assert format_value(6193, "count") == "6,193"
    assert format_value(28.2, "percent") == "28.2%"
    assert format_value(1.13, "ratio") == "1.13"
    assert format_value(5.244, "rate_per_1000") == "5.24 per 1,000"
    assert format_value(None, "count") == "–"
    assert format_difference(-936, "count") == "−936"
    assert format_difference(0, "count") == "0"


# ---- the services against a store: validation, audit, freeze


@pytest.fixture
def plan_id(store: Store, actor: Actor) -> int:
    with store.session() as s:
        partnership = plans.add_partnership(s, actor, "Safer Hartlepool Partnership", "SHP")
        return plans.add_plan(s, actor, partnership, "Reducing Re-offending Action Plan", rag_scheme="brag").id


def test_add_edit_record_are_audited(store: Store, actor: Actor, plan_id: int) -> None:
    with store.session() as s:
        plan = s.get(Plan, plan_id)
        assert plan is not None
        ind = indicators.add_indicator(
            s,
            actor,
            plan,
            "RO 2",
            "First-Time Entrants to the Criminal Justice System",
            baseline_value=61,
            baseline_period="2012/13",
            target_kind="direction",
            target_direction="reduce",
            target_text="Reduce",
        )
        indicators.record_value(s, actor, ind, "2013/14", Y2, 50)
        indicators.record_value(s, actor, ind, "2013/14", Y2, 51, reason="corrected by the YOS")
        indicators.edit_indicator(s, actor, ind, {"tolerance": 2.5}, reason="agreed at the board")
    with store.session() as s:
        events = list(
            s.scalars(
                select(AuditEvent)
                .where(AuditEvent.entity.in_(["indicator", "indicator_value"]))
                .order_by(AuditEvent.sequence)
            )
        )
        assert [(e.verb, e.entity) for e in events] == [
            ("create", "indicator"),
            ("create", "indicator_value"),
            ("update", "indicator_value"),
            ("update", "indicator"),
        ]
        assert json.loads(events[2].before)["value"] == 50 and json.loads(events[2].after)["value"] == 51
        assert events[2].reason == "corrected by the YOS"
        assert json.loads(events[3].after) == {"tolerance": 2.5}
        assert audit.verify_chain(s).ok
        values = indicators.values_of(s, events[0].entity_id or 0)
        assert [(v.period_label, v.value) for v in values] == [("2013/14", 51)]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": ""}, "code"),
        ({"name": "  "}, "name"),
        ({"target_kind": "relative", "target_value": 3}, "target_direction"),
        ({"target_kind": "relative", "target_direction": "increase", "target_value": 0}, "target_value"),
        ({"target_kind": "absolute"}, "target_value"),
        ({"target_kind": "direction", "target_direction": "increase"}, "target_direction"),  # lower is better
        ({"unit": "text", "target_kind": "absolute", "target_value": 3}, "target_kind"),
        ({"tolerance": -1}, "tolerance"),
        ({"lag_months": -2}, "lag_months"),
        ({"polarity": "sideways"}, "polarity"),
        ({"baseline_value": "lots"}, "baseline_value"),
        ({"baseline_value": float("nan")}, "baseline_value"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_definitions_are_refused(
    store: Store, actor: Actor, plan_id: int, changes: dict[str, object], field: str
) -> None:
    with store.session() as s:
        plan = s.get(Plan, plan_id)
        assert plan is not None
        ind = indicators.add_indicator(s, actor, plan, "RO 1", "Re-offending rate of young offenders")
        with pytest.raises(ValidationError) as info:
            indicators.edit_indicator(s, actor, ind, changes)
        assert info.value.field == field


def test_codes_are_unique_within_a_plan(store: Store, actor: Actor, plan_id: int) -> None:
    with store.session() as s:
        plan = s.get(Plan, plan_id)
        assert plan is not None
        indicators.add_indicator(s, actor, plan, "RO 1", "Re-offending rate of young offenders")
        with pytest.raises(ValidationError, match="already has an indicator"):
            indicators.add_indicator(s, actor, plan, "ro 1", "Another")


def test_values_are_checked(store: Store, actor: Actor, plan_id: int) -> None:
    with store.session() as s:
        plan = s.get(Plan, plan_id)
        assert plan is not None
        ind = indicators.add_indicator(s, actor, plan, "RO 1", "Rate")
        text = indicators.add_indicator(s, actor, plan, "PAS", "Perceptions of ASB", unit="text")
        with pytest.raises(ValidationError, match="finite"):
            indicators.record_value(s, actor, ind, "2013/14", Y2, float("inf"))
        with pytest.raises(ValidationError, match="text indicator"):
            indicators.record_value(s, actor, text, "2013/14", Y2, 29)
        indicators.record_value(s, actor, text, "2013/14", Y2, None, note="Measurement to be defined")
        indicators.record_value(s, actor, ind, "2013/14", Y2, 1.3)
        with pytest.raises(ValidationError, match="also ends on"):
            indicators.record_value(s, actor, ind, "Apr 2013 – Mar 2014", Y2, 1.2)


def test_freeze_is_plain_json_and_respects_as_at(store: Store, actor: Actor, plan_id: int) -> None:
    with store.session() as s:
        plan = s.get(Plan, plan_id)
        assert plan is not None
        ind = indicators.add_indicator(
            s,
            actor,
            plan,
            "RO 3",
            "Re-offending rate of PPOs",
            unit="ratio",
            baseline_value=2.4,
            baseline_parts={"convictions": 94},
            target_kind="direction",
            target_direction="reduce",
        )
        indicators.record_value(s, actor, ind, "2012/13", Y1, 2.4, parts={"convictions": 94})
        indicators.record_value(s, actor, ind, "2013/14", Y2, 2.8, parts={"convictions": 115}, national=2.1)
        frozen = freeze_indicators(s, plan)
        earlier = freeze_indicators(s, plan, as_at=dt.date(2013, 12, 31))
    text = json.dumps(frozen, allow_nan=False, sort_keys=True)
    assert json.loads(text) == frozen
    [item] = frozen
    assert item["code"] == "RO 3" and item["unit"] == "ratio"
    assert [v["period"] for v in item["values"]] == ["2012/13", "2013/14"]
    a = item["assessment"]
    assert a["latest"]["value"] == 2.8 and a["latest"]["parts"] == {"convictions": 115.0}
    assert a["difference"] == pytest.approx(0.4)
    assert a["part_differences"] == {"convictions": 21.0}
    assert a["rag"] == "red" and a["direction"] == WORSE and a["vs_national"] == pytest.approx(0.7)
    assert [v["period"] for v in earlier[0]["values"]] == ["2012/13"]
    assert earlier[0]["assessment"]["latest"]["period"] == "2012/13"


# ---- the demonstration figures reproduce the published headline changes


@pytest.fixture
def demo_indicators(demo_store: Store) -> Store:
    with demo_store.session() as s:
        by_title = {p.title: p for p in s.scalars(select(Plan))}
        if not s.scalar(select(Indicator.id).limit(1)):  # until the demo loader runs it by itself
            load_demo_indicators(s, by_title, Path(resource_path("demo")))
    return demo_store


def test_demo_reproduces_published_changes(demo_indicators: Store) -> None:
    with demo_indicators.session() as s:
        rows = {}
        for plan in s.scalars(select(Plan)):
            for row in indicators.indicator_rows(s, plan.id):
                rows[(plan.title[:6], row.code)] = row
    durham = {code: r.assessment for (title, code), r in rows.items() if title == "County"}
    # "82.9% reduction" and "84.4% reduction" in first time entrants (D:1060, D:1073)
    assert round(durham["FTE 1"].percent_difference or 0, 1) == -82.9
    assert round(durham["FTE 2"].percent_difference or 0, 1) == -84.4
    # "51.5% reduction" in young people offending and "46.8% decrease" in offences (D:1054)
    assert round(durham["YOS 1"].percent_difference or 0, 1) == -51.5
    assert round(durham["YOS 1"].part_percent_differences["offences"] or 0, 1) == -46.8
    # Darlington: "5.1% increase" and "1% increase" (D:1067)
    assert round(durham["YOS 2"].percent_difference or 0, 1) == 5.1
    assert round(durham["YOS 2"].part_percent_differences["offences"] or 0) == 1
    # Proven re-offending: County Durham 28.2% against 26.2% nationally (D:1097)
    first = rows[("County", "PRO 1")].values[0]
    assert (first.value, first.national) == (28.2, 26.2)
    assert rows[("County", "PRO 2")].values[0].value == 31.0
    # The IOM series 2010/11 – 2014/15, with Darlington's "-" kept as missing, not 0 (D:1087-1089)
    assert [p.value for p in rows[("County", "IOM 3")].values] == [None, None, -64, -59, -41]
    iom = [p.value for p in rows[("County", "IOM 1")].values]
    assert iom == [-50, -61, -61, -62, -43] and round(sum(iom) / len(iom), 1) == -55.4  # "55.4% average"
    # Hartlepool's "Reduce Offending & Re-Offending" table (H:2447-2455)
    hartlepool = {code: r for (title, code), r in rows.items() if title == "Safer "}
    assert sorted(hartlepool) == ["RO 1", "RO 2", "RO 3", "RO 4", "RO 5", "RO 6"]
    assert hartlepool["RO 1"].values[-1].parts == {"offences": 58, "offenders": 46}
    assert hartlepool["RO 2"].assessment.difference == -11
    assert hartlepool["RO 5"].assessment.rag == "green" and hartlepool["RO 5"].target_text == "242"
    assert all(r.is_demo for r in rows.values())
