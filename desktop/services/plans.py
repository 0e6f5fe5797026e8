"""Building and editing the plan hierarchy. Every change goes through here and into the audit trail."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from desktop.models import (
    Action,
    ActionLead,
    ActionStatus,
    CriticalPathway,
    Objective,
    Organisation,
    OrganisationKind,
    Partnership,
    Person,
    Plan,
    PlanStatus,
    Priority,
    Strand,
    action_pathway,
)
from desktop.models.base import Base
from desktop.services import audit
from desktop.services.actor import Actor
from desktop.services.errors import ValidationError
from desktop.services.rag import scheme

DEFAULT_PATHWAYS = (
    "Accommodation",
    "Drug and Alcohol Misuse",
    "Financial Management and Income",
    "Education, Training and Employability",
    "Children and Families",
    "Health",
    "Attitudes, Thinking and Behaviour",
    "Sexual Exploitation and Domestic Violence",
)

# What a user may change on each entity (relationships such as leads and pathways have their own functions).
EDITABLE: dict[type[Base], tuple[str, ...]] = {
    Partnership: ("name", "short_name", "default_marking", "rag_scheme", "disclosure_rule",
                  "implications_template", "notice_contact", "clear_days"),
    Organisation: ("name", "short_name", "kind"),
    Person: ("name", "job_title", "organisation_id", "email", "phone", "active", "notes"),
    Plan: ("title", "period_label", "aim", "owning_group", "status", "version", "rag_scheme", "source"),
    Objective: ("code", "title", "description", "position"),
    Priority: ("code", "text", "strand", "position"),
    Action: ("code", "text", "progress_measures", "expected_outcome", "lead_organisation_id", "resources",
             "start_date", "due_date", "timescale", "status", "position"),
}

E = TypeVar("E", bound=Base)


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return value


def describe(obj: Base, names: Iterable[str] | None = None) -> dict[str, Any]:
    """The audited view of an entity: its editable fields as JSON-friendly values."""
    fields = names if names is not None else EDITABLE.get(type(obj), ())
    return {name: _plain(getattr(obj, name)) for name in fields}


def entity_name(obj: Base) -> str:
    return str(getattr(obj, "__tablename__", type(obj).__name__.lower()))


def _next_position(session: Session, column: Any, parent_column: Any, parent_id: int) -> int:
    current = session.scalar(select(func.max(column)).where(parent_column == parent_id))
    return 0 if current is None else int(current) + 1


def _require_text(value: str, field: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(f"{what} cannot be empty.", field=field)
    return value


def _check_code(code: str) -> str:
    code = (code or "").strip()
    if len(code) > 40:
        raise ValidationError("A code can be at most 40 characters.", field="code")
    return code


def _added(session: Session, actor: Actor, obj: E, reason: str = "") -> E:
    session.add(obj)
    session.flush()
    audit.record(session, actor, "create", entity_name(obj), getattr(obj, "id", None), after=describe(obj),
                 reason=reason)
    return obj


# ---- partnership, organisations and people


def add_partnership(session: Session, actor: Actor, name: str, short_name: str = "", **fields: Any) -> Partnership:
    obj = Partnership(name=_require_text(name, "name", "A partnership's name"), short_name=short_name, **fields)
    if "rag_scheme" in fields:
        scheme(fields["rag_scheme"])
    return _added(session, actor, obj)


def add_organisation(
    session: Session, actor: Actor, name: str, short_name: str = "", kind: OrganisationKind = OrganisationKind.OTHER
) -> Organisation:
    obj = Organisation(name=_require_text(name, "name", "An organisation's name"), short_name=short_name.strip(),
                       kind=OrganisationKind(kind))
    return _added(session, actor, obj)


def add_person(
    session: Session,
    actor: Actor,
    *,
    name: str | None = None,
    job_title: str = "",
    organisation: Organisation | None = None,
    email: str = "",
    phone: str = "",
) -> Person:
    if not (name or "").strip() and not job_title.strip():
        raise ValidationError("A lead needs a name or a role (job title).", field="name")
    obj = Person(name=(name or "").strip() or None, job_title=job_title.strip(), organisation=organisation,
                 email=email.strip(), phone=phone.strip())
    return _added(session, actor, obj)


# ---- the plan hierarchy


def add_plan(
    session: Session,
    actor: Actor,
    partnership: Partnership,
    title: str,
    *,
    period_label: str = "",
    aim: str = "",
    owning_group: str = "",
    status: PlanStatus = PlanStatus.DRAFT,
    version: str = "1.0",
    rag_scheme: str | None = None,
    source: str = "",
    is_demo: bool = False,
) -> Plan:
    key = rag_scheme or partnership.rag_scheme
    scheme(key)
    plan = Plan(
        partnership=partnership,
        title=_require_text(title, "title", "A plan's title"),
        period_label=period_label,
        aim=aim,
        owning_group=owning_group,
        status=PlanStatus(status),
        version=version,
        rag_scheme=key,
        source=source,
        is_demo=is_demo,
    )
    return _added(session, actor, plan)


def add_objective(
    session: Session, actor: Actor, plan: Plan, code: str, title: str, description: str = "",
    position: int | None = None,
) -> Objective:
    obj = Objective(
        plan=plan,
        code=_check_code(code),
        title=_require_text(title, "title", "An objective's title"),
        description=description,
        position=position if position is not None else _next_position(
            session, Objective.position, Objective.plan_id, plan.id),
    )
    return _added(session, actor, obj)


def add_priority(
    session: Session, actor: Actor, objective: Objective, code: str, text: str, strand: Strand = Strand.BOTH,
    position: int | None = None,
) -> Priority:
    obj = Priority(
        objective=objective,
        code=_check_code(code),
        text=_require_text(text, "text", "A priority's text"),
        strand=Strand(strand),
        position=position if position is not None else _next_position(
            session, Priority.position, Priority.objective_id, objective.id),
    )
    return _added(session, actor, obj)


def add_action(
    session: Session,
    actor: Actor,
    priority: Priority,
    code: str,
    text: str,
    *,
    progress_measures: Sequence[str] = (),
    expected_outcome: str = "",
    leads: Sequence[Person] = (),
    lead_organisation: Organisation | None = None,
    resources: str = "",
    start_date: dt.date | None = None,
    due_date: dt.date | None = None,
    timescale: str = "",
    status: ActionStatus = ActionStatus.NOT_STARTED,
    pathways: Sequence[str] = (),
    position: int | None = None,
    reason: str = "",
) -> Action:
    _check_dates(start_date, due_date)
    unique_leads = list(dict.fromkeys(leads))
    action = Action(
        priority=priority,
        code=_check_code(code),
        text=_require_text(text, "text", "An action's text"),
        progress_measures="\n".join(m.strip() for m in progress_measures if m.strip()),
        expected_outcome=expected_outcome,
        lead_organisation=lead_organisation,
        resources=resources,
        start_date=start_date,
        due_date=due_date,
        timescale=timescale.strip(),
        status=ActionStatus(status),
        # The next position from the loaded collection (one query per priority, not one per action).
        position=position if position is not None else len(priority.actions),
        leads=[ActionLead(person=p, position=i) for i, p in enumerate(unique_leads)],
        pathways=ensure_pathways(session, pathways) if pathways else [],
    )
    # One insert and one audit event that records the leads and pathways with the rest of the action.
    session.add(action)
    session.flush()
    after = {**describe(action), "leads": [p.id for p in unique_leads], "pathways": [p.name for p in action.pathways]}
    audit.record(session, actor, "create", "action", action.id, after=after, reason=reason)
    return action


@dataclass(frozen=True)
class NewAction:
    """One action for :func:`add_actions` (the bulk form of :func:`add_action`, used by imports)."""

    priority: Priority
    code: str
    text: str
    progress_measures: Sequence[str] = ()
    expected_outcome: str = ""
    leads: Sequence[Person] = ()
    lead_organisation: Organisation | None = None
    resources: str = ""
    start_date: dt.date | None = None
    due_date: dt.date | None = None
    timescale: str = ""
    status: ActionStatus = ActionStatus.NOT_STARTED
    pathways: Sequence[str] = ()
    position: int | None = None


def add_actions(session: Session, actor: Actor, items: Sequence[NewAction], reason: str = "") -> list[int]:
    """Create many actions at once, with the same rules and one audit event each, in a few set-based inserts.

    A 5,000-row import through :func:`add_action` spends its time in the ORM's unit of work; here the actions,
    their leads and pathways go in as three multi-row inserts and the audit events are chained in memory.
    """
    session.flush()
    positions: dict[int, int] = {}
    rows: list[dict[str, Any]] = []
    for item in items:
        _check_dates(item.start_date, item.due_date)
        pid = item.priority.id
        if pid not in positions:
            positions[pid] = len(item.priority.actions)
        position = item.position if item.position is not None else positions[pid]
        positions[pid] = max(positions[pid], position + 1)
        rows.append({
            "priority_id": pid,
            "code": _check_code(item.code),
            "text": _require_text(item.text, "text", "An action's text"),
            "progress_measures": "\n".join(m.strip() for m in item.progress_measures if m.strip()),
            "expected_outcome": item.expected_outcome,
            "lead_organisation_id": item.lead_organisation.id if item.lead_organisation else None,
            "resources": item.resources,
            "start_date": item.start_date,
            "due_date": item.due_date,
            "timescale": item.timescale.strip(),
            "status": ActionStatus(item.status),
            "position": position,
        })
    if not rows:
        return []
    # Inserted in order on the store's one connection inside this transaction, the new rows get ascending ids
    # above the current maximum: reading them back is far cheaper than RETURNING with ordered batches.
    highest = session.scalar(select(func.max(Action.id))) or 0
    session.execute(insert(Action), rows)
    ids = list(session.scalars(select(Action.id).where(Action.id > highest).order_by(Action.id)))
    if len(ids) != len(rows):
        raise RuntimeError("actions were added by someone else during the import")
    pathway_ids = {p.name: p.id for p in ensure_pathways(session, {n for i in items for n in i.pathways})}
    lead_rows, pathway_rows = [], []
    for action_id, item in zip(ids, items, strict=True):
        for position, person in enumerate(dict.fromkeys(item.leads)):
            lead_rows.append({"action_id": action_id, "person_id": person.id, "position": position})
        for name in dict.fromkeys(n.strip() for n in item.pathways if n.strip()):
            pathway_rows.append({"action_id": action_id, "pathway_id": pathway_ids[name]})
    if lead_rows:
        session.execute(insert(ActionLead), lead_rows)
    if pathway_rows:
        session.execute(insert(action_pathway), pathway_rows)
    changes = []
    for action_id, row, item in zip(ids, rows, items, strict=True):
        after = {k: _plain(v) for k, v in row.items() if k in EDITABLE[Action]}
        after |= {"leads": [p.id for p in item.leads], "pathways": list(item.pathways)}
        changes.append(audit.Change("create", "action", action_id, after=after, reason=reason))
    audit.record_many(session, actor, changes)
    session.flush()
    for priority in {item.priority for item in items}:
        session.expire(priority, ["actions"])
    return ids


def _check_dates(start: dt.date | None, due: dt.date | None) -> None:
    if start and due and due < start:
        raise ValidationError("The due date is before the start date.", field="due_date")


def edit(session: Session, actor: Actor, obj: Base, changes: Mapping[str, Any], reason: str = "") -> dict[str, Any]:
    """Change editable fields; returns the previous values (what an undo needs)."""
    allowed = EDITABLE.get(type(obj), ())
    unknown = [k for k in changes if k not in allowed]
    if unknown:
        raise ValidationError(f"{', '.join(unknown)} cannot be changed on a {entity_name(obj)}.", field=unknown[0])
    for field in ("title", "text", "name"):
        if field in changes and type(obj) is not Person:
            _require_text(str(changes[field] or ""), field, f"The {field}")
    if "code" in changes:
        _check_code(str(changes["code"]))
    if "rag_scheme" in changes:
        scheme(str(changes["rag_scheme"]))
    if isinstance(obj, Action):
        _check_dates(changes.get("start_date", obj.start_date), changes.get("due_date", obj.due_date))
        if "status" in changes:
            changes = {**changes, "status": ActionStatus(changes["status"])}
    return apply_changes(session, actor, obj, changes, reason)


def apply_changes(
    session: Session, actor: Actor, obj: Base, changes: Mapping[str, Any], reason: str = "", entity: str | None = None
) -> dict[str, Any]:
    """Set already-validated fields and audit before/after; returns the previous values (what an undo needs).

    Every service's ``edit`` ends here, so every change is recorded the same way. No change, no audit event.
    """
    before = describe(obj, changes.keys())
    if before == {k: _plain(v) for k, v in changes.items()}:
        return before
    previous = {k: getattr(obj, k) for k in changes}
    for key, value in changes.items():
        setattr(obj, key, value)
    session.flush()
    audit.record(session, actor, "update", entity or entity_name(obj), getattr(obj, "id", None), before=before,
                 after=describe(obj, changes.keys()), reason=reason)
    return previous


def set_leads(session: Session, actor: Actor, action: Action, people: Sequence[Person], reason: str = "") -> None:
    """Replace the action's leads; the first is the primary lead, the rest joint leads."""
    seen: set[int] = set()
    ordered = [p for p in people if not (p.id in seen or seen.add(p.id))]  # type: ignore[func-returns-value]
    before = [lead.person_id for lead in action.leads]
    after = [p.id for p in ordered]
    if before == after:
        return
    action.leads.clear()
    session.flush()
    for position, person in enumerate(ordered):
        action.leads.append(ActionLead(person=person, position=position))
    session.flush()
    audit.record(session, actor, "set_leads", "action", action.id, before={"leads": before},
                 after={"leads": after}, reason=reason)


