"""What the small forms (plan, objective, priority, quarter, person, organisation, "who am I") ask of the store,
through ``desktop.services.plans`` and ``desktop.services.periods``: the choices a form offers, the values an edit
starts from, and each save in one unit of work on the main thread. The forms hold no sessions.

A rule a save breaks comes back as the service's ``ValidationError`` (shown beside its field); a record that has
gone meanwhile as ``NotFound``; nothing is written in either case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import Objective, Organisation, OrganisationKind, Partnership, Person, Plan, Priority, Strand
from desktop.models.base import Base
from desktop.services import periods, plans
from desktop.services.actor import Actor
from desktop.services.errors import NotFound, ValidationError
from desktop.ui.context import SessionSource

Choices = list[tuple[str, int]]  # (what the list shows, id)


@dataclass(frozen=True)
class Saved:
    """What a save did: the record's id, and for an edit the values it had before (what an undo needs)."""

    id: int
    previous: dict[str, Any] = field(default_factory=dict)
    label: str = ""  # how the record is named to the user ("Edit Jane Smith")


# ---- choices and starting values


def partnerships(store: SessionSource) -> Choices:
    with store.session() as session:
        return [(p.name, p.id) for p in session.scalars(select(Partnership).order_by(Partnership.id))]


def organisations(store: SessionSource) -> Choices:
    with store.session() as session:
        found = session.scalars(select(Organisation).order_by(Organisation.name))
        return [(o.short_name or o.name, o.id) for o in found]


def active_people(store: SessionSource) -> Choices:
    """Everyone who can be chosen as a lead officer (or as "who am I"), by name."""
    with store.session() as session:
        people = sorted(session.scalars(select(Person).where(Person.active.is_(True))),
                        key=lambda p: p.display_name.casefold())
        return [(p.display_name, p.id) for p in people]


def values_of(store: SessionSource, entity: type[Base], entity_id: int, names: Sequence[str]) -> dict[str, Any] | None:
    """The named fields of one record as the audit shows them; None when it no longer exists."""
    with store.session() as session:
        obj = session.get(entity, entity_id)
        return plans.describe(obj, names) if obj is not None else None


# ---- saving


def _get(session: Session, entity: type[Base], entity_id: int) -> Any:
    obj = session.get(entity, entity_id)
    if obj is None:
        raise NotFound(f"That {entity.__name__.lower()} no longer exists.")
    return obj


def _add_or_edit(store: SessionSource, actor: Actor, entity: type[Base], entity_id: int | None,
                 values: dict[str, Any], add: Callable[[Session], Any]) -> Saved:
    """``add(session)`` a new record (``entity_id`` None), or edit the fields ``values`` names on an existing one."""
    with store.session() as session:
        if entity_id is None:
            obj = add(session)
            return Saved(int(obj.id), {}, str(getattr(obj, "display_name", "")))
        obj = _get(session, entity, entity_id)
        previous = plans.edit(session, actor, obj, values)
        return Saved(entity_id, previous, str(getattr(obj, "display_name", "")))


def create_plan(store: SessionSource, actor: Actor, partnership_id: int | None, new_partnership: str, title: str,
                period_label: str, rag_scheme: str) -> int:
    """A new plan for a partnership (a new one named ``new_partnership`` when ``partnership_id`` is None)."""
    with store.session() as session:
        owner = (session.get(Partnership, partnership_id) if partnership_id
                 else plans.add_partnership(session, actor, new_partnership))
        if owner is None:
            raise ValidationError("That partnership no longer exists.", field="partnership")
        plans.ensure_default_pathways(session)
        return plans.add_plan(session, actor, owner, title, period_label=period_label, rag_scheme=rag_scheme).id


def save_objective(store: SessionSource, actor: Actor, objective_id: int | None, plan_id: int,
                   values: dict[str, Any]) -> Saved:
    return _add_or_edit(store, actor, Objective, objective_id, values, lambda session: plans.add_objective(
        session, actor, _get(session, Plan, plan_id), values["code"], values["title"], values["description"]))


def save_priority(store: SessionSource, actor: Actor, priority_id: int | None, objective_id: int,
                  values: dict[str, Any]) -> Saved:
    return _add_or_edit(store, actor, Priority, priority_id, values, lambda session: plans.add_priority(
        session, actor, _get(session, Objective, objective_id), values["code"], values["text"],
        Strand(values["strand"])))


def save_person(store: SessionSource, actor: Actor, person_id: int | None, values: dict[str, Any]) -> Saved:
    def add(session: Session) -> Person:
        org_id = values["organisation_id"]
        return plans.add_person(session, actor, name=values["name"], job_title=values["job_title"],
                                organisation=session.get(Organisation, org_id) if org_id else None,
                                email=values["email"], phone=values["phone"])

    return _add_or_edit(store, actor, Person, person_id, values, add)


def save_organisation(store: SessionSource, actor: Actor, organisation_id: int | None,
                      values: dict[str, Any]) -> Saved:
    return _add_or_edit(store, actor, Organisation, organisation_id, values, lambda session: plans.add_organisation(
        session, actor, values["name"], values["short_name"], OrganisationKind(values["kind"])))


def open_quarter(store: SessionSource, actor: Actor, plan_id: int, label: str, start: dt.date, end: dt.date,
                 deadline: dt.date | None) -> int:
    with store.session() as session:
        return periods.add_period(session, actor, _get(session, Plan, plan_id), label, start, end, deadline).id
