"""Alternative text for the charts: one sentence that gives a screen-reader user the numbers the chart shows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from desktop.services.indicators import format_value


class _Category(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def counts(self) -> Mapping[str, int]: ...


class _Series(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def label(self) -> str: ...


def rag_chart_text(categories: Sequence[_Category], series: Sequence[_Series], *, what: str = "actions",
                   by: str = "objective") -> str:
    """ "Bar chart of the number of actions in each status, by objective: SO 1, 2 Red, 3 Amber, 5 Green (10 in
    all); SO 2, …" """
    parts = []
    for c in categories:
        counts = [f"{c.counts.get(s.key, 0)} {s.label}" for s in series if c.counts.get(s.key, 0)]
        total = sum(c.counts.get(s.key, 0) for s in series)
        name = c.code or c.title
        parts.append(f"{name}, {', '.join(counts)} ({total} in all)" if counts else f"{name}, no {what}")
    return f"Bar chart of the number of {what} in each status, by {by}: {'; '.join(parts)}."


def _number(value: Any, unit: str) -> str:
    return "no figure" if value is None else format_value(float(value), unit)


def trend_chart_text(item: Mapping[str, Any]) -> str:
    """ "Line chart of PI 3 Proven re-offending rate (%): 2013/14 25.1%, 2014/15 24.8%; target 24%; England and
    Wales 2014/15 25.4%." """
    unit = str(item.get("unit") or "count")
    values = list(item.get("values") or [])
    figures = []
    for v in values:
        if v.get("value") is not None:
            figures.append(f"{v.get('period')} {_number(v.get('value'), unit)}")
        elif v.get("parts"):
            parts = ", ".join(f"{k} {_number(x, unit)}" for k, x in (v.get("parts") or {}).items())
            figures.append(f"{v.get('period')} ({parts})")
    name = f"{item.get('code', '')} {item.get('name', '')}".strip()
    sentence = f"Line chart of {name}: {', '.join(figures) or 'no figures recorded'}"
    target = item.get("target") or {}
    if isinstance(target, Mapping) and target.get("level") is not None:
        sentence += f"; target level {_number(target.get('level'), unit)}"
    national = [v for v in values if v.get("national") is not None]
    if national:
        latest = national[-1]
        sentence += f"; England and Wales {latest.get('period')} {_number(latest.get('national'), unit)}"
    regional = [v for v in values if v.get("regional") is not None]
    if regional:
        latest = regional[-1]
        sentence += f"; region {latest.get('period')} {_number(latest.get('regional'), unit)}"
    return sentence + "."
