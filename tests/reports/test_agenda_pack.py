"""The agenda pack: front-sheet page ranges against the real stamped page numbers, Part B kept out of the public
pack, signatures checked by pyHanko and poppler's pdfsig, bad attachments refused by name with nothing written."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pdf_probe import outline_titles
from pypdf import PdfReader, PdfWriter
from report_fixtures import require_tool
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import Attachment, AttachmentKind, HouseStyle, Meeting, Part, Partnership, Plan
from desktop.models.meetings import ContactLine, ReportSection
from desktop.reports.agenda_pack import (
    AgendaPack,
    PackOptions,
    build_agenda_pack,
    export_agenda_pack,
    sign_pack,
)
from desktop.reports.cover_docx import build_cover_docx
from desktop.reports.signing import verify_pdf
from desktop.resources import resource_path
from desktop.services import agenda_papers, committees, meetings, pack_contents, plans, signing_setup
from desktop.services.actor import Actor
from desktop.services.errors import DisclosureBlocked, ValidationError
from desktop.services.meeting_demo import demo_meeting
from desktop.store import Store

STAMP = re.compile(r"(?<!\()Page (\d+)(?! of)")
RANGE = re.compile(r"\(Pages? (\d+)(?: – (\d+))?\)")
SECRET = "Exempt-paper-text-7Q"


def paper(pages: int, marker: str, *, landscape: bool = False, rotate: int = 0, tagged: bool = True) -> bytes:
    """A PDF from elsewhere: every page says which document and page it is. Tagged, like a paper saved from
    Word with document structure tags; ``tagged=False`` is an old scan-era PDF with no structure."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as wide
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph

    from desktop.reports.styles import SANS, register_fonts
    from desktop.reports.tagging import tagged as tagging_canvas

    register_fonts()
    buffer = io.BytesIO()
    canvas = (tagging_canvas() if tagged else Canvas)(buffer, pagesize=wide(A4) if landscape else A4)
    style = getSampleStyleSheet()["Normal"].clone("paper", fontName=SANS)
    for n in range(pages):
        text = Paragraph(f"{marker} sheet {n + 1}", style)
        text.wrapOn(canvas, 400, 100)
        text.drawOn(canvas, 72, 500)
        if rotate:
            canvas.setPageRotation(rotate)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def stamped_numbers(pdf: bytes) -> list[int | None]:
    """The "Page N" the pack stamped on each page: the last such text on the page (the stamp is drawn last)."""
    out: list[int | None] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        found = STAMP.findall(page.extract_text() or "")
        out.append(int(found[-1]) if found else None)
    return out


