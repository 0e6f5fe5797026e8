"""Demonstration indicators: the figures the partnerships published, loaded from resources/demo/indicators.yaml.

Loaded through the ordinary services (so the demo obeys the same rules and lands in the audit trail) and flagged
as demonstration data. Hooked into the demo store by desktop.services.demo.EXTRA_LOADERS.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from desktop.models import Plan
from desktop.services import indicators
from desktop.services.actor import Actor

DEMO_FILE = "indicators.yaml"
# The same label as the plan loader's, so the audit trail shows one demonstration loader.
DEMO_ACTOR = Actor(None, "Pathways demonstration loader")


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _parts(value: Any) -> dict[str, float]:
    if not value:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError(f"parts must be a mapping, not {value!r}")
    return {str(k): float(v) for k, v in value.items()}


def load_demo_indicators(session: Session, plans_by_title: Mapping[str, Plan], folder: Path) -> None:
    """Add the demonstration indicators and their values to the demo plans (nothing if the file is absent)."""
    path = folder / DEMO_FILE
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict) or not data.get("demonstration"):
        raise ValueError(f"{path.name} is not a demonstration data file")
    for entry in data.get("plans", []):
        plan = plans_by_title.get(entry["plan"])
        if plan is None:
            raise ValueError(f"{path.name} names a plan the demo does not have: {entry['plan']!r}")
        for spec in entry.get("indicators", []):
            _load_indicator(session, plan, spec)


def _load_indicator(session: Session, plan: Plan, spec: Mapping[str, Any]) -> None:
    target = indicators.parse_target(str(spec.get("target") or ""))
    baseline = spec.get("baseline") or {}
    indicator = indicators.add_indicator(
        session, DEMO_ACTOR, plan, str(spec["code"]), str(spec["name"]),
        definition=str(spec.get("definition") or ""),
        unit=spec.get("unit", "count"),
        polarity=spec.get("polarity", "lower_is_better"),
        baseline_value=baseline.get("value"),
        baseline_label=str(baseline.get("label") or ""),
        baseline_period=str(baseline.get("period") or ""),
        baseline_parts=_parts(baseline.get("parts")),
        target_kind=target.kind,
        target_value=target.value,
        target_direction=target.direction,
        target_text=target.text,
        tolerance=float(spec.get("tolerance", 5)),
        tolerance_unit=spec.get("tolerance_unit", "percent_of_target"),
        data_source=str(spec.get("data_source") or ""),
        lag_months=int(spec.get("lag_months", 0)),
        frequency_months=int(spec.get("frequency_months", 12)),
        geography=str(spec.get("geography") or ""),
        is_demo=True,
    )
    for v in spec.get("values", []):
        indicators.record_value(
            session, DEMO_ACTOR, indicator, str(v["period"]), _date(v["end"]), v.get("value"),
            parts=_parts(v.get("parts")), national=v.get("national"), regional=v.get("regional"),
            note=str(v.get("note") or ""),
        )
