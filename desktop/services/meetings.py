"""Committees, meetings and agendas for clerks: audited editing, item numbering, attachment checks, and the plain
data an agenda pack is built from. The calendar (bank holidays, clear days, date wording) is in
:mod:`desktop.services.meeting_calendar`; its names are also here for existing callers.

Numbering follows the published packs: top-level items 1, 2, 3…; items inside a section 7.1, 7.2…; Part A before
Part B. Exempt (Part B) items carry their paragraph of Schedule 12A to the Local Government Act 1972.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import (
    AgendaItem,
    Attachment,
    AttachmentKind,
    Committee,
    CommitteeMember,
    CoverReport,
    HouseStyle,
    ItemKind,
    Meeting,
    MemberRole,
    Organisation,
    Part,
    Partnership,
    Person,
    Plan,
    ReportingPeriod,
    Snapshot,
)
from desktop.models.base import Base
from desktop.models.meetings import ContactLine, ImplicationAnswer, ReportSection
from desktop.services import audit, implications, plans
from desktop.services.actor import Actor
from desktop.services.errors import NotFound, ValidationError
from desktop.services.meeting_calendar import bank_holidays as bank_holidays
from desktop.services.meeting_calendar import clear_days as clear_days
from desktop.services.meeting_calendar import clear_days_message as clear_days_message
from desktop.services.meeting_calendar import clear_days_warning as clear_days_warning
from desktop.services.meeting_calendar import is_working_day as is_working_day
from desktop.services.meeting_calendar import latest_issue_date as latest_issue_date
from desktop.services.meeting_calendar import long_date as long_date
from desktop.services.meeting_calendar import short_date as short_date

# ---- house-style wording (Durham D:9–11; Hartlepool H:35–66)

PUBLIC_NOTICE = (
    "Items during which the Press and Public are welcome to attend. Members of the Public can ask questions with "
    "the Chairman's agreement."
)
PART_B_NOTICE = (
    "Items during which it is considered the meeting will not be open to the public (consideration of exempt or "
    "confidential information)"
)
EXEMPT_NOTICE = (
    "Under Section 100(A)(4) of the Local Government Act 1972, the press and public be excluded from the meeting "
    "for the following items of business on the grounds that they involve the likely disclosure of exempt "
    "information as defined in the paragraphs referred to below of Part 1 of Schedule 12A of the Local Government "
    "Act 1972 as amended by the Local Government (Access to Information) (Variation) Order 2006."
)

FIXED_ITEMS: dict[HouseStyle, tuple[tuple[str, ItemKind, bool], ...]] = {
    # (title, kind, is_section)
    HouseStyle.DURHAM: (
        ("Apologies for Absence", ItemKind.STANDARD, False),
        ("Substitute Members", ItemKind.STANDARD, False),
        ("Minutes of the previous meeting", ItemKind.REPORT, False),
        ("Declarations of Interest, if any", ItemKind.STANDARD, False),
        ("Any items from Co-opted Members or Interested Parties", ItemKind.STANDARD, False),
        ("Such other business as, in the opinion of the Chairman of the meeting, is of sufficient urgency to "
         "warrant consideration", ItemKind.STANDARD, False),
    ),
    HouseStyle.HARTLEPOOL: (
        ("Apologies for Absence", ItemKind.STANDARD, False),
        ("To receive any Declarations of Interest by Members", ItemKind.STANDARD, False),
        ("Minutes", ItemKind.STANDARD, True),
        ("Presentations", ItemKind.STANDARD, True),
        ("Budget and Policy Framework Items", ItemKind.STANDARD, True),
        ("Key Decisions", ItemKind.STANDARD, True),
        ("Other Items for Decision", ItemKind.STANDARD, True),
        ("Items for Discussion / Information", ItemKind.STANDARD, True),
        ("Any Other Business which the Chair considers urgent", ItemKind.STANDARD, False),
    ),
}

# Schedule 12A to the Local Government Act 1972: Part 1 paragraphs 1–7 (England), 12–18C (Wales).
SCHEDULE_12A: dict[str, str] = {
    "1": "Information relating to any individual.",
    "2": "Information which is likely to reveal the identity of an individual.",
    "3": "Information relating to the financial or business affairs of any particular person (including the "
         "authority holding that information).",
    "4": "Information relating to any consultations or negotiations, or contemplated consultations or negotiations, "
         "in connection with any labour relations matter arising between the authority or a Minister of the Crown "
         "and employees of, or office holders under, the authority.",
    "5": "Information in respect of which a claim to legal professional privilege could be maintained in legal "
         "proceedings.",
    "6": "Information which reveals that the authority proposes to give a notice imposing requirements on a person, "
         "or to make an order or direction under any enactment.",
    "7": "Information relating to any action taken or to be taken in connection with the prevention, investigation "
         "or prosecution of crime.",
    "12": "Information relating to a particular individual.",
    "13": "Information which is likely to reveal the identity of an individual.",
    "14": "Information relating to the financial or business affairs of any particular person (including the "
          "authority holding that information).",
    "15": "Information relating to any consultations or negotiations in connection with any labour relations matter.",
    "16": "Information in respect of which a claim to legal professional privilege could be maintained in legal "
          "proceedings.",
    "17": "Information which reveals that the authority proposes to give a notice or to make an order or direction "
          "under any enactment.",
    "18": "Information relating to any action taken or to be taken in connection with the prevention, investigation "
          "or prosecution of crime.",
    "18A": "Information which is subject to any obligation of confidentiality.",
    "18B": "Information which relates in any way to matters concerning national security.",
    "18C": "The deliberations of a standards committee in reaching any finding on a matter referred to it.",
}

# The paragraphs that apply where the committee sits: Part 1 of Schedule 12A in England, Part 4 in Wales.
ENGLAND, WALES = "England", "Wales"
SCHEDULE_12A_PARAGRAPHS: dict[str, tuple[str, ...]] = {
    ENGLAND: ("1", "2", "3", "4", "5", "6", "7"),
    WALES: ("12", "13", "14", "15", "16", "17", "18", "18A", "18B", "18C"),
}
_SCHEDULE_12A_PART = {ENGLAND: "1", WALES: "4"}


def jurisdiction(partnership: Partnership) -> str:
    """England or Wales, read from the access-to-information rule the partnership keeps: papers are published three
    clear days ahead in Wales, five in England (see :func:`clear_days`)."""
    return WALES if (partnership.clear_days or 5) == 3 else ENGLAND


def schedule_12a(where: str) -> dict[str, str]:
    """Paragraph → description, for the committee's own jurisdiction, in order."""
    return {key: SCHEDULE_12A[key] for key in SCHEDULE_12A_PARAGRAPHS[where]}


