"""periods.close_quarter: the desktop's Quarter › Close quarter… closes a quarter by its id through the same rule as
close_period, and a quarter that has gone or is closed already changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from desktop.models import ReportingPeriod, Snapshot
from desktop.services import periods
from desktop.services.actor import Actor
from desktop.services.errors import NotFound, PeriodClosed
from desktop.store import Store

COORDINATOR = Actor(None, "Coordinator")


def _open_period(store: Store) -> tuple[int, str]:
    with store.session() as session:
        period = next(p for p in session.scalars(select(ReportingPeriod).order_by(ReportingPeriod.start_date))
                      if not p.is_closed and not any(not e.is_closed and e.end_date < p.start_date
                                                     for e in p.plan.periods))
        return period.id, period.label


def test_closing_a_quarter_by_id_freezes_its_snapshot(demo_store: Store) -> None:
    period_id, label = _open_period(demo_store)
    reported: list[tuple[float, str]] = []
    with demo_store.session() as session:
        closed = periods.close_quarter(session, COORDINATOR, period_id, lambda f, s: reported.append((f, s)))
    assert closed.label == label and reported == [(0.2, f"Freezing {label}")]
    with demo_store.session() as session:
        snap = session.scalars(select(Snapshot).where(Snapshot.period_id == period_id)).one()
        assert snap.sha256 == closed.sha256
        assert session.get(ReportingPeriod, period_id).is_closed  # type: ignore[union-attr]
    with demo_store.session() as session, pytest.raises(PeriodClosed):
        periods.close_quarter(session, COORDINATOR, period_id)


def test_a_quarter_no_longer_in_the_store_changes_nothing(demo_store: Store) -> None:
    with demo_store.session() as session:
        before = session.scalar(select(func.count()).select_from(Snapshot))
        with pytest.raises(NotFound, match="no longer in the store"):
            periods.close_quarter(session, COORDINATOR, 987_654)
        assert session.scalar(select(func.count()).select_from(Snapshot)) == before
