"""desktop.services.readmodels: a plan read with only its first rows (the desktop shows them first, then the rest)
says how many actions there are, rolls nothing up, refuses to count, and once completed equals a whole read."""

from __future__ import annotations

import pytest

from desktop.services import readmodels
from desktop.store import Store


def test_first_rows_then_the_rest_equal_the_whole_plan(demo_store: Store) -> None:
    with demo_store.session() as session:
        for plan in readmodels.plan_choices(session):
            whole = readmodels.load_plan(session, plan.id)
            assert whole.complete and whole.total_actions == len(whole.rows)
            first = readmodels.load_plan(session, plan.id, first=5, as_at=whole.as_at)
            assert not first.complete
            assert first.rows == whole.rows[:5]  # the table's first rows, in plan order
            assert first.total_actions == len(whole.rows)
            # The tree says how many actions each priority has, and rolls nothing up from some of them.
            for partial, full in zip(first.tree(), whole.tree(), strict=True):
                assert partial.rollup is None
                assert [(p.id, p.actions, p.rollup) for p in partial.priorities] == [
                    (p.id, p.actions, None) for p in full.priorities]
            for count in (readmodels.status_counts, readmodels.rag_counts_by_objective,
                          readmodels.outstanding_by_lead, readmodels.unupdated_exceptions):
                with pytest.raises(readmodels.StillLoading, match=f"5 of {len(whole.rows):,} actions"):
                    count(first)
            rest = readmodels.load_rows(session, plan.id, as_at=whole.as_at)
            done = first.completed(rest)
            assert done == whole
            assert readmodels.status_counts(done) == readmodels.status_counts(whole)


def test_a_first_page_larger_than_the_plan_is_the_whole_plan(demo_store: Store) -> None:
    with demo_store.session() as session:
        plan = readmodels.plan_choices(session)[0]
        whole = readmodels.load_plan(session, plan.id)
        data = readmodels.load_plan(session, plan.id, first=len(whole.rows) + 1, as_at=whole.as_at)
        assert data.complete and data == whole
