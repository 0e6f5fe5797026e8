"""Performance indicators: defining them, recording values, and judging them (DESIGN §3 "Performance indicators").

Everything a document or screen shows beyond the recorded figures is derived here and nowhere else: differences
(actual and %), the RAG against the target within the indicator's stated tolerance, direction of travel against
the previous period and the same period last year, and how many periods are missing. Nothing derived is stored or
typed, so the published mistakes ("1,256 → 1,081" with a difference of "-111") cannot happen.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.models import (
    Indicator,
    IndicatorUnit,
    IndicatorValue,
    Plan,
    Polarity,
    TargetDirection,
    TargetKind,
    ToleranceUnit,
)
from desktop.services import audit
from desktop.services.actor import Actor
from desktop.services.errors import NotFound, ValidationError
from desktop.services.rag import RagScheme, scheme

# What a user may change on an indicator (values have their own functions).
EDITABLE_FIELDS: tuple[str, ...] = (
    "code", "name", "definition", "unit", "polarity", "baseline_value", "baseline_label", "baseline_period",
    "baseline_parts", "target_kind", "target_value", "target_direction", "target_text", "tolerance",
    "tolerance_unit", "data_source", "lag_months", "frequency_months", "geography", "position",
)
VALUE_FIELDS: tuple[str, ...] = ("period_label", "period_end", "value", "parts", "national", "regional", "note")

# Direction-of-travel words. The first five match the action vocabulary (desktop.services.rag.RagScheme.compare);
# "up" and "down" are for indicators where neither direction is better.
IMPROVED, WORSE, SAME, NEW, NONE, UP, DOWN = "improved", "worse", "same", "new", "none", "up", "down"

_SAME_EPSILON = 1e-9
_LAST_YEAR_SLACK_DAYS = 20


# ---- small helpers


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def describe_indicator(indicator: Indicator, names: Sequence[str] = EDITABLE_FIELDS) -> dict[str, Any]:
    """The audited view of an indicator: JSON-friendly values of the named fields."""
    return {name: _plain(getattr(indicator, name)) for name in names}


def describe_value(value: IndicatorValue) -> dict[str, Any]:
    return {"indicator_id": value.indicator_id, **{name: _plain(getattr(value, name)) for name in VALUE_FIELDS}}


def _number(value: Any, field: str, what: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationError(f"{what} must be a number.", field=field)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{what} must be a number, not '{value}'.", field=field) from None
    if not math.isfinite(number):
        raise ValidationError(f"{what} must be a finite number.", field=field)
    return number


def _parts(value: Mapping[str, Any] | None, field: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, raw in (value or {}).items():
        name = str(key).strip()
        if not name:
            raise ValidationError("Every part of a composite value needs a name.", field=field)
        number = _number(raw, field, f"The part '{name}'")
        if number is None:
            raise ValidationError(f"The part '{name}' has no number.", field=field)
        out[name] = number
    return out


def _text(value: Any, field: str, what: str, limit: int | None = None, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise ValidationError(f"{what} cannot be empty.", field=field)
    if limit is not None and len(text) > limit:
        raise ValidationError(f"{what} can be at most {limit} characters.", field=field)
    return text


def _enum_value(cls: type[enum.Enum], value: Any, field: str) -> Any:
    try:
        return cls(value)
    except ValueError:
        known = ", ".join(str(m.value) for m in cls)
        raise ValidationError(f"'{value}' is not a valid {field.replace('_', ' ')} (one of: {known}).",
                              field=field) from None


# ---- targets written the way partnerships write them

_TARGET_WORDS = {
    "reduce": TargetDirection.REDUCE, "reduction": TargetDirection.REDUCE, "decrease": TargetDirection.REDUCE,
    "lower": TargetDirection.REDUCE, "increase": TargetDirection.INCREASE, "rise": TargetDirection.INCREASE,
    "higher": TargetDirection.INCREASE, "improve": TargetDirection.INCREASE,
}
_RELATIVE = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*%\s*([A-Za-z]+)$")
_ABSOLUTE = re.compile(r"^([0-9][0-9,]*(?:\.[0-9]+)?)\s*(%?)$")


@dataclass(frozen=True)
class ParsedTarget:
    kind: TargetKind
    value: float | None
    direction: TargetDirection | None
    text: str


def parse_target(text: str) -> ParsedTarget:
    """"Reduce" → direction; "3% Increase" → relative; "12%" or "242" → absolute; "" → none."""
    raw = (text or "").strip()
    if not raw or raw in ("-", "–"):
        return ParsedTarget(TargetKind.NONE, None, None, raw)
    word = _TARGET_WORDS.get(raw.casefold())
    if word is not None:
        return ParsedTarget(TargetKind.DIRECTION, None, word, raw)
    m = _RELATIVE.match(raw)
    if m and m.group(2).casefold() in _TARGET_WORDS:
        return ParsedTarget(TargetKind.RELATIVE, float(m.group(1)), _TARGET_WORDS[m.group(2).casefold()], raw)
    m = _ABSOLUTE.match(raw)
    if m:
        return ParsedTarget(TargetKind.ABSOLUTE, float(m.group(1).replace(",", "")), None, raw)
    raise ValidationError(
        f"'{raw}' is not a target Pathways understands: use a direction (\"Reduce\", \"Increase\"), a relative "
        "change (\"3% Increase\") or a level (\"12%\", \"242\").",
        field="target_text",
    )


def describe_target(indicator: Indicator) -> str:
    """The target in words, for tables: the partnership's own text when it has one."""
    if indicator.target_text:
        return indicator.target_text
    kind = indicator.target_kind
    if kind is TargetKind.DIRECTION and indicator.target_direction is not None:
        return indicator.target_direction.value.capitalize()
    if kind is TargetKind.RELATIVE and indicator.target_value is not None and indicator.target_direction:
        return f"{_trim(indicator.target_value)}% {indicator.target_direction.value.capitalize()}"
    if kind is TargetKind.ABSOLUTE and indicator.target_value is not None:
        return format_value(indicator.target_value, indicator.unit)
    return "No target"


