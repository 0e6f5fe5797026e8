"""Committees, their meetings, agenda items, cover reports and the documents attached to items.

The shape follows the two published packs the app is built against: Durham's flat numbered list with page ranges,
and Hartlepool's fixed numbered sections holding decimal items (7.1, 7.2). Exempt (Part B) items carry the
paragraph of Schedule 12A to the Local Government Act 1972 that justifies excluding the public.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.models.base import Base, utcnow
from desktop.models.enums import StrEnum

if TYPE_CHECKING:
    from desktop.models.people import Organisation, Partnership, Person
    from desktop.models.periods import ReportingPeriod
    from desktop.models.plan import Plan


class HouseStyle(StrEnum):
    """How the front sheet and cover reports are laid out."""

    DURHAM = "durham"  # flat numbered items with page ranges; "Appendix 1: Implications"
    HARTLEPOOL = "hartlepool"  # fixed sections 1-9 holding 7.1, 7.2…; "Report of:/Subject:"


class MemberRole(StrEnum):
    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    MEMBER = "member"
    CO_OPTED = "co_opted"
    CO_OPTED_OFFICER = "co_opted_officer"


class ItemKind(StrEnum):
    STANDARD = "standard"  # procedural items: apologies, declarations, any other business
    REPORT = "report"
    VERBAL = "verbal"
    DECISION = "decision"
    INFORMATION = "information"


class Part(StrEnum):
    A = "A"  # press and public welcome
    B = "B"  # exempt information: press and public excluded


class AttachmentKind(StrEnum):
    PDF = "pdf"  # a PDF from elsewhere, kept inside the encrypted store
    DELIVERY_UPDATE = "delivery_update"  # the delivery-plan update Pathways builds from a closed quarter


def _enum(cls: type) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


def _json_list(text: str) -> list[dict[str, Any]]:
    if not text:
        return []
    value = json.loads(text)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


class Committee(Base):
    __tablename__ = "committee"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    house_style: Mapped[HouseStyle] = mapped_column(_enum(HouseStyle), default=HouseStyle.DURHAM)
    clerk_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), default=None)
    # "Contact: Martin Tindle Tel: 03000 268 140" is printed as written; the clerk's details fill it when blank.
    contact: Mapped[str] = mapped_column(String(300), default="")
    # Who issues the agenda, one line each: "Head of Legal and Democratic Services", "County Hall, Durham".
    signoff: Mapped[str] = mapped_column(Text, default="")
    public_notice: Mapped[str] = mapped_column(Text, default="")
    chair_title: Mapped[str] = mapped_column(String(40), default="Chairman")
    default_venue: Mapped[str] = mapped_column(String(300), default="")
    default_time: Mapped[dt.time | None] = mapped_column(Time, default=None)
    # Empty: the partnership's implications heading list.
    implications_template: Mapped[str] = mapped_column(String(40), default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    partnership: Mapped[Partnership] = relationship()
    clerk: Mapped[Person | None] = relationship()
    members: Mapped[list[CommitteeMember]] = relationship(
        back_populates="committee", order_by="CommitteeMember.position", cascade="all, delete-orphan"
    )
    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="committee", order_by="Meeting.date", cascade="all, delete-orphan"
    )


class CommitteeMember(Base):
    """A seat on a committee. Named, or a role only ("Chair of Bench (vacant)")."""

    __tablename__ = "committee_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"), index=True)
    role: Mapped[MemberRole] = mapped_column(_enum(MemberRole), default=MemberRole.MEMBER)
    honorific: Mapped[str] = mapped_column(String(60), default="")  # "Councillor", "Mr", "Chief Superintendent"
    name: Mapped[str | None] = mapped_column(String(200), default=None)
    job_title: Mapped[str] = mapped_column(String(200), default="")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), default=None)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), default=None)
    vacant: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)

    committee: Mapped[Committee] = relationship(back_populates="members")
    organisation: Mapped[Organisation | None] = relationship()
    person: Mapped[Person | None] = relationship()

    @property
    def display_name(self) -> str:
        """"Councillor D Boyes", or the role when no name is held ("Chair of Bench (vacant)")."""
        name = (self.name or "").strip()
        if name:
            return f"{self.honorific} {name}".strip()
        role = self.job_title or self.honorific or "Member"
        return f"{role} (vacant)" if self.vacant else role


class Meeting(Base):
    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    time: Mapped[dt.time | None] = mapped_column(Time, default=None)
    venue: Mapped[str] = mapped_column(String(300), default="")
    title: Mapped[str] = mapped_column(String(300), default="")  # "Special meeting"; usually empty
    issued_on: Mapped[dt.date | None] = mapped_column(Date, default=None)  # the date printed on the front sheet
    next_meeting_note: Mapped[str] = mapped_column(Text, default="")  # Hartlepool's "FOR INFORMATION"
    blank_pages: Mapped[bool] = mapped_column(Boolean, default=True)  # double-sided printing
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    committee: Mapped[Committee] = relationship(back_populates="meetings")
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )


class AgendaItem(Base):
    """One numbered item. A top-level item with children is a section (Hartlepool's "7. OTHER ITEMS FOR DECISION")."""

    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"), default=None)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[ItemKind] = mapped_column(_enum(ItemKind), default=ItemKind.REPORT)
    part: Mapped[Part] = mapped_column(_enum(Part), default=Part.A)
    exempt_paragraph: Mapped[str] = mapped_column(String(10), default="")  # Schedule 12A paragraph, Part B only
    report_of: Mapped[str] = mapped_column(String(300), default="")  # "the Assistant Chief Executive"
    presented_by: Mapped[str] = mapped_column(String(300), default="")  # "Maureen Gavin, Head of Durham NPS"
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), default=None)
    presenter_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), default=None)
    subtopics: Mapped[str] = mapped_column(Text, default="")  # one a line, printed (i), (ii)…
    fixed: Mapped[bool] = mapped_column(Boolean, default=False)  # a standing item of the house style
    is_section: Mapped[bool] = mapped_column(Boolean, default=False)  # holds items; "No items" when empty
    notes: Mapped[str] = mapped_column(Text, default="")  # the clerk's own notes; never printed

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    parent: Mapped[AgendaItem | None] = relationship(remote_side="AgendaItem.id", back_populates="children")
    children: Mapped[list[AgendaItem]] = relationship(
        back_populates="parent", order_by="AgendaItem.position", cascade="all"
    )
    author: Mapped[Person | None] = relationship(foreign_keys=[author_id])
    presenter: Mapped[Person | None] = relationship(foreign_keys=[presenter_id])
    cover_report: Mapped[CoverReport | None] = relationship(
        back_populates="item", cascade="all, delete-orphan", uselist=False
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="item", order_by="Attachment.position", cascade="all, delete-orphan"
    )

    @property
    def subtopic_lines(self) -> list[str]:
        return [line.strip() for line in self.subtopics.splitlines() if line.strip()]


