"""The data an agenda pack is built from: the meeting, its members, numbered items, cover reports and attachments as
plain, immutable values (the document builders never touch the database), and the closed quarter each attached
delivery-plan update is built from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import (
    AgendaItem,
    AttachmentKind,
    Committee,
    Meeting,
    Part,
    ReportingPeriod,
    Snapshot,
)
from desktop.models.meetings import ContactLine, ImplicationAnswer, ReportSection
from desktop.services import implications
from desktop.services.committees import PUBLIC_NOTICE
from desktop.services.errors import NotFound, ValidationError
from desktop.services.meetings import ordered_items, presented_by_text, report_of_text, time_text


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
