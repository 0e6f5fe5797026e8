"""Published documents are tagged PDF (PDF/UA-1): checked on the demonstration's own update, appendix and pack,
signed as they are published, with the tools a council's web team would use (pdfinfo, pdffonts, pdfsig, a PDF/UA
checker) and by reading the structure back."""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from pdf_ua import elements, marked_ids, owns, parent_tree, pdfinfo_tagged, roles, ua_errors, unembedded_fonts
from report_fixtures import make_appendices, make_snapshot, require_tool
from reportlab.lib.pagesizes import A4
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
from sqlalchemy import select

from desktop.models import Meeting, Partnership, Person, Plan
from desktop.reports.agenda_pack import PackOptions, export_agenda_pack
from desktop.reports.delivery_update import UpdateOptions, build_delivery_update
from desktop.reports.publish import PublishOptions, publish_update
from desktop.reports.signing import verify_pdf
from desktop.reports.styles import HEADER_FILL, styles
from desktop.reports.tagging import tagged
from desktop.services import signing_setup
from desktop.services.actor import Actor
from desktop.services.queries import find_period
from desktop.store import Store

PASSPHRASE = "test passphrase: Tees Valley 2015"  # as tests/conftest.py


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Iterator[dict[str, Any]]:
    """The demonstration's documents as a coordinator and a clerk publish them: signed."""
    folder = tmp_path_factory.mktemp("published")
    store_path = folder / "demo.pathways"
    store_path.write_bytes(demo_template.read_bytes())
    actor = Actor(None, "test")
    out: dict[str, Any] = {}
    with Store.open(store_path, PASSPHRASE) as store, store.session() as session:
        durham = session.scalars(select(Plan).where(Plan.title.contains("Durham"))).one()
        hartlepool = session.scalars(select(Plan).where(Plan.title.contains("Hartlepool"))).one()
        signer = session.scalars(select(Person).where(Person.job_title == "Community Safety Manager")).first()
        period = find_period(session, durham.id, "2015/16 Q3")
        publish_update(session, actor, period, folder / "update.pdf",
                       PublishOptions(signer_id=signer.id if signer else None), html_out=folder / "update.html")
        period = find_period(session, hartlepool.id, "latest-closed")
        publish_update(session, actor, period, folder / "appendix.pdf", PublishOptions(profile="partner"))
        meeting = session.scalars(select(Meeting)).first()
        assert meeting is not None
        out["pack"] = export_agenda_pack(session, meeting, folder / "pack.pdf", actor=actor,
                                         html_out=folder / "agenda.html")
        out["pack_b"] = export_agenda_pack(session, meeting, folder / "pack-b.pdf", PackOptions(part="B"),
                                           actor=actor)
        roots = {p.name: signing_setup.root_pem(session, p) for p in session.scalars(select(Partnership))}
        session.commit()
    out.update(folder=folder, roots=list(roots.values()))
    yield out


DOCUMENTS = ("update.pdf", "appendix.pdf", "pack.pdf")


@pytest.mark.parametrize("name", DOCUMENTS)
def test_each_document_is_tagged_with_no_checker_errors_and_all_fonts_embedded(published: dict[str, Any],
                                                                                name: str) -> None:
    pdf = (published["folder"] / name).read_bytes()
    assert pdfinfo_tagged(pdf) == "yes"
    assert ua_errors(pdf) == []
    assert unembedded_fonts(pdf) == []


@pytest.mark.parametrize("name", DOCUMENTS)
def test_signatures_stay_valid_for_pathways_and_pdfsig(published: dict[str, Any], name: str) -> None:
    path = published["folder"] / name
    assert any(verify_pdf(path.read_bytes(), [root]).ok for root in published["roots"])
    result = subprocess.run([require_tool("pdfsig"), str(path)], capture_output=True, text=True)
    assert "Signature Validation: Signature is Valid." in result.stdout


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_visible_signature_is_a_described_form_field_in_the_structure(published: dict[str, Any],
                                                                          name: str) -> None:
    with pikepdf.open(published["folder"] / name) as pdf:
        widget = next(a for a in pdf.pages[0].Annots if a.get("/FT") == "/Sig")
        assert str(widget.TU).startswith("Digital signature of ")
        form = parent_tree(pdf)[int(widget.StructParent)]
        assert form.S == "/Form" and form.K.Type == "/OBJR" and form.K.Obj.objgen == widget.objgen
        assert any(e.objgen == form.objgen for _, e in elements(pdf))


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_page_has_structure_tab_order_and_every_marked_sequence_has_its_owner(
    published: dict[str, Any], name: str
) -> None:
    with pikepdf.open(published["folder"] / name) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        xmp = bytes(pdf.Root.Metadata.read_bytes()).decode("utf-8")
        assert re.search(r'pdfuaid:part(>|=")1\b', xmp) and "dc:title" in xmp  # element or attribute form
        tree = parent_tree(pdf)
        for page in pdf.pages:
            assert page.Tabs == "/S"
            ids = marked_ids(page)
            if not ids:
                continue
            owners = tree[int(page.StructParents)]
            assert sorted(ids) == list(range(len(owners)))
            assert all(owns(owners[mcid], mcid) for mcid in ids)