@dataclass(frozen=True)
class ReportSection:
    heading: str
    body: str


@dataclass(frozen=True)
class ContactLine:
    name: str
    title: str = ""
    tel: str = ""
    email: str = ""


@dataclass(frozen=True)
class ImplicationAnswer:
    heading: str
    text: str


class CoverReport(Base):
    """The covering report of an item, written from the template; free sections and lists are JSON text."""

    __tablename__ = "cover_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(String(300), default="")  # empty: the item's title
    report_of: Mapped[str] = mapped_column(String(300), default="")  # empty: the item's report_of
    theme_labels: Mapped[str] = mapped_column(String(300), default="")  # "Altogether safer", one a line
    purpose: Mapped[str] = mapped_column(Text, default="")
    background: Mapped[str] = mapped_column(Text, default="")
    sections_json: Mapped[str] = mapped_column(Text, default="[]")  # [{"heading", "body"}] between the two
    recommendations: Mapped[str] = mapped_column(Text, default="")
    reasons: Mapped[str] = mapped_column(Text, default="")
    background_papers: Mapped[str] = mapped_column(Text, default="")
    contacts_json: Mapped[str] = mapped_column(Text, default="[]")  # [{"name", "title", "tel", "email"}]
    implications_template: Mapped[str] = mapped_column(String(40), default="")  # the heading list used
    implications_json: Mapped[str] = mapped_column(Text, default="[]")  # [{"heading", "text"}] in order
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    item: Mapped[AgendaItem] = relationship(back_populates="cover_report")

    @property
    def sections(self) -> list[ReportSection]:
        return [
            ReportSection(str(s.get("heading", "")), str(s.get("body", ""))) for s in _json_list(self.sections_json)
        ]

    @property
    def contacts(self) -> list[ContactLine]:
        return [
            ContactLine(str(c.get("name", "")), str(c.get("title", "")), str(c.get("tel", "")), str(c.get("email", "")))
            for c in _json_list(self.contacts_json)
        ]

    @property
    def implications(self) -> list[ImplicationAnswer]:
        return [ImplicationAnswer(str(i.get("heading", "")), str(i.get("text", ""))) for i in
                _json_list(self.implications_json)]


class Attachment(Base):
    """A document printed after an item's cover report: an imported PDF (its bytes kept here) or a Pathways update."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[AttachmentKind] = mapped_column(_enum(AttachmentKind), default=AttachmentKind.PDF)
    title: Mapped[str] = mapped_column(String(300), default="")  # "Appendix 2: Reducing Re-offending Strategy"
    filename: Mapped[str] = mapped_column(String(260), default="")
    # Deferred: listing an agenda never loads the documents themselves.
    content: Mapped[bytes | None] = mapped_column(LargeBinary, default=None, deferred=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    page_count: Mapped[int] = mapped_column(Integer, default=0)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"), default=None)
    period_id: Mapped[int | None] = mapped_column(ForeignKey("reporting_period.id"), default=None)
    # A quarter named before it exists or closes ("2015/16 Q3"): resolved when the pack is built.
    period_label: Mapped[str] = mapped_column(String(40), default="")
    profile: Mapped[str] = mapped_column(String(20), default="public")  # disclosure profile of an update
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    item: Mapped[AgendaItem] = relationship(back_populates="attachments")
    plan: Mapped[Plan | None] = relationship()
    period: Mapped[ReportingPeriod | None] = relationship()


class ImplicationsTemplate(Base):
    """A partnership's own implications heading list, beside the presets (desktop.services.implications)."""

    __tablename__ = "implications_template"
    __table_args__ = (UniqueConstraint("partnership_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    appendix_title: Mapped[str] = mapped_column(String(100), default="Implications")
    headings_json: Mapped[str] = mapped_column(Text, default="[]")

    partnership: Mapped[Partnership] = relationship()

    @property
    def headings(self) -> list[str]:
        value = json.loads(self.headings_json or "[]")
        return [str(h) for h in value] if isinstance(value, list) else []
