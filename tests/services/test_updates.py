"""Quarterly updates follow the partnership's RAG rules; closed quarters are frozen."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from desktop.models import ActionStatus, OrganisationKind, Plan
from desktop.services import periods, plans
from desktop.services.actor import Actor
from desktop.services.errors import PeriodClosed, ValidationError
from desktop.services.rag import BRAG, FIVE_POINT, RAG
from desktop.services.readmodels import load_rows as action_rows
from desktop.services.readmodels import plan_tree
from desktop.services.updates import record_update, suggest_rag
from desktop.store import Store


@pytest.fixture
def small_plan(store: Store, actor: Actor) -> int:
    with store.session() as s:
        partnership = plans.add_partnership(s, actor, "Safer Hartlepool Partnership", "SHP")
        crc = plans.add_organisation(s, actor, "Durham Tees Valley CRC", "DTV CRC", OrganisationKind.CRC)
        lead = plans.add_person(s, actor, job_title="Head of Offender Services", organisation=crc)
        plan = plans.add_plan(s, actor, partnership, "Reducing Re-offending Action Plan", rag_scheme="rag")
        obj = plans.add_objective(s, actor, plan, "Objective 1", "Improving pathways out of re-offending")
        pri = plans.add_priority(s, actor, obj, "1.1", "Improve housing pathways for offenders")
        plans.add_action(
            s,
            actor,
            pri,
            "1.1a",
            "Create a Housing Liaison post",
            leads=[lead],
            start_date=dt.date(2014, 4, 1),
            due_date=dt.date(2014, 9, 30),
            timescale="September 2014",
            status=ActionStatus.IN_PROGRESS,
            pathways=["Accommodation"],
        )
        plans.add_action(s, actor, pri, "1.1b", "Develop supported housing", leads=[lead])
        periods.add_period(s, actor, plan, "2014/15 Q1", dt.date(2014, 4, 1), dt.date(2014, 6, 30))
        periods.add_period(s, actor, plan, "2014/15 Q2", dt.date(2014, 7, 1), dt.date(2014, 9, 30))
        return plan.id


def _ctx(s, plan_id):  # type: ignore[no-untyped-def]
    plan = s.get(Plan, plan_id)
    action = plan.objectives[0].priorities[0].actions[0]
    return plan, action, plan.periods[0], plan.periods[1]


def test_red_needs_remedial_action_and_owner(store: Store, actor: Actor, small_plan: int) -> None:
    with store.session() as s:
        plan, action, q1, _ = _ctx(s, small_plan)
        with pytest.raises(ValidationError, match="remedial action") as err:
            record_update(s, actor, action, q1, rag="red", commentary="Funding not yet agreed")
        assert err.value.field == "remedial_action"
        with pytest.raises(ValidationError, match="owner"):
            record_update(
                s,
                actor,
                action,
                q1,
                rag="red",
                commentary="Funding not yet agreed",
                remedial_action="Escalate to the SHP",
            )
        update = record_update(
            s,
            actor,
            action,
            q1,
            rag="red",
            commentary="Funding not yet agreed",
            remedial_action="Escalate to the SHP",
            remedial_owner=action.primary_lead,
        )
        assert update.rag == "red"


def test_rag_change_needs_commentary(store: Store, actor: Actor, small_plan: int) -> None:
    with store.session() as s:
        _, action, q1, _ = _ctx(s, small_plan)
        with pytest.raises(ValidationError, match="commentary"):
            record_update(s, actor, action, q1, rag="green")
        record_update(s, actor, action, q1, rag="green", commentary="Post advertised")
        # The same status again needs no new explanation.
        record_update(s, actor, action, q1, rag="green", percent_complete=40)


def test_closed_quarter_is_frozen(store: Store, actor: Actor, small_plan: int) -> None:
    with store.session() as s:
        _, action, q1, q2 = _ctx(s, small_plan)
        record_update(s, actor, action, q1, rag="green", commentary="Post advertised")
        snap = periods.close_period(s, actor, q1)
        assert snap.sequence == 1 and len(snap.sha256) == 64
        with pytest.raises(PeriodClosed):
            record_update(s, actor, action, q1, rag="green", commentary="late")
        with pytest.raises(PeriodClosed):
            periods.close_period(s, actor, q1)
        outstanding = periods.outstanding(s, q2)
        assert [a.code for a in outstanding] == ["1.1a", "1.1b"]


def test_quarters_close_in_order(store: Store, actor: Actor, small_plan: int) -> None:
    with store.session() as s:
        _, _, _, q2 = _ctx(s, small_plan)
        with pytest.raises(ValidationError, match="first"):
            periods.close_period(s, actor, q2)


def test_suggested_rag_is_recorded_beside_the_chosen_one(store: Store, actor: Actor, small_plan: int) -> None:
    with store.session() as s:
        _, action, _, q2 = _ctx(s, small_plan)
        update = record_update(
            s,
            actor,
            action,
            q2,
            rag="green",
            commentary="We think it is fine",
            percent_complete=50,
            as_at=dt.date(2014, 10, 15),
        )
        assert update.rag == "green"
        assert update.suggested_rag == "red"
        assert "Overdue" in update.suggestion_reason


def test_direction_of_travel_and_rollup(store: Store, actor: Actor, small_plan: int) -> None:
    with store.session() as s:
        plan, action, q1, q2 = _ctx(s, small_plan)
        record_update(
            s,
            actor,
            action,
            q1,
            rag="amber",
            commentary="Delayed",
            remedial_action="Re-advertise",
            remedial_owner=action.primary_lead,
        )
        periods.close_period(s, actor, q1)
        record_update(s, actor, action, q2, rag="green", commentary="Appointed")
        rows = {r.code: r for r in action_rows(s, plan.id)}
        assert rows["1.1a"].direction == "improved"
        assert rows["1.1a"].previous_rag == "amber"
        assert rows["1.1b"].direction == "none"
        tree = plan_tree(s, plan.id)
        assert tree[0].rollup == "green"


@pytest.mark.parametrize(
    ("scheme", "keys", "expected"),
    [
        (RAG, ["green", "amber", "green"], "amber"),
        (RAG, ["green", "red", "amber"], "red"),
        (BRAG, ["blue", "grey", "green"], "green"),
        (BRAG, ["grey", "grey"], None),
        (BRAG, ["blue", "grey"], "blue"),
        (FIVE_POINT, ["amber_green", "amber_red", "green"], "amber_red"),
        (RAG, [None, "green"], "green"),
    ],
)
def test_rollup_is_worst_child_with_grey_excluded(scheme, keys, expected) -> None:  # type: ignore[no-untyped-def]
    assert scheme.worst(keys) == expected


def test_every_status_has_letter_colour_and_definition() -> None:
    for sch in (RAG, BRAG, FIVE_POINT):
        letters = [s.letter for s in sch.statuses]
        assert len(set(letters)) == len(letters)
        for status in sch.statuses:
            assert status.letter and status.colour.startswith("#") and len(status.definition) > 20


def test_suggestion_for_not_started_future_action(store: Store, actor: Actor, small_plan: int) -> None:
    with store.session() as s:
        plan = s.scalars(select(Plan)).one()
        action = plan.objectives[0].priorities[0].actions[0]
        action.status = ActionStatus.NOT_STARTED
        suggestion = suggest_rag(action, None, dt.date(2014, 1, 1), BRAG)
        assert suggestion.rag == "grey"