def test_update_structure_reads_in_order_with_headings_tables_lists_and_described_charts(
    published: dict[str, Any],
) -> None:
    with pikepdf.open(published["folder"] / "update.pdf") as pdf:
        counts = roles(pdf)
        assert counts["/H1"] >= 5 and counts["/Table"] >= 5 and counts["/L"] >= 1 and counts["/Figure"] >= 2
        level = 0
        for _, element in elements(pdf):
            role = str(element.S)
            if role[1:2] == "H" and role[2:].isdigit():
                assert int(role[2:]) <= level + 1, "a heading level is skipped"
                level = int(role[2:])
            if role == "/Figure":
                alt = str(element.Alt)
                assert alt.endswith(".") and any(ch.isdigit() for ch in alt), alt
            if role == "/TH":
                assert str(element.A.Scope) in ("/Column", "/Row")
        headings = [pdf_text(pdf, e) for _, e in elements(pdf) if str(e.S) == "/H1"]
    assert any("Summary" in h for h in headings) and any("Exceptions" in h for h in headings)


def pdf_text(pdf: pikepdf.Pdf, element: pikepdf.Dictionary) -> str:
    """The text a heading's marked content shows (good enough for headings drawn in one text object)."""
    page = pikepdf.Page(element.Pg)
    wanted = {int(k) for k in (element.K if isinstance(element.K, pikepdf.Array) else [element.K])
              if not isinstance(k, pikepdf.Dictionary)}
    text, inside = [], None
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
            inside = int(operands[1].MCID)
        elif op == "EMC":
            inside = None
        elif op == "Tj" and inside in wanted:
            text.append(bytes(operands[0]).decode("latin-1"))
    return "".join(text)


def test_packs_name_their_untagged_papers_and_keep_their_own_pages_tagged(published: dict[str, Any]) -> None:
    assert not any("not a tagged PDF" in w for w in published["pack"].warnings)
    warnings = [w for w in published["pack_b"].warnings if "not a tagged PDF" in w]
    assert len(warnings) == 1 and "Review action plan" in warnings[0]
    pdf = (published["folder"] / "pack-b.pdf").read_bytes()
    assert pdfinfo_tagged(pdf) == "yes"
    untagged_pages = {int(e.split()[2].rstrip(":")) for e in ua_errors(pdf) if e.startswith("UA-01-003")}
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        parts = [e for depth, e in elements(opened) if depth == 1 and str(e.S) == "/Part"]
        titles = [str(p.T) for p in parts]
    assert titles and "Review action plan" not in " ".join(titles)  # the paper has no structure to graft
    assert untagged_pages and 1 not in untagged_pages and 2 not in untagged_pages  # the front sheet is tagged


def test_a_table_carried_over_pages_is_one_table_with_its_header_read_once() -> None:
    s = styles()
    rows = [[Paragraph(h, s.cell_head) for h in ("Ref", "Action", "Lead")]]
    rows += [[Paragraph(f"A{n}", s.cell), Paragraph(f"Action number {n}", s.cell), Paragraph("Lead", s.cell)]
             for n in range(150)]
    table = Table(rows, repeatRows=1, style=TableStyle([("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL)]))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, lang="en-GB", title="t").build([table], canvasmaker=tagged())
    with pikepdf.open(io.BytesIO(buffer.getvalue())) as pdf:
        assert len(pdf.pages) > 2
        counts = roles(pdf)
    assert counts["/Table"] == 1 and counts["/TR"] == 151 and counts["/TH"] == 3 and counts["/TD"] == 450
    assert ua_errors(buffer.getvalue()) == []


def test_heading_levels_never_skip_even_when_the_layout_does() -> None:
    s = styles()
    buffer = io.BytesIO()
    story = [Paragraph("Key", s.h1), Paragraph("How long Red", s.h3), Paragraph("text", s.body)]
    SimpleDocTemplate(buffer, pagesize=A4, lang="en-GB", title="t").build(story, canvasmaker=tagged())
    with pikepdf.open(io.BytesIO(buffer.getvalue())) as pdf:
        assert [str(e.S) for _, e in elements(pdf)] == ["/Document", "/H1", "/H2", "/P"]


def test_an_untagged_build_has_no_structure_so_the_check_can_fail() -> None:
    """The checker is not a formality: the same update without the tagging layer fails it."""
    from desktop.reports import tagging

    tagging.set_enabled(False)
    try:
        pdf = build_delivery_update(make_snapshot(8), UpdateOptions(), make_appendices())
    finally:
        tagging.set_enabled(True)
    assert pdfinfo_tagged(pdf) == "no"
    assert any(e.startswith("UA-01-005") for e in ua_errors(pdf))


def test_the_trust_guide_recipients_are_sent_is_tagged_too(pki_root: Any) -> None:
    from desktop.reports.trust_guide import build_trust_guide

    pdf = build_trust_guide("Safe Durham Partnership", pki_root.certificate_pem, contact="Community Safety Team")
    assert pdfinfo_tagged(pdf) == "yes" and ua_errors(pdf) == [] and unembedded_fonts(pdf) == []
