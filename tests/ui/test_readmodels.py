"""desktop.services.readmodels: the action rows, tree and summaries every screen and export is built on."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import ActionUpdate, Plan
from desktop.services import periods, queries, readmodels
from desktop.services.queries import current_period
from desktop.services.rag import scheme
from desktop.store import Store


def _oracle_rag(session: Session, action_id: int, period_ids: set[int]) -> str | None:
    """The slow, obvious answer: the newest update of the action in those quarters."""
    updates = [u for u in session.scalars(select(ActionUpdate).where(ActionUpdate.action_id == action_id))
               if u.period_id in period_ids]
    return max(updates, key=lambda u: u.id).rag if updates else None


def test_rows_carry_the_newest_update_and_direction(demo_store: Store) -> None:
    with demo_store.session() as session:
        for plan in readmodels.plan_choices(session):
            rows = readmodels.load_rows(session, plan.id)
            current = current_period(session, plan.id)
            previous = queries.previous_closed(session, plan.id, current)
            assert current is not None and previous is not None
            sch = scheme(session.get(Plan, plan.id).rag_scheme)  # type: ignore[union-attr]
            upto = {p.id for p in queries.periods_of(session, plan.id) if p.start_date <= current.start_date}
            before = {p.id for p in queries.periods_of(session, plan.id) if p.start_date <= previous.start_date}
            assert [r.position for r in rows] == sorted(r.position for r in rows)
            for row in rows:
                assert row.rag == _oracle_rag(session, row.id, upto)
                assert row.previous_rag == _oracle_rag(session, row.id, before)
                assert row.direction == sch.compare(row.rag, row.previous_rag)
            some = [r.id for r in rows[3:7]]
            assert readmodels.load_rows(session, plan.id, some) == [r for r in rows if r.id in some]
            assert readmodels.load_rows(session, plan.id, []) == []


def test_tree_rolls_up_the_worst_child(demo_store: Store) -> None:
    with demo_store.session() as session:
        for plan in readmodels.plan_choices(session):
            data = readmodels.load_plan(session, plan.id)
            tree = readmodels.plan_tree(session, plan.id)
            assert data.tree() == tree
            sch = scheme(session.get(Plan, plan.id).rag_scheme)  # type: ignore[union-attr]
            for objective in tree:
                for node in objective.priorities:
                    rags = [r.rag for r in data.rows if r.priority_id == node.id]
                    assert node.rollup == sch.worst(rags) and node.actions == len(rags)


def test_awaiting_update_is_the_outstanding_rule(demo_store: Store) -> None:
    with demo_store.session() as session:
        for plan in readmodels.plan_choices(session):
            data = readmodels.load_plan(session, plan.id)
            period = current_period(session, plan.id)
            assert period is not None
            expected = {a.id for a in periods.outstanding(session, period)} if not period.is_closed else set()
            assert {r.id for r in data.rows if readmodels.awaiting_update(r, data.current_period)} == expected


def test_summaries(demo_store: Store) -> None:
    with demo_store.session() as session:
        data = readmodels.load_plan(session, 1)
        mix = readmodels.rag_mix_by_quarter(session, 1)
        quarters = readmodels.quarter_rows(session, 1)
    assert [label for label, _ in mix] == [p.label for p in data.periods]
    assert all(sum(counts.values()) == len(data.rows) for _, counts in mix)
    by_objective = readmodels.rag_counts_by_objective(data)
    assert sum(sum(c.values()) for _, _, c in by_objective) == len(data.rows)
    loads = readmodels.lead_workload(data.rows, data.current_period)
    assert sum(load.primary for load in loads.values()) == sum(1 for r in data.rows if r.lead_ids)
    awaiting = sum(n for _, n in readmodels.outstanding_by_lead(data))
    assert awaiting == sum(1 for r in data.rows if readmodels.awaiting_update(r, data.current_period))
    assert sum(n for _, n in readmodels.overdue_by_organisation(data.rows)) == sum(r.overdue for r in data.rows)
    assert [q.label for q in quarters] == [p.label for p in data.periods]
    assert all(q.snapshot_sha256 for q in quarters if q.closed)


def test_action_detail_has_history_newest_first(demo_store: Store) -> None:
    with demo_store.session() as session:
        row = readmodels.load_rows(session, 1)[0]
        detail = readmodels.action_detail(session, row.id)
    assert detail.code == row.code
    assert [h.recorded_at for h in detail.history] == sorted((h.recorded_at for h in detail.history), reverse=True)
    assert detail.fields()["status"] == row.status


def test_with_rows_replaces_adds_and_removes(demo_store: Store) -> None:
    with demo_store.session() as session:
        data = readmodels.load_plan(session, 1, as_at=dt.date(2016, 2, 1))
    first, second = data.rows[0], data.rows[1]
    changed = data.with_rows([first], removed=[second.id])
    assert [r.id for r in changed.rows] == [r.id for r in data.rows if r.id != second.id]
