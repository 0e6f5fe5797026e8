"""What the Meetings screen asks of the store, in one place: the committee tree, a meeting's agenda, one item, and
every change (through ``desktop.services.meetings``), each in one unit of work. The screen holds no sessions and
sees only plain snapshots; the actor is read at each change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from desktop.errors import PathwaysError
from desktop.models import AgendaItem, ItemKind, Meeting
from desktop.models.meetings import ImplicationAnswer
from desktop.services import (
    agenda_papers,
    committees,
    implications,
    meeting_calendar,
    meeting_records,
    meetings,
    schedule_12a,
)
from desktop.services.meetings import AgendaEntry
from desktop.ui.context import ActorSource, SessionSource, current_actor


@dataclass(frozen=True)
class MeetingNode:
    id: int
    label: str


@dataclass(frozen=True)
class CommitteeNode:
    id: int
    label: str
    meetings: tuple[MeetingNode, ...]


@dataclass(frozen=True)
class MeetingPage:
    heading: str
    warning: str | None
    blank_pages: bool
    entries: list[AgendaEntry]


@dataclass(frozen=True)
class ItemSnapshot:
    """One agenda item's editable fields, read out of its session."""

    id: int
    title: str
    kind: str
    part: str
    exempt_paragraph: str
    report_of: str
    presented_by: str
    subtopics: str
    fixed: bool
    has_cover: bool
    paragraphs: dict[str, str]  # the Schedule 12A paragraphs of the committee's jurisdiction, with what each covers


@dataclass(frozen=True)
class CoverDraft:
    title: str
    values: dict[str, Any]
    answers: list[ImplicationAnswer]


def meeting_label(meeting: Meeting) -> str:
    bits = [meeting.title, meeting_calendar.long_date(meeting.date), meetings.time_text(meeting.time), meeting.venue]
    return ", ".join(b for b in bits if b)


class MeetingsController:
    def __init__(self, store: SessionSource, actor: ActorSource) -> None:
        self.store = store
        self.actor_source = actor

    def _item(self, session: Session, item_id: int) -> AgendaItem | None:
        return session.get(AgendaItem, item_id)

    # ---- reading

    def committees(self) -> list[CommitteeNode]:
        with self.store.session() as session:
            return [CommitteeNode(c.id, c.name + ("  [demo]" if c.is_demo else ""),
                                  tuple(MeetingNode(m.id, meeting_label(m)) for m in c.meetings))
                    for c in committees.committees(session)]

    def meeting(self, meeting_id: int) -> MeetingPage | None:
        with self.store.session() as session:
            meeting = session.get(Meeting, meeting_id)
            if meeting is None:
                return None
            heading = f"{meeting.committee.name}\n{meeting_label(meeting)}" + (
                f"\nIssued {meeting_calendar.short_date(meeting.issued_on)}" if meeting.issued_on else "")
            warning = meeting_calendar.clear_days_warning(meeting) if meeting.issued_on else None
            return MeetingPage(heading, warning, meeting.blank_pages, meetings.agenda(meeting))

    def item(self, item_id: int | None) -> ItemSnapshot | None:
        if item_id is None:
            return None
        with self.store.session() as session:
            item = self._item(session, item_id)
            if item is None:
                return None
            return ItemSnapshot(item.id, item.title, item.kind, item.part, item.exempt_paragraph, item.report_of,
                                item.presented_by, item.subtopics, bool(item.fixed), item.cover_report is not None,
                                schedule_12a.paragraphs(schedule_12a.jurisdiction(item.meeting.committee.partnership)))

    def cover_draft(self, item_id: int) -> CoverDraft | None:
        """What the cover-report dialog starts from: the saved report, or the partnership's template."""
        with self.store.session() as session:
            item = self._item(session, item_id)
            if item is None:
                return None
            report = item.cover_report
            committee = item.meeting.committee
            preset = implications.template_for(session, committee.partnership,
                                               committee.implications_template or None)
            answers = implications.merge_answers(preset, report.implications if report else [])
            values: dict[str, Any] = {"report_of": meetings.report_of_text(item)}
            if report is not None:
                values = {
                    "report_of": report.report_of or meetings.report_of_text(item),
                    "theme_labels": report.theme_labels, "purpose": report.purpose, "background": report.background,
                    "sections": report.sections, "recommendations": report.recommendations,
                    "reasons": report.reasons, "background_papers": report.background_papers,
                    "contacts": report.contacts,
                }
            return CoverDraft(item.title, values, answers)

    # ---- changing (each one unit of work, audited under the person at the keyboard now)

    def _change_item(self, item_id: int, fn: Callable[[Session, AgendaItem], object]) -> None:
        with self.store.session() as session:
            item = self._item(session, item_id)
            if item is not None:
                fn(session, item)

    def save_item(self, item_id: int, fields: dict[str, object]) -> None:
        actor = current_actor(self.actor_source)
        self._change_item(item_id, lambda session, item: meeting_records.edit(session, actor, item, fields))

    def add_item(self, meeting_id: int) -> int:
        actor = current_actor(self.actor_source)
        with self.store.session() as session:
            meeting = session.get(Meeting, meeting_id)
            if meeting is None:
                raise PathwaysError("The meeting no longer exists.")
            return meetings.add_item(session, actor, meeting, "New item", kind=ItemKind.REPORT).id

    def move_item(self, item_id: int, offset: int) -> None:
        actor = current_actor(self.actor_source)
        self._change_item(item_id, lambda session, item: meetings.move_item(session, actor, item, offset))

    def delete_item(self, item_id: int) -> None:
        actor = current_actor(self.actor_source)
        self._change_item(item_id, lambda session, item: meeting_records.delete(session, actor, item))

    def attach_pdf(self, item_id: int, path: Path, content: bytes) -> None:
        actor = current_actor(self.actor_source)
        self._change_item(item_id, lambda session, item: agenda_papers.attach_pdf(
            session, actor, item, path.name, content, title=path.stem))

    def save_cover(self, item_id: int, **report: Any) -> None:
        actor = current_actor(self.actor_source)
        self._change_item(item_id, lambda session, item: agenda_papers.set_cover_report(session, actor, item, **report))

    def export_docx(self, item_id: int, path: Path) -> None:
        from desktop.reports.cover_docx import export_cover_docx

        self._change_item(item_id, lambda session, item: export_cover_docx(session, item, path))

    def build_pack(self, meeting_id: int, path: Path, *, part: str, sign: bool, blank_pages: bool,
                   progress: Callable[[float, str], None]) -> Any:
        """Build, sign and write the agenda pack (on the worker: it takes a while)."""
        from desktop.reports.agenda_pack import PackOptions, export_agenda_pack

        actor = current_actor(self.actor_source)
        with self.store.session() as session:
            meeting = session.get(Meeting, meeting_id)
            if meeting is None:
                raise PathwaysError("The meeting no longer exists.")
            return export_agenda_pack(session, meeting, path, PackOptions(part=part, blank_pages=blank_pages),
                                      sign=sign, actor=actor, progress=progress)

