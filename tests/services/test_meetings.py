"""Committees, meetings and agendas: numbering, exempt items, clear days, attachment checks, the audit trail."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfWriter
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.models import (
    AgendaItem,
    Attachment,
    AuditEvent,
    HouseStyle,
    ItemKind,
    Meeting,
    MemberRole,
    Part,
    Partnership,
    Plan,
)
from desktop.models.meetings import ImplicationAnswer
from desktop.resources import resource_path
from desktop.services import (
    agenda_papers,
    audit,
    committees,
    implications,
    meeting_calendar,
    meeting_records,
    meetings,
    pack_contents,
    periods,
    plans,
    schedule_12a,
)
from desktop.services.actor import Actor
from desktop.services.errors import NotFound, ValidationError
from desktop.services.meeting_demo import demo_meeting, load_demo_meeting
from desktop.store import Store


def pdf_bytes(pages: int = 1, text: str = "Attached paper") -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    for n in range(pages):
        canvas.drawString(72, 720, f"{text} page {n + 1}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(2))))
    writer.encrypt("secret-password")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def session(store: Store) -> Iterator[Session]:
    with store.session() as s:
        yield s


@pytest.fixture
def partnership(session: Session, actor: Actor) -> Partnership:
    return plans.add_partnership(session, actor, "Safe Durham Partnership", "SDP")


def _durham_meeting(session: Session, actor: Actor, partnership: Partnership, **kwargs: object) -> Meeting:
    committee = committees.add_committee(session, actor, partnership, "Safer and Stronger Communities OSC")
    return meetings.add_meeting(
        session,
        actor,
        committee,
        dt.date(2016, 2, 15),
        time=dt.time(9, 30),
        venue="Committee Room 2, County Hall, Durham",
        **kwargs,
    )  # type: ignore[arg-type]


def numbers(meeting: Meeting) -> list[tuple[str, str]]:
    return [(n, i.title) for n, i in meetings.ordered_items(meeting)]


# ---- numbering


def test_new_items_go_before_any_other_business_and_part_b_comes_last(
    session: Session, actor: Actor, partnership: Partnership
) -> None:
    meeting = _durham_meeting(session, actor, partnership)
    exempt = meetings.add_item(session, actor, meeting, "Domestic Homicide Review", part=Part.B, exempt_paragraph="1")
    meetings.add_item(
        session, actor, meeting, "Reducing Re-offending Strategy", report_of="the Head of Offender Services"
    )
    meetings.add_item(session, actor, meeting, "Police and Crime Panel")
    listed = numbers(meeting)
    assert [n for n, _ in listed] == [str(i) for i in range(1, 10)]
    titles = [t for _, t in listed]
    assert titles[:5] == [
        "Apologies for Absence",
        "Substitute Members",
        "Minutes of the previous meeting",
        "Declarations of Interest, if any",
        "Any items from Co-opted Members or Interested Parties",
    ]
    assert titles[5:7] == ["Reducing Re-offending Strategy", "Police and Crime Panel"]
    assert titles[7].startswith("Such other business")
    assert titles[8] == exempt.title  # Part B after Part A, whatever its position


def test_hartlepool_sections_number_their_items_decimally(
    session: Session, actor: Actor, partnership: Partnership
) -> None:
    committee = committees.add_committee(
        session, actor, partnership, "Safer Hartlepool Partnership", house_style=HouseStyle.HARTLEPOOL
    )
    assert committee.chair_title == "Chair"
    meeting = meetings.add_meeting(session, actor, committee, dt.date(2014, 7, 18), time=dt.time(13, 0))
    decision = next(i for i in meeting.items if i.title == "Other Items for Decision")
    first = meetings.add_item(
        session,
        actor,
        meeting,
        "Reducing Re-Offending Strategy 2014-17",
        parent=decision,
        report_of="the Director of Regeneration and Neighbourhoods",
    )
    meetings.add_item(session, actor, meeting, "Teesside Sexual Violence Strategy", parent=decision)
    meetings.add_item(session, actor, meeting, "Scrutiny Investigation into Re-Offending", parent=decision, position=0)
    listed = dict(numbers(meeting))
    assert listed["7"] == "Other Items for Decision"
    assert listed["7.1"] == "Scrutiny Investigation into Re-Offending"
    assert listed["7.2"] == first.title
    assert listed["9"] == "Any Other Business which the Chair considers urgent"
    with pytest.raises(ValidationError, match="one level"):
        meetings.add_item(session, actor, meeting, "Too deep", parent=first)
    assert meetings.time_text(meeting.time) == "1.00 pm"


def test_move_and_delete_keep_positions_contiguous(session: Session, actor: Actor, partnership: Partnership) -> None:
    meeting = _durham_meeting(session, actor, partnership, fixed_items=False)
    a, b, c = (meetings.add_item(session, actor, meeting, t) for t in ("A", "B", "C"))
    meetings.move_item(session, actor, c, -2)
    assert [t for _, t in numbers(meeting)] == ["C", "A", "B"]
    meeting_records.delete(session, actor, a)
    assert [t for _, t in numbers(meeting)] == ["C", "B"]
    assert sorted(i.position for i in meeting.items) == [0, 1]
    del b


def test_standing_items_cannot_be_deleted(session: Session, actor: Actor, partnership: Partnership) -> None:
    meeting = _durham_meeting(session, actor, partnership)
    with pytest.raises(ValidationError, match="Standing items"):
        meeting_records.delete(session, actor, meeting.items[0])


# ---- exempt items


def test_part_b_needs_a_schedule_12a_paragraph(session: Session, actor: Actor, partnership: Partnership) -> None:
    meeting = _durham_meeting(session, actor, partnership)
    with pytest.raises(ValidationError, match="Schedule 12A") as err:
        meetings.add_item(session, actor, meeting, "Exempt", part=Part.B)
    assert err.value.field == "exempt_paragraph"
    with pytest.raises(ValidationError, match="not a paragraph"):
        meetings.add_item(session, actor, meeting, "Exempt", part=Part.B, exempt_paragraph="9")
    with pytest.raises(ValidationError, match="Only exempt"):
        meetings.add_item(session, actor, meeting, "Public", exempt_paragraph="3")
    # An English committee takes paragraphs 1-7 only; a Welsh one (three clear days) 12-18C (issue #14)
    with pytest.raises(ValidationError, match="1 to 7 in England"):
        meetings.add_item(session, actor, meeting, "Exempt", part=Part.B, exempt_paragraph="18a")
    item = meetings.add_item(session, actor, meeting, "Exempt", part=Part.B, exempt_paragraph="7")
    assert "paragraph 7 of Part 1 of Schedule 12A" in schedule_12a.exempt_reason(item.exempt_paragraph)
    assert "prevention, investigation or prosecution of crime" in schedule_12a.exempt_reason(item.exempt_paragraph)
    partnership.clear_days = 3
    assert schedule_12a.jurisdiction(partnership) == schedule_12a.WALES
    assert list(schedule_12a.paragraphs(schedule_12a.WALES))[:7] == ["12", "13", "14", "15", "16", "17", "18"]
    with pytest.raises(ValidationError, match="12 to 18C in Wales"):
        meeting_records.edit(session, actor, item, {"exempt_paragraph": "7"})
    welsh = meetings.add_item(session, actor, meeting, "Exempt", part=Part.B, exempt_paragraph="18a")
    assert welsh.exempt_paragraph == "18A"
    assert "paragraph 18A of Part 4 of Schedule 12A" in schedule_12a.exempt_reason(welsh.exempt_paragraph)
    meeting_records.edit(session, actor, item, {"part": Part.A})
    assert item.part == Part.A and item.exempt_paragraph == ""
    with pytest.raises(ValidationError):
        meeting_records.edit(session, actor, item, {"part": Part.B})


# ---- clear days


@pytest.mark.parametrize(
    ("issued", "meeting", "expected"),
    [
        (dt.date(2016, 2, 5), dt.date(2016, 2, 15), 5),  # the Durham pack: Friday to Monday week
        (dt.date(2016, 2, 8), dt.date(2016, 2, 15), 4),
        (dt.date(2015, 12, 18), dt.date(2015, 12, 30), 5),  # Christmas Day and Boxing Day (Monday 28th) excluded
        (dt.date(2016, 3, 23), dt.date(2016, 3, 31), 3),  # Good Friday 25 March and Easter Monday 28 March
        (dt.date(2016, 2, 15), dt.date(2016, 2, 15), 0),
    ],
)
def test_clear_days_exclude_issue_day_meeting_day_weekends_and_bank_holidays(
    issued: dt.date, meeting: dt.date, expected: int
) -> None:
    assert meeting_calendar.clear_days(issued, meeting) == expected


def test_bank_holidays_with_substitutes_and_one_offs() -> None:
    assert dt.date(2016, 12, 27) in meeting_calendar.bank_holidays(2016)  # Christmas on a Sunday
    holidays_2020 = meeting_calendar.bank_holidays(2020)
    assert dt.date(2020, 5, 8) in holidays_2020 and dt.date(2020, 5, 4) not in holidays_2020
    assert dt.date(2022, 9, 19) in meeting_calendar.bank_holidays(2022)
    assert len(meeting_calendar.bank_holidays(2019)) == 8


def test_clear_days_warning_follows_the_partnership(session: Session, actor: Actor, partnership: Partnership) -> None:
    meeting = _durham_meeting(session, actor, partnership, issued_on=dt.date(2016, 2, 5))
    assert meeting_calendar.clear_days_warning(meeting) is None
    warning = meeting_calendar.clear_days_warning(meeting, dt.date(2016, 2, 9))
    assert warning is not None and "3 clear days" in warning and "minimum is 5" in warning
    assert "5 February 2016" in warning  # the last day it could have gone out
    partnership.clear_days = 3  # Wales
    assert meeting_calendar.clear_days_warning(meeting, dt.date(2016, 2, 9)) is None
    with pytest.raises(ValidationError, match="after the meeting"):
        meeting_records.edit(session, actor, meeting, {"issued_on": dt.date(2016, 2, 16)})


# ---- attachments


def _attachment_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Attachment)) or 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Minutes of the meeting, typed in a word processor", "is not a PDF file"),
        (b"", "is empty"),
        ("encrypted", "is encrypted"),
        ("truncated", "is damaged"),
        ("garbled", "is damaged"),
    ],
)
def test_a_bad_attachment_is_refused_by_name_and_nothing_is_stored(
    session: Session, actor: Actor, partnership: Partnership, content: bytes | str, message: str
) -> None:
    meeting = _durham_meeting(session, actor, partnership)
    item = meetings.add_item(session, actor, meeting, "Strategy")
    good = pdf_bytes(3)
    data = (
        {
            "encrypted": encrypted_pdf(),
            "truncated": good[: len(good) // 2],
            "garbled": good[:400] + b"\x00" * (len(good) - 800) + good[-400:],
        }.get(content, content)
        if isinstance(content, str)
        else content
    )
    events = audit.event_count(session)
    with pytest.raises(ValidationError) as err:
        agenda_papers.attach_pdf(session, actor, item, "Strategy 2015-18.pdf", data)  # type: ignore[arg-type]
    assert str(err.value).startswith("Strategy 2015-18.pdf ") and message in str(err.value)
    assert _attachment_count(session) == 0 and audit.event_count(session) == events


def test_a_good_attachment_is_kept_with_its_facts(session: Session, actor: Actor, partnership: Partnership) -> None:
    meeting = _durham_meeting(session, actor, partnership)
    item = meetings.add_item(session, actor, meeting, "Strategy")
    content = pdf_bytes(5)
    attachment = agenda_papers.attach_pdf(session, actor, item, "strategy.pdf", content, title="Appendix 2: Strategy")
    assert attachment.page_count == 5 and attachment.size == len(content) and len(attachment.sha256) == 64
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.sequence.desc())).first()
    assert event is not None and event.entity == "attachment" and "sha256" in event.after
    assert "content" not in event.after  # the audit trail never holds the document itself
    assert audit.verify_chain(session).ok


def test_delivery_update_needs_a_closed_quarter_and_public_profile_in_part_a(
    session: Session, actor: Actor, partnership: Partnership
) -> None:
    plan = plans.add_plan(session, actor, partnership, "Reducing Re-offending Delivery Plan")
    objective = plans.add_objective(session, actor, plan, "SO 1", "Prevent repeat offending")
    priority = plans.add_priority(session, actor, objective, "1.1", "Accommodation")
    plans.add_action(session, actor, priority, "1.1.1", "Housing Liaison post")
    period = periods.add_period(session, actor, plan, "2015/16 Q3", dt.date(2015, 10, 1), dt.date(2015, 12, 31))
    meeting = _durham_meeting(session, actor, partnership)
    item = meetings.add_item(session, actor, meeting, "Delivery plan update")
    with pytest.raises(ValidationError, match="has not been closed"):
        agenda_papers.attach_delivery_update(session, actor, item, plan, period)
    periods.close_period(session, actor, period)
    with pytest.raises(ValidationError, match="Public profile"):
        agenda_papers.attach_delivery_update(session, actor, item, plan, period, profile="partner")
    with pytest.raises(ValidationError, match="Public or Partner"):
        agenda_papers.attach_delivery_update(session, actor, item, plan, period, profile="restricted")
    attachment = agenda_papers.attach_delivery_update(session, actor, item, plan, period)
    assert attachment.kind.value == "delivery_update" and attachment.profile == "public"
    exempt = meetings.add_item(session, actor, meeting, "Case review", part=Part.B, exempt_paragraph="1")
    partner = agenda_papers.attach_delivery_update(session, actor, exempt, plan, period, profile="partner")
    with pytest.raises(ValidationError, match="must stay exempt"):
        meeting_records.edit(session, actor, exempt, {"part": Part.A})
    with pytest.raises(ValidationError, match="Public profile"):
        meeting_records.edit(session, actor, attachment, {"profile": "partner"})
    assert partner.profile == "partner"


# ---- cover reports and implications


def test_cover_report_uses_the_partnership_heading_list(
    session: Session, actor: Actor, partnership: Partnership
) -> None:
    meeting = _durham_meeting(session, actor, partnership)
    item = meetings.add_item(session, actor, meeting, "Strategy")
    report = agenda_papers.set_cover_report(
        session,
        actor,
        item,
        purpose="To provide members with the strategy.",
        implication_answers=[ImplicationAnswer("Crime and Disorder", "Linked to reducing reoffending.")],
    )
    headings = [a.heading for a in report.implications]
    assert headings == list(implications.DURHAM_COUNCIL.headings)
    assert report.implications[5].text == "Linked to reducing reoffending." and report.implications[0].text == "None"
    partnership.implications_template = "commissioner"
    report = agenda_papers.set_cover_report(session, actor, item, purpose="Again.")
    assert report.implications_template == "commissioner"
    assert [a.heading for a in report.implications][-1] == "Other risks"


def test_a_partnership_defines_its_own_heading_list(session: Session, actor: Actor, partnership: Partnership) -> None:
    own = implications.define_template(
        session, actor, partnership, "teesside", "Teesside CSPs", ["Finance", "Section 17", "Data protection"]
    )
    assert own.headings == ["Finance", "Section 17", "Data protection"]
    assert [p.key for p in implications.available(session, partnership)] == [
        "durham_council",
        "commissioner",
        "hartlepool",
        "teesside",
    ]
    assert implications.template_for(session, partnership, "teesside").custom
    with pytest.raises(ValidationError, match="preset"):
        implications.define_template(session, actor, partnership, "hartlepool", "Mine", ["Finance"])
    with pytest.raises(ValidationError, match="twice"):
        implications.define_template(session, actor, partnership, "x", "Mine", ["Finance", "finance"])
    with pytest.raises(NotFound):
        implications.template_for(session, partnership, "nowhere")


# ---- committees, finding meetings, the demo


def test_members_and_a_single_chair(session: Session, actor: Actor, partnership: Partnership) -> None:
    committee = committees.add_committee(session, actor, partnership, "OSC")
    chair = committees.add_member(
        session, actor, committee, role=MemberRole.CHAIR, honorific="Councillor", name="D Boyes"
    )
    assert chair.display_name == "Councillor D Boyes"
    with pytest.raises(ValidationError, match="already has a chairman"):
        committees.add_member(session, actor, committee, role=MemberRole.CHAIR, honorific="Councillor", name="X")
    vacant = committees.add_member(session, actor, committee, job_title="Chair of Bench", vacant=True)
    assert vacant.display_name == "Chair of Bench (vacant)"


def test_find_meeting_by_id_or_date(session: Session, actor: Actor, partnership: Partnership) -> None:
    meeting = _durham_meeting(session, actor, partnership)
    assert meetings.find_meeting(session, str(meeting.id)) is meeting
    assert meetings.find_meeting(session, "2016-02-15") is meeting
    assert meetings.find_meeting(session, "15/02/2016") is meeting
    with pytest.raises(NotFound, match="No meeting on 16 February 2016"):
        meetings.find_meeting(session, "2016-02-16")
    meetings.add_meeting(session, actor, meeting.committee, meeting.date)
    with pytest.raises(NotFound, match="2 meetings"):
        meetings.find_meeting(session, "2016-02-15")


def test_every_change_is_audited(session: Session, actor: Actor, partnership: Partnership) -> None:
    before = audit.event_count(session)
    meeting = _durham_meeting(session, actor, partnership)
    item = meetings.add_item(session, actor, meeting, "Strategy")
    meeting_records.edit(session, actor, item, {"title": "Strategy 2015/18", "kind": ItemKind.DECISION}, reason="typo")
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.sequence.desc())).first()
    assert event is not None and event.verb == "update" and event.reason == "typo"
    assert '"kind": "report"' in event.before and '"kind": "decision"' in event.after
    assert audit.event_count(session) - before == 2 + 6 + 1 + 1  # committee, meeting, 6 standing items, item, edit
    with pytest.raises(ValidationError, match="cannot be changed"):
        meeting_records.edit(session, actor, item, {"meeting_id": 3})
    assert audit.verify_chain(session).ok


def test_demo_meeting_loads_once_and_follows_the_durham_pack(demo_store: Store) -> None:
    with demo_store.session() as session:
        plans_by_title = {p.title: p for p in session.scalars(select(Plan))}
        meeting = demo_meeting(session, plans_by_title, resource_path("demo"))
        assert meeting is not None
        again = demo_meeting(session, plans_by_title, resource_path("demo"))
        assert again is not None and again.id == meeting.id
        listed = dict(numbers(meeting))
        assert listed["3"] == "Minutes of the Meeting held 5 January 2016"
        assert listed["12"] == "Overview and Scrutiny Review Updates"
        assert listed["14"].startswith("Such other business")
        exempt = [i for _, i in meetings.ordered_items(meeting) if i.part == Part.B]
        assert len(exempt) == 1 and exempt[0].exempt_paragraph == "1"
        update = next(a for i in meeting.items for a in i.attachments if a.kind.value == "delivery_update")
        assert update.period_label == "2015/16 Q3" and update.profile == "public"
        assert pack_contents.update_period(session, update.plan_id, update.period_id, update.period_label).is_closed
        assert meeting_calendar.clear_days_warning(meeting) is None  # issued 5 February for 15 February
        assert meeting.committee.is_demo and len(meeting.committee.members) == 25
        assert all(m.name is None for m in meeting.committee.members)  # roles only, as the rest of the demo
        summary = meetings.summaries(session)
        assert summary[0].meetings[0].items[8].number == "9"
        assert session.scalar(select(func.count()).select_from(AgendaItem)) == 15


def test_demo_meeting_as_a_demo_loader(tmp_path: Path, passphrase: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The feature loaders run before the demo's quarters exist: the update is attached by its quarter's label."""
    from desktop.services import demo

    monkeypatch.setattr(demo, "EXTRA_LOADERS", [*demo.EXTRA_LOADERS, load_demo_meeting])
    with Store.create(tmp_path / "demo.pathways", passphrase) as store, store.session() as session:
        demo.build_demo(session)
        meeting = meetings.find_meeting(session, "2016-02-15")
        update = next(a for i in meeting.items for a in i.attachments if a.kind.value == "delivery_update")
        assert update.period_id is None and update.period_label == "2015/16 Q3"
        assert pack_contents.update_period(session, update.plan_id, None, "2015/16 Q3").label == "2015/16 Q3"
        with pytest.raises(ValidationError, match="2015/16 Q4 has not been closed yet"):
            pack_contents.update_period(session, update.plan_id, None, "2015/16 Q4")
        with pytest.raises(ValidationError, match="2016/17 Q1 of the attached"):
            pack_contents.update_period(session, update.plan_id, None, "2016/17 Q1")
