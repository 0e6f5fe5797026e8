"""Importing indicator values from CSV and XLSX: composite figures kept as numbers; a bad file writes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from desktop.models import AuditEvent, IndicatorValue, Plan
from desktop.services import indicators, plans
from desktop.services.actor import Actor
from desktop.services.errors import ValidationError
from desktop.services.indicator_import import (
    ImportProblems,
    import_indicator_values,
    parse_figure,
    parse_number,
)
from desktop.store import Store


@pytest.fixture
def plan_id(store: Store, actor: Actor) -> int:
    with store.session() as s:
        partnership = plans.add_partnership(s, actor, "Safer Hartlepool Partnership", "SHP")
        plan = plans.add_plan(s, actor, partnership, "Reducing Re-offending Action Plan")
        common = {"target_kind": "direction", "target_direction": "reduce", "baseline_period": "2012/13"}
        indicators.add_indicator(
            s,
            actor,
            plan,
            "RO 1",
            "Re-offending rate of young offenders",
            unit="ratio",
            baseline_value=1.13,
            baseline_parts={"offences": 44, "offenders": 39},
            **common,
        )
        indicators.add_indicator(
            s, actor, plan, "RO 2", "First-Time Entrants to the Criminal Justice System", baseline_value=61, **common
        )
        indicators.add_indicator(
            s,
            actor,
            plan,
            "DA 5",
            "Alcohol related harm hospital admissions",
            baseline_parts={"M": 2378, "F": 1157},
            **common,
        )
        indicators.add_indicator(
            s,
            actor,
            plan,
            "PRO 1",
            "Proven re-offending",
            unit="percent",
            baseline_value=28.2,
            lag_months=21,
            frequency_months=3,
            **common,
        )
        return plan.id


def _write_csv(path: Path, text: str) -> Path:
    path.write_text(text.strip() + "\n", encoding="utf-8")
    return path


def _counts(store: Store) -> tuple[int, int]:
    with store.session() as s:
        values = s.scalar(select(func.count()).select_from(IndicatorValue)) or 0
        events = s.scalar(select(func.count()).select_from(AuditEvent)) or 0
    return values, events


def _import(store: Store, actor: Actor, plan_id: int, path: Path, dry_run: bool = False):  # type: ignore[no-untyped-def]
    with store.session() as s:
        plan = s.get(Plan, plan_id)
        assert plan is not None
        return import_indicator_values(s, actor, plan, path, dry_run=dry_run)


GOOD_CSV = """
code,period,period_end,value,national,note,Actual Difference
RO 1,2012/13,2013-03-31,1.13 (44 offences) (39 offenders),,,
RO 1,2013/14,31/03/2014,1.3 (58 offences) (46 offenders),,as published,-111
RO 2,2013/14,31 Mar 2014,50,,,-11
DA 5,2012/13,2013-03-31,M: 2378 F: 1106 (2012/13),,,
PRO 1,Jul 2012 – Jun 2013,2013-06-30,28.2%,26.2%,,
"""


def test_csv_import_keeps_composite_parts_as_numbers(store: Store, actor: Actor, plan_id: int, tmp_path: Path) -> None:
    report = _import(store, actor, plan_id, _write_csv(tmp_path / "values.csv", GOOD_CSV))
    assert (report.rows, report.added, report.updated, report.unchanged) == (5, 5, 0, 0)
    assert report.indicators == ("RO 1", "RO 2", "DA 5", "PRO 1")
    assert any("Actual Difference" in w for w in report.warnings)  # differences are never imported
    with store.session() as s:
        ro1 = indicators.find_indicator(s, plan_id, "RO 1")
        latest = indicators.values_of(s, ro1.id)[-1]
        assert (latest.period_label, latest.period_end, latest.value) == ("2013/14", dt.date(2014, 3, 31), 1.3)
        assert latest.parts == {"offences": 58, "offenders": 46}
        assert latest.note == "as published"
        da5 = indicators.values_of(s, indicators.find_indicator(s, plan_id, "DA 5").id)[0]
        assert da5.value is None and da5.parts == {"M": 2378, "F": 1106}
        assert da5.note == "figure for 2012/13"
        pro = indicators.values_of(s, indicators.find_indicator(s, plan_id, "PRO 1").id)[0]
        assert (pro.value, pro.national) == (28.2, 26.2)
        ro2 = indicators.find_indicator(s, plan_id, "RO 2")
        assert indicators.assess(ro2, ro2.values).difference == -11  # derived, whatever the file said


def test_reimport_corrects_and_reports_unchanged(store: Store, actor: Actor, plan_id: int, tmp_path: Path) -> None:
    _import(store, actor, plan_id, _write_csv(tmp_path / "a.csv", GOOD_CSV))
    changed = GOOD_CSV.replace("RO 2,2013/14,31 Mar 2014,50", "RO 2,2013/14,31 Mar 2014,51")
    report = _import(store, actor, plan_id, _write_csv(tmp_path / "b.csv", changed))
    assert (report.added, report.updated, report.unchanged) == (0, 1, 4)
    with store.session() as s:
        event = s.scalars(select(AuditEvent).order_by(AuditEvent.sequence.desc()).limit(1)).one()
        assert (event.verb, event.entity, event.reason) == ("update", "indicator_value", "imported from b.csv")


def test_dry_run_writes_nothing(store: Store, actor: Actor, plan_id: int, tmp_path: Path) -> None:
    before = _counts(store)
    report = _import(store, actor, plan_id, _write_csv(tmp_path / "values.csv", GOOD_CSV), dry_run=True)
    assert report.dry_run and report.added == 5
    assert report.summary().startswith("Would import 5 values")
    assert _counts(store) == before


def test_xlsx_import(store: Store, actor: Actor, plan_id: int, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Indicator values"
    sheet.append(["Indicator code", "Period", "Period end", "Value", "part:offences", "part:offenders", "Notes"])
    sheet.append(["RO 1", "2013/14", dt.datetime(2014, 3, 31), 1.3, 58, 46, None])
    sheet.append([None, None, None, None, None, None, None])
    sheet.append(["RO 2", "2013/14", dt.date(2014, 3, 31), "50", None, None, "provisional"])
    path = tmp_path / "values.xlsx"
    book.save(path)
    report = _import(store, actor, plan_id, path)
    assert report.added == 2
    with store.session() as s:
        value = indicators.values_of(s, indicators.find_indicator(s, plan_id, "RO 1").id)[0]
        assert value.parts == {"offences": 58, "offenders": 46}


MALFORMED = {
    "missing column": ("code,period,value\nRO 2,2013/14,50\n", "period_end is missing"),
    "unknown column": ("code,period,period_end,vaule\nRO 2,2013/14,2014-03-31,50\n", "unknown column vaule"),
    "bad number": ("code,period,period_end,value\nRO 2,2013/14,2014-03-31,12..5\n", "row 2, value"),
    "text figure": (
        "code,period,period_end,value\nRO 2,2013/14,2014-03-31,Measurement to be defined\n",
        "put words in the note",
    ),
    "bad date": ("code,period,period_end,value\nRO 2,2013/14,March 2014,50\n", "row 2, period_end"),
    "unknown code": ("code,period,period_end,value\nRO 9,2013/14,2014-03-31,50\n", "no indicator 'RO 9'"),
    "duplicate row": (
        "code,period,period_end,value\nRO 2,2013/14,2014-03-31,50\nRO 2,2013/14,2014-03-31,51\n",
        "also on row 2",
    ),
    "no code": ("code,period,period_end,value\n,2013/14,2014-03-31,50\n", "no indicator code"),
    "bad parts": ("code,period,period_end,value,parts\nRO 1,2013/14,2014-03-31,1.3,offences=lots\n", "row 2, parts"),
    "bad comparator": ("code,period,period_end,value,national\nPRO 1,Q,2014-03-31,28,twenty\n", "row 2, national"),
    "header only": ("code,period,period_end,value\n", "no rows of values"),
    "empty": ("\n", "empty"),
    "no header": ("RO 2,2013/14,2014-03-31,50\n", "not a header row"),
    "stray cell": ("code,period,period_end,value\nRO 2,2013/14,2014-03-31,50,,extra\n", "column with no heading"),
}


@pytest.mark.parametrize("case", list(MALFORMED), ids=list(MALFORMED))
def test_malformed_file_is_refused_and_nothing_written(
    store: Store, actor: Actor, plan_id: int, tmp_path: Path, case: str
) -> None:
    text, expected = MALFORMED[case]
    # A good row before the bad one must not be written either.
    path = tmp_path / "values.csv"
    path.write_text(text, encoding="utf-8")
    before = _counts(store)
    with pytest.raises(ImportProblems) as info:
        _import(store, actor, plan_id, path)
    message = str(info.value)
    assert message.startswith("values.csv was not imported:") and message.endswith("Nothing was written.")
    assert expected in message or any(expected in p for p in info.value.problems)
    assert _counts(store) == before


def test_every_problem_is_listed_and_good_rows_are_not_written(
    store: Store, actor: Actor, plan_id: int, tmp_path: Path
) -> None:
    path = _write_csv(
        tmp_path / "mixed.csv",
        """
