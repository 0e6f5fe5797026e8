"""Undo and redo steps (desktop.services.undo_steps): each is one more audited edit with its reason, a removed record
comes back with what it had, and a step that is no longer possible says why and writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from desktop.models import Action, AuditEvent, Objective, OrganisationKind, Person, Priority
from desktop.services import plans, undo_steps
from desktop.services.actor import Actor
from desktop.services.errors import ValidationError
from desktop.services.undo_steps import ActionState, Step
from desktop.store import Store


@pytest.fixture
def ids(store: Store, actor: Actor) -> dict[str, int]:
    with store.session() as s:
        partnership = plans.add_partnership(s, actor, "Safer Hartlepool Partnership", "SHP")
        crc = plans.add_organisation(s, actor, "Durham Tees Valley CRC", "DTV CRC", OrganisationKind.CRC)
        lead = plans.add_person(s, actor, job_title="Head of Offender Services", organisation=crc)
        deputy = plans.add_person(s, actor, name="Sam Deputy", job_title="Deputy")
        plan = plans.add_plan(s, actor, partnership, "Reducing Re-offending Action Plan", rag_scheme="rag")
        obj = plans.add_objective(s, actor, plan, "SO 1", "Improving pathways out of re-offending")
        pri = plans.add_priority(s, actor, obj, "1.1", "Improve housing pathways for offenders")
        action = plans.add_action(s, actor, pri, "1.1a", "Create a Housing Liaison post", leads=[lead],
                                  due_date=dt.date(2014, 9, 30), timescale="September 2014")
        return {"plan": plan.id, "objective": obj.id, "priority": pri.id, "action": action.id, "lead": lead.id,
                "deputy": deputy.id, "crc": crc.id}


def run(store: Store, actor: Actor, step: Step, reason: str = "Undo") -> int | None:
    with store.session() as s:
        return step(s, actor, reason)


def last_event(store: Store) -> tuple[str, str, str]:
    with store.session() as s:
        event = s.scalars(select(AuditEvent).order_by(AuditEvent.sequence.desc())).first()
        assert event is not None
        return event.verb, event.entity, event.reason


def test_an_edit_undone_and_redone_is_audited_each_time(store: Store, actor: Actor, ids: dict[str, int]) -> None:
    run(store, actor, undo_steps.edit_fields(Objective, ids["objective"], {"title": "Housing first"}), "Undo")
    assert last_event(store) == ("update", "objective", "Undo")
    with store.session() as s:
        objective = s.get(Objective, ids["objective"])
        assert objective is not None and objective.title == "Housing first"


def test_an_action_moves_between_states_with_its_leads(store: Store, actor: Actor, ids: dict[str, int]) -> None:
    before = ActionState({"text": "Create a Housing Liaison post"}, (ids["lead"],), ())
    after = ActionState({"text": "Create two Housing Liaison posts"}, (ids["deputy"], ids["lead"]), ())
    run(store, actor, undo_steps.move_action(ids["action"], after, before), "Redo")
    with store.session() as s:
        action = s.get(Action, ids["action"])
        assert action is not None and action.text == "Create two Housing Liaison posts"
        assert [lead.person_id for lead in sorted(action.leads, key=lambda x: x.position)] == [ids["deputy"],
                                                                                                ids["lead"]]
    run(store, actor, undo_steps.move_action(ids["action"], before, after), "Undo")
    with store.session() as s:
        action = s.get(Action, ids["action"])
        assert action is not None and action.text == "Create a Housing Liaison post"
        assert [lead.person_id for lead in action.leads] == [ids["lead"]]


def test_a_removed_action_comes_back_as_it_was(store: Store, actor: Actor,
                                                              ids: dict[str, int]) -> None:
    state = ActionState({"code": "1.1a", "text": "Create a Housing Liaison post", "due_date": "2014-09-30",
                         "lead_organisation_id": ids["crc"], "timescale": "September 2014"}, (ids["lead"],), ())
    assert run(store, actor, undo_steps.remove_action(ids["action"])) is None
    assert last_event(store) == ("delete", "action", "Undo")
    with store.session() as s:
        assert s.get(Action, ids["action"]) is None
    new_id = run(store, actor, undo_steps.add_action(ids["priority"], state), "Redo")
    assert new_id is not None
    assert last_event(store) == ("create", "action", "Redo")
    with store.session() as s:
        action = s.get(Action, new_id)
        assert action is not None and action.code == "1.1a" and action.due_date == dt.date(2014, 9, 30)
        assert [lead.person_id for lead in action.leads] == [ids["lead"]]
        assert action.lead_organisation_id == ids["crc"]


def test_an_added_node_is_removed_only_while_empty(store: Store, actor: Actor, ids: dict[str, int]) -> None:
    with pytest.raises(ValidationError, match="has actions now"):
        run(store, actor, undo_steps.remove_node(Priority, ids["priority"]))
    with pytest.raises(ValidationError, match="has priorities now"):
        run(store, actor, undo_steps.remove_node(Objective, ids["objective"]))
    with store.session() as s:
        assert s.get(Priority, ids["priority"]) is not None  # refused: nothing written

    new_id = run(store, actor, undo_steps.add_node(Objective, ids["plan"], {"code": "SO 2", "title": "Employment"}),
                 "Redo")
    assert new_id is not None
    assert run(store, actor, undo_steps.remove_node(Objective, new_id)) is None
    with store.session() as s:
        assert s.get(Objective, new_id) is None
        assert s.scalar(select(func.count()).select_from(Objective)) == 1


def test_a_step_on_a_record_that_has_gone_says_so_and_writes_nothing(store: Store, actor: Actor,
                                                                      ids: dict[str, int]) -> None:
    with store.session() as s:
        events = s.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(ValidationError, match="That person no longer exists"):
        run(store, actor, undo_steps.edit_fields(Person, 9999, {"name": "Nobody"}))
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == events
