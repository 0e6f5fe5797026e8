"""Many updates at once (imports) follow exactly the rules of one update entered in the app, are audited one
event each on the same chain, and write nothing when any of them breaks a rule."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from desktop.models import Action, ActionStatus, ActionUpdate, AuditEvent, Plan, UpdateSource
from desktop.services import audit, periods, plans
from desktop.services.actor import Actor
from desktop.services.errors import PeriodClosed, ValidationError
from desktop.services.updates import REMEDIAL_TO_CONFIRM, NewUpdate, record_update, record_updates
from desktop.store import Store


@pytest.fixture
def plan_id(store: Store, actor: Actor) -> int:
    with store.session() as s:
        partnership = plans.add_partnership(s, actor, "Test partnership")
        lead = plans.add_person(s, actor, job_title="Reducing Re-offending Coordinator")
        plan = plans.add_plan(s, actor, partnership, "Plan", rag_scheme="rag")
        obj = plans.add_objective(s, actor, plan, "1", "Objective")
        pri = plans.add_priority(s, actor, obj, "1.1", "Priority")
        plans.add_action(s, actor, pri, "1.1a", "Overdue action", leads=[lead], start_date=dt.date(2014, 4, 1),
                         due_date=dt.date(2014, 5, 31), status=ActionStatus.IN_PROGRESS)
        plans.add_action(s, actor, pri, "1.1b", "Action with no lead")
        periods.add_period(s, actor, plan, "2014/15 Q1", dt.date(2014, 4, 1), dt.date(2014, 6, 30))
        return plan.id


def _ctx(s, plan_id: int):  # type: ignore[no-untyped-def]
    plan = s.get(Plan, plan_id)
    a, b = plan.objectives[0].priorities[0].actions
    return plan, a, b, plan.periods[0]


def _updates(s) -> int:  # type: ignore[no-untyped-def]
    return s.scalar(select(func.count()).select_from(ActionUpdate)) or 0


@pytest.mark.parametrize(("item", "message"), [
    (dict(rag="red", commentary="Funding not agreed"), "Red needs a remedial action"),
    (dict(rag="amber", commentary=""), "needs a commentary"),
    (dict(rag="purple", commentary="x"), "not a status"),
    (dict(rag="green", commentary="x", percent_complete=140), "between 0 and 100"),
])
def test_a_breach_anywhere_writes_nothing_and_says_what_the_app_says(store: Store, actor: Actor, plan_id: int,
                                                                      item: dict, message: str) -> None:  # type: ignore[type-arg]
    with store.session() as s:
        _, a, b, q1 = _ctx(s, plan_id)
        events = s.scalar(select(func.count()).select_from(AuditEvent))
        with pytest.raises(ValidationError, match=message) as bulk:
            record_updates(s, actor, q1, [NewUpdate(a.id, "green", commentary="Fine"), NewUpdate(b.id, **item)],
                           source=UpdateSource.APP)
        with pytest.raises(ValidationError) as single:
            record_update(s, actor, b, q1, **item)
        assert str(bulk.value) == str(single.value) and bulk.value.field == single.value.field
        assert _updates(s) == 0 and s.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_an_owner_may_be_left_to_confirm_only_on_import(store: Store, actor: Actor, plan_id: int) -> None:
    with store.session() as s:
        _, _, b, q1 = _ctx(s, plan_id)
        red = NewUpdate(b.id, "red", commentary="Behind", remedial_action=REMEDIAL_TO_CONFIRM)
        with pytest.raises(ValidationError, match="needs an owner"):
            record_updates(s, actor, q1, [red], source=UpdateSource.APP)
        [update_id] = record_updates(s, actor, q1, [red], source=UpdateSource.IMPORT)
        update = s.get(ActionUpdate, update_id)
        assert update is not None and update.rag == "red" and update.remedial_owner is None
        assert update.remedial_action == REMEDIAL_TO_CONFIRM and update.source == UpdateSource.IMPORT


def test_many_updates_match_one_at_a_time_and_chain_in_the_audit_trail(store: Store, actor: Actor,
                                                                        plan_id: int) -> None:
    with store.session() as s:
        _, a, b, q1 = _ctx(s, plan_id)
        lead = a.primary_lead
        assert lead is not None
        one = record_update(s, actor, a, q1, rag="red", percent_complete=20, commentary="Behind",
                            remedial_action="Escalate", remedial_owner=lead, source=UpdateSource.IMPORT,
                            as_at=q1.end_date)
        ids = record_updates(s, actor, q1, [
            NewUpdate(a.id, "amber", percent_complete=60, commentary="Recovering", remedial_action="Weekly review",
                      remedial_owner_id=lead.id),
            NewUpdate(b.id, "green", commentary="Started"),
            NewUpdate(b.id, "green", percent_complete=10),  # same RAG again: no commentary needed
        ], reason="Imported from tracker.xlsx")
        many = [s.get(ActionUpdate, i) for i in ids]
        assert [(u.action_id, u.rag, u.percent_complete, u.remedial_owner_id) for u in many if u] == [
            (a.id, "amber", 60, lead.id), (b.id, "green", None, None), (b.id, "green", 10, None)]
        first = many[0]
        assert first is not None
        # The same suggestion the single path makes (overdue and not complete → Red), the same author and period.
        assert (first.suggested_rag, first.suggestion_reason) == (one.suggested_rag, one.suggestion_reason)
        assert (first.author_id, first.period_id, first.source) == (one.author_id, one.period_id, one.source)
        events = s.scalars(select(AuditEvent).where(AuditEvent.verb == "record_update")
                           .order_by(AuditEvent.sequence)).all()
        assert [e.entity_id for e in events] == [one.id, *ids]
        assert [json.loads(e.before)["rag"] for e in events[1:]] == ["red", None, "green"]
        assert audit.verify_chain(s).ok
        assert s.get(Action, a.id).updates[-1].rag == "amber"  # type: ignore[union-attr]


def test_a_closed_quarter_takes_no_updates(store: Store, actor: Actor, plan_id: int) -> None:
    with store.session() as s:
        _, a, _, q1 = _ctx(s, plan_id)
        periods.close_period(s, actor, q1)
        with pytest.raises(PeriodClosed):
            record_updates(s, actor, q1, [NewUpdate(a.id, "green", commentary="Fine")])


def test_a_bulk_write_moves_each_action_on_a_version_so_an_open_dialog_is_told(store: Store, actor: Actor,
                                                                               plan_id: int) -> None:
    from desktop.services.errors import ActionChangedElsewhere

    with store.session() as s:
        _, a, b, q1 = _ctx(s, plan_id)
        seen = a.version  # what a dialog opened before the import holds
        record_updates(s, actor, q1, [NewUpdate(a.id, "green", commentary="Imported"),
                                      NewUpdate(b.id, "green", commentary="Imported")])
        assert a.version == seen + 1
        with pytest.raises(ActionChangedElsewhere) as told:
            record_update(s, actor, a, q1, rag="green", commentary="Mine", expected_version=seen)
        assert told.value.latest is not None and told.value.latest.commentary == "Imported"