code,period,period_end,value
RO 2,2013/14,2014-03-31,50
RO 1,2013/14,2014-03-31,abc
RO 9,2013/14,2014-03-31,3
PRO 1,Q1,not a date,28
""",
    )
    before = _counts(store)
    with pytest.raises(ImportProblems) as info:
        _import(store, actor, plan_id, path)
    assert len(info.value.problems) == 2  # the file's own problems are reported before codes are looked up
    assert "and 1 more problem" in str(info.value)
    assert _counts(store) == before


def test_not_a_workbook(store: Store, actor: Actor, plan_id: int, tmp_path: Path) -> None:
    path = tmp_path / "values.xlsx"
    path.write_bytes(b"this is not a zip file")
    before = _counts(store)
    with pytest.raises(ImportProblems, match="not a readable XLSX workbook"):
        _import(store, actor, plan_id, path)
    assert _counts(store) == before


def test_unsupported_type_and_missing_file(store: Store, actor: Actor, plan_id: int, tmp_path: Path) -> None:
    with pytest.raises(ImportProblems, match="cannot be imported; use .csv or .xlsx"):
        _import(store, actor, plan_id, _write_csv(tmp_path / "values.txt", GOOD_CSV))
    with pytest.raises(ValidationError, match="There is no file"):
        _import(store, actor, plan_id, tmp_path / "absent.csv")


def test_period_end_clash_with_recorded_value_is_refused(
    store: Store, actor: Actor, plan_id: int, tmp_path: Path
) -> None:
    _import(store, actor, plan_id, _write_csv(tmp_path / "a.csv", GOOD_CSV))
    before = _counts(store)
    path = _write_csv(tmp_path / "b.csv", "code,period,period_end,value\nRO 2,Apr 2013 – Mar 2014,2014-03-31,49\n")
    with pytest.raises(ImportProblems, match="already has '2013/14'"):
        _import(store, actor, plan_id, path)
    assert _counts(store) == before


@pytest.mark.parametrize(
    ("cell", "value", "parts"),
    [
        ("1.13 (44 offences) (39 offenders)", 1.13, {"offences": 44, "offenders": 39}),
        ("2.4 (94 convictions)", 2.4, {"convictions": 94}),
        ("M: 2378 F: 1157", None, {"M": 2378, "F": 1157}),
        ("1,256", 1256, {}),
        ("28.2%", 28.2, {}),
        ("50% Reduction", -50, {}),
        ("-", None, {}),
        (6193, 6193, {}),
    ],
)
def test_parse_figure(cell: object, value: float | None, parts: dict[str, float]) -> None:
    figure = parse_figure(cell)
    assert (figure.value, figure.parts) == (value, parts)


def test_parse_number_refuses_words() -> None:
    with pytest.raises(ValueError):
        parse_number("55.4% average")


def test_failure_part_way_leaves_the_session_untouched(
    store: Store, actor: Actor, plan_id: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write_csv(tmp_path / "values.csv", GOOD_CSV)
    real = indicators.record_value
    calls = []

    def failing(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 3:
            raise ValidationError("disk full")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(indicators, "record_value", failing)
    before = _counts(store)
    with store.session() as s:
        plan = s.get(Plan, plan_id)
        assert plan is not None
        with pytest.raises(ValidationError, match="disk full"):
            import_indicator_values(s, actor, plan, path)
        # the caller carries on and commits its own unit of work: the savepoint took the first two rows back
    assert _counts(store) == before
