"""The records of a committee's business (committees, members, meetings, agenda items, cover reports, attachments):
what a user may change on each, and the audited add, edit, move and delete that every meetings module uses."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from desktop.models import (
    AgendaItem,
    Attachment,
    Committee,
    CommitteeMember,
    CoverReport,
    HouseStyle,
    ItemKind,
    Meeting,
    MemberRole,
    Part,
)
from desktop.models.base import Base
from desktop.services import audit, plans
from desktop.services.actor import Actor
from desktop.services.errors import ValidationError
from desktop.services.schedule_12a import check_exemption, jurisdiction

PROFILES = ("public", "partner")  # "restricted" never leaves the app (DESIGN §4)

# What a user may change on each record.
EDITABLE: dict[type[Base], tuple[str, ...]] = {
    Committee: ("name", "house_style", "clerk_id", "contact", "signoff", "public_notice", "chair_title",
                "default_venue", "default_time", "implications_template"),
    CommitteeMember: ("role", "honorific", "name", "job_title", "organisation_id", "person_id", "vacant", "position"),
    Meeting: ("date", "time", "venue", "title", "issued_on", "next_meeting_note", "blank_pages"),
    AgendaItem: ("title", "kind", "part", "exempt_paragraph", "report_of", "presented_by", "author_id",
                 "presenter_id", "subtopics", "is_section", "notes"),
    CoverReport: ("title", "report_of", "theme_labels", "purpose", "background", "sections_json", "recommendations",
                  "reasons", "background_papers", "contacts_json", "implications_template", "implications_json"),
    Attachment: ("title", "profile"),
}


def describe(obj: Base, names: Iterable[str] | None = None) -> dict[str, Any]:
    return plans.describe(obj, names if names is not None else EDITABLE.get(type(obj), ()))


def require_text(value: str | None, field: str, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(f"{what} cannot be empty.", field=field)
    return text


def add_record(session: Session, actor: Actor, obj: Base, after: Mapping[str, Any] | None = None) -> None:
    session.add(obj)
    session.flush()
    audit.record(session, actor, "create", plans.entity_name(obj), getattr(obj, "id", None),
                 after=after if after is not None else describe(obj))


def item_siblings(meeting: Meeting, parent: AgendaItem | None) -> list[AgendaItem]:
    parent_id = parent.id if parent is not None else None
    return sorted((i for i in meeting.items if i.parent_id == parent_id), key=lambda i: i.position)


def move_record(session: Session, actor: Actor, ordered: list[Any], obj: Any, offset: int) -> None:
    """Move ``obj`` by ``offset`` places within ``ordered``, renumber every position and audit the move."""
    index = ordered.index(obj)
    target = max(0, min(len(ordered) - 1, index + offset))
    if target == index:
        return
    ordered.insert(target, ordered.pop(index))
    for position, sibling in enumerate(ordered):
        sibling.position = position
    session.flush()
    audit.record(session, actor, "move", plans.entity_name(obj), obj.id, before={"position": index},
                 after={"position": target})


def attachment_facts(a: Attachment) -> dict[str, Any]:
    return {"item_id": a.item_id, "kind": a.kind.value, "title": a.title, "filename": a.filename, "size": a.size,
            "sha256": a.sha256, "pages": a.page_count, "plan_id": a.plan_id, "period_id": a.period_id,
            "period_label": a.period_label, "profile": a.profile}


def edit(session: Session, actor: Actor, obj: Base, changes: Mapping[str, Any], reason: str = "") -> dict[str, Any]:
    """Change editable fields of a committee, member, meeting, item, cover report or attachment; returns the
    previous values."""
    allowed = EDITABLE.get(type(obj), ())
    unknown = [k for k in changes if k not in allowed]
    if unknown:
        raise ValidationError(f"{', '.join(unknown)} cannot be changed on a {plans.entity_name(obj)}.",
                              field=unknown[0])
    changes = dict(changes)
    for field in ("title", "name"):
        if field in changes and type(obj) in (Committee, AgendaItem):
            changes[field] = require_text(str(changes[field] or ""), field, f"The {field}")
    if isinstance(obj, Committee) and "house_style" in changes:
        changes["house_style"] = HouseStyle(changes["house_style"])
    if isinstance(obj, CommitteeMember) and "role" in changes:
        changes["role"] = MemberRole(changes["role"])
    if isinstance(obj, AgendaItem):
        if "kind" in changes:
            changes["kind"] = ItemKind(changes["kind"])
        part = Part(changes.get("part", obj.part))
        paragraph = str(changes.get("exempt_paragraph", obj.exempt_paragraph) or "")
        if part == Part.A and "part" in changes and "exempt_paragraph" not in changes:
            paragraph = ""
            changes["exempt_paragraph"] = ""
        if "part" in changes or "exempt_paragraph" in changes:
            changes["part"] = part
            changes["exempt_paragraph"] = check_exemption(part, paragraph,
                                                           jurisdiction(obj.meeting.committee.partnership))
        if part == Part.A and any(a.profile != "public" for a in obj.attachments):
            raise ValidationError("This item has a delivery-plan update with the Partner profile, so it must stay "
                                  "exempt (Part B).", field="part")
    if isinstance(obj, Meeting):
        date = changes.get("date", obj.date)
        issued = changes.get("issued_on", obj.issued_on)
        if issued is not None and issued > date:
            raise ValidationError("The agenda cannot be issued after the meeting.", field="issued_on")
    if isinstance(obj, Attachment) and "profile" in changes:
        if changes["profile"] not in PROFILES:
            raise ValidationError("An update in a pack is published with the Public or Partner profile.",
                                  field="profile")
        if changes["profile"] != "public" and obj.item.part == Part.A:
            raise ValidationError("A Part A item is published to everyone: its update must use the Public profile.",
                                  field="profile")
    if isinstance(obj, CoverReport):
        for key in ("sections_json", "contacts_json", "implications_json"):
            if key in changes:
                _check_json_list(str(changes[key]), key)
    return plans.apply_changes(session, actor, obj, changes, reason)


def _check_json_list(text: str, field: str) -> None:
    try:
        value = json.loads(text or "[]")
    except json.JSONDecodeError:
        raise ValidationError("The report's sections could not be read.", field=field) from None
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ValidationError("The report's sections could not be read.", field=field)


def delete(session: Session, actor: Actor, obj: Base, reason: str = "") -> None:
    """Delete a member, meeting, item (with its sub-items), cover report or attachment."""
    if isinstance(obj, AgendaItem) and obj.fixed:
        raise ValidationError("Standing items of the house style cannot be deleted; leave them with no papers.",
                              field="fixed")
    before = attachment_facts(obj) if isinstance(obj, Attachment) else describe(obj)
    entity, entity_id = plans.entity_name(obj), getattr(obj, "id", None)
    if isinstance(obj, AgendaItem):
        meeting, parent = obj.meeting, obj.parent
        for child in list(obj.children):
            delete(session, actor, child, reason)
        session.delete(obj)
        session.flush()
        session.expire(meeting, ["items"])
        for position, sibling in enumerate(item_siblings(meeting, parent)):
            sibling.position = position
    else:
        session.delete(obj)
    session.flush()
    audit.record(session, actor, "delete", entity, entity_id, before=before, reason=reason)
