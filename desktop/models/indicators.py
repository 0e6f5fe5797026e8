"""Performance indicators of a plan and the values recorded for them, period by period.

An indicator's periods are its own ("2013/14", "Jul 2012 – Jun 2013", "2015/16 Q2"): the national proven
re-offending measure lags 21 months, so they rarely line up with the plan's quarters. ``period_end`` orders them.

Differences, RAG and direction of travel are never stored: desktop.services.indicators derives them from the values,
so a published table cannot say "1,256 → 1,081 = -111".
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, Enum, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import Base, utcnow
from desktop.models.enums import StrEnum

if TYPE_CHECKING:
    from desktop.models.plan import Plan


class IndicatorUnit(StrEnum):
    PERCENT = "percent"
    COUNT = "count"
    RATE_PER_1000 = "rate_per_1000"
    RATIO = "ratio"
    SCORE = "score"
    TEXT = "text"

    @property
    def label(self) -> str:
        return _UNIT_LABELS[self]


_UNIT_LABELS = {
    IndicatorUnit.PERCENT: "%",
    IndicatorUnit.COUNT: "count",
    IndicatorUnit.RATE_PER_1000: "rate per 1,000",
    IndicatorUnit.RATIO: "ratio",
    IndicatorUnit.SCORE: "score",
    IndicatorUnit.TEXT: "text",
}


class Polarity(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    NEITHER = "neither"

    @property
    def sign(self) -> int:
        """+1 when a rise is good, -1 when a fall is good, 0 when neither is."""
        return {Polarity.HIGHER_IS_BETTER: 1, Polarity.LOWER_IS_BETTER: -1}.get(self, 0)


class TargetKind(StrEnum):
    NONE = "none"
    DIRECTION = "direction"  # "Reduce", "Increase": better than the baseline
    RELATIVE = "relative"  # "3% Increase": the baseline moved by a stated percentage
    ABSOLUTE = "absolute"  # "12%", "242": a level


class TargetDirection(StrEnum):
    INCREASE = "increase"
    REDUCE = "reduce"

    @property
    def sign(self) -> int:
        return 1 if self is TargetDirection.INCREASE else -1


class ToleranceUnit(StrEnum):
    PERCENT_OF_TARGET = "percent_of_target"  # 5 → within 5% of the target level (the baseline for "Reduce")
    UNITS = "units"  # 1.5 → within 1.5 of the indicator's own unit (percentage points for a % indicator)


def _enum(cls: type) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


def _parts_to_json(parts: dict[str, float] | None) -> str:
    clean: dict[str, float] = {}
    for key, value in (parts or {}).items():
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"part '{key}' is not a finite number")
        clean[str(key)] = number
    return json.dumps(clean, sort_keys=False, ensure_ascii=False)


def _parts_from_json(text: str) -> dict[str, float]:
    raw = json.loads(text or "{}")
    return {str(k): float(v) for k, v in raw.items()} if isinstance(raw, dict) else {}


class Indicator(Base):
    """A performance indicator of a plan: what is measured, how it is judged, and where the figures come from."""

    __tablename__ = "indicator"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(Text)
    definition: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[IndicatorUnit] = mapped_column(_enum(IndicatorUnit), default=IndicatorUnit.COUNT)
    polarity: Mapped[Polarity] = mapped_column(_enum(Polarity), default=Polarity.LOWER_IS_BETTER)
    # The baseline as a number (None when the source gives only text), as published ("30% (2008)"), its period,
    # and its parts when composite ({"offences": 44, "offenders": 39}).
    baseline_value: Mapped[float | None] = mapped_column(Float, default=None)
    baseline_label: Mapped[str] = mapped_column(String(200), default="")
    baseline_period: Mapped[str] = mapped_column(String(40), default="")
    baseline_parts_json: Mapped[str] = mapped_column(Text, default="{}")
    target_kind: Mapped[TargetKind] = mapped_column(_enum(TargetKind), default=TargetKind.NONE)
    # DIRECTION: unused; RELATIVE: the percentage (3 for "3% Increase"); ABSOLUTE: the level (12 for "12%").
    target_value: Mapped[float | None] = mapped_column(Float, default=None)
    target_direction: Mapped[TargetDirection | None] = mapped_column(_enum(TargetDirection), default=None)
    target_text: Mapped[str] = mapped_column(String(200), default="")  # as the partnership wrote it
    tolerance: Mapped[float] = mapped_column(Float, default=5.0)
    tolerance_unit: Mapped[ToleranceUnit] = mapped_column(
        _enum(ToleranceUnit), default=ToleranceUnit.PERCENT_OF_TARGET
    )
    data_source: Mapped[str] = mapped_column(Text, default="")
    lag_months: Mapped[int] = mapped_column(Integer, default=0)
    # How often a new figure is expected (12 annual, 3 quarterly): what "no data for N periods" counts in.
    frequency_months: Mapped[int] = mapped_column(Integer, default=12)
    geography: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    plan: Mapped[Plan] = relationship()
    values: Mapped[list[IndicatorValue]] = relationship(
        back_populates="indicator", order_by="IndicatorValue.period_end", cascade="all, delete-orphan"
    )

    @property
    def baseline_parts(self) -> dict[str, float]:
        return _parts_from_json(self.baseline_parts_json)

    @baseline_parts.setter
    def baseline_parts(self, parts: dict[str, float] | None) -> None:
        self.baseline_parts_json = _parts_to_json(parts)


class IndicatorValue(Base):
    """One period's figure for an indicator, with its comparators. Composite figures keep their parts as numbers."""

    __tablename__ = "indicator_value"
    __table_args__ = (UniqueConstraint("indicator_id", "period_label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    period_label: Mapped[str] = mapped_column(String(40))
    period_end: Mapped[dt.date] = mapped_column(Date)
    value: Mapped[float | None] = mapped_column(Float, default=None)
    # {"offences": 58, "offenders": 46} or {"M": 2378, "F": 1106}; insertion order is the source's order.
    parts_json: Mapped[str] = mapped_column(Text, default="{}")
    national: Mapped[float | None] = mapped_column(Float, default=None)
    regional: Mapped[float | None] = mapped_column(Float, default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    indicator: Mapped[Indicator] = relationship(back_populates="values")

    @property
    def parts(self) -> dict[str, float]:
        return _parts_from_json(self.parts_json)

    @parts.setter
    def parts(self, parts: dict[str, float] | None) -> None:
        self.parts_json = _parts_to_json(parts)

    @property
    def has_data(self) -> bool:
        return self.value is not None or bool(self.parts)