def describe_tolerance(tolerance: float, unit: ToleranceUnit, indicator_unit: IndicatorUnit) -> str:
    """"±5% of target", "±1 percentage point", "±10"."""
    if unit is ToleranceUnit.UNITS:
        return f"±{format_amount(tolerance, indicator_unit)}"
    return f"±{_trim(tolerance)}% of target"


# ---- formatting (shared by the app, the command line and documents)


def _trim(number: float, decimals: int = 2) -> str:
    text = f"{number:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


_DECIMALS = {
    IndicatorUnit.PERCENT: 1, IndicatorUnit.RATE_PER_1000: 2, IndicatorUnit.RATIO: 2, IndicatorUnit.SCORE: 1,
    IndicatorUnit.COUNT: 1, IndicatorUnit.TEXT: 2,
}
MINUS = "−"


def format_number(value: float, decimals: int) -> str:
    text = f"{abs(value):,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{MINUS}{text}" if value < 0 and text.strip("0.,") else text


def format_value(value: float | None, unit: IndicatorUnit | str) -> str:
    """"6,193", "28.2%", "1.13", "5.24 per 1,000"; "–" when there is no figure."""
    if value is None:
        return "–"
    unit = IndicatorUnit(unit)
    text = format_number(value, _DECIMALS[unit])
    if unit is IndicatorUnit.PERCENT:
        return f"{text}%"
    if unit is IndicatorUnit.RATE_PER_1000:
        return f"{text} per 1,000"
    return text


def format_amount(value: float, unit: IndicatorUnit | str) -> str:
    """An unsigned gap between two figures: "175", "2.8 percentage points" (never "2.8%" for a % indicator)."""
    unit = IndicatorUnit(unit)
    if unit is IndicatorUnit.PERCENT:
        text = format_number(abs(value), _DECIMALS[unit])
        return f"{text} percentage point{'' if text == '1' else 's'}"
    return format_value(abs(value), unit)


def format_difference(value: float | None, unit: IndicatorUnit | str) -> str:
    """Signed: "+37", "−175", "+12 pts" (a % indicator's difference is in percentage points)."""
    if value is None:
        return "–"
    unit = IndicatorUnit(unit)
    text = format_number(value, _DECIMALS[unit])
    if abs(value) > _SAME_EPSILON and value > 0:
        text = f"+{text}"
    if unit is IndicatorUnit.PERCENT:
        return f"{text} pts"
    return text


def format_percent(value: float | None) -> str:
    if value is None:
        return "–"
    text = format_number(value, 1)
    return f"+{text}%" if value > 0 and text != "0" else f"{text}%"


def format_parts(parts: Mapping[str, float], unit: IndicatorUnit | str, *, signed: bool = False) -> str:
    """"M 2,378 · F 1,106", or with ``signed`` "M 0 · F −51"."""
    fmt = format_difference if signed else format_value
    out = []
    for key, number in parts.items():
        text = fmt(number, IndicatorUnit.COUNT if IndicatorUnit(unit) is IndicatorUnit.PERCENT else unit)
        out.append(f"{key} {text}")
    return " · ".join(out)


# ---- defining indicators