def _paragraph_jurisdiction(paragraph: str) -> str:
    return next((where for where, keys in SCHEDULE_12A_PARAGRAPHS.items() if paragraph in keys), ENGLAND)


PROFILES = ("public", "partner")  # "restricted" never leaves the app (DESIGN §4)

# What a user may change on each entity.
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


# ---- small helpers


def describe(obj: Base, names: Iterable[str] | None = None) -> dict[str, Any]:
    return plans.describe(obj, names if names is not None else EDITABLE.get(type(obj), ()))


def _require(value: str | None, field: str, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(f"{what} cannot be empty.", field=field)
    return text


def _added(session: Session, actor: Actor, obj: Base, after: Mapping[str, Any] | None = None) -> None:
    session.add(obj)
    session.flush()
    audit.record(session, actor, "create", plans.entity_name(obj), getattr(obj, "id", None),
                 after=after if after is not None else describe(obj))


def time_text(value: dt.time | None) -> str:
    """"9.30 am", "1.00 pm", "12.00 noon", as the packs write times."""
    if value is None:
        return ""
    if value.hour == 12 and value.minute == 0:
        return "12.00 noon"
    hour = value.hour % 12 or 12
    return f"{hour}.{value.minute:02d} {'am' if value.hour < 12 else 'pm'}"


# ---- committees and members


def add_committee(
    session: Session,
    actor: Actor,
    partnership: Partnership,
    name: str,
    *,
    house_style: HouseStyle = HouseStyle.DURHAM,
    clerk: Person | None = None,
    contact: str = "",
    signoff: str = "",
    public_notice: str = PUBLIC_NOTICE,
    chair_title: str = "",
    default_venue: str = "",
    default_time: dt.time | None = None,
    implications_template: str = "",
    is_demo: bool = False,
) -> Committee:
    style = HouseStyle(house_style)
    if implications_template:
        implications.template_for(session, partnership, implications_template)
    committee = Committee(
        partnership=partnership,
        name=_require(name, "name", "A committee's name"),
        house_style=style,
        clerk=clerk,
        contact=contact.strip(),
        signoff=signoff.strip(),
        public_notice=public_notice.strip(),
        chair_title=chair_title.strip() or ("Chair" if style == HouseStyle.HARTLEPOOL else "Chairman"),
        default_venue=default_venue.strip(),
        default_time=default_time,
        implications_template=implications_template,
        is_demo=is_demo,
    )
    _added(session, actor, committee)
    return committee


def add_member(
    session: Session,
    actor: Actor,
    committee: Committee,
    *,
    role: MemberRole = MemberRole.MEMBER,
    name: str | None = None,
    honorific: str = "",
    job_title: str = "",
    organisation: Organisation | None = None,
    person: Person | None = None,
    vacant: bool = False,
    position: int | None = None,
) -> CommitteeMember:
    role = MemberRole(role)
    if person is not None and not (name or "").strip():
        name = person.name
        job_title = job_title or person.job_title
        organisation = organisation or person.organisation
    if not (name or "").strip() and not job_title.strip() and not honorific.strip():
        raise ValidationError("A member needs a name, a title or a role.", field="name")
    if role in (MemberRole.CHAIR, MemberRole.VICE_CHAIR):
        taken = [m for m in committee.members if m.role == role]
        if taken:
            raise ValidationError(f"The committee already has a {_role_word(committee, role).lower()}.", field="role")
    member = CommitteeMember(
        committee=committee, role=role, name=(name or "").strip() or None, honorific=honorific.strip(),
        job_title=job_title.strip(), organisation=organisation, person=person, vacant=vacant,
        position=position if position is not None else len(committee.members),
    )
    _added(session, actor, member)
    return member


def _role_word(committee: Committee, role: MemberRole) -> str:
    chair = committee.chair_title or "Chairman"
    return {MemberRole.CHAIR: chair, MemberRole.VICE_CHAIR: f"Vice-{chair}"}.get(role, role.label)


# ---- meetings and items


def add_meeting(
    session: Session,
    actor: Actor,
    committee: Committee,
    date: dt.date,
    *,
    time: dt.time | None = None,
    venue: str | None = None,
    title: str = "",
    issued_on: dt.date | None = None,
    next_meeting_note: str = "",
    blank_pages: bool = True,
    fixed_items: bool = True,
    is_demo: bool = False,
) -> Meeting:
    """A meeting, with the house style's standing items unless ``fixed_items`` is False."""
    if issued_on is not None and issued_on > date:
        raise ValidationError("The agenda cannot be issued after the meeting.", field="issued_on")
    meeting = Meeting(
        committee=committee, date=date, time=time if time is not None else committee.default_time,
        venue=(venue if venue is not None else committee.default_venue).strip(), title=title.strip(),
        issued_on=issued_on, next_meeting_note=next_meeting_note.strip(), blank_pages=blank_pages, is_demo=is_demo,
    )
    _added(session, actor, meeting)
    if fixed_items:
        for position, (item_title, kind, is_section) in enumerate(FIXED_ITEMS[committee.house_style]):
            item = AgendaItem(meeting=meeting, title=item_title, kind=kind, fixed=True, is_section=is_section,
                              position=position)
            _added(session, actor, item)
    return meeting


def _siblings(meeting: Meeting, parent: AgendaItem | None) -> list[AgendaItem]:
    parent_id = parent.id if parent is not None else None
    return sorted((i for i in meeting.items if i.parent_id == parent_id), key=lambda i: i.position)


def _check_exemption(part: Part, paragraph: str, where: str = ENGLAND) -> str:
    paragraph = paragraph.strip().upper()
    keys = SCHEDULE_12A_PARAGRAPHS[where]
    span = f"{keys[0]} to {keys[-1]} in {where}"
    if part == Part.B:
        if not paragraph:
            raise ValidationError(
                f"An exempt (Part B) item needs the paragraph of Schedule 12A that applies ({span}).",
                field="exempt_paragraph",
            )
        if paragraph not in keys:
            raise ValidationError(f"'{paragraph}' is not a paragraph of Schedule 12A that applies in {where} "
                                  f"({span}).", field="exempt_paragraph")
    elif paragraph:
        raise ValidationError("Only exempt (Part B) items take a Schedule 12A paragraph.", field="exempt_paragraph")
    return paragraph


def add_item(
    session: Session,
    actor: Actor,
    meeting: Meeting,
    title: str,
    *,
    kind: ItemKind = ItemKind.REPORT,
    parent: AgendaItem | None = None,
    part: Part = Part.A,
    exempt_paragraph: str = "",
    report_of: str = "",
    presented_by: str = "",
    author: Person | None = None,
    presenter: Person | None = None,
    subtopics: Sequence[str] = (),
    is_section: bool = False,
    position: int | None = None,
) -> AgendaItem:
    """Add an item; without a position it goes last, before the closing "any other business" item."""
    part = Part(part)
    paragraph = _check_exemption(part, exempt_paragraph, jurisdiction(meeting.committee.partnership))
    if parent is not None:
        if parent.meeting_id != meeting.id:
            raise ValidationError("That section belongs to another meeting.", field="parent")
        if parent.parent_id is not None:
            raise ValidationError("Items can be nested one level only (7.1, not 7.1.1).", field="parent")
    siblings = _siblings(meeting, parent)
    if position is None:
        position = len(siblings)
        closing = [s for s in siblings if s.part == Part.A]
        if parent is None and part == Part.A and closing and closing[-1].fixed and not closing[-1].is_section:
            position = siblings.index(closing[-1])  # before "Any other business"
    position = max(0, min(position, len(siblings)))
    item = AgendaItem(
        meeting=meeting, parent=parent, title=_require(title, "title", "An item's title"), kind=ItemKind(kind),
        part=part, exempt_paragraph=paragraph, report_of=report_of.strip(), presented_by=presented_by.strip(),
        author=author, presenter=presenter, subtopics="\n".join(s.strip() for s in subtopics if s.strip()),
        is_section=is_section, position=position,
    )
    for sibling in siblings[position:]:
        sibling.position += 1
    _added(session, actor, item)
    return item


def move_item(session: Session, actor: Actor, item: AgendaItem, offset: int) -> None:
    """Move an item up (negative) or down among its siblings."""
    _move(session, actor, _siblings(item.meeting, item.parent), item, offset)


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
            changes[field] = _require(str(changes[field] or ""), field, f"The {field}")
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
            changes["exempt_paragraph"] = _check_exemption(part, paragraph,
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
    before = _attachment_facts(obj) if isinstance(obj, Attachment) else describe(obj)
    entity, entity_id = plans.entity_name(obj), getattr(obj, "id", None)
    if isinstance(obj, AgendaItem):
        meeting, parent = obj.meeting, obj.parent
        for child in list(obj.children):
            delete(session, actor, child, reason)
        session.delete(obj)
        session.flush()
        session.expire(meeting, ["items"])
        for position, sibling in enumerate(_siblings(meeting, parent)):
            sibling.position = position
    else:
        session.delete(obj)
    session.flush()
    audit.record(session, actor, "delete", entity, entity_id, before=before, reason=reason)


# ---- cover reports


def set_cover_report(
    session: Session,
    actor: Actor,
    item: AgendaItem,
    *,
    title: str = "",
    report_of: str = "",
    theme_labels: Sequence[str] = (),
    purpose: str = "",
    background: str = "",
    sections: Sequence[ReportSection] = (),
    recommendations: str = "",
    reasons: str = "",
    background_papers: str = "",
    contacts: Sequence[ContactLine] = (),
    implications_template: str | None = None,
    implication_answers: Sequence[ImplicationAnswer] = (),
) -> CoverReport:
    """Write (or rewrite) the item's cover report from the template; the implications use the heading list of the
    committee (or the partnership) unless another is named."""
    committee = item.meeting.committee
    preset = implications.template_for(
        session, committee.partnership, implications_template or committee.implications_template or None
    )
    answers = implications.merge_answers(preset, implication_answers)
    fields: dict[str, Any] = {
        "title": title.strip(),
        "report_of": report_of.strip(),
        "theme_labels": "\n".join(t.strip() for t in theme_labels if t.strip()),
        "purpose": purpose.strip(),
        "background": background.strip(),
        "sections_json": json.dumps([{"heading": s.heading, "body": s.body} for s in sections], ensure_ascii=False),
        "recommendations": recommendations.strip(),
        "reasons": reasons.strip(),
        "background_papers": background_papers.strip(),
        "contacts_json": json.dumps([c.__dict__ for c in contacts], ensure_ascii=False),
        "implications_template": preset.key,
        "implications_json": json.dumps([a.__dict__ for a in answers], ensure_ascii=False),
    }
    if item.cover_report is None:
        report = CoverReport(item=item, **fields)
        _added(session, actor, report, after={"item_id": item.id, **fields})
        return report
    edit(session, actor, item.cover_report, fields)
    return item.cover_report


# ---- attachments


@dataclass(frozen=True)
class PdfFacts:
    pages: int
    sha256: str


def inspect_pdf(filename: str, content: bytes, *, deep: bool = True) -> PdfFacts:
    """Check that ``content`` is a readable, unencrypted PDF; the message names the file when it is not."""
    name = filename.strip() or "The attached file"
    if not content:
        raise ValidationError(f"{name} is empty, so it cannot be attached.", field="content")
    if b"%PDF-" not in content[:1024]:
        raise ValidationError(f"{name} is not a PDF file; save or print it as PDF and attach that.", field="content")
    if b"%%EOF" not in content[-4096:]:
        raise ValidationError(f"{name} is damaged (the file is incomplete); attach a fresh copy.", field="content")
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                f"{name} is encrypted (password-protected); save a copy without the password and attach that.",
                field="content",
            )
        pages = len(reader.pages)
        for page in reader.pages:
            box = page.mediabox
            if float(box.width) <= 0 or float(box.height) <= 0:
                raise ValueError("empty page")
            if deep:
                contents = page.get_contents()
                if contents is not None:
                    contents.get_data()
    except ValidationError:
        raise
    except Exception:  # pypdf raises many types for broken files; the user needs one message
        raise ValidationError(f"{name} is damaged and cannot be read as a PDF; attach a fresh copy.",
                              field="content") from None
    if pages == 0:
        raise ValidationError(f"{name} has no pages.", field="content")
    return PdfFacts(pages, hashlib.sha256(content).hexdigest())


def _attachment_facts(a: Attachment) -> dict[str, Any]:
    return {"item_id": a.item_id, "kind": a.kind.value, "title": a.title, "filename": a.filename, "size": a.size,
            "sha256": a.sha256, "pages": a.page_count, "plan_id": a.plan_id, "period_id": a.period_id,
            "period_label": a.period_label, "profile": a.profile}


def attach_pdf(
    session: Session, actor: Actor, item: AgendaItem, filename: str, content: bytes, *, title: str = ""
) -> Attachment:
    """Keep a PDF from elsewhere inside the store, after its position in the item's documents."""
    facts = inspect_pdf(filename, content)
    attachment = Attachment(
        item=item, kind=AttachmentKind.PDF, title=title.strip(), filename=filename.strip(), content=content,
        size=len(content), sha256=facts.sha256, page_count=facts.pages, position=len(item.attachments),
    )
    session.add(attachment)
    session.flush()
    audit.record(session, actor, "create", "attachment", attachment.id, after=_attachment_facts(attachment))
    return attachment


def attach_delivery_update(
    session: Session,
    actor: Actor,
    item: AgendaItem,
    plan: Plan,
    period: ReportingPeriod | str,
    *,
    profile: str = "public",
    title: str = "",
) -> Attachment:
    """The delivery-plan update for a quarter, built afresh (with ``profile``) each time the pack is built.

    ``period`` is a closed quarter, or the label of one that will be closed before the pack is built ("2015/16 Q3"):
    agendas are often drafted before the quarter's returns are in."""
    if isinstance(period, ReportingPeriod):
        if period.plan_id != plan.id:
            raise ValidationError(f"{period.label} is not a quarter of {plan.title}.", field="period")
        if session.scalars(select(Snapshot.id).where(Snapshot.period_id == period.id)).first() is None:
            raise ValidationError(f"{period.label} has not been closed, so there is no update to attach yet.",
                                  field="period")
        label = period.label
    else:
        label = _require(period, "period", "The quarter")
        if len(label) > 40:
            raise ValidationError("A quarter's label is at most 40 characters.", field="period")
    if profile not in PROFILES:
        raise ValidationError("An update in a pack is published with the Public or Partner profile.", field="profile")
    if profile != "public" and item.part == Part.A:
        raise ValidationError("A Part A item is published to everyone: attach the update with the Public profile, "
                              "or make the item exempt (Part B).", field="profile")
    attachment = Attachment(
        item=item, kind=AttachmentKind.DELIVERY_UPDATE,
        title=title.strip() or f"{plan.title}: delivery plan update, {label}",
        filename=f"delivery-plan-update-{label}.pdf".replace("/", "-").replace(" ", "-").lower(),
        plan=plan, period=period if isinstance(period, ReportingPeriod) else None, period_label=label,
        profile=profile, position=len(item.attachments),
    )
    session.add(attachment)
    session.flush()
    audit.record(session, actor, "create", "attachment", attachment.id, after=_attachment_facts(attachment))
    return attachment


def update_period(session: Session, plan_id: int | None, period_id: int | None, label: str) -> ReportingPeriod:
    """The closed quarter an attached update is built from; the message names it when it is not ready."""
    period = session.get(ReportingPeriod, period_id) if period_id is not None else None
    if period is None and plan_id is not None and label:
        period = session.scalars(
            select(ReportingPeriod).where(ReportingPeriod.plan_id == plan_id, ReportingPeriod.label == label)
        ).first()
    if period is None:
        raise ValidationError(f"The quarter {label or '(unnamed)'} of the attached delivery-plan update does not "
                              "exist.", field="period")
    if session.scalars(select(Snapshot.id).where(Snapshot.period_id == period.id)).first() is None:
        raise ValidationError(f"{period.label} has not been closed yet, so its delivery-plan update cannot go in the "
                              "pack; close the quarter first.", field="period")
    return period


def move_attachment(session: Session, actor: Actor, attachment: Attachment, offset: int) -> None:
    _move(session, actor, list(attachment.item.attachments), attachment, offset)


def _move(session: Session, actor: Actor, ordered: list[Any], obj: Any, offset: int) -> None:
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


# ---- numbering and listing


@dataclass(frozen=True)
class AgendaEntry:
    id: int
    number: str  # "9", "7.1"
    depth: int  # 0 top level, 1 inside a section
    parent_id: int | None
    title: str
    kind: str
    part: str
    exempt_paragraph: str
    report_of: str
    presented_by: str
    subtopics: tuple[str, ...]
    fixed: bool
    is_section: bool
    has_cover_report: bool
    attachments: int


def ordered_items(meeting: Meeting) -> list[tuple[str, AgendaItem]]:
    """Every item with its number, in agenda order: Part A before Part B, sections followed by their items."""
    top = sorted((i for i in meeting.items if i.parent_id is None), key=lambda i: (i.part == Part.B, i.position))
    out: list[tuple[str, AgendaItem]] = []
    for n, item in enumerate(top, start=1):
        out.append((str(n), item))
        children = sorted((c for c in meeting.items if c.parent_id == item.id), key=lambda c: c.position)
        out += [(f"{n}.{k}", child) for k, child in enumerate(children, start=1)]
    return out


def person_phrase(person: Person | None) -> str:
    """"Maureen Gavin, Head of Durham NPS", or "the Head of Durham NPS" for a role."""
    if person is None:
        return ""
    if person.name:
        return f"{person.name}, {person.job_title}" if person.job_title else person.name
    return f"the {person.job_title}" if person.job_title else ""


def report_of_text(item: AgendaItem) -> str:
    return item.report_of or person_phrase(item.author)


def presented_by_text(item: AgendaItem) -> str:
    return item.presented_by or person_phrase(item.presenter)


def agenda(meeting: Meeting) -> list[AgendaEntry]:
    return [
        AgendaEntry(
            id=item.id, number=number, depth=0 if item.parent_id is None else 1, parent_id=item.parent_id,
            title=item.title, kind=item.kind.value, part=item.part.value, exempt_paragraph=item.exempt_paragraph,
            report_of=report_of_text(item), presented_by=presented_by_text(item),
            subtopics=tuple(item.subtopic_lines), fixed=item.fixed, is_section=item.is_section,
            has_cover_report=item.cover_report is not None, attachments=len(item.attachments),
        )
        for number, item in ordered_items(meeting)
    ]


def find_meeting(session: Session, ref: str) -> Meeting:
    """A meeting by id or by its date (2016-02-15 or 15/02/2016)."""
    ref = ref.strip()
    if ref.isdigit():
        found = session.get(Meeting, int(ref))
        if found is not None:
            return found
        raise NotFound(f"No meeting with id {ref}.")
    date: dt.date | None = None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y"):
        try:
            date = dt.datetime.strptime(ref, fmt).date()
            break
        except ValueError:
            continue
    if date is None:
        raise NotFound(f"'{ref}' is neither a meeting id nor a date (use YYYY-MM-DD).")
    matches = list(session.scalars(select(Meeting).where(Meeting.date == date)))
    if not matches:
        raise NotFound(f"No meeting on {short_date(date)}.")
    if len(matches) > 1:
        ids = ", ".join(str(m.id) for m in matches)
        raise NotFound(f"{len(matches)} meetings are on {short_date(date)} (ids {ids}); use the meeting's id.")
    return matches[0]


def committees(session: Session) -> list[Committee]:
    return list(session.scalars(select(Committee).order_by(Committee.name)))


@dataclass(frozen=True)
class MeetingSummary:
    id: int
    date: str  # ISO
    time: str
    venue: str
    title: str
    issued_on: str | None
    clear_days_warning: str | None
    items: list[AgendaEntry]


@dataclass(frozen=True)
class CommitteeSummary:
    id: int
    name: str
    partnership: str
    house_style: str
    clerk: str
    members: list[dict[str, str]]
    meetings: list[MeetingSummary]
    is_demo: bool


def summaries(session: Session) -> list[CommitteeSummary]:
    """Committees, their members and meetings with numbered agendas (for `pathways meetings`)."""
    out = []
    for c in committees(session):
        out.append(CommitteeSummary(
            id=c.id, name=c.name, partnership=c.partnership.name, house_style=c.house_style.value,
            clerk=c.clerk.display_name if c.clerk else "",
            members=[{"role": m.role.value, "name": m.display_name,
                      "organisation": m.organisation.display_name if m.organisation else ""} for m in c.members],
            meetings=[
                MeetingSummary(
                    id=m.id, date=m.date.isoformat(), time=time_text(m.time), venue=m.venue, title=m.title,
                    issued_on=m.issued_on.isoformat() if m.issued_on else None,
                    clear_days_warning=clear_days_warning(m) if m.issued_on else None, items=agenda(m),
                )
                for m in c.meetings
            ],
            is_demo=c.is_demo,
        ))
    return out


# ---- the data a pack is built from (plain and immutable: the document builders never touch the database)


@dataclass(frozen=True)
class PackMember:
    role: str
    text: str  # "Councillor D Boyes", "Acting Chief Fire Officer"
    named: bool
    job_title: str
    organisation: str
    vacant: bool


@dataclass(frozen=True)
class PackAttachment:
    id: int
    kind: str  # "pdf" | "delivery_update"
    title: str
    filename: str
    content: bytes | None  # PDF attachments only
    sha256: str
    page_count: int
    plan_id: int | None
    period_id: int | None
    period_label: str
    profile: str


@dataclass(frozen=True)
class PackCover:
    title: str
    report_of: str
    theme_labels: tuple[str, ...]
    purpose: str
    background: str
    sections: tuple[ReportSection, ...]
    recommendations: str
    reasons: str
    background_papers: str
    contacts: tuple[ContactLine, ...]
    implications_title: str  # "Implications", "Risks and Implications"
    implications: tuple[ImplicationAnswer, ...]


@dataclass(frozen=True)
class PackItem:
    id: int
    number: str
    depth: int
    title: str
    kind: str
    part: str
    exempt_paragraph: str
    report_of: str
    presented_by: str
    subtopics: tuple[str, ...]
    fixed: bool
    is_section: bool
    has_children: bool
    cover: PackCover | None
    attachments: tuple[PackAttachment, ...]

    @property
    def exempt(self) -> bool:
        return self.part == Part.B.value

    @property
    def has_documents(self) -> bool:
        return self.cover is not None or bool(self.attachments)


@dataclass(frozen=True)
class PackData:
    meeting_id: int
    partnership: str
    committee: str
    house_style: str
    date: dt.date
    time: str
    venue: str
    title: str
    issued_on: dt.date | None
    signoff: tuple[str, ...]
    contact: str
    public_notice: str
    chair_title: str
    members: tuple[PackMember, ...]
    items: tuple[PackItem, ...]
    next_meeting_note: str
    blank_pages: bool
    is_demo: bool
    clear_days_required: int


def _contact(committee: Committee) -> str:
    if committee.contact:
        return committee.contact
    clerk = committee.clerk
    if clerk is None:
        return ""
    bits = [clerk.name or clerk.job_title]
    if clerk.phone:
        bits.append(f"Tel: {clerk.phone}")
    if clerk.email:
        bits.append(f"E-mail: {clerk.email}")
    return "  ".join(b for b in bits if b)


def _cover(session: Session, committee: Committee, item: AgendaItem) -> PackCover | None:
    report = item.cover_report
    if report is None:
        return None
    try:
        preset = implications.template_for(session, committee.partnership, report.implications_template or None)
        title = preset.appendix_title
    except NotFound:
        title = "Implications"
    return PackCover(
        title=report.title or item.title, report_of=report.report_of or report_of_text(item),
        theme_labels=tuple(t for t in report.theme_labels.splitlines() if t.strip()), purpose=report.purpose,
        background=report.background, sections=tuple(report.sections), recommendations=report.recommendations,
        reasons=report.reasons, background_papers=report.background_papers, contacts=tuple(report.contacts),
        implications_title=title, implications=tuple(report.implications),
    )


def pack_data(session: Session, meeting: Meeting, *, load_part: str | None = "A") -> PackData:
    """The meeting as plain data. Document bytes are loaded only for items of ``load_part`` ("A", "B" or None for
    none), so building the public pack never reads exempt papers."""
    committee = meeting.committee
    numbered = ordered_items(meeting)
    parents = {i.parent_id for _, i in numbered if i.parent_id is not None}
    items = []
    for number, item in numbered:
        load = load_part is not None and item.part.value == load_part
        attachments = tuple(
            PackAttachment(
                id=a.id, kind=a.kind.value, title=a.title, filename=a.filename,
                content=a.content if load and a.kind == AttachmentKind.PDF else None, sha256=a.sha256,
                page_count=a.page_count, plan_id=a.plan_id, period_id=a.period_id, period_label=a.period_label,
                profile=a.profile,
            )
            for a in item.attachments
        ) if load else ()
        items.append(PackItem(
            id=item.id, number=number, depth=0 if item.parent_id is None else 1, title=item.title,
            kind=item.kind.value, part=item.part.value, exempt_paragraph=item.exempt_paragraph,
            report_of=report_of_text(item), presented_by=presented_by_text(item),
            subtopics=tuple(item.subtopic_lines), fixed=item.fixed, is_section=item.is_section,
            has_children=item.id in parents, cover=_cover(session, committee, item) if load else None,
            attachments=attachments,
        ))
    members = tuple(
        PackMember(role=m.role.value, text=m.display_name, named=bool((m.name or "").strip()), job_title=m.job_title,
                   organisation=m.organisation.name if m.organisation else "", vacant=m.vacant)
        for m in committee.members
    )
    return PackData(
        meeting_id=meeting.id, partnership=committee.partnership.name, committee=committee.name,
        house_style=committee.house_style.value, date=meeting.date, time=time_text(meeting.time),
        venue=meeting.venue, title=meeting.title, issued_on=meeting.issued_on,
        signoff=tuple(line.strip() for line in committee.signoff.splitlines() if line.strip()),
        contact=_contact(committee), public_notice=committee.public_notice or PUBLIC_NOTICE,
        chair_title=committee.chair_title or "Chairman", members=members, items=tuple(items),
        next_meeting_note=meeting.next_meeting_note, blank_pages=meeting.blank_pages,
        is_demo=meeting.is_demo or committee.is_demo, clear_days_required=committee.partnership.clear_days or 5,
    )


def exempt_reason(paragraph: str) -> str:
    """The sentence printed under an exempt item's title, with what the paragraph covers."""
    part = _SCHEDULE_12A_PART[_paragraph_jurisdiction(paragraph)]
    description = SCHEDULE_12A.get(paragraph, "").rstrip(".")
    return (f"Not for publication by virtue of paragraph {paragraph} of Part {part} of Schedule 12A to the Local "
            "Government Act 1972" + (f" ({description[0].lower() + description[1:]})." if description else "."))
