"""The dialogs' controllers (forms, verify, export, returns): what each reads is what the store holds, each save is
one audited unit of work, and a record that has gone is refused with a clear message and nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from desktop.models import AuditEvent, OrganisationKind, Partnership, Person, Plan, ReportingPeriod, SigningRoot
from desktop.services import plans
from desktop.services.actor import Actor
from desktop.services.errors import NotFound, ValidationError
from desktop.store import Store
from desktop.ui import export_controller, forms_controller, returns_controller, verify_controller


def _events(store: Store) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def test_a_plan_for_a_new_partnership(store: Store, actor: Actor) -> None:
    assert forms_controller.partnerships(store) == []
    plan_id = forms_controller.create_plan(store, actor, None, "Safer Hartlepool Partnership", "Delivery plan",
                                           "2015–2018", "rag")
    with store.session() as s:
        plan = s.get(Plan, plan_id)
        assert plan is not None and plan.partnership.name == "Safer Hartlepool Partnership"
        assert plan.period_label == "2015–2018"
    assert [name for name, _ in forms_controller.partnerships(store)] == ["Safer Hartlepool Partnership"]
    with pytest.raises(ValidationError) as refused:
        forms_controller.create_plan(store, actor, 9999, "", "Another plan", "", "rag")
    assert refused.value.field == "partnership"


def test_people_are_added_and_edited_with_what_they_were(store: Store, actor: Actor) -> None:
    org = forms_controller.save_organisation(store, actor, None, {"name": "Durham Constabulary",
                                                                  "short_name": "Police",
                                                                  "kind": OrganisationKind.POLICE})
    assert forms_controller.organisations(store) == [("Police", org.id)]
    values = {"name": "Jo Lead", "job_title": "Inspector", "organisation_id": org.id, "email": "", "phone": "",
              "active": True}
    added = forms_controller.save_person(store, actor, None, values)
    assert added.previous == {} and added.label == "Jo Lead (Police)"  # as lists and the undo menu name them
    edited = forms_controller.save_person(store, actor, added.id, {**values, "name": "Jo Leader"})
    assert edited.id == added.id and edited.previous["name"] == "Jo Lead" and edited.label == "Jo Leader (Police)"
    assert forms_controller.values_of(store, Person, added.id, ("name", "organisation_id")) == {
        "name": "Jo Leader", "organisation_id": org.id}
    forms_controller.save_person(store, actor, added.id, {**values, "active": False})
    assert forms_controller.active_people(store) == []  # only active people can be chosen


def test_a_record_that_has_gone_is_refused_and_nothing_is_written(store: Store, actor: Actor) -> None:
    before = _events(store)
    with pytest.raises(NotFound, match="That person no longer exists"):
        forms_controller.save_person(store, actor, 9999, {"name": "Nobody"})
    with pytest.raises(NotFound, match="That plan no longer exists"):
        forms_controller.open_quarter(store, actor, 9999, "2015/16 Q1", dt.date(2015, 4, 1), dt.date(2015, 6, 30),
                                      None)
    assert forms_controller.values_of(store, Person, 9999, ("name",)) is None
    assert _events(store) == before


def test_trust_roots_and_the_bundle_come_from_the_store(store: Store, actor: Actor) -> None:
    with store.session() as s:
        partnership = plans.add_partnership(s, actor, "Safer Hartlepool Partnership", "SHP")
        partnership_id = partnership.id
        assert s.scalar(select(func.count()).select_from(SigningRoot)) == 0
    assert verify_controller.partnerships(store) == [(partnership_id, "Safer Hartlepool Partnership")]
    assert verify_controller.store_roots(store) == {}  # no root yet: nothing to trust

    bundle = verify_controller.bundle(store, partnership_id, actor)  # makes the root first
    assert bundle.partnership == "Safer Hartlepool Partnership"
    assert bundle.pem.startswith(b"-----BEGIN CERTIFICATE-----")
    assert any(content == bundle.pem for content in bundle.files.values())
    assert verify_controller.store_roots(store) == {"Safer Hartlepool Partnership": bundle.pem}
    with pytest.raises(NotFound):
        verify_controller.bundle(store, 9999, actor)


def test_plan_facts_and_quarters_are_what_the_store_holds(demo_store: Store) -> None:
    with demo_store.session() as s:
        plan = s.scalars(select(Plan).order_by(Plan.id)).first()
        assert plan is not None
        plan_id, title, name = plan.id, plan.title, plan.partnership.name
        periods = list(s.scalars(select(ReportingPeriod).where(ReportingPeriod.plan_id == plan_id)
                                 .order_by(ReportingPeriod.start_date)))
        expected_closed = tuple((p.id, p.label) for p in periods if p.is_closed)
        expected_quarters = [(p.id, p.label, p.is_closed) for p in periods]
    facts = export_controller.plan_facts(demo_store, plan_id)
    assert (facts.plan_id, facts.title, facts.partnership) == (plan_id, title, name)
    assert facts.closed == expected_closed
    assert [name for _, name in facts.signers] == sorted((name for _, name in facts.signers), key=str.casefold)
    assert [(q.id, q.label, q.closed) for q in returns_controller.quarters(demo_store, plan_id)] == expected_quarters
    with pytest.raises(NotFound, match="That plan is no longer in the store"):
        export_controller.plan_facts(demo_store, 9999)
    assert export_controller.short_name(demo_store, 9999) == ""
    with demo_store.session() as s:
        short = s.scalars(select(Partnership.short_name).where(Partnership.name == name)).one()
    assert export_controller.short_name(demo_store, plan_id) == (short or title[:40])