def ensure_pathways(session: Session, names: Iterable[str]) -> list[CriticalPathway]:
    existing = {p.name.casefold(): p for p in session.scalars(select(CriticalPathway))}
    out: list[CriticalPathway] = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        found = existing.get(name.casefold())
        if found is None:
            found = CriticalPathway(name=name, position=len(existing))
            session.add(found)
            existing[name.casefold()] = found
        out.append(found)
    session.flush()
    return out


def set_pathways(session: Session, actor: Actor, action: Action, names: Sequence[str], reason: str = "") -> None:
    pathways = ensure_pathways(session, names)
    before = [p.name for p in action.pathways]
    after = [p.name for p in pathways]
    if before == after:
        return
    action.pathways = pathways
    session.flush()
    audit.record(session, actor, "set_pathways", "action", action.id, before={"pathways": before},
                 after={"pathways": after}, reason=reason)


def delete(session: Session, actor: Actor, obj: Base, reason: str = "") -> None:
    if isinstance(obj, Action) and obj.updates:
        raise ValidationError(
            "This action has recorded updates; set its status to Cancelled instead of deleting it.", field="status"
        )
    before = describe(obj)
    entity, entity_id = entity_name(obj), getattr(obj, "id", None)
    session.delete(obj)
    session.flush()
    audit.record(session, actor, "delete", entity, entity_id, before=before, reason=reason)


def ensure_default_pathways(session: Session) -> None:
    ensure_pathways(session, DEFAULT_PATHWAYS)