def _check_definition(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and normalise an indicator's definition (all fields present)."""
    out = dict(fields)
    out["code"] = _text(fields["code"], "code", "An indicator's code", 40, required=True)
    out["name"] = _text(fields["name"], "name", "An indicator's name", required=True)
    out["definition"] = _text(fields["definition"], "definition", "The definition")
    out["unit"] = unit = _enum_value(IndicatorUnit, fields["unit"], "unit")
    out["polarity"] = polarity = _enum_value(Polarity, fields["polarity"], "polarity")
    out["baseline_value"] = _number(fields["baseline_value"], "baseline_value", "The baseline")
    out["baseline_label"] = _text(fields["baseline_label"], "baseline_label", "The baseline as published", 200)
    out["baseline_period"] = _text(fields["baseline_period"], "baseline_period", "The baseline period", 40)
    out["baseline_parts"] = _parts(fields["baseline_parts"], "baseline_parts")
    kind = _enum_value(TargetKind, fields["target_kind"], "target_kind")
    direction = fields["target_direction"]
    direction = None if direction in (None, "") else _enum_value(TargetDirection, direction, "target_direction")
    value = _number(fields["target_value"], "target_value", "The target")
    if unit is IndicatorUnit.TEXT and kind is not TargetKind.NONE:
        raise ValidationError("A text indicator cannot have a numeric target.", field="target_kind")
    if kind is TargetKind.NONE:
        value, direction = None, None
    elif kind is TargetKind.DIRECTION:
        if direction is None:
            raise ValidationError("A direction target needs \"Increase\" or \"Reduce\".", field="target_direction")
        value = None
    elif kind is TargetKind.RELATIVE:
        if direction is None:
            raise ValidationError("A relative target needs \"Increase\" or \"Reduce\".", field="target_direction")
        if value is None or value <= 0:
            raise ValidationError("A relative target needs a percentage above 0 (3 for \"3% Increase\").",
                                  field="target_value")
    elif kind is TargetKind.ABSOLUTE:
        if value is None:
            raise ValidationError("A target level needs a number (12 for \"12%\").", field="target_value")
        direction = None
    if direction is not None and polarity.sign and direction.sign != polarity.sign:
        better = "higher" if polarity.sign > 0 else "lower"
        raise ValidationError(
            f"The target says {direction.value.capitalize()} but {better} values are better for this indicator; "
            "change the target or the polarity.",
            field="target_direction",
        )
    out["target_kind"], out["target_value"], out["target_direction"] = kind, value, direction
    out["target_text"] = _text(fields["target_text"], "target_text", "The target as published", 200)
    tolerance = _number(fields["tolerance"], "tolerance", "The tolerance")
    if tolerance is None or tolerance < 0:
        raise ValidationError("The tolerance must be 0 or more.", field="tolerance")
    out["tolerance"] = tolerance
    out["tolerance_unit"] = _enum_value(ToleranceUnit, fields["tolerance_unit"], "tolerance_unit")
    out["data_source"] = _text(fields["data_source"], "data_source", "The data source")
    lag = fields["lag_months"]
    if not isinstance(lag, int) or isinstance(lag, bool) or not 0 <= lag <= 120:
        raise ValidationError("The data lag must be a whole number of months from 0 to 120.", field="lag_months")
    frequency = fields["frequency_months"]
    if not isinstance(frequency, int) or isinstance(frequency, bool) or not 1 <= frequency <= 60:
        raise ValidationError("The reporting frequency must be from 1 to 60 months.", field="frequency_months")
    out["geography"] = _text(fields["geography"], "geography", "The geography", 200)
    return out


def _code_taken(session: Session, plan_id: int, code: str, except_id: int | None = None) -> bool:
    query = select(Indicator.id).where(Indicator.plan_id == plan_id, func.lower(Indicator.code) == code.lower())
    if except_id is not None:
        query = query.where(Indicator.id != except_id)
    return session.scalar(query) is not None


def add_indicator(
    session: Session,
    actor: Actor,
    plan: Plan,
    code: str,
    name: str,
    *,
    definition: str = "",
    unit: IndicatorUnit | str = IndicatorUnit.COUNT,
    polarity: Polarity | str = Polarity.LOWER_IS_BETTER,
    baseline_value: float | None = None,
    baseline_label: str = "",
    baseline_period: str = "",
    baseline_parts: Mapping[str, float] | None = None,
    target_kind: TargetKind | str = TargetKind.NONE,
    target_value: float | None = None,
    target_direction: TargetDirection | str | None = None,
    target_text: str = "",
    tolerance: float = 5.0,
    tolerance_unit: ToleranceUnit | str = ToleranceUnit.PERCENT_OF_TARGET,
    data_source: str = "",
    lag_months: int = 0,
    frequency_months: int = 12,
    geography: str = "",
    position: int | None = None,
    is_demo: bool = False,
    reason: str = "",
) -> Indicator:
    """Add an indicator to a plan (audited). Codes are unique within a plan: imports find indicators by code."""
    fields = _check_definition(
        {
            "code": code, "name": name, "definition": definition, "unit": unit, "polarity": polarity,
            "baseline_value": baseline_value, "baseline_label": baseline_label, "baseline_period": baseline_period,
            "baseline_parts": baseline_parts, "target_kind": target_kind, "target_value": target_value,
            "target_direction": target_direction, "target_text": target_text, "tolerance": tolerance,
            "tolerance_unit": tolerance_unit, "data_source": data_source, "lag_months": lag_months,
            "frequency_months": frequency_months, "geography": geography,
        }
    )
    if _code_taken(session, plan.id, fields["code"]):
        raise ValidationError(f"This plan already has an indicator with the code '{fields['code']}'.", field="code")
    if position is None:
        current = session.scalar(select(func.max(Indicator.position)).where(Indicator.plan_id == plan.id))
        position = 0 if current is None else int(current) + 1
    parts = fields.pop("baseline_parts")
    indicator = Indicator(plan=plan, position=position, is_demo=is_demo, **fields)
    indicator.baseline_parts = parts
    session.add(indicator)
    session.flush()
    audit.record(session, actor, "create", "indicator", indicator.id, after=describe_indicator(indicator),
                 reason=reason)
    return indicator


def edit_indicator(
    session: Session, actor: Actor, indicator: Indicator, changes: Mapping[str, Any], reason: str = ""
) -> dict[str, Any]:
    """Change an indicator's definition (audited); returns the previous values of the changed fields."""
    unknown = [k for k in changes if k not in EDITABLE_FIELDS]
    if unknown:
        raise ValidationError(f"{', '.join(unknown)} cannot be changed on an indicator.", field=unknown[0])
    current = {name: getattr(indicator, name) for name in EDITABLE_FIELDS if name != "position"}
    merged = _check_definition({**current, **{k: v for k, v in changes.items() if k != "position"}})
    if "position" in changes:
        position = changes["position"]
        if not isinstance(position, int) or isinstance(position, bool):
            raise ValidationError("The position must be a whole number.", field="position")
        merged["position"] = position
    if _code_taken(session, indicator.plan_id, merged["code"], except_id=indicator.id):
        raise ValidationError(f"This plan already has an indicator with the code '{merged['code']}'.", field="code")
    names = [n for n in EDITABLE_FIELDS if n in merged]
    before = describe_indicator(indicator, names)
    after_plain = {n: _plain(merged[n]) for n in names}
    changed = [n for n in names if before[n] != after_plain[n]]
    if not changed:
        return {}
    previous = {n: getattr(indicator, n) for n in changed}
    for name in changed:
        setattr(indicator, name, merged[name])
    session.flush()
    audit.record(session, actor, "update", "indicator", indicator.id,
                 before={n: before[n] for n in changed}, after={n: after_plain[n] for n in changed}, reason=reason)
    return previous


def delete_indicator(session: Session, actor: Actor, indicator: Indicator, reason: str = "") -> None:
    before = {**describe_indicator(indicator), "values": len(indicator.values)}
    entity_id = indicator.id
    session.delete(indicator)
    session.flush()
    audit.record(session, actor, "delete", "indicator", entity_id, before=before, reason=reason)


# ---- values


def record_value(
    session: Session,
    actor: Actor,
    indicator: Indicator,
    period_label: str,
    period_end: dt.date,
    value: float | None = None,
    *,
    parts: Mapping[str, float] | None = None,
    national: float | None = None,
    regional: float | None = None,
    note: str = "",
    reason: str = "",
) -> IndicatorValue:
    """Record (or correct) the figure for one period; a period already recorded is replaced, and audited as such.

    A value may be a number, parts ({"M": 2378, "F": 1157}), both, or neither with a note ("Measurement to be
    defined"): a missing figure is recorded as missing, never as 0.
    """
    checked = check_value(indicator, period_label, period_end, value, parts, national, regional, note)
    existing = session.scalar(
        select(IndicatorValue).where(
            IndicatorValue.indicator_id == indicator.id,
            func.lower(IndicatorValue.period_label) == checked["period_label"].lower(),
        )
    )
    if existing is None:
        clash = session.scalar(
            select(IndicatorValue.period_label).where(
                IndicatorValue.indicator_id == indicator.id, IndicatorValue.period_end == checked["period_end"]
            )
        )
        if clash is not None:
            raise ValidationError(
                f"{indicator.code} already has a value for '{clash}', which also ends on "
                f"{checked['period_end']:%d %b %Y}; correct that period instead.",
                field="period_end",
            )
        row = IndicatorValue(indicator=indicator, **{k: v for k, v in checked.items() if k != "parts"})
        row.parts = checked["parts"]
        session.add(row)
        session.flush()
        audit.record(session, actor, "create", "indicator_value", row.id, after=describe_value(row), reason=reason)
        return row
    before = describe_value(existing)
    for key, new in checked.items():
        setattr(existing, key, new)
    existing.recorded_at = dt.datetime.now(dt.UTC)
    session.flush()
    after = describe_value(existing)
    if after != before:
        audit.record(session, actor, "update", "indicator_value", existing.id, before=before, after=after,
                     reason=reason)
    return existing


def check_value(
    indicator: Indicator,
    period_label: str,
    period_end: dt.date,
    value: float | None,
    parts: Mapping[str, float] | None,
    national: float | None,
    regional: float | None,
    note: str,
) -> dict[str, Any]:
    """Validate one period's figure for ``indicator``; returns the normalised fields (raises ValidationError)."""
    label = _text(period_label, "period_label", "The period", 40, required=True)
    if not isinstance(period_end, dt.date) or isinstance(period_end, dt.datetime):
        raise ValidationError("The period's end date must be a date.", field="period_end")
    number = _number(value, "value", "The value")
    if indicator.unit is IndicatorUnit.TEXT and number is not None:
        raise ValidationError(f"{indicator.code} is a text indicator: put the figure in the note.", field="value")
    return {
        "period_label": label,
        "period_end": period_end,
        "value": number,
        "parts": _parts(parts, "parts"),
        "national": _number(national, "national", "The national comparator"),
        "regional": _number(regional, "regional", "The regional comparator"),
        "note": _text(note, "note", "The note"),
    }


def delete_value(session: Session, actor: Actor, value: IndicatorValue, reason: str = "") -> None:
    before = describe_value(value)
    entity_id = value.id
    session.delete(value)
    session.flush()
    audit.record(session, actor, "delete", "indicator_value", entity_id, before=before, reason=reason)


# ---- queries


def indicators_of(session: Session, plan_id: int) -> list[Indicator]:
    return list(
        session.scalars(
            select(Indicator).where(Indicator.plan_id == plan_id).order_by(Indicator.position, Indicator.id)
        )
    )


def values_of(session: Session, indicator_id: int) -> list[IndicatorValue]:
    return list(
        session.scalars(
            select(IndicatorValue)
            .where(IndicatorValue.indicator_id == indicator_id)
            .order_by(IndicatorValue.period_end)
        )
    )


def find_indicator(session: Session, plan_id: int, code: str) -> Indicator:
    found = session.scalar(
        select(Indicator).where(Indicator.plan_id == plan_id, func.lower(Indicator.code) == code.strip().lower())
    )
    if found is None:
        raise NotFound(f"No indicator with the code '{code.strip()}' in this plan.")
    return found


# ---- judging an indicator


@dataclass(frozen=True)
class ValuePoint:
    """A recorded figure, detached from the database."""

    period_label: str
    period_end: dt.date
    value: float | None
    parts: dict[str, float]
    national: float | None
    regional: float | None
    note: str

    @property
    def has_data(self) -> bool:
        return self.value is not None or bool(self.parts)

    @classmethod
    def of(cls, row: IndicatorValue) -> ValuePoint:
        return cls(row.period_label, row.period_end, row.value, row.parts, row.national, row.regional, row.note)


@dataclass(frozen=True)
class IndicatorAssessment:
    """What the app and documents say about an indicator; every number here is derived, none is typed."""

    latest: ValuePoint | None  # the most recent period with a figure
    previous: ValuePoint | None  # the period with a figure before ``latest``
    last_year: ValuePoint | None  # the period ending a year before ``latest`` (± 20 days), if recorded
    baseline: float | None
    difference: float | None  # latest − baseline, in the indicator's unit (percentage points for %)
    percent_difference: float | None  # difference as a % of the baseline (None when the baseline is 0)
    part_differences: dict[str, float]  # per part, latest − baseline, for composite figures
    part_percent_differences: dict[str, float | None]
    change_vs_previous: float | None
    change_vs_last_year: float | None
    target_level: float | None  # the level the latest figure is judged against
    rag: str | None  # a status key of the plan's scheme; None when there is nothing to judge
    rag_reason: str
    direction: str  # vs previous: improved | worse | same | new | none (| up | down when neither is better)
    direction_vs_last_year: str
    periods_without_data: int  # trailing periods with no figure, counting those now due but not recorded
    vs_national: float | None = None  # latest − national comparator, same period
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def no_data(self) -> bool:
        return self.periods_without_data > 0

    @property
    def no_data_text(self) -> str:
        n = self.periods_without_data
        if n <= 0:
            return ""
        return f"No data for {n} period{'s' if n != 1 else ''}"


def _good_sign(indicator: Indicator) -> int:
    """+1 if a rise is good, -1 if a fall is good, 0 if neither (the polarity, else the target's direction)."""
    sign = Polarity(indicator.polarity).sign
    if sign == 0 and indicator.target_direction is not None:
        sign = TargetDirection(indicator.target_direction).sign
    return sign


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= _SAME_EPSILON * max(1.0, abs(a), abs(b))


def travel(now: float | None, before: float | None, good: int) -> str:
    """Direction of travel between two figures, judged by which way is better (``good``: +1, -1 or 0)."""
    if now is None:
        return NONE
    if before is None:
        return NEW
    if _close(now, before):
        return SAME
    rising = now > before
    if good == 0:
        return UP if rising else DOWN
    return IMPROVED if rising == (good > 0) else WORSE


def _one_year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _months_between(earlier: dt.date, later: dt.date) -> int:
    months = (later.year - earlier.year) * 12 + (later.month - earlier.month)
    if later.day < earlier.day and not _is_month_end(later):
        months -= 1
    return months


def _is_month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).month != day.month


