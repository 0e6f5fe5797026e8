"""Meetings and their agenda items: the house style's standing items, numbering as the published packs number
(top-level items 1, 2, 3…; items inside a section 7.1, 7.2…; Part A before Part B), and listing and finding meetings.

Committees are in :mod:`desktop.services.committees`, exempt business in :mod:`desktop.services.schedule_12a`, an
item's papers in :mod:`desktop.services.agenda_papers`, editing and deleting any record in
:mod:`desktop.services.meeting_records`, the calendar in :mod:`desktop.services.meeting_calendar` and the data a pack
is built from in :mod:`desktop.services.pack_contents`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import (
    AgendaItem,
    Committee,
    HouseStyle,
    ItemKind,
    Meeting,
    Part,
    Person,
)
from desktop.services.actor import Actor
from desktop.services.committees import committees
from desktop.services.errors import NotFound, ValidationError
from desktop.services.meeting_calendar import clear_days_warning, short_date
from desktop.services.meeting_records import add_record, item_siblings, move_record, require_text
from desktop.services.schedule_12a import check_exemption, jurisdiction

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


def time_text(value: dt.time | None) -> str:
    """"9.30 am", "1.00 pm", "12.00 noon", as the packs write times."""
    if value is None:
        return ""
    if value.hour == 12 and value.minute == 0:
        return "12.00 noon"
    hour = value.hour % 12 or 12
    return f"{hour}.{value.minute:02d} {'am' if value.hour < 12 else 'pm'}"


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
    add_record(session, actor, meeting)
    if fixed_items:
        for position, (item_title, kind, is_section) in enumerate(FIXED_ITEMS[committee.house_style]):
            item = AgendaItem(meeting=meeting, title=item_title, kind=kind, fixed=True, is_section=is_section,
                              position=position)
            add_record(session, actor, item)
    return meeting


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
    paragraph = check_exemption(part, exempt_paragraph, jurisdiction(meeting.committee.partnership))
    if parent is not None:
        if parent.meeting_id != meeting.id:
            raise ValidationError("That section belongs to another meeting.", field="parent")
        if parent.parent_id is not None:
            raise ValidationError("Items can be nested one level only (7.1, not 7.1.1).", field="parent")
    siblings = item_siblings(meeting, parent)
    if position is None:
        position = len(siblings)
        closing = [s for s in siblings if s.part == Part.A]
        if parent is None and part == Part.A and closing and closing[-1].fixed and not closing[-1].is_section:
            position = siblings.index(closing[-1])  # before "Any other business"
    position = max(0, min(position, len(siblings)))
    item = AgendaItem(
        meeting=meeting, parent=parent, title=require_text(title, "title", "An item's title"), kind=ItemKind(kind),
        part=part, exempt_paragraph=paragraph, report_of=report_of.strip(), presented_by=presented_by.strip(),
        author=author, presenter=presenter, subtopics="\n".join(s.strip() for s in subtopics if s.strip()),
        is_section=is_section, position=position,
    )
    for sibling in siblings[position:]:
        sibling.position += 1
    add_record(session, actor, item)
    return item


def move_item(session: Session, actor: Actor, item: AgendaItem, offset: int) -> None:
    """Move an item up (negative) or down among its siblings."""
    move_record(session, actor, item_siblings(item.meeting, item.parent), item, offset)


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
