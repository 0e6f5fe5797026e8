"""Two people updating the same action in the same quarter: the second is told and shown the first's, nothing lost.

Runs on the encrypted file and, under `make test-server`, on PostgreSQL (the `store` fixture).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from desktop.models import Action, ActionUpdate, Plan
from desktop.services import periods, plans
from desktop.services.actor import Actor
from desktop.services.audit import verify_chain
from desktop.services.concurrency import TheirUpdate
from desktop.services.errors import ActionChangedElsewhere
from desktop.services.updates import record_update
from desktop.store import Store


@pytest.fixture
def plan_id(store: Store, actor: Actor) -> int:
    with store.session() as s:
        partnership = plans.add_partnership(s, actor, "Safer Hartlepool Partnership", "SHP")
        lead = plans.add_person(s, actor, name="Alex Lead", job_title="Housing lead")
        plan = plans.add_plan(s, actor, partnership, "Reducing Re-offending Action Plan")
        pri = plans.add_priority(s, actor, plans.add_objective(s, actor, plan, "1", "Pathways"), "1.1", "Housing")
        plans.add_action(s, actor, pri, "1.1a", "Create a Housing Liaison post", leads=[lead])
        periods.add_period(s, actor, plan, "2014/15 Q1", dt.date(2014, 4, 1), dt.date(2014, 6, 30))
        return plan.id


def _action_and_quarter(s, plan_id):  # type: ignore[no-untyped-def]
    plan = s.get(Plan, plan_id)
    return plan.objectives[0].priorities[0].actions[0], plan.periods[0]


def test_a_stale_view_is_refused_and_shows_the_first_update(store: Store, actor: Actor, plan_id: int) -> None:
    with store.session() as s:  # both people open the update dialog: version 1
        action, _ = _action_and_quarter(s, plan_id)
        seen = action.version
    with store.session() as s:  # the first saves
        action, q1 = _action_and_quarter(s, plan_id)
        record_update(s, Actor(None, "First"), action, q1, rag="green", commentary="Post filled in May",
                      percent_complete=40, expected_version=seen)
    with pytest.raises(ActionChangedElsewhere, match="Someone else recorded an update") as err:
        with store.session() as s:  # the second saves from the same, now stale, view
            action, q1 = _action_and_quarter(s, plan_id)
            record_update(s, Actor(None, "Second"), action, q1, rag="green", commentary="Still recruiting",
                          percent_complete=10, expected_version=seen)
    theirs = err.value.latest
    assert isinstance(theirs, TheirUpdate)
    assert (theirs.rag, theirs.commentary, theirs.percent_complete) == ("green", "Post filled in May", 40)
    assert "Alex" not in str(err.value)  # the message names the action and quarter, no person
    with store.session() as s:
        action, q1 = _action_and_quarter(s, plan_id)
        assert s.scalar(select(func.count()).select_from(ActionUpdate)) == 1
        assert action.version == seen + 1
        # After reviewing theirs, the second records again from the fresh view: both updates kept, in order.
        record_update(s, Actor(None, "Second"), action, q1, rag="green", commentary="Agreed with the first",
                      expected_version=action.version)
    with store.session() as s:
        rows = s.scalars(select(ActionUpdate.commentary).order_by(ActionUpdate.id)).all()
        assert rows == ["Post filled in May", "Agreed with the first"]
        assert s.get(Action, action.id).version == seen + 2  # type: ignore[union-attr]
        assert verify_chain(s).ok


def test_updates_without_an_expected_version_move_it_on(store: Store, actor: Actor, plan_id: int) -> None:
    with store.session() as s:
        action, q1 = _action_and_quarter(s, plan_id)
        before = action.version
        record_update(s, actor, action, q1, rag="green", commentary="On track")
        record_update(s, actor, action, q1, rag="green", commentary="Still on track")
        assert action.version == before + 2