def _grade(shortfall: float, tolerance: float, sch: RagScheme) -> str | None:
    """Map how far short of the target a figure is (≤ 0: met) to a status of the scheme."""
    if shortfall <= 0:
        wanted: tuple[str, ...] = ("green",)
    elif sch.find("amber_green") is not None:
        if shortfall <= tolerance / 2:
            wanted = ("amber_green",)
        elif shortfall <= tolerance:
            wanted = ("amber",)
        elif shortfall <= 2 * tolerance:
            wanted = ("amber_red",)
        else:
            wanted = ("red",)
    elif shortfall <= tolerance:
        wanted = ("amber",)
    else:
        wanted = ("red",)
    return next((k for k in wanted if sch.find(k) is not None), None)


def _tolerance_amount(indicator: Indicator, level: float) -> float:
    if ToleranceUnit(indicator.tolerance_unit) is ToleranceUnit.UNITS:
        return indicator.tolerance
    return abs(level) * indicator.tolerance / 100


def _judge(indicator: Indicator, value: float | None, sch: RagScheme) -> tuple[float | None, str | None, str]:
    """(target level, RAG key, reason) for the latest figure."""
    kind = TargetKind(indicator.target_kind)
    unit = IndicatorUnit(indicator.unit)
    if kind is TargetKind.NONE:
        return None, None, "No target is set, so no RAG is given."
    if value is None:
        return None, None, "No figure has been recorded yet."
    baseline = indicator.baseline_value
    shown = format_value(value, unit)
    if kind is TargetKind.ABSOLUTE:
        level = float(indicator.target_value or 0)
        good = Polarity(indicator.polarity).sign
    else:
        if baseline is None:
            return None, None, "The target is relative to the baseline, and no baseline figure is recorded."
        good = TargetDirection(indicator.target_direction or TargetDirection.REDUCE).sign
        if kind is TargetKind.RELATIVE:
            level = baseline + good * abs(baseline) * float(indicator.target_value or 0) / 100
        else:
            level = baseline
    tolerance = _tolerance_amount(indicator, level)
    tol_text = describe_tolerance(indicator.tolerance, ToleranceUnit(indicator.tolerance_unit), unit)
    target_shown = format_value(level, unit)
    if good == 0:
        deviation = abs(value - level)
        shortfall = deviation - tolerance
        met = shortfall <= 0
        reason = (f"{shown} is within the tolerance ({tol_text}) of the target {target_shown}." if met else
                  f"{shown} is {format_amount(deviation, unit)} from the target {target_shown}, "
                  f"beyond the tolerance ({tol_text}).")
        return level, _grade(shortfall, tolerance, sch), reason
    shortfall = good * (level - value)
    if kind is TargetKind.DIRECTION:
        aim = TargetDirection(indicator.target_direction or TargetDirection.REDUCE).value
        if _close(value, level):
            # No change is short of a "Reduce"/"Increase" target but not off it: Amber whatever the tolerance.
            return level, _pick(sch, "amber"), f"{shown} is the same as the baseline; the target is to {aim}."
        if shortfall < 0:
            word = "below" if good < 0 else "above"
            return level, _grade(0, tolerance, sch), f"{shown} is {word} the baseline {target_shown}, as targeted."
        return level, _grade(shortfall, tolerance, sch), (
            f"{shown} is {format_amount(shortfall, unit)} the wrong side of the baseline {target_shown} "
            f"(target: {aim}; tolerance {tol_text}).")
    if shortfall <= 0 or _close(value, level):
        return level, _grade(0, tolerance, sch), f"{shown} meets the target {target_shown}."
    return level, _grade(shortfall, tolerance, sch), (
        f"{shown} is {format_amount(shortfall, unit)} short of the target {target_shown} (tolerance {tol_text}).")


