"""The reads of the Dashboard, Quarters and Indicators screens: each a plain function over a session source that
returns plain data, so the screens themselves hold no sessions and run no queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop.models import Plan
from desktop.services.indicators import IndicatorRow, indicator_rows
from desktop.services.queries import current_period
from desktop.services.rag import RagScheme, scheme
from desktop.services.readmodels import QuarterRow, quarter_rows, rag_mix_by_quarter
from desktop.ui.context import SessionSource


def rag_mix(store: SessionSource, plan_id: int) -> list[tuple[str, dict[str, int]]]:
    """The RAG mix of each quarter, oldest first (the dashboard's second chart)."""
    with store.session() as session:
        return rag_mix_by_quarter(session, plan_id)


def quarters(store: SessionSource, plan_id: int) -> list[QuarterRow]:
    with store.session() as session:
        return quarter_rows(session, plan_id)


@dataclass(frozen=True)
class IndicatorPage:
    title: str
    is_demo: bool
    as_at: dt.date
    period_label: str
    rows: list[IndicatorRow]
    rag_scheme: RagScheme


def indicators(store: SessionSource, plan_id: int) -> IndicatorPage | None:
    """The plan's indicators judged as at its current quarter's end (today when it has none); None: no such plan."""
    with store.session() as session:
        plan = session.get(Plan, plan_id)
        if plan is None:
            return None
        period = current_period(session, plan.id)
        # Judged as at the plan's current quarter: "no data for N periods" then means what it meant then.
        as_at = period.end_date if period is not None else dt.date.today()
        return IndicatorPage(plan.title, bool(plan.is_demo), as_at, period.label if period is not None else "",
                             indicator_rows(session, plan.id, as_at=as_at), scheme(plan.rag_scheme))