def page_texts(pdf: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def printed_ranges(pack: AgendaPack, titles: dict[str, str]) -> dict[str, tuple[int, int]]:
    """What the front sheet says, read back from the PDF text: title → (first, last)."""
    front = " ".join(page_texts(pack.pdf)[: pack.front_pages])
    out = {}
    for key, title in titles.items():
        # Durham prints "Title: (Pages 17 – 56)"; Hartlepool "7.1 Title – Report author (Pages 17 – 56)".
        match = re.search(re.escape(title) + r"(?: – [^()]*?)?:?\s*" + RANGE.pattern, front)
        if match:
            out[key] = (int(match.group(1)), int(match.group(2) or match.group(1)))
    return out


@pytest.fixture
def session(store: Store) -> Iterator[Session]:
    with store.session() as s:
        yield s


@pytest.fixture
def actor() -> Actor:
    return Actor(None, "Test clerk")


def _meeting(session: Session, actor: Actor, style: HouseStyle = HouseStyle.DURHAM, extra_items: int = 0) -> Meeting:
    partnership = plans.add_partnership(session, actor, "Safe Durham Partnership", "SDP")
    clerk = plans.add_person(session, actor, name="Jo Bloggs", job_title="Democratic Services Officer")
    committee = committees.add_committee(
        session, actor, partnership, "Safer and Stronger Communities Overview and Scrutiny Committee",
        house_style=style, clerk=clerk, signoff="Head of Legal and Democratic Services\nCounty Hall, Durham",
        contact="Jo Bloggs Tel: 03000 268 140",
        implications_template="hartlepool" if style == HouseStyle.HARTLEPOOL else "",
    )
    for n in range(3):
        committees.add_member(session, actor, committee, honorific="Councillor", name=f"A Member{n}")
    meeting = meetings.add_meeting(session, actor, committee, dt.date(2016, 2, 15), time=dt.time(9, 30),
                                   venue="Committee Room 2, County Hall, Durham", issued_on=dt.date(2016, 2, 5))
    parent = next((i for i in meeting.items if i.title == "Other Items for Decision"), None)

    def item(title: str, **kw: object) -> object:
        return meetings.add_item(session, actor, meeting, title, parent=parent, **kw)  # type: ignore[arg-type]

    minutes = next(i for i in meeting.items if i.title.startswith("Minutes"))
    if style == HouseStyle.HARTLEPOOL:
        minutes = meetings.add_item(session, actor, meeting, "To confirm the minutes of the meeting held on 9 May",
                                    parent=minutes)
    agenda_papers.attach_pdf(session, actor, minutes, "minutes.pdf", paper(3, "MINUTES"), title="Minutes")
    strategy = item("Reducing Re-offending Strategy 2015/18", report_of="the Head of Offender Services")
    agenda_papers.set_cover_report(
        session, actor, strategy, purpose="To provide members with the strategy (COVER-STRATEGY).",
        background="Section 108 of the Policing and Crime Act 2009.\nA second paragraph.",
        sections=[ReportSection("Current Position", "- a bullet\n- another")],
        recommendations="Note the report.", contacts=[ContactLine("Community Safety Manager", tel="03000 265 435")],
    )
    agenda_papers.attach_pdf(session, actor, strategy, "strategy.pdf", paper(5, "STRATEGY"),
                             title="Appendix 2: Strategy")
    agenda_papers.attach_pdf(session, actor, strategy, "plan.pdf", paper(2, "PLANWIDE", landscape=True),
                             title="Appendix 3: Plan")
    item("Overview and Scrutiny Review Updates", kind="verbal", presented_by="the Overview and Scrutiny Officer",
         subtopics=["Alcohol", "20mph Limits"])
    panel = item("Police and Crime Panel", report_of="the Assistant Chief Executive")
    agenda_papers.attach_pdf(session, actor, panel, "panel.pdf", paper(1, "PANEL", rotate=90), title="Panel report")
    for n in range(extra_items):
        extra = item(f"Further business item {n + 1} with a title long enough to wrap onto a second line of the sheet",
                     report_of="the Assistant Chief Executive", presented_by="the Head of Durham NPS")
        agenda_papers.attach_pdf(session, actor, extra, f"extra{n}.pdf", paper(1 + n % 3, f"EXTRA{n}"))
    exempt = meetings.add_item(session, actor, meeting, "Domestic Homicide Review action plan", part=Part.B,
                               exempt_paragraph="1", report_of="the Exempt Report Author",
                               presented_by="the Exempt Presenter", subtopics=["Exempt subtopic"])
    agenda_papers.set_cover_report(session, actor, exempt, purpose=f"Closed session ({SECRET}-cover).",
                                   background="Victim family liaison details.")
    agenda_papers.attach_pdf(session, actor, exempt, "dhr.pdf", paper(1, f"{SECRET}-paper"),
                             title="Appendix 2: Actions")
    return meeting


def _titles(meeting: Meeting) -> dict[str, str]:
    return {str(i.id): i.title for i in meeting.items}


def _check_ranges(pack: AgendaPack, meeting: Meeting, blank_pages: bool) -> None:
    stamps = stamped_numbers(pack.pdf)
    texts = page_texts(pack.pdf)
    printed = printed_ranges(pack, _titles(meeting))
    with_papers = {str(i.item_id) for i in pack.items}
    assert with_papers and set(printed) == with_papers, (printed, with_papers)
    # The pages between one item's bookmark and the next carry exactly the numbers printed on the front sheet.
    reader = PdfReader(io.BytesIO(pack.pdf))
    starts = [reader.get_destination_page_number(o) for o in reader.outline if not isinstance(o, list)]
    starts = sorted(starts[1:]) + [len(reader.pages)]  # the first bookmark is the front sheet
    for item_pages, (first_index, next_index) in zip(pack.items, zip(starts, starts[1:], strict=False), strict=True):
        numbers = stamps[first_index:next_index]
        assert all(n is not None for n in numbers)
        assert (numbers[0], numbers[-1]) == printed[str(item_pages.item_id)] == (item_pages.first, item_pages.last)
        assert numbers == list(range(numbers[0], numbers[-1] + 1))
    # Each paper's pages sit inside its item's printed range.
    for key, filename in (("MINUTES", "minutes.pdf"), ("STRATEGY", "strategy.pdf"), ("PANEL", "panel.pdf")):
        item_id = next(str(i.id) for i in meeting.items if any(a.filename == filename for a in i.attachments))
        first, last = printed[item_id]
        pages = [stamps[i] for i, t in enumerate(texts) if f"{key} sheet" in t]
        assert pages and all(first <= (p or 0) <= last for p in pages)
    numbered = [n for n in stamps if n is not None]
    assert numbered == list(range(numbered[0], numbered[0] + len(numbered)))  # one unbroken pagination
    blanks = [i for i, t in enumerate(texts) if "This page is intentionally left blank" in t]
    if blank_pages:
        assert blanks  # 3-, 5- and 1-page papers need one
        assert len(reader.pages) % 2 == 0
        for t in ("MINUTES sheet 1", "STRATEGY sheet 1", "PANEL sheet 1", "COVER-STRATEGY"):
            index = next(i for i, text in enumerate(texts) if t in text)
            assert index % 2 == 0, f"{t} starts on a left-hand page"  # physical pages 1, 3, 5… are right-hand
    else:
        assert not blanks


@pytest.mark.parametrize("blank_pages", [True, False])
@pytest.mark.parametrize("number_front_sheet", [True, False])
def test_front_sheet_page_ranges_match_the_stamped_pages(
    session: Session, actor: Actor, blank_pages: bool, number_front_sheet: bool
) -> None:
    meeting = _meeting(session, actor)
    pack = build_agenda_pack(session, meeting, PackOptions(blank_pages=blank_pages,
                                                           number_front_sheet=number_front_sheet))
    _check_ranges(pack, meeting, blank_pages)
    stamps = stamped_numbers(pack.pdf)
    if number_front_sheet:
        assert stamps[0] == 1
    else:
        assert stamps[: pack.front_pages] == [None] * pack.front_pages and stamps[pack.front_pages] == 1
    labels = PdfReader(io.BytesIO(pack.pdf)).page_labels
    assert [labels[i] for i, n in enumerate(stamps) if n is not None] == [str(n) for n in stamps if n is not None]


def test_a_front_sheet_that_grows_is_rebuilt_until_the_ranges_hold(session: Session, actor: Actor) -> None:
    meeting = _meeting(session, actor, extra_items=24)
    pack = build_agenda_pack(session, meeting)
    assert pack.front_pages >= 3 and pack.iterations >= 2
    _check_ranges(pack, meeting, True)


def test_hartlepool_style_pack(session: Session, actor: Actor) -> None:
    meeting = _meeting(session, actor, HouseStyle.HARTLEPOOL)
    pack = build_agenda_pack(session, meeting)
    _check_ranges(pack, meeting, True)
    front = " ".join(page_texts(pack.pdf)[: pack.front_pages])
    assert "SAFER AND STRONGER COMMUNITIES OVERVIEW AND SCRUTINY COMMITTEE AGENDA" in front
    assert "4. PRESENTATIONS No items" in front and "7.1 Reducing Re-offending Strategy 2015/18 – Head of" in front
    texts = page_texts(pack.pdf)
    assert any("7.1 APPENDIX 1" in t and "STRATEGY sheet" in t for t in texts)
    cover = next(t for t in texts if "COVER-STRATEGY" in t)
    assert "Report of:" in cover and "Subject:" in cover and "1. PURPOSE OF REPORT" in cover
    # Hartlepool prints its considerations as numbered sections of the report, not as an appendix.
    report = " ".join(t for t in texts if "Report of:" in t or "CONTACT OFFICER" in t)
    assert re.search(r"\d+\. SECTION 17 OF THE CRIME AND DISORDER ACT 1998 CONSIDERATIONS \d+\.1 None", report)
    assert "Appendix 1" not in report and "CONTACT OFFICER" in report


def test_public_pack_shows_part_b_titles_only(session: Session, actor: Actor) -> None:
    meeting = _meeting(session, actor)
    public = build_agenda_pack(session, meeting)
    text = " ".join(page_texts(public.pdf))
    assert "Domestic Homicide Review action plan" in text
    assert "paragraph 1 of Part 1 of Schedule 12A" in text
    for leak in (SECRET, "Exempt Report Author", "Exempt Presenter", "Exempt subtopic", "Victim family"):
        assert leak not in text
    reader = PdfReader(io.BytesIO(public.pdf))
    metadata = " ".join(str(v) for v in (reader.metadata or {}).values())
    titles = " ".join(t for _, t in outline_titles(public.pdf))
    assert SECRET not in metadata and "Domestic Homicide" not in titles
    assert SECRET.encode() not in public.pdf  # not even in an unreferenced object
    assert str(next(i.id for i in meeting.items if i.part == Part.B)) not in {str(i.item_id) for i in public.items}

    restricted = build_agenda_pack(session, meeting, PackOptions(part="B"))
    texts = page_texts(restricted.pdf)
    assert all("RESTRICTED – NOT FOR PUBLICATION" in t for t in texts)
    joined = " ".join(texts)
    assert f"{SECRET}-cover" in joined and f"{SECRET}-paper" in joined and "Exempt Presenter" in joined
    assert "STRATEGY sheet" not in joined and "Reducing Re-offending Strategy" not in joined
    printed = printed_ranges(restricted, _titles(meeting))
    assert list(printed.values()) == [(restricted.items[0].first, restricted.items[0].last)]


def test_public_pack_never_reads_exempt_papers(session: Session, actor: Actor) -> None:
    meeting = _meeting(session, actor)
    exempt = next(i for i in meeting.items if i.part == Part.B)
    exempt.attachments[0].content = b"damaged beyond repair"  # would fail the build if it were read
    build_agenda_pack(session, meeting)
    with pytest.raises(ValidationError, match="dhr.pdf"):
        build_agenda_pack(session, meeting, PackOptions(part="B"))


@pytest.fixture
def signing_session(session: Session, actor: Actor) -> tuple[Session, Meeting, bytes]:
    meeting = _meeting(session, actor)
    assert meeting.committee.clerk is not None
    signing_setup.issue_signer(session, meeting.committee.clerk, partnership=meeting.committee.partnership)
    root = signing_setup.root_pem(session, meeting.committee.partnership)
    return session, meeting, root


@pytest.mark.parametrize("part", ["A", "B"])
def test_signed_pack_verifies_with_pyhanko_and_pdfsig(
    signing_session: tuple[Session, Meeting, bytes], tmp_path: Path, actor: Actor, part: str
) -> None:
    session, meeting, root = signing_session
    out = tmp_path / f"pack-{part}.pdf"
    pack = export_agenda_pack(session, meeting, out, PackOptions(part=part), actor=actor)
    assert pack.signed and out.read_bytes() == pack.pdf
    report = verify_pdf(out.read_bytes(), [root])
    assert report.ok, report.lines()
    assert report.signer_name == "Jo Bloggs" and "INTACT:TRUSTED,UNTOUCHED" in report.summary
    pdfsig = require_tool("pdfsig")
    result = subprocess.run([pdfsig, str(out)], capture_output=True, text=True, check=False).stdout
    assert "Signature Validation: Signature is Valid." in result, result
    assert "Total document signed" in result, result
    # The signature came last: the stamped numbering is still there, unchanged, under it.
    _check_ranges(pack, meeting, True) if part == "A" else None
    tampered = bytearray(out.read_bytes())
    position = tampered.index(b"/Title")
    tampered[position + 10] ^= 0x01
    assert not verify_pdf(bytes(tampered), [root]).ok


def test_signing_a_pack_keeps_its_pages(signing_session: tuple[Session, Meeting, bytes]) -> None:
    session, meeting, root = signing_session
    assert meeting.committee.clerk is not None
    material = signing_setup.signer_material_for(session, meeting.committee.clerk)
    unsigned = build_agenda_pack(session, meeting)
    signed = sign_pack(unsigned, material, signer_role="Democratic Services Officer", signer_org="Durham",
                       location="County Hall, Durham")
    assert stamped_numbers(signed.pdf) == stamped_numbers(unsigned.pdf)
    assert verify_pdf(signed.pdf, [root]).ok


@pytest.mark.parametrize(
    ("kind", "message"),
    [("not-pdf", "is not a PDF file"), ("encrypted", "is encrypted"), ("damaged", "is damaged")],
)
def test_a_bad_stored_attachment_stops_the_pack_by_name_and_nothing_is_written(
    session: Session, actor: Actor, tmp_path: Path, kind: str, message: str
) -> None:
    meeting = _meeting(session, actor)
    item = next(i for i in meeting.items if i.title == "Police and Crime Panel")
    good = paper(4, "BAD")
    if kind == "encrypted":
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(good)))
        writer.encrypt("pw")
        buffer = io.BytesIO()
        writer.write(buffer)
        content = buffer.getvalue()
    elif kind == "damaged":
        content = good[: len(good) * 2 // 3]
    else:
        content = b"PK\x03\x04 a Word document, not a PDF"
    # Stored as an older version or another tool might have left it: the pack checks again when it is built.
    session.add(Attachment(item=item, kind=AttachmentKind.PDF, title="Appendix 9", filename="Panel minutes.pdf",
                           content=content, size=len(content), position=5))
    session.flush()
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(ValidationError) as err:
        export_agenda_pack(session, meeting, folder / "pack.pdf", sign=False)
    assert "Panel minutes.pdf" in str(err.value) and message in str(err.value)
    assert list(folder.iterdir()) == []  # no pack, no temporary file


def test_the_export_gate_checks_the_pack(session: Session, actor: Actor, tmp_path: Path) -> None:
    from desktop.models import ProfileAppendix, ProfileSubject

    meeting = _meeting(session, actor)
    plan = plans.add_plan(session, actor, meeting.committee.partnership, "Delivery plan")
    appendix = ProfileAppendix(plan=plan, title="Appendix 3 – Offender profiles")
    appendix.subjects.append(ProfileSubject(name="Zebedee Quartermaine"))
    session.add(appendix)
    item = next(i for i in meeting.items if i.title == "Police and Crime Panel")
    agenda_papers.attach_pdf(session, actor, item, "case.pdf", paper(1, "About Zebedee Quartermaine"))
    out = tmp_path / "pack.pdf"
    with pytest.raises(DisclosureBlocked):
        export_agenda_pack(session, meeting, out, sign=False)
    assert not out.exists()


def test_clear_days_warning_on_a_late_pack(session: Session, actor: Actor) -> None:
    meeting = _meeting(session, actor)
    pack = build_agenda_pack(session, meeting, PackOptions(issued_on=dt.date(2016, 2, 9)))
    assert pack.warnings and "3 clear days" in pack.warnings[0] and "minimum is 5" in pack.warnings[0]
    assert "by 5 February 2016" in pack.warnings[0]
    assert not build_agenda_pack(session, meeting).warnings
    meeting.committee.partnership.clear_days = 3
    session.flush()
    assert not build_agenda_pack(session, meeting, PackOptions(issued_on=dt.date(2016, 2, 9))).warnings  # Wales
    front = " ".join(page_texts(pack.pdf)[: pack.front_pages])
    assert "9 February 2016" in front  # the date of issue printed in the sign-off


def test_cover_report_docx(session: Session, actor: Actor) -> None:
    import docx

    meeting = _meeting(session, actor)
    data = pack_contents.pack_data(session, meeting)
    item = next(i for i in data.items if i.cover is not None)
    document = docx.Document(io.BytesIO(build_cover_docx(data, item)))
    text = [p.text for p in document.paragraphs]
    assert "Purpose of the Report" in text and "Appendix 1: Implications" in text
    assert any(t.startswith("1\tTo provide members") for t in text)
    assert any(t.startswith("2\tSection 108") for t in text) and any(t.startswith("4\tNote") for t in text)
    assert document.sections[0].page_width is not None and round(document.sections[0].page_width.cm) == 21
    assert "Contact:" in [c.text for row in document.tables[0].rows for c in row.cells]


def test_demo_pack_with_the_delivery_plan_update(demo_store: Store, tmp_path: Path) -> None:
    with demo_store.session() as session:
        plans_by_title = {p.title: p for p in session.scalars(select(Plan))}
        meeting = demo_meeting(session, plans_by_title, resource_path("demo"))
        assert meeting is not None
        out = tmp_path / "demo-pack.pdf"
        pack = export_agenda_pack(session, meeting, out, actor=Actor(None, "test"))
        partnership = session.scalars(select(Partnership).where(Partnership.name == "Safe Durham Partnership")).one()
        root = signing_setup.root_pem(session, partnership)
    assert verify_pdf(out.read_bytes(), [root]).ok
    update = next(i for i in pack.items if i.number == "9")
    texts = page_texts(pack.pdf)
    stamps = stamped_numbers(pack.pdf)
    update_pages = [stamps[i] for i, t in enumerate(texts) if "Delivery plan update — 2015/16 Q3" in t]
    assert update_pages and all(update.first <= (p or 0) <= update.last for p in update_pages)
    # Nothing of the exempt item's cover report or paper reaches the public pack.
    public = " ".join(" ".join(texts).split())
    assert "in closed session, on the action plan arising from a domestic homicide review" not in public
    assert "Routine enquiry about domestic abuse" not in public
