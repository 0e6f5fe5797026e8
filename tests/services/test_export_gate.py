"""The export gate: every hiding place in a PDF, XLSX, CSV or DOCX is checked, and a hit writes nothing."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.workbook.defined_name import DefinedName
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from desktop.models import (
    Action,
    ActionUpdate,
    Base,
    Objective,
    Partnership,
    Plan,
    Priority,
    ProfileAppendix,
    ProfileSubject,
    ReportingPeriod,
)
from desktop.services.disclosure.identifiers import IdentifierKind, IdentifierSet
from desktop.services.errors import DisclosureBlocked
from desktop.services.export_gate import ExportBlocked, check_output, identifiers_for, write_checked

NAME = "Demo Subject 07"
PNC = "00/0000007Z"
IDS = IdentifierSet(
    names=frozenset({NAME}),
    pnc_ids=frozenset({PNC}),
    dates_of_birth=frozenset({dt.date(1987, 3, 4)}),
    postcodes=frozenset({"ZZ99 3AB"}),
)


def pdf(
    text: str = "Delivery plan update 2015/16 Q3",
    *,
    title: str = "Delivery plan update",
    author: str = "Community Safety Team",
    subject: str = "",
    keywords: str = "",
    bookmark: str = "",
    annotation: str = "",
    field_name: str = "",
    field_value: str = "",
) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle(title)
    c.setAuthor(author)
    c.setSubject(subject)
    c.setKeywords(keywords)
    c.drawString(72, 760, "Safer Hartlepool Partnership")
    for n, line in enumerate(text.splitlines()):
        c.drawString(72, 740 - 14 * n, line)
    if bookmark:
        c.bookmarkPage("p1")
        c.addOutlineEntry(bookmark, "p1", level=0)
    if annotation:
        c.textAnnotation(annotation, Rect=(72, 600, 200, 650))
    if field_name:
        c.acroForm.textfield(name=field_name, value=field_value, x=72, y=500)
    c.showPage()
    c.drawString(72, 760, "Page 2")
    c.showPage()
    c.save()
    return buf.getvalue()


def with_xmp(data: bytes, xml: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(data))
    stream = DecodedStreamObject()
    stream.set_data(xml.encode())
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    writer.root_object[NameObject("/Metadata")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_attachment(data: bytes, name: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(data))
    writer.add_attachment(name, b"notes")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def xmp(creator: str) -> str:
    return (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>'
        f"{creator}</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    )


def blocked(data: bytes, kind: str = "pdf") -> list[str]:
    return [f.describe() for f in check_output(data, kind, IDS)]  # type: ignore[arg-type]


# --- PDF ---------------------------------------------------------------------------------------------------------


def test_clean_pdf_passes_and_is_written_atomically(tmp_path: Path) -> None:
    data = pdf()
    target = tmp_path / "update.pdf"
    write_checked(target, data, "pdf", IDS)
    assert target.read_bytes() == data
    assert [p.name for p in tmp_path.iterdir()] == ["update.pdf"]


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (lambda: pdf(f"Action 2.2 commentary: met {NAME}"), "on page 1"),
        (lambda: pdf(title=f"Profile of {NAME}"), "in the document information (Title)"),
        (lambda: pdf(author=NAME), "in the document information (Author)"),
        (lambda: pdf(subject=f"PNC {PNC}"), "in the document information (Subject)"),
        (lambda: pdf(keywords="ZZ99 3AB"), "in the document information (Keywords)"),
        (lambda: with_xmp(pdf(), xmp(NAME)), "in the XMP metadata"),
        (lambda: pdf(bookmark=f"Case of {NAME}"), "in bookmark 1"),
        (lambda: pdf(annotation=f"Check PNC {PNC}"), "in annotation 1 on page 1 (Contents)"),
        (lambda: pdf(field_name="dob", field_value="04/03/1987"), "in form field 1 (V)"),
        (lambda: with_attachment(pdf(), f"{NAME}.txt"), "attachment 1"),
    ],
    ids=["text", "title", "author", "subject", "keywords", "xmp", "bookmark", "annotation", "form", "attachment"],
)
def test_identifier_anywhere_in_a_pdf_is_caught(tmp_path: Path, data: object, where: str) -> None:
    content = data()  # type: ignore[operator]
    target = tmp_path / "update.pdf"
    with pytest.raises(ExportBlocked) as caught:
        write_checked(target, content, "pdf", IDS)
    message = str(caught.value)
    assert message.startswith("Export stopped: ")
    assert message.endswith("Nothing was written.")
    assert where in message
    for secret in (NAME, PNC, "ZZ99 3AB", "04/03/1987"):
        assert secret not in message
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_form_field_values_are_checked_even_without_a_widget(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=io.BytesIO(pdf(field_name="notes", field_value="clean")))
    writer.update_page_form_field_values(writer.pages[0], {"notes": f"PNC {PNC}"}, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    assert any("PNC ID" in d for d in blocked(out.getvalue()))


def test_blocked_export_leaves_an_existing_file_untouched(tmp_path: Path) -> None:
    target = tmp_path / "update.pdf"
    target.write_bytes(b"previous")
    with pytest.raises(DisclosureBlocked):
        write_checked(target, pdf(NAME), "pdf", IDS)
    assert target.read_bytes() == b"previous"


def test_an_unreadable_output_is_never_written(tmp_path: Path) -> None:
    target = tmp_path / "update.pdf"
    with pytest.raises(ExportBlocked) as caught:
        write_checked(target, b"%PDF-1.7 not really", "pdf", IDS)
    assert caught.value.findings[0].kind is IdentifierKind.UNREADABLE
    assert not target.exists()


def test_findings_are_listed_with_a_count_of_the_rest() -> None:
    data = pdf(f"{NAME}\nPNC 12/345678A\nNI AB123456C\nDOB 01/02/1990", title=NAME)
    with pytest.raises(ExportBlocked) as caught:
        write_checked(Path("/nonexistent/never.pdf"), data, "pdf", IDS)
    message = str(caught.value)
    assert "; and 1 more. Nothing was written." in message
    assert len(caught.value.findings) == 4  # the name in the title is the same value: reported once


# --- the action commentary case ----------------------------------------------------------------------------------


@pytest.fixture()
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        yield s


def plan_with_commentary(session: Session, commentary: str) -> Plan:
    plan = Plan(partnership=Partnership(name="Safer Hartlepool Partnership"), title="Reducing Re-offending")
    action = Action(code="2.2", text="Improve access to accommodation")
    plan.objectives.append(Objective(code="SO 2", priorities=[Priority(code="2.1", actions=[action])]))
    period = ReportingPeriod(
        plan=plan, label="2015/16 Q3", start_date=dt.date(2015, 10, 1), end_date=dt.date(2015, 12, 31)
    )
    action.updates.append(ActionUpdate(period=period, rag="amber", commentary=commentary))
    appendix = ProfileAppendix(plan=plan, title="Appendix 3 - Offender profiles")
    appendix.subjects.append(
        ProfileSubject(name=NAME, pnc_id=PNC, date_of_birth=dt.date(1987, 3, 4), postcode="ZZ99 3AB", age=27)
    )
    session.add_all([plan, appendix])
    session.flush()
    return plan


def export_update(plan: Plan) -> bytes:
    """A stand-in for the delivery-plan exporter: a cover page, then every action with its latest commentary."""
    lines = []
    for objective in plan.objectives:
        for priority in objective.priorities:
            for action in priority.actions:
                lines += [f"{action.code} {action.text}", f"Commentary: {action.updates[-1].commentary}"]
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setTitle(plan.title)
    c.drawString(72, 760, plan.title)
    c.showPage()
    for n, line in enumerate(lines):
        c.drawString(72, 760 - 14 * n, line)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_commentary_naming_a_subject_blocks_the_export(session: Session, tmp_path: Path) -> None:
    plan = plan_with_commentary(session, "Housing officer met Demo Subject 07 about a tenancy.")
    target = tmp_path / "update.pdf"
    with pytest.raises(DisclosureBlocked) as caught:
        write_checked(target, export_update(plan), "pdf", identifiers_for(session))
    message = str(caught.value)
    assert message.startswith("Export stopped: a subject's name (D\u2026 S\u2026 0\u2026) was found on page 2")
    assert "Commentary" in message
    assert NAME not in message
    assert not target.exists()


def test_commentary_with_a_pnc_id_not_in_the_store_blocks_the_export(session: Session, tmp_path: Path) -> None:
    plan = plan_with_commentary(session, "Referred, PNC 14/123456K, to IOM.")
    target = tmp_path / "update.pdf"
    with pytest.raises(DisclosureBlocked) as caught:
        write_checked(target, export_update(plan), "pdf", identifiers_for(session))
    assert "a PNC ID (14/1\u2026K) was found on page 2" in str(caught.value)
    assert "123456" not in str(caught.value)
    assert not target.exists()


def test_clean_commentary_exports(session: Session, tmp_path: Path) -> None:
    plan = plan_with_commentary(session, "Two tenancies sustained this quarter.")
    target = tmp_path / "update.pdf"
    write_checked(target, export_update(plan), "pdf", identifiers_for(session))
    assert PdfReader(target).pages[1].extract_text().startswith("2.2")


def test_identifiers_for_loads_every_subject(session: Session) -> None:
    plan_with_commentary(session, "")
    ids = identifiers_for(session, allowed=["TS24 8AY"])
    assert ids.names == {NAME}
    assert ids.pnc_ids == {PNC}
    assert ids.dates_of_birth == {dt.date(1987, 3, 4)}
    assert ids.postcodes == {"ZZ99 3AB"}
    assert ids.allowed == {"TS24 8AY"}
    assert NAME not in repr(ids)


# --- XLSX, CSV, DOCX ---------------------------------------------------------------------------------------------


def xlsx(build: object = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Plan"
    ws.append(["Code", "Action", "RAG"])
    ws.append(["2.2", "Improve access to accommodation", "Amber"])
    if build is not None:
        build(wb)  # type: ignore[operator]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def hidden_sheet(wb: Workbook) -> None:
    sheet = wb.create_sheet("Lookup")
    sheet["A1"] = NAME
    sheet.sheet_state = "hidden"


def very_hidden_dob(wb: Workbook) -> None:
    sheet = wb.create_sheet("Data")
    sheet["B7"] = dt.date(1987, 3, 4)
    sheet.sheet_state = "veryHidden"


def comment(wb: Workbook) -> None:
    wb["Plan"]["B2"].comment = Comment(f"PNC {PNC}", "coordinator")


def defined_name(wb: Workbook) -> None:
    wb.defined_names["Subject"] = DefinedName("Subject", attr_text=f'"{NAME}"')


def properties(wb: Workbook) -> None:
    wb.properties.title = f"Profile {NAME}"


@pytest.mark.parametrize(
    ("build", "where"),
    [
        (hidden_sheet, "sheet \u201cLookup\u201d, a hidden sheet, cell A1"),
        (very_hidden_dob, "sheet \u201cData\u201d, a veryHidden sheet, cell B7"),
        (comment, "comment on sheet \u201cPlan\u201d"),
        (defined_name, "defined name"),
        (properties, "document properties (title)"),
    ],
    ids=["hidden-sheet", "very-hidden-date", "comment", "defined-name", "properties"],
)
def test_identifier_anywhere_in_an_xlsx_is_caught(tmp_path: Path, build: object, where: str) -> None:
    target = tmp_path / "plan.xlsx"
    with pytest.raises(ExportBlocked) as caught:
        write_checked(target, xlsx(build), "xlsx", IDS)
    assert where in str(caught.value)
    assert not target.exists()


def test_clean_xlsx_passes(tmp_path: Path) -> None:
    data = xlsx()
    write_checked(tmp_path / "plan.xlsx", data, "xlsx", IDS)
    assert (tmp_path / "plan.xlsx").read_bytes() == data


def test_csv_is_checked_cell_by_cell_and_across_split_name_columns(tmp_path: Path) -> None:
    assert blocked(b"code,commentary\n2.2,clean\n", "csv") == []
    (finding,) = blocked(f"code,commentary\n2.2,PNC {PNC}\n".encode(), "csv")
    assert "in row 2, column 2" in finding
    (split,) = blocked(b"forename,surname\nDemo,Subject 07\n", "csv")
    assert "in row 2" in split
    assert blocked("code,commentary\n2.2,caf\u00e9 Demo Subject 07\n".encode("cp1252"), "csv")


def docx_bytes(body: str = "Delivery plan", header: str = "", author: str = "") -> bytes:
    document = docx.Document()
    document.add_paragraph(body)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "2.2"
    table.cell(0, 1).text = "Amber"
    if header:
        document.sections[0].header.paragraphs[0].text = header
    if author:
        document.core_properties.author = author
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_docx_body_header_and_properties_are_checked() -> None:
    assert blocked(docx_bytes(), "docx") == []
    assert "in paragraph 1" in blocked(docx_bytes(body=f"Met {NAME}"), "docx")[0]
    assert "header of section 1" in blocked(docx_bytes(header=f"PNC {PNC}"), "docx")[0]
    assert "document properties (author)" in blocked(docx_bytes(author=NAME), "docx")[0]


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        check_output(b"", "odt", IDS)  # type: ignore[arg-type]  # (HTML has its own check since issue #16)