def _pick(sch: RagScheme, *preferred: str) -> str | None:
    return next((k for k in preferred if sch.find(k) is not None), None)


def assess(
    indicator: Indicator,
    values: Sequence[IndicatorValue | ValuePoint],
    *,
    scheme_key: str | None = None,
    as_at: dt.date | None = None,
    upto: dt.date | None = None,
) -> IndicatorAssessment:
    """Judge an indicator from its values: differences, RAG against target, direction of travel, missing data.

    ``scheme_key`` defaults to the indicator's plan's scheme; ``as_at`` (default: today) is the date from which
    overdue figures are counted, allowing for the indicator's data lag; ``upto`` leaves out figures for periods
    ending after it (a closed quarter's snapshot judges only what it could have known).
    """
    if scheme_key is None:
        plan = indicator.plan
        scheme_key = plan.rag_scheme if plan is not None else "rag"
    sch = scheme(scheme_key)
    points = sorted((v if isinstance(v, ValuePoint) else ValuePoint.of(v) for v in values),
                    key=lambda p: p.period_end)
    if upto is not None:
        points = [p for p in points if p.period_end <= upto]
    with_data = [p for p in points if p.has_data]
    latest = with_data[-1] if with_data else None
    previous = with_data[-2] if len(with_data) > 1 else None
    last_year = None
    if latest is not None:
        wanted = _one_year_before(latest.period_end)
        candidates = [p for p in with_data[:-1] if abs((p.period_end - wanted).days) <= _LAST_YEAR_SLACK_DAYS]
        if candidates:
            last_year = min(candidates, key=lambda p: abs((p.period_end - wanted).days))

    baseline = indicator.baseline_value
    value = latest.value if latest else None
    difference = value - baseline if value is not None and baseline is not None else None
    percent = difference / abs(baseline) * 100 if difference is not None and baseline else None
    part_diffs: dict[str, float] = {}
    part_pcts: dict[str, float | None] = {}
    base_parts = indicator.baseline_parts
    if latest is not None:
        for key, number in latest.parts.items():
            if key in base_parts:
                part_diffs[key] = number - base_parts[key]
                part_pcts[key] = part_diffs[key] / abs(base_parts[key]) * 100 if base_parts[key] else None

    good = _good_sign(indicator)
    prev_value = previous.value if previous else None
    year_value = last_year.value if last_year else None
    level, rag, reason = _judge(indicator, value, sch)

    # Missing: trailing periods recorded without a figure, plus periods now due (allowing for the lag) but absent.
    trailing = 0
    for p in reversed(points):
        if p.has_data:
            break
        trailing += 1
    overdue = 0
    reference = points[-1].period_end if points else None
    if reference is not None:
        due_by = _add_months(as_at or dt.date.today(), -int(indicator.lag_months))
        overdue = max(0, _months_between(reference, due_by) // max(1, int(indicator.frequency_months)))
    notes: list[str] = []
    if latest is not None and latest.note:
        notes.append(latest.note)
    return IndicatorAssessment(
        latest=latest,
        previous=previous,
        last_year=last_year,
        baseline=baseline,
        difference=difference,
        percent_difference=percent,
        part_differences=part_diffs,
        part_percent_differences=part_pcts,
        change_vs_previous=value - prev_value if value is not None and prev_value is not None else None,
        change_vs_last_year=value - year_value if value is not None and year_value is not None else None,
        target_level=level,
        rag=rag,
        rag_reason=reason,
        direction=_travel_with_parts(latest, previous, good),
        direction_vs_last_year=_travel_with_parts(latest, last_year, good) if last_year else (
            NONE if latest is None else NEW),
        periods_without_data=trailing + overdue,
        vs_national=value - latest.national if latest and value is not None and latest.national is not None else None,
        notes=tuple(notes),
    )


def _travel_with_parts(now: ValuePoint | None, before: ValuePoint | None, good: int) -> str:
    """Travel of the headline figure; for a composite figure with no headline, of the sum of the shared parts."""
    if now is None:
        return NONE
    if before is None:
        return NEW
    if now.value is not None or before.value is not None:
        return travel(now.value, before.value, good)
    shared = [k for k in now.parts if k in before.parts]
    if not shared:
        return NEW
    return travel(sum(now.parts[k] for k in shared), sum(before.parts[k] for k in shared), good)


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier); a month's last day stays the last day."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, last if _is_month_end(day) else min(day.day, last))


# ---- read model for screens and the command line


@dataclass(frozen=True)
class IndicatorRow:
    id: int
    code: str
    name: str
    definition: str
    unit: IndicatorUnit
    polarity: Polarity
    baseline_value: float | None
    baseline_label: str
    baseline_period: str
    baseline_parts: dict[str, float]
    target_kind: TargetKind
    target_text: str  # in words ("Reduce", "3% Increase", "12%")
    tolerance_text: str
    data_source: str
    lag_months: int
    frequency_months: int
    geography: str
    is_demo: bool
    position: int
    values: tuple[ValuePoint, ...]
    assessment: IndicatorAssessment

    @property
    def baseline_text(self) -> str:
        if self.baseline_value is None and self.baseline_parts:
            return format_parts(self.baseline_parts, self.unit)
        if self.baseline_value is None:
            return self.baseline_label or "–"
        return format_value(self.baseline_value, self.unit)


def indicator_rows(
    session: Session, plan_id: int, as_at: dt.date | None = None, upto: dt.date | None = None
) -> list[IndicatorRow]:
    """The plan's indicators with their values and assessments (see :func:`assess` for ``as_at`` and ``upto``)."""
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"No plan with id {plan_id}.")
    indicators = indicators_of(session, plan_id)
    by_indicator: dict[int, list[IndicatorValue]] = {i.id: [] for i in indicators}
    if indicators:
        for row in session.scalars(
            select(IndicatorValue)
            .where(IndicatorValue.indicator_id.in_(list(by_indicator)))
            .order_by(IndicatorValue.period_end)
        ):
            by_indicator[row.indicator_id].append(row)
    out = []
    for ind in indicators:
        points = tuple(ValuePoint.of(v) for v in by_indicator[ind.id] if upto is None or v.period_end <= upto)
        out.append(
            IndicatorRow(
                id=ind.id, code=ind.code, name=ind.name, definition=ind.definition, unit=IndicatorUnit(ind.unit),
                polarity=Polarity(ind.polarity), baseline_value=ind.baseline_value, baseline_label=ind.baseline_label,
                baseline_period=ind.baseline_period, baseline_parts=ind.baseline_parts,
                target_kind=TargetKind(ind.target_kind), target_text=describe_target(ind),
                tolerance_text=describe_tolerance(ind.tolerance, ToleranceUnit(ind.tolerance_unit),
                                                  IndicatorUnit(ind.unit)),
                data_source=ind.data_source, lag_months=ind.lag_months, frequency_months=ind.frequency_months,
                geography=ind.geography, is_demo=ind.is_demo, position=ind.position, values=points,
                assessment=assess(ind, points, scheme_key=plan.rag_scheme, as_at=as_at, upto=upto),
            )
        )
    return out


# ---- the frozen form, for snapshots and documents


def _point_dict(p: ValuePoint | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "period": p.period_label, "period_end": p.period_end.isoformat(), "value": p.value, "parts": dict(p.parts),
        "national": p.national, "regional": p.regional, "note": p.note,
    }


def freeze_indicators(session: Session, plan: Plan, as_at: dt.date | None = None) -> list[dict[str, Any]]:
    """The plan's indicators as plain JSON-friendly data: what a quarter's snapshot keeps in ``extra["indicators"]``.

    ``as_at`` (normally the closing quarter's end date) leaves out figures for later periods and is the date
    missing figures are counted from. The assessment is frozen with the figures, so documents never re-judge.
    """
    out: list[dict[str, Any]] = []
    for row in indicator_rows(session, plan.id, as_at=as_at, upto=as_at):
        a = row.assessment
        values = list(row.values)
        out.append(
            {
                "code": row.code,
                "name": row.name,
                "definition": row.definition,
                "unit": row.unit.value,
                "polarity": row.polarity.value,
                "baseline": {
                    "value": row.baseline_value, "label": row.baseline_label, "period": row.baseline_period,
                    "parts": dict(row.baseline_parts),
                },
                "target": {
                    "kind": row.target_kind.value, "text": row.target_text, "level": a.target_level,
                    "tolerance": row.tolerance_text,
                },
                "data_source": row.data_source,
                "lag_months": row.lag_months,
                "frequency_months": row.frequency_months,
                "geography": row.geography,
                "is_demo": row.is_demo,
                "values": [_point_dict(p) for p in values],
                "assessment": {
                    "latest": _point_dict(a.latest),
                    "previous": _point_dict(a.previous),
                    "last_year": _point_dict(a.last_year),
                    "difference": a.difference,
                    "percent_difference": a.percent_difference,
                    "part_differences": dict(a.part_differences),
                    "part_percent_differences": dict(a.part_percent_differences),
                    "change_vs_previous": a.change_vs_previous,
                    "change_vs_last_year": a.change_vs_last_year,
                    "rag": a.rag,
                    "rag_reason": a.rag_reason,
                    "direction": a.direction,
                    "direction_vs_last_year": a.direction_vs_last_year,
                    "periods_without_data": a.periods_without_data,
                    "vs_national": a.vs_national,
                },
            }
        )
    return out
